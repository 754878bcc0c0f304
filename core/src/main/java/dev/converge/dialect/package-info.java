/**
 * Which database a connection talks to ({@link dev.converge.dialect.Dialect}), and what kind of failure a database
 * error is ({@link dev.converge.dialect.SqlFailures}: transient or not), and savepoints that do not pile up on H2
 * ({@link dev.converge.dialect.Savepoints}). Scratch databases for tests live in the {@code scratch-db} module.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.dialect;
