package dev.converge.config;

/** How much of an incoming ChangeSet one losing row takes down with it. */
public enum ConflictScope {
    /** Each row is decided alone. */
    ROW,
    /** If any row of a ChangeSet loses, none of the ChangeSet is applied. */
    TRANSACTION;

    public static ConflictScope parse(String text) {
        for (ConflictScope s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown conflict scope '" + text + "' (expected row or transaction)");
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
