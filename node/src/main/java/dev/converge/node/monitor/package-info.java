/**
 * Monitoring a running node: {@code /health}, {@code /status} and {@code /metrics} ({@link
 * dev.converge.node.monitor.Monitor}), the status as a value ({@link dev.converge.node.monitor.NodeStatus}) and the
 * Micrometer meters ({@link dev.converge.node.monitor.NodeMetrics}). Reads the node and its links; changes nothing.
 */
package dev.converge.node.monitor;
