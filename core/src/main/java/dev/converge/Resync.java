package dev.converge;

import static dev.converge.install.MetaTables.*;

import dev.converge.apply.SnapshotApply;
import dev.converge.catalog.BoundTable;
import dev.converge.model.ChangeSet;
import dev.converge.model.MalformedChangeSetException;
import dev.converge.model.NodeId;
import dev.converge.model.RowKey;
import dev.converge.queue.InboundQueue;
import dev.converge.resync.ResyncProgress;
import dev.converge.resync.ResyncReport;
import dev.converge.resync.SnapshotFeed;
import dev.converge.resync.SnapshotHeader;
import dev.converge.resync.SnapshotPage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Loads a peer's snapshot into this node (the target side of {@code resync --from PEER}, see {@link
 * dev.converge.resync}): each table's live rows, parents first, then the tombstones, children first, then the rows only
 * this node holds (in tables that held rows before the load), each page merged in an apply transaction of its own ({@link SnapshotApply}); then the ChangeSets the
 * source stored but had not applied; last, in one transaction, the watermarks move to the snapshot's position.
 *
 * <p>Memory holds one page. Until the last step nothing says the snapshot was loaded, so a resync cut short by a crash
 * or a lost peer is simply run again: a page merged twice changes nothing the second time.
 *
 * <p>Confined to the caller's thread; blocking.
 */
final class Resync {
    static final int PAGE = 1000;

    private final NodeId self;
    private final PeerLedger peers;
    private final Transactions tx;
    private final Binding binding;

    Resync(NodeId self, PeerLedger peers, Transactions tx, Binding binding) {
        this.self = self;
        this.peers = peers;
        this.tx = tx;
        this.binding = binding;
    }

    ResyncReport load(SnapshotFeed feed, ResyncProgress progress) {
        SnapshotHeader header = feed.header();
        peers.requirePeer(header.source());
        Binding.Bound bound = binding.follow();
        List<String> tables = tablesOf(header, bound.tables());
        SnapshotApply target = bound.engine().snapshots();
        // a table empty before the load holds afterwards only snapshot rows and local writes made since: no orphans
        Set<String> hadRows = new HashSet<>();
        for (BoundTable t : bound.tables()) {
            if (tx.local(ctx -> ctx.fetchExists(t.table()))) {
                hadRows.add(t.name());
            }
        }
        SnapshotApply.Merged merged = SnapshotApply.Merged.NONE;
        long handled = 0;
        for (String table : tables) {
            Optional<RowKey> after = Optional.empty();
            do {
                SnapshotPage page = feed.rows(table, after, PAGE);
                merged = merged.plus(tx.applying((c, ctx) -> target.merge(c, ctx, table, page.rows(), header)));
                handled += page.rows().size();
                progress.handled("rows", table, handled);
                after = page.next();
            } while (after.isPresent());
        }
        List<String> childrenFirst = new ArrayList<>(tables);
        Collections.reverse(childrenFirst);
        for (String table : childrenFirst) {
            Optional<RowKey> after = Optional.empty();
            do {
                SnapshotPage page = feed.tombstones(table, after, PAGE);
                merged = merged.plus(tx.applying((c, ctx) -> target.merge(c, ctx, table, page.rows(), header)));
                handled += page.rows().size();
                progress.handled("tombstones", table, handled);
                after = page.next();
            } while (after.isPresent());
        }
        int[] removed = {0};
        for (String table : childrenFirst) {
            if (!hadRows.contains(table)) {
                continue;
            }
            Optional<RowKey> after = Optional.empty();
            while (true) {
                // read and ask outside the apply transaction: the source may be slow to answer, and nothing is locked meanwhile
                Optional<RowKey> from = after;
                List<RowKey> keys = tx.local(ctx -> target.keyPage(ctx, table, from, PAGE));
                if (keys.isEmpty()) {
                    break;
                }
                Set<RowKey> theirs = feed.known(table, keys);
                List<RowKey> unknown = keys.stream().filter(k -> !theirs.contains(k)).toList();
                tx.applying((c, ctx) -> {
                    target.removeOrphans(c, ctx, table, unknown, header, removed);
                    return null;
                });
                progress.handled("orphans", table, handled);
                if (keys.size() < PAGE) {
                    break;
                }
                after = Optional.of(keys.get(keys.size() - 1));
            }
        }
        long stored = storeInbox(feed, progress);
        List<NodeId> moved = tx.applying((c, ctx) -> target.advance(ctx, header));
        return new ResyncReport(header.source(), header.sequence(), merged.taken(), merged.kept(), merged.resolved(), merged.conflicts(),
            removed[0], stored, moved);
    }

    /** The replicated tables in the snapshot's order, refused if the source replicates other tables than this node. */
    private static List<String> tablesOf(SnapshotHeader header, List<BoundTable> bound) {
        Set<String> mine = new HashSet<>();
        bound.forEach(t -> mine.add(t.name()));
        Set<String> theirs = new HashSet<>(header.tables());
        if (!mine.equals(theirs)) {
            Set<String> onlyMine = new java.util.TreeSet<>(mine);
            onlyMine.removeAll(theirs);
            Set<String> onlyTheirs = new java.util.TreeSet<>(theirs);
            onlyTheirs.removeAll(mine);
            throw new MalformedChangeSetException("the snapshot of " + header.source() + " does not replicate the same tables: only here "
                + onlyMine + ", only there " + onlyTheirs);
        }
        return header.tables();
    }

    /** Stores what the source had stored but not applied; applied here in its turn, once the watermarks moved. */
    private long storeInbox(SnapshotFeed feed, ResyncProgress progress) {
        InboundQueue inbox = new InboundQueue();
        long stored = 0;
        Optional<NodeId> origin = Optional.empty();
        long sequence = 0;
        while (true) {
            List<ChangeSet> page = feed.inbox(origin, sequence, PAGE);
            if (page.isEmpty()) {
                return stored;
            }
            stored += tx.local(ctx -> {
                int n = 0;
                for (ChangeSet cs : page) {
                    if (!cs.origin().equals(self) && inbox.store(ctx, cs, PeerLedger.watermark(ctx, cs.origin()))) {
                        n++;
                    }
                }
                return n;
            });
            ChangeSet last = page.get(page.size() - 1);
            origin = Optional.of(last.origin());
            sequence = last.sequence();
            progress.handled("inbox", "", stored);
        }
    }
}
