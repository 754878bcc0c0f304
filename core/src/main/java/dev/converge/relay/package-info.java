/**
 * Relaying other origins' ChangeSets: what lets survivors finish the work of a peer that left the mesh.
 *
 * <p>A node keeps every ChangeSet of another origin it applies ({@link dev.converge.relay.RelayStore}, table
 * {@code cv_relay}) until every other peer it still keeps is known to have applied it — from the dependencies of that
 * peer's ChangeSets and from its heartbeats, as tombstones are judged ({@code queue.History}). If the origin is removed
 * from the mesh ({@code converge peer remove}) while a survivor still lacks some of them, this node sends that survivor
 * what it keeps beyond the survivor's known watermark, as the origin's ChangeSets with this node as sender
 * ({@code Node.relayTo}); the receiver applies them exactly once by origin and sequence, so two survivors relaying at
 * once do no harm, and whatever waited on them applies.
 *
 * <p>The question a store and forward node (a hub) would ask is the same: {@code Node.retained(origin, after, limit)},
 * the ChangeSets of an origin after a sequence that this node keeps.
 */
package dev.converge.relay;
