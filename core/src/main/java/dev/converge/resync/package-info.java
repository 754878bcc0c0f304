/**
 * Resync: loading a consistent snapshot of a peer into this node, for a node that was away too long, lost its data, or
 * joins a running mesh.
 *
 * <p>The source side ({@link dev.converge.resync.SnapshotSource}) reads everything in one read-only snapshot
 * transaction and hands it out in pages: a {@link dev.converge.resync.SnapshotHeader} (what the source had applied of
 * every origin, its own last sequence, its clock), then per table the live rows with their versions and the
 * tombstones, then the ChangeSets it had stored but not applied yet. The target side ({@code apply.SnapshotApply},
 * driven by {@link dev.converge.resync.SnapshotLoad}) merges each page under the same causal rules as apply: a row the
 * target already holds a causally later version of is kept, a row whose local writes the source had all applied is
 * taken with its version, and a row both changed concurrently is a conflict decided by the table's resolver and
 * recorded. At the end the target's watermarks rise to the source's, so replication continues from exactly the
 * snapshot's position: what came before it is in the snapshot, what comes after it arrives as usual, and a ChangeSet
 * that arrives again is recognised as applied.
 */
package dev.converge.resync;
