/**
 * Conflicts as data: what the apply engine hands a resolver ({@link dev.converge.conflict.Conflict}), what a
 * resolver answers ({@link dev.converge.conflict.Resolution}), the resolver SPI
 * ({@link dev.converge.conflict.ConflictResolver}, found by name in the {@link dev.converge.conflict.ResolverRegistry}),
 * the built-in {@code timestamp} rule, and the conflict records kept in the detecting node's database
 * ({@link dev.converge.conflict.ConflictStore}) that the workbench reads. Detection itself happens in
 * {@code dev.converge.apply.ApplyEngine}.
 */
package dev.converge.conflict;
