/**
 * The data that travels between peers, by value: a {@link dev.converge.model.Change} (one row mutation with its
 * {@link dev.converge.model.RowImage}s and {@link dev.converge.model.RowKey}), a {@link dev.converge.model.ChangeSet}
 * (one committed source transaction after net-effect evaluation) and the identifiers that name them. Immutable records
 * with canonical values ({@link dev.converge.model.Values}), so that images read from different databases or back from
 * JSON compare equal and every other package can share them without copying or locking.
 */
package dev.converge.model;
