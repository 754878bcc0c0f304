/**
 * The convergence test kit: checks a resolver — yours or a built-in — on three real peers (A, B, C, priorities 3, 2
 * and 1) over jqwik-generated histories of concurrent writes and random, partial, duplicated and reordered
 * deliveries, and reports whether every peer ends with the same rows and whether the resolver answered the same
 * conflict the same way every time (no wall clock, no randomness). Users depend on this module's {@code tests}
 * artifact and write a jqwik property: {@link dev.converge.resolvers.testkit.ConvergenceCheck} is the entry point,
 * {@link dev.converge.resolvers.testkit.Report} what a run found, and jqwik shrinks a failing history to a short
 * script. {@link dev.converge.resolvers.testkit.ExpectDivergence} turns a property around, for a resolver documented
 * not to converge. The histories and the peers come from {@code converge-core}'s test kit
 * ({@code dev.converge.testkit.Workloads}, {@code WorkloadRunner}), which the project's own properties use too.
 */
package dev.converge.resolvers.testkit;
