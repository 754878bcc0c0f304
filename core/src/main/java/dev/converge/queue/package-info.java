/**
 * The stable queues. {@link dev.converge.queue.OutboundQueue}: the captured row operations of committed local
 * transactions, put in commit order (each transaction gets the next per-origin sequence exactly once, even one that
 * started before and committed after another), evaluated to their net effect and handed out per peer until that peer
 * acknowledges them; then purged. {@link dev.converge.queue.InboundQueue}: ChangeSets received from peers, stored
 * before they are acknowledged, and held until it is their turn and their causal dependencies are applied.
 * {@link dev.converge.queue.History}: trims the outbox, the applied log and the tombstones as replication goes, each
 * purge reading only what came since the last.
 * {@link dev.converge.queue.SequenceCatchUp}: how a node restored from a backup moves its sequence past what its peers
 * have seen.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.queue;
