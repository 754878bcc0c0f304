/**
 * A node's replication status, wherever it comes from: {@link dev.converge.node.status.StatusSource} is the question,
 * {@link dev.converge.node.status.DatabaseStatusSource} answers it from the database of a stopped node (a running
 * node's HTTP endpoint will be another source), and {@link dev.converge.node.status.StatusReport} prints an answer.
 */
package dev.converge.node.status;
