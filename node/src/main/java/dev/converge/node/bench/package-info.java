/**
 * Benchmarks that print figures and ratios (never timed tests): the cost of capture against the database's own write
 * rate, and end-to-end replication between two real peers.
 */
package dev.converge.node.bench;
