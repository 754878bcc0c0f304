package dev.converge.conflict;

/** Whether a person still has to look at a conflict. */
public enum ConflictStatus {
    AUTO_RESOLVED("auto-resolved"),
    NEEDS_REVIEW("needs-review"),
    RESOLVED_BY_HAND("resolved-by-hand");

    private final String word;

    ConflictStatus(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static ConflictStatus parse(String word) {
        for (ConflictStatus s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown conflict status '" + word + "' (known: "
            + java.util.Arrays.stream(values()).map(ConflictStatus::word).collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
}
