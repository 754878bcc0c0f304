package dev.converge.check;

import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One side of a consistency check: a node's replicated rows, asked about without shipping them. The node's own
 * database ({@link DatabaseDigests}) or a peer over the network. Tables are named as either database spells them
 * (matched ignoring case).
 *
 * <p>Implementations are thread-safe: a {@link Comparison} asks both sides at once, each from its own thread. Every
 * method blocks; the scans ({@link #summarize}, {@link #list}) read the whole table once.
 */
public interface DigestSource {
    /** Which node this is, for messages. */
    String describe();

    /** How far the node is with every origin's ChangeSets, read now. */
    Positions positions();

    /** How many replicated rows the table holds (those its filter keeps). */
    long count(String table);

    /**
     * For each of {@code ranges} (all of one size), in order, the summaries of its {@code 2^split} children, in hash
     * order: {@code ranges.size() << split} of them. One scan of the table.
     *
     * @param scanned told the rows read so far, now and then (an implementation that cannot tell never calls it)
     */
    List<RangeSummary> summarize(String table, List<KeyHashRange> ranges, int split, LongConsumer scanned);

    /**
     * Every row whose key hash lies in one of {@code ranges} (all of one size): its key and row hash, at most
     * {@code limit} of them. One scan of the table.
     */
    Listing list(String table, List<KeyHashRange> ranges, int limit, LongConsumer scanned);

    /** The rows of these keys that the table holds (its filter keeps), projected to the replicated columns. */
    Map<RowKey, RowImage> rows(String table, List<RowKey> keys);

    /**
     * Rows of some key-hash ranges, each as its key and its hash.
     *
     * @param rows in no particular order
     * @param complete false if the limit cut the listing short
     */
    record Listing(List<Listed> rows, boolean complete) {
        public Listing {
            rows = List.copyOf(rows);
        }
    }

    /** One listed row: its key, where the key lies in the key-hash space, and the hash of the row. */
    record Listed(RowKey key, long keyHash, RowHash hash) {
    }
}
