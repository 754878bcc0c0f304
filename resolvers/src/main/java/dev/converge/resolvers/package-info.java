/**
 * The built-in conflict resolution rules beyond {@code timestamp} (earliest, site-priority, keep-local, apply-remote,
 * delete-wins, column-merge, delta, manual, ignore), the custom-procedure SPI (Java classes registered through
 * {@code ServiceLoader}, and SQL functions in the database) and a test kit that checks a custom resolver for
 * convergence. Arrives with the resolvers issue; today the core ships {@code timestamp} only.
 */
package dev.converge.resolvers;
