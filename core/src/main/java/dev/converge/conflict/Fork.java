package dev.converge.conflict;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The writes each side of a conflict made since the two sides forked: those in the causal history of the local
 * content and not in the incoming write's ({@link #local}), and the other way round ({@link #remote}), the incoming
 * write itself included. Offered to resolvers that compare histories ({@link ConflictResolver#comparesHistories()}).
 *
 * <p>Why: a rule that judges only the two latest writes converges only if its order agrees with causality (the
 * {@code timestamp} rule). Judging by the best write since the fork — under any total order of writes — converges for
 * every order: the greatest element of the symmetric difference of two histories is the colexicographic order on
 * sets, a total order in which a write's successor is always greater, so every peer keeps the write whose history is
 * greatest among those it received, whatever the order they came in (see {@code
 * docs/design/converging-pick-resolvers.md}). Immutable.
 *
 * @param local the local side's writes since the fork; empty when the local row has no history (it was there before
 *     replication started)
 * @param remote the incoming side's writes since the fork, never empty (the incoming write is one)
 */
public record Fork(List<Written> local, List<Written> remote) {
    public Fork {
        local = List.copyOf(local);
        remote = List.copyOf(remote);
    }

    /** One write of a side: its stamp, whether it deleted the row, and its origin's priority (0 for no origin). */
    public record Written(Stamp stamp, boolean deleted, int priority) {
        public Written {
            Objects.requireNonNull(stamp);
        }
    }

    /**
     * Whether the incoming side holds the greatest write by {@code rank}, ties between writes broken by their stamps
     * (so the order is total). The side without writes since the fork — a local row from before replication — loses.
     */
    public boolean remoteWins(Comparator<Written> rank) {
        Comparator<Written> total = rank.thenComparing(Written::stamp);
        Optional<Written> bestLocal = local.stream().max(total);
        Optional<Written> bestRemote = remote.stream().max(total);
        if (bestLocal.isEmpty()) {
            return true;
        }
        return bestRemote.isPresent() && total.compare(bestRemote.get(), bestLocal.get()) > 0;
    }
}
