/**
 * Shadow tables: for every replicated table one {@code cv_shadow_<table>} keyed like the table itself, holding the
 * current version of every row that Converge has seen written — the writes its content is made of, see
 * {@link dev.converge.shadow.RowVersion} — and, for a deleted row, the deleted image.
 * Late updates and deletes are judged against it; tombstones are purged once every peer has applied their delete
 * and a grace period has passed, incrementally: by origin and sequence, and by timestamp, each over a range of its own
 * index. Written and read through jOOQ with the database's own dialect. The engine (module {@code core}) decides which
 * version a row gets and what to purge; this package knows how versions combine ({@code RowVersion}, pure) and how they
 * are stored.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.shadow;
