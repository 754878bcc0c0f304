package dev.converge.check;

import dev.converge.config.ReplicatedTable;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import dev.converge.model.Values;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hashes a replicated row in an encoding that is the same on every database, so that an H2 peer and a PostgreSQL peer
 * holding the same data hash alike: the row's canonical values ({@link Values}), each column named in lower case
 * (H2 says {@code QTY} where PostgreSQL says {@code qty}) and the columns in name order (the two tables need not list
 * their columns in the same order). Numbers hash by value, as {@link Values#same} compares them (1.50 and 1.5, an INT 7
 * and a BIGINT 7 hash alike), so a difference the engine would not call a conflict is not called a divergence either.
 * Every value is written with a tag and a length, so no two rows run into the same bytes.
 *
 * <p>The key hash ({@link #keyHash}) places a row in the key-hash space; the row hash ({@link #rowHash}) covers every
 * replicated column, key included. Both are SHA-256, truncated.
 *
 * <p>Not thread-safe (it keeps a {@link MessageDigest} and a buffer): one per thread.
 */
public final class RowDigest {
    private final List<String> keyColumns;
    private final List<String> columns;
    private final MessageDigest sha;
    private ByteBuffer buffer = ByteBuffer.allocate(512);

    public RowDigest(ReplicatedTable spec) {
        this.keyColumns = spec.keyColumns();
        List<String> sorted = new ArrayList<>(spec.columns());
        sorted.sort((a, b) -> a.toLowerCase(Locale.ROOT).compareTo(b.toLowerCase(Locale.ROOT)));
        this.columns = List.copyOf(sorted);
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Where the row's key lies in the key-hash space: the first 64 bits of the hash of its key columns, in key order. */
    public long keyHash(RowImage row) {
        buffer.clear();
        for (String c : keyColumns) {
            value(row.get(c));
        }
        return ByteBuffer.wrap(digest(), 0, 8).getLong();
    }

    /** As {@link #keyHash(RowImage)}, from a key. */
    public long keyHash(RowKey key) {
        buffer.clear();
        Map<String, Object> values = key.values();
        for (String c : keyColumns) {
            value(values.get(c.toLowerCase(Locale.ROOT)));
        }
        return ByteBuffer.wrap(digest(), 0, 8).getLong();
    }

    /** The hash of every replicated column of the row. */
    public RowHash rowHash(RowImage row) {
        buffer.clear();
        for (String c : columns) {
            text(c.toLowerCase(Locale.ROOT));
            value(row.get(c));
        }
        ByteBuffer d = ByteBuffer.wrap(digest());
        return new RowHash(d.getLong(), d.getLong());
    }

    private byte[] digest() {
        sha.reset();
        sha.update(buffer.array(), 0, buffer.position());
        return sha.digest();
    }

    private void value(Object raw) {
        Object v = Values.canonical(raw);
        if (v == null) {
            room(1).put((byte) 0);
        } else if (v instanceof Boolean b) {
            room(2).put((byte) 1).put((byte) (b ? 1 : 0));
        } else if (v instanceof Long || v instanceof BigDecimal) {
            room(1).put((byte) 2);
            text(number(v));
        } else {
            room(1).put((byte) 3);
            text(v.toString());
        }
    }

    /** A number by value: the shortest plain decimal, so 1.50, 1.5 and (for 7) 7.0 and 7 write alike. */
    private static String number(Object n) {
        if (n instanceof Long l) {
            return Long.toString(l);
        }
        BigDecimal d = ((BigDecimal) n).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    private void text(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        room(4 + bytes.length).putInt(bytes.length).put(bytes);
    }

    private ByteBuffer room(int more) {
        if (buffer.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        return buffer;
    }
}
