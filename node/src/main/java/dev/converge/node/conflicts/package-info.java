/**
 * The command line's side of the workbench: {@link dev.converge.node.conflicts.WorkbenchClient} calls a running node's
 * workbench JSON API and {@link dev.converge.node.conflicts.ConflictText} prints its answers for a terminal; what
 * {@code converge conflicts list|show|resolve} is made of.
 */
package dev.converge.node.conflicts;
