/**
 * The built-in conflict resolution rules beyond the core's {@code timestamp}: {@code earliest}, {@code site-priority},
 * {@code keep-local}, {@code apply-remote}, {@code delete-wins}, {@code column-merge}, {@code delta}, {@code manual}
 * and {@code ignore}, each one class, registered through {@code ServiceLoader}
 * ({@code META-INF/services/dev.converge.conflict.ConflictResolver}) so that a node finds them by name when this module
 * is on its class path; the core does not depend on this module. What each guarantees is in the README's table of
 * resolvers. Every class here is stateless or immutable, and thread-safe. {@code sql-function}, which decides in the
 * database, is in {@code dev.converge.resolvers.sql}; the convergence test kit that checks any resolver is in this
 * module's test-jar ({@code dev.converge.resolvers.testkit}).
 */
package dev.converge.resolvers;
