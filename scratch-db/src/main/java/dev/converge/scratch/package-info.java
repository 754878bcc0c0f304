/**
 * Scratch databases for tests, the scenario runner ({@code converge spec}) and the benchmark ({@code converge bench}):
 * {@link dev.converge.scratch.ScratchDatabase} gives a fresh, empty H2 or PostgreSQL database;
 * {@link dev.converge.scratch.PostgresServer} provisions PostgreSQL databases on the server named by
 * {@code CONVERGE_PG_URL} or on an embedded one ({@link dev.converge.scratch.EmbeddedServer}, from Maven Central).
 * A module of its own so that the engine ({@code core}) carries no test scaffolding; main scope, because
 * {@code spec} and {@code bench} need it at run time.
 */
package dev.converge.scratch;
