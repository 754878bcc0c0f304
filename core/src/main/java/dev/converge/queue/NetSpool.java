package dev.converge.queue;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.val;

import dev.converge.catalog.BoundTable;
import dev.converge.clock.HybridTimestamp;
import dev.converge.model.Change;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.neteffect.NetEffect;
import dev.converge.neteffect.RawChange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The net effect of a transaction too large to evaluate in memory, evaluated in the database instead
 * ({@code cv_outbox_net}), so that the memory a node needs never depends on the size of a transaction.
 *
 * <p><b>Why this works:</b> a row's net change depends only on the first and the last of its operations in the
 * transaction ({@link NetEffect#ofRow}). Spooling reads the captured rows a page at a time in capture order and keeps,
 * per table and row key, the first operation and the latest one (an upsert that replaces only the latest); a second
 * pass evaluates each row's net change a page at a time, records where it is applied (its anchor) and drops rows that
 * net to nothing. The changes are then read in apply order (anchor, then first appearance, as {@link NetEffect#of}
 * orders them) in parts of {@link #PART_CHANGES}.
 *
 * <p>Stateless apart from its configuration; thread-safe. Works in the caller's transaction.
 */
final class NetSpool {
    /** How many changes one part of a spooled transaction carries: what one ChangeSet of it holds in memory. */
    static final int PART_CHANGES = 10_000;

    /** Rows per statement when spooling and evaluating. */
    private static final int PAGE = 1_000;

    private final Map<String, BoundTable> tables;

    NetSpool(Map<String, BoundTable> tables) {
        this.tables = tables;
    }

    /**
     * Evaluates the net effect of transaction {@code txKey} (stamped {@code timestamp}) into the spool, handing its
     * changes to {@code evaluated} a page at a time (the sequencer writes their row versions), and records it as
     * spooled. Returns how many net changes it has.
     */
    long spool(DSLContext ctx, String txKey, HybridTimestamp timestamp, int outboxRowsPerPage, Consumer<List<Change>> evaluated) {
        gather(ctx, txKey, timestamp, outboxRowsPerPage);
        long rows = evaluate(ctx, txKey, timestamp, evaluated);
        ctx.insertInto(SPOOLED).columns(SPOOLED_TX, SPOOLED_ROWS).values(txKey, rows).execute();
        return rows;
    }

    /** Pass one: every row's first and latest operation, from the captured rows in capture order. */
    private void gather(DSLContext ctx, String txKey, HybridTimestamp timestamp, int outboxRowsPerPage) {
        SQLDialect d = ctx.dialect();
        long lastId = 0;
        long position = 0;
        long seen = 0;
        List<Field<?>> columns = List.of(SPOOL_TX, SPOOL_TABLE, SPOOL_KEY, SPOOL_SEEN, SPOOL_FIRST, SPOOL_LAST);
        // qualified conflict keys: H2's MERGE emulation otherwise finds the key columns ambiguous
        List<Field<?>> conflict = List.of(qualified(SPOOL_TX), qualified(SPOOL_TABLE), qualified(SPOOL_KEY));
        var upsert = ctx.insertInto(SPOOL, columns).values(columns.stream().<Field<?>>map(f -> val(null, f.getDataType())).toList())
            .onConflict(conflict).doUpdate().set(SPOOL_LAST, excluded(SPOOL_LAST));
        while (true) {
            var page = ctx.select(OUTBOX_ID, OUTBOX_TABLE, OUTBOX_OP, outboxBefore(d).cast(String.class), outboxAfter(d).cast(String.class),
                    outboxBeforeMatch(d).cast(String.class), outboxAfterMatch(d).cast(String.class))
                .from(OUTBOX).where(OUTBOX_TX.eq(txKey)).and(OUTBOX_ID.gt(lastId)).orderBy(OUTBOX_ID).limit(outboxRowsPerPage).fetch();
            if (page.isEmpty()) {
                return;
            }
            Map<Slot, Ends> rows = new LinkedHashMap<>();
            for (var r : page) {
                lastId = r.value1();
                BoundTable t = tables.get(r.value2());
                if (t == null) {
                    continue; // captured for a table this node does not replicate: never shipped (as in OutboundQueue)
                }
                CapturedStatement statement = new CapturedStatement(r.value2(), r.value3().trim(), timestamp.asLong(), r.value4(),
                    r.value5(), r.value6(), r.value7());
                List<RawChange> ops = statement.expand(position, t::canonical);
                position += ops.size();
                for (RawChange op : ops) {
                    for (RawChange part : NetEffect.perRow(op, t.spec())) {
                        Slot slot = new Slot(t.name(), hash(NetEffect.keyOf(part, t.spec())));
                        Ends known = rows.get(slot);
                        rows.put(slot, known == null ? new Ends(part, part, seen++) : new Ends(known.first(), part, known.seen()));
                    }
                }
            }
            var batch = ctx.batch(upsert);
            for (Map.Entry<Slot, Ends> e : rows.entrySet()) {
                Ends ends = e.getValue();
                batch = batch.bind(txKey, e.getKey().table(), e.getKey().key(), ends.seen(), text(ends.first()), text(ends.last()));
            }
            if (!rows.isEmpty()) {
                batch.execute();
            }
        }
    }

    /**
     * Pass two: each row's net change, a page of rows at a time in key order; rows that net to nothing are dropped, the
     * others get their anchor. Returns how many are left.
     */
    private long evaluate(DSLContext ctx, String txKey, HybridTimestamp timestamp, Consumer<List<Change>> evaluated) {
        String afterTable = "";
        String afterKey = "";
        long count = 0;
        var anchor = ctx.update(SPOOL).set(SPOOL_ANCHOR, (Long) null)
            .where(SPOOL_TX.eq((String) null)).and(SPOOL_TABLE.eq((String) null)).and(SPOOL_KEY.eq((String) null));
        var drop = ctx.deleteFrom(SPOOL).where(SPOOL_TX.eq((String) null)).and(SPOOL_TABLE.eq((String) null)).and(SPOOL_KEY.eq((String) null));
        while (true) {
            var page = ctx.select(SPOOL_TABLE, SPOOL_KEY, SPOOL_FIRST, SPOOL_LAST).from(SPOOL).where(SPOOL_TX.eq(txKey))
                .and(DSL.row(SPOOL_TABLE, SPOOL_KEY).gt(afterTable, afterKey))
                .orderBy(SPOOL_TABLE, SPOOL_KEY).limit(PAGE).fetch();
            if (page.isEmpty()) {
                return count;
            }
            var anchors = ctx.batch(anchor);
            var drops = ctx.batch(drop);
            int anchored = 0;
            int dropped = 0;
            List<Change> changes = new ArrayList<>();
            for (var r : page) {
                afterTable = r.value1();
                afterKey = r.value2();
                Optional<NetEffect.Net> net = net(r.value1(), r.value3(), r.value4(), timestamp);
                if (net.isPresent()) {
                    anchors = anchors.bind(applyOrder(net.get()), txKey, r.value1(), r.value2());
                    anchored++;
                    changes.add(net.get().change());
                } else {
                    drops = drops.bind(txKey, r.value1(), r.value2());
                    dropped++;
                }
            }
            if (anchored > 0) {
                anchors.execute();
            }
            if (dropped > 0) {
                drops.execute();
            }
            count += changes.size();
            evaluated.accept(changes);
        }
    }

    /**
     * Where a row's net change goes in the apply order of its transaction: at its anchor, deletes after every insert
     * and update. The apply engine writes a ChangeSet's deletes last (a row the transaction deleted is referenced by
     * none of its other rows at commit, while deleting it first can fail a foreign key or cascade onto rows the
     * transaction moved elsewhere); a transaction in parts keeps that order across its parts.
     */
    private static long applyOrder(NetEffect.Net net) {
        return net.change() instanceof Change.Delete ? DELETES + net.anchor() : net.anchor();
    }

    /** Added to a delete's anchor: positions stay far below it (a transaction of 2^62 row operations is not expected). */
    private static final long DELETES = 1L << 62;

    /** How many net changes each of these transactions holds, for those that are spooled. */
    Map<String, Long> spooled(DSLContext ctx, Collection<String> txKeys) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!txKeys.isEmpty()) {
            ctx.select(SPOOLED_TX, SPOOLED_ROWS).from(SPOOLED).where(SPOOLED_TX.in(txKeys)).fetch().forEach(r -> out.put(r.value1(), r.value2()));
        }
        return out;
    }

    /** The changes of part {@code index} (from 1) of a spooled transaction, in apply order, {@code size} per part. */
    List<Change> part(DSLContext ctx, String txKey, HybridTimestamp timestamp, int index, int size) {
        List<Change> out = new ArrayList<>();
        for (Record3<String, String, String> r : ctx.select(SPOOL_TABLE, SPOOL_FIRST, SPOOL_LAST).from(SPOOL).where(SPOOL_TX.eq(txKey))
            .orderBy(SPOOL_ANCHOR, SPOOL_SEEN).offset((long) (index - 1) * size).limit(size).fetch()) {
            net(r.value1(), r.value2(), r.value3(), timestamp).ifPresent(n -> out.add(n.change()));
        }
        return out;
    }

    /** Forgets the spooled net effects of these transactions. */
    void forget(DSLContext ctx, List<String> txKeys) {
        ctx.deleteFrom(SPOOL).where(SPOOL_TX.in(txKeys)).execute();
        ctx.deleteFrom(SPOOLED).where(SPOOLED_TX.in(txKeys)).execute();
    }

    private Optional<NetEffect.Net> net(String table, String first, String last, HybridTimestamp timestamp) {
        BoundTable t = tables.get(table);
        if (t == null) {
            throw new IllegalStateException("a spooled transaction changes table " + table + ", which this node no longer replicates");
        }
        RawChange f = raw(table, first, timestamp);
        RawChange l = first.equals(last) ? f : raw(table, last, timestamp);
        return NetEffect.ofRow(t.spec(), f, l);
    }

    /** One table's row key, as its hash. */
    private record Slot(String table, String key) {
    }

    /** A row's first and latest operation in the transaction, and when the transaction first touched it. */
    private record Ends(RawChange first, RawChange last, long seen) {
    }

    private static Field<Object> qualified(Field<?> f) {
        return DSL.field(DSL.name(SPOOL.getName(), f.getName()), Object.class);
    }

    private static String hash(RowKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(ChangeSetCodec.imageToJson(RowImage.of(key.values())).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /**
     * A row operation as the spool keeps it, in three lines: position, kind and filter verdicts; the before image; the
     * after image (JSON, which never holds a raw line break; an empty line for none). The timestamp is the transaction's.
     */
    private static String text(RawChange op) {
        return op.position() + "," + op.operation().name() + "," + op.beforeMatches() + "," + op.afterMatches() + "\n"
            + (op.before() == null ? "" : ChangeSetCodec.imageToJson(op.before())) + "\n"
            + (op.after() == null ? "" : ChangeSetCodec.imageToJson(op.after()));
    }

    private static RawChange raw(String table, String text, HybridTimestamp timestamp) {
        String[] lines = text.split("\n", 3);
        String[] head = lines.length == 3 ? lines[0].split(",") : new String[0];
        if (head.length != 4) {
            throw new IllegalStateException("unreadable spooled row operation on " + table);
        }
        RowImage before = lines[1].isEmpty() ? null : ChangeSetCodec.imageFromJson(lines[1]);
        RowImage after = lines[2].isEmpty() ? null : ChangeSetCodec.imageFromJson(lines[2]);
        return new RawChange(Long.parseLong(head[0]), table, RawChange.Operation.valueOf(head[1]), before, after,
            Boolean.parseBoolean(head[2]), Boolean.parseBoolean(head[3]), timestamp);
    }
}
