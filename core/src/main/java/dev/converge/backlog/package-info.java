/**
 * How far a peer may fall behind, and what happens when it falls further: the values of Converge's public API for
 * peers that stay away too long and peers that leave for good.
 *
 * <ul>
 *   <li>{@link dev.converge.backlog.BacklogLimit}: the bound, in captured rows and/or in age, past which a peer is
 *       marked for resync (the seed's rule: a target down too long is taken out and later reloaded in full).</li>
 *   <li>{@link dev.converge.backlog.ResyncMark}: such a mark — who marked whom, since when, why — and the advice a
 *       person needs ({@code on C run converge resync --from A}).</li>
 *   <li>{@link dev.converge.backlog.PeerStanding}: where a peer stands with this node: marked by it, marked it, or
 *       removed from the mesh.</li>
 * </ul>
 *
 * <p>A marked or removed peer holds nothing back: this node stops keeping ChangeSets and tombstones for it (see
 * {@code dev.converge.queue.History}), and no longer sends to it. A marked peer may still deliver its own unsent
 * ChangeSets, which are applied as any others, and is told that it is marked. Values only; immutable, thread-safe.
 */
package dev.converge.backlog;
