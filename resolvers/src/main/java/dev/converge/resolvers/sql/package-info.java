/**
 * {@code sql-function}: conflicts decided by a function the user wrote in the node's database — PL/pgSQL on
 * PostgreSQL, a Java function alias ({@code CREATE ALIAS}) on H2 — named in the configuration
 * ({@code {name: sql-function, function: resolve_stock}}). The function gets the conflict as one JSON text
 * ({@link dev.converge.resolvers.sql.ConflictJson}) and answers a decision as JSON ({@link dev.converge.resolvers.sql.Answer});
 * it runs in the apply transaction, under a savepoint that is always rolled back, so it sees the data and leaves
 * nothing behind. Only {@link dev.converge.resolvers.sql.SqlFunctionResolver} is public; it is registered through
 * {@code ServiceLoader} with the other built-ins.
 */
package dev.converge.resolvers.sql;
