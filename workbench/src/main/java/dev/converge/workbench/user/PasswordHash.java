package dev.converge.workbench.user;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A workbench password as stored in the configuration: PBKDF2 with HMAC-SHA256, written
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in base64). The configuration accepts only such a hash,
 * never a clear password, so the file can be shared without giving anyone a login. Immutable, thread-safe.
 */
public final class PasswordHash {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; {@link #create} uses it. */
    public static final int ITERATIONS = 600_000;
    /** Fewer iterations than this are refused: the hash would be cheap to attack. */
    public static final int MIN_ITERATIONS = 100_000;
    private static final Pattern FORM = Pattern.compile("pbkdf2-sha256\\$(\\d{1,9})\\$([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+)");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * Reads a hash as written in the configuration.
     *
     * @throws IllegalArgumentException saying what the text should look like
     */
    public static PasswordHash parse(String text) {
        Matcher m = FORM.matcher(Objects.requireNonNull(text).strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a PBKDF2 hash pbkdf2-sha256$ITERATIONS$SALT$HASH "
                + "(make one with: converge user hash), never a clear password");
        }
        int iterations = Integer.parseInt(m.group(1));
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("the hash uses " + iterations + " iterations; at least " + MIN_ITERATIONS
                + " are required");
        }
        try {
            byte[] salt = Base64.getDecoder().decode(m.group(2));
            byte[] hash = Base64.getDecoder().decode(m.group(3));
            if (salt.length < SALT_BYTES || hash.length != HASH_BYTES) {
                throw new IllegalArgumentException("the salt must have at least " + SALT_BYTES + " bytes and the hash "
                    + HASH_BYTES);
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("the salt") ? e.getMessage()
                : "the salt and hash must be base64");
        }
    }

    /** Hashes a new password with a random salt (for {@code converge user hash}). Takes about a second. */
    public static PasswordHash create(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, derive(password, salt, ITERATIONS));
    }

    /** Whether {@code password} is the one hashed; compares in constant time. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    /** The form the configuration file takes. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.iterations == iterations && MessageDigest.isEqual(p.salt, salt)
            && MessageDigest.isEqual(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(hash);
    }

    /** Says only what it is: a hash is not a secret, but there is no reason to print it. */
    @Override
    public String toString() {
        return "(pbkdf2-sha256 hash)";
    }
}
