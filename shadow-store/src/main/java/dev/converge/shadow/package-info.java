/**
 * Shadow tables: for every replicated table one {@code cv_shadow_<table>} keyed like the table itself, holding the
 * current version of every row that Converge has seen written — the writes its content is made of, see
 * {@link dev.converge.shadow.RowVersion} — and, for a deleted row, the deleted image.
 * Late updates and deletes are judged against it; rows are purged once every peer has acknowledged everything
 * older than them (the purge horizon). Written and read through jOOQ with the database's own dialect. The engine
 * (module {@code core}) decides which version a row gets; this package knows how versions combine ({@code RowVersion},
 * pure) and how they are stored.
 */
package dev.converge.shadow;
