/**
 * Conflict review and manual resolution for the people who look after a node's data:
 * {@link dev.converge.workbench.Workbench} adds the workbench's routes to the node's HTTP server — the JSON API
 * ({@code api}) and the web pages — once the node's configuration lists workbench users ({@code user}). Decisions
 * themselves are the core's {@code dev.converge.decision} service; the conflict list is the core's
 * {@code dev.converge.conflict.ConflictQuery}.
 */
package dev.converge.workbench;
