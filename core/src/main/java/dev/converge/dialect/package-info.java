/**
 * Which database a connection talks to ({@link dev.converge.dialect.Dialect}), and what kind of failure a database
 * error is ({@link dev.converge.dialect.SqlFailures}: transient or not). Scratch databases for tests live in the
 * {@code scratch-db} module.
 */
package dev.converge.dialect;
