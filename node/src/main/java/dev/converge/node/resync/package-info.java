/**
 * {@code converge resync --from PEER} over the network: a running node answers a peer's snapshot questions
 * ({@link dev.converge.node.resync.SnapshotAnswers}) from a snapshot it holds open for that peer, and the resyncing
 * node pulls it a page at a time ({@link dev.converge.node.resync.RemoteSnapshot}) over the authenticated peer link,
 * each answer signed like every other. The merge itself is the core's ({@code Node.resync}).
 */
package dev.converge.node.resync;
