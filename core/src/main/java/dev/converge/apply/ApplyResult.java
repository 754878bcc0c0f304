package dev.converge.apply;

/** What applying one ChangeSet did: rows written, conflicts recorded, whether a transaction-scoped loss rejected it whole. */
public record ApplyResult(int rowsWritten, int conflicts, boolean rejected) {
}
