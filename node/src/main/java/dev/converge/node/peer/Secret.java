package dev.converge.node.peer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A shared secret of one pair of peers, as configured. It never prints itself: {@link #toString()} says only that it
 * is a secret, so a record holding one can be logged or shown in {@code status} without leaking it. Immutable,
 * thread-safe.
 */
public final class Secret {
    private final byte[] bytes;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The secret as written in the configuration (after {@code ${ENV}} substitution), as UTF-8 bytes. */
    public static Secret of(String text) {
        Objects.requireNonNull(text, "secret");
        return new Secret(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the key material, for an HMAC key. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The secret as characters, for APIs that take a password ({@link java.security.KeyStore}); a fresh array the
     * caller may clear.
     */
    public char[] chars() {
        return new String(bytes, StandardCharsets.UTF_8).toCharArray();
    }

    /** How many bytes it has (configuration checks refuse short secrets). */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && java.security.MessageDigest.isEqual(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "(secret)";
    }
}
