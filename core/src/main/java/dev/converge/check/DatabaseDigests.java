package dev.converge.check;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.RowReader;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * One side of a check read from the node's own database: each scan streams the table once through a cursor
 * ({@link RowReader#forEach}) and keeps only the counts and hash sums of the ranges asked about (or the listed rows, up to
 * the limit), so memory does not grow with the table. Made by {@code Node.digests()} (a running node) or
 * {@code Node.digests(config, db)} (a database read directly).
 *
 * <p>Thread-safe: every call runs in a read transaction of its own; a {@link RowDigest} is made per scan.
 */
public final class DatabaseDigests implements DigestSource {
    /** How often a scan reports its progress, in rows. */
    private static final int REPORT_EVERY = 10_000;
    /** Keys per look-up query in {@link #rows}. */
    private static final int KEYS_PER_QUERY = 200;

    /** Runs read-only work in a transaction of the node's database (autocommit off: PostgreSQL's cursors need one). */
    public interface Reads {
        <T> T read(Function<DSLContext, T> work);
    }

    private final String name;
    private final Supplier<List<BoundTable>> tables;
    private final Reads reads;
    private final Supplier<Positions> positions;

    /**
     * @param name how the node is named in messages
     * @param tables the replicated tables as bound now
     * @param reads the node's read transactions
     * @param positions how far the node is, read now
     */
    public DatabaseDigests(String name, Supplier<List<BoundTable>> tables, Reads reads, Supplier<Positions> positions) {
        this.name = name;
        this.tables = tables;
        this.reads = reads;
        this.positions = positions;
    }

    @Override
    public String describe() {
        return name;
    }

    /** The replicated tables, as the database spells their names, in configuration order. */
    public List<String> tables() {
        return tables.get().stream().map(BoundTable::name).toList();
    }

    /** The rules each replicated table is bound with (for a handshake). */
    public List<BoundTable> bound() {
        return tables.get();
    }

    @Override
    public Positions positions() {
        return positions.get();
    }

    @Override
    public long count(String table) {
        BoundTable t = table(table);
        return reads.read(ctx -> (long) ctx.fetchCount(t.table(), filter(t)));
    }

    @Override
    public List<RangeSummary> summarize(String table, List<KeyHashRange> ranges, int split, LongConsumer scanned) {
        BoundTable t = table(table);
        Map<Long, Integer> index = index(ranges);
        return scan(t, scanned, () -> new Sums(ranges, index, split));
    }

    /** The counts and hash sums of the children of some ranges, filled row by row. */
    private static final class Sums implements Accumulator<List<RangeSummary>> {
        private final List<KeyHashRange> ranges;
        private final Map<Long, Integer> index;
        private final int split;
        private final int bits;
        private final long[] rows;
        private final long[] high;
        private final long[] low;

        Sums(List<KeyHashRange> ranges, Map<Long, Integer> index, int split) {
            this.ranges = ranges;
            this.index = index;
            this.split = split;
            this.bits = ranges.get(0).bits();
            int n = ranges.size() << split;
            this.rows = new long[n];
            this.high = new long[n];
            this.low = new long[n];
        }

        @Override
        public void accept(RowDigest digest, RowImage row) {
            long keyHash = digest.keyHash(row);
            Integer r = index.get(KeyHashRange.prefixOf(keyHash, bits));
            if (r != null) {
                int i = (r << split) + ranges.get(r).childIndex(keyHash, split);
                RowHash h = digest.rowHash(row);
                rows[i]++;
                high[i] += h.high();
                low[i] += h.low();
            }
        }

        @Override
        public List<RangeSummary> result() {
            List<RangeSummary> out = new ArrayList<>(rows.length);
            for (int r = 0; r < ranges.size(); r++) {
                List<KeyHashRange> kids = ranges.get(r).children(split);
                for (int c = 0; c < kids.size(); c++) {
                    int i = (r << split) + c;
                    out.add(new RangeSummary(kids.get(c), rows[i], new RowHash(high[i], low[i])));
                }
            }
            return out;
        }
    }

    @Override
    public Listing list(String table, List<KeyHashRange> ranges, int limit, LongConsumer scanned) {
        BoundTable t = table(table);
        Map<Long, Integer> index = index(ranges);
        int bits = ranges.get(0).bits();
        return scan(t, scanned, () -> new Accumulator<Listing>() {
            private final List<Listed> out = new ArrayList<>();
            private boolean complete = true;

            @Override
            public void accept(RowDigest digest, RowImage row) {
                long keyHash = digest.keyHash(row);
                if (index.containsKey(KeyHashRange.prefixOf(keyHash, bits))) {
                    if (out.size() < limit) {
                        out.add(new Listed(t.keyOf(row), keyHash, digest.rowHash(row)));
                    } else {
                        complete = false;
                    }
                }
            }

            @Override
            public Listing result() {
                return new Listing(out, complete);
            }
        });
    }

    @Override
    public Map<RowKey, RowImage> rows(String table, List<RowKey> keys) {
        BoundTable t = table(table);
        Map<RowKey, RowImage> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<RowKey> some = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            Condition any = DSL.or(some.stream().map(k -> keyIs(t, k)).toList());
            reads.read(ctx -> RowReader.read(ctx, t, filter(t).and(any), false, false)).forEach(row -> out.put(t.keyOf(row), row));
        }
        return out;
    }

    private static Condition keyIs(BoundTable t, RowKey key) {
        List<Object> typed = t.typedKey(key);
        List<Field<Object>> fields = t.keyFields();
        Condition c = DSL.noCondition();
        for (int i = 0; i < fields.size(); i++) {
            c = c.and(fields.get(i).eq(DSL.val(typed.get(i), fields.get(i).getDataType())));
        }
        return c;
    }

    /** What a scan makes of the rows, one at a time. */
    private interface Accumulator<R> {
        void accept(RowDigest digest, RowImage row);

        R result();
    }

    /** Reads every row of {@code t} once into a fresh accumulator (a fresh one again if the transaction is tried again). */
    private <R> R scan(BoundTable t, LongConsumer scanned, Supplier<Accumulator<R>> fresh) {
        RowDigest digest = new RowDigest(t.spec());
        return reads.read(ctx -> {
            Accumulator<R> acc = fresh.get();
            long[] n = {0};
            RowReader.forEach(ctx, t, filter(t), row -> {
                acc.accept(digest, row);
                if (++n[0] % REPORT_EVERY == 0) {
                    scanned.accept(n[0]);
                }
            });
            scanned.accept(n[0]);
            return acc.result();
        });
    }

    /** Where each range of one size is in the list, by its prefix. */
    private static Map<Long, Integer> index(List<KeyHashRange> ranges) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("no key-hash range to scan");
        }
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).bits() != ranges.get(0).bits()) {
                throw new IllegalArgumentException("the ranges of one scan must be of one size: " + ranges.get(0) + " and " + ranges.get(i));
            }
            index.put(ranges.get(i).prefix(), i);
        }
        return index;
    }

    private static Condition filter(BoundTable t) {
        return t.spec().filter().map(DSL::condition).orElse(DSL.noCondition());
    }

    private BoundTable table(String name) {
        return tables.get().stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst()
            .orElseThrow(() -> new UnknownTableException(name + " is not a replicated table of " + this.name));
    }

    /** A table that the node does not replicate was asked about. */
    public static final class UnknownTableException extends IllegalArgumentException {
        public UnknownTableException(String message) {
            super(message);
        }
    }
}
