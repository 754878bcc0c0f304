/**
 * Which database a connection talks to ({@link dev.converge.dialect.Dialect}) and where databases come from:
 * {@link dev.converge.dialect.PostgresServer} provisions PostgreSQL databases on a configured or embedded server,
 * {@link dev.converge.dialect.ScratchDatabase} gives tests and the scenario runner a fresh, empty database of either
 * dialect.
 */
package dev.converge.dialect;
