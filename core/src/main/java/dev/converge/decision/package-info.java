/**
 * Manual decisions on conflicts: what the workbench, the command line and the scenario runner's {@code resolve} step
 * are built on. Public API.
 *
 * <p>{@link dev.converge.decision.Decisions} (reached through {@code Node.decisions()}) shows a conflict as it stands
 * now ({@link dev.converge.decision.Review}) and carries out a person's {@link dev.converge.decision.Decision}: a new
 * local transaction at this node that sets the row to the decided image, marked as a decision so that it replicates like
 * any write and wins on every peer whatever the table's resolver ({@link dev.converge.decision.DecisionRule}); the
 * records of the same conflict ({@link dev.converge.decision.ConflictIdentity}) become {@code resolved-by-hand} here
 * and, when the decision arrives, on every other peer ({@link dev.converge.decision.DecisionAudit}). A decision on a
 * row that changed since the person looked is refused ({@link dev.converge.decision.DecisionResult.Refused}).
 *
 * <p>{@link dev.converge.decision.DecisionMarks} and {@link dev.converge.decision.DecisionAudit} are the engine's hooks
 * (sequencer and apply); they are public for the engine's packages, not for applications.
 */
package dev.converge.decision;
