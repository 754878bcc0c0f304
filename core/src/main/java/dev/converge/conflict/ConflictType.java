package dev.converge.conflict;

/** What an applying node found; the words are the scenario format's. */
public enum ConflictType {
    INSERT_EXISTS("insert-exists"),
    UPDATE_MISSING_ROW("update-missing-row"),
    DELETE_MISSING_ROW("delete-missing-row"),
    UPDATE_CHANGED_ROW("update-changed-row"),
    DELETE_CHANGED_ROW("delete-changed-row"),
    CONSTRAINT("constraint"),
    TRANSACTION("transaction"),
    /**
     * Applying failed for a reason no resolver decides: a resolver that threw or answered nothing, an SQL error the
     * engine did not expect, a deferred constraint failing at commit. The row (or the whole ChangeSet) is left out and
     * parked with the error; the origin's later ChangeSets go on. An extension of the scenario format's vocabulary.
     */
    ERROR("error");

    private final String word;

    ConflictType(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /**
     * Whether a resolver is asked about conflicts of this type, so that a rule may be chosen for it: the five between
     * two writes of one row, and {@code constraint} (two rows colliding on a unique value). A {@code transaction}
     * conflict is the record of rows that lost, an {@code error} what no resolver decides.
     */
    public boolean decidedByResolvers() {
        return this != TRANSACTION && this != ERROR;
    }

    /** The types {@link #decidedByResolvers()}, in declaration order. */
    public static java.util.List<ConflictType> decidable() {
        return java.util.Arrays.stream(values()).filter(ConflictType::decidedByResolvers).toList();
    }

    public static ConflictType parse(String word) {
        for (ConflictType t : values()) {
            if (t.word.equals(word)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown conflict type '" + word + "' (known: "
            + java.util.Arrays.stream(values()).map(ConflictType::word).collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
}
