/**
 * Shadow tables: for every replicated table one {@code cv_shadow_<table>} keyed like the table itself, holding the
 * current version of every row that Converge has seen written (its hybrid timestamp, origin node and either the
 * origin's ChangeSet sequence or the local transaction that wrote it) and, for a deleted row, the deleted image.
 * Late updates and deletes are judged against it; tombstones are purged once every peer has applied their delete
 * and a grace period has passed, incrementally: by origin and sequence, and by timestamp, each over a range of its own
 * index. Written and read through jOOQ with the database's own dialect; the engine (module {@code core}) decides what
 * to write and what to purge, this package only knows how.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.shadow;
