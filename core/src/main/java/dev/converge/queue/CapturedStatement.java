package dev.converge.queue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.RowImage;
import dev.converge.neteffect.RawChange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One row of the outbox as capture wrote it: a statement's row images on one table, as JSON arrays (one element per
 * row on H2, whose trigger fires per row). {@link #expand} turns it back into row operations in capture order.
 *
 * @param timestamp the hybrid timestamp (packed) its row operations carry: their transaction's, given at sequencing
 *     (the outbox's own column holds only the wall clock's reading)
 * @param op {@code I}, {@code D} or {@code U}; in a {@code U} statement an element with only an after image is an
 *     insert and one with only a before image a delete (an update that changed a key, paired by key at capture)
 * @param beforeMatches the row filter's verdict per before image, or null when every image matches (no filter)
 */
public record CapturedStatement(String table, String op, long timestamp, String before, String after, String beforeMatches,
                                String afterMatches) {

    /**
     * The statement's row operations, positioned from {@code firstPosition} on, each image passed through
     * {@code canonical}.
     *
     * @throws IllegalStateException if the kind and the arrays do not line up (the outbox was written by something else)
     */
    public List<RawChange> expand(long firstPosition, UnaryOperator<RowImage> canonical) {
        if (("I".equals(op) && before != null) || ("D".equals(op) && after != null) || !List.of("I", "U", "D").contains(op)) {
            throw new IllegalStateException("captured statement on " + table + " of kind '" + op + "' has images that do not fit it");
        }
        List<RowImage> befores = images(before);
        List<RowImage> afters = images(after);
        List<Boolean> bm = verdicts(beforeMatches);
        List<Boolean> am = verdicts(afterMatches);
        int n = Math.max(befores.size(), afters.size());
        if ((before != null && befores.size() != n) || (after != null && afters.size() != n) || (bm != null && bm.size() != n)
            || (am != null && am.size() != n)) {
            throw new IllegalStateException("captured statement on " + table + " has image and verdict arrays of different lengths");
        }
        HybridTimestamp ts = HybridTimestamp.fromLong(timestamp);
        List<RawChange> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RowImage b = before == null ? null : befores.get(i);
            RowImage a = after == null ? null : afters.get(i);
            if (b == null && a == null) {
                throw new IllegalStateException("captured statement on " + table + " has an element without images");
            }
            b = b == null ? null : canonical.apply(b);
            a = a == null ? null : canonical.apply(a);
            boolean bMatch = b != null && (bm == null || Boolean.TRUE.equals(bm.get(i)));
            boolean aMatch = a != null && (am == null || Boolean.TRUE.equals(am.get(i)));
            RawChange.Operation operation = b == null ? RawChange.Operation.INSERT : a == null ? RawChange.Operation.DELETE
                : RawChange.Operation.UPDATE;
            out.add(new RawChange(firstPosition + i, table, operation, b, a, bMatch, aMatch, ts));
        }
        return out;
    }

    private static List<RowImage> images(String json) {
        return json == null ? List.of() : ChangeSetCodec.imagesFromJson(json);
    }

    private static List<Boolean> verdicts(String json) {
        if (json == null) {
            return null;
        }
        try {
            List<Boolean> out = new ArrayList<>();
            Collections.addAll(out, ChangeSetCodec.mapper().readValue(json, Boolean[].class));
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("captured filter verdicts are not a JSON array of booleans: " + e.getOriginalMessage(), e);
        }
    }
}
