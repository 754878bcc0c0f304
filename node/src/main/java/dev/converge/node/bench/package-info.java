/**
 * Benchmarks that print figures and ratios (never timed tests), behind {@code converge bench}:
 * {@link dev.converge.node.bench.ReplicationBenchmark} (workload W raw, with capture, end to end split into stages,
 * optionally beside PostgreSQL's native logical replication and with a share written on both peers),
 * {@link dev.converge.node.bench.RateBenchmark} (lag at a steady rate) and
 * {@link dev.converge.node.bench.OltpBenchmark} (pgbench-like small transactions on several peers). Everything is
 * measured from outside core, through {@code Node}'s public calls and a timing transport; every run compares the
 * peers' rows and fails rather than print a figure from a run that did not converge.
 */
package dev.converge.node.bench;
