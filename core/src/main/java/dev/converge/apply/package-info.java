/**
 * Apply: one incoming ChangeSet in one database transaction, exactly once. Here conflicts are detected: each incoming
 * change is compared with the local row, its version and its shadow ({@link dev.converge.apply.Detection}); a change
 * whose local row was last written by something the change's origin had not seen (outside its causal past) is a
 * conflict and goes to the table's resolver. Rows are written in batches ({@link dev.converge.apply.RowWriter}); a
 * constraint failure isolates the failing rows and records them as {@code constraint} conflicts, never a half-applied
 * ChangeSet. The (origin, sequence) watermark is written in the same transaction as the rows.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.apply;
