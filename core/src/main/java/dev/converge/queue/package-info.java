/**
 * The stable queues. {@link dev.converge.queue.OutboundQueue}: the captured row operations of committed local
 * transactions, put in commit order (each transaction gets the next per-origin sequence exactly once, even one that
 * started before and committed after another), evaluated to their net effect and handed out per peer until that peer
 * acknowledges them; then purged. {@link dev.converge.queue.InboundQueue}: ChangeSets received from peers, stored
 * before they are acknowledged, and held until it is their turn and their causal dependencies are applied.
 * {@link dev.converge.queue.SequenceCatchUp}: how a node restored from a backup moves its sequence past what its peers
 * have seen.
 */
package dev.converge.queue;
