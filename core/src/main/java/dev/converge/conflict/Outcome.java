package dev.converge.conflict;

/** What became of a conflict; the words are the scenario format's. */
public enum Outcome {
    APPLIED_REMOTE("applied-remote"),
    KEPT_LOCAL("kept-local"),
    MERGED("merged"),
    PARKED("parked"),
    RESOLVED_BY_HAND("resolved-by-hand"),
    COMPENSATED("compensated");

    private final String word;

    Outcome(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static Outcome parse(String word) {
        for (Outcome o : values()) {
            if (o.word.equals(word)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + word + "'");
    }
}
