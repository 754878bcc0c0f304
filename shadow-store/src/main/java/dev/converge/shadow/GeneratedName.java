package dev.converge.shadow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jooq.SQLDialect;

/**
 * The names Converge derives from a replicated table's name: its shadow table and the shadow table's constraint and
 * index, its PostgreSQL trigger functions, its H2 trigger. Two distinct tables never get the same name, and no name
 * is longer than {@value #MAX} bytes, PostgreSQL's limit (it silently cuts longer identifiers, so two long names that
 * share a prefix would otherwise become one).
 *
 * <p>A <em>plain</em> table name (letters, digits and underscores, in the case the database folds unquoted names to:
 * lower on PostgreSQL, upper on H2) keeps the readable form {@code prefix + lower-case name} when it fits; that is the
 * form earlier versions used, so existing installations keep their names. Any other name ({@code "Foo"} next to
 * {@code foo}, a name with other characters, a name too long to fit) becomes a readable prefix of its lower-case form
 * with other characters replaced by {@code _}, then {@code _} and eight hexadecimal digits of the SHA-256 hash of the
 * exact name: stable across runs and machines, and distinct for distinct names short of a hash collision (one in four
 * billion per pair; the catalog refuses a configuration whose names would still collide).
 */
public final class GeneratedName {
    /** PostgreSQL's identifier limit in bytes; H2 allows more, but one rule for both keeps names portable. */
    public static final int MAX = 63;
    private static final int HASH_DIGITS = 8;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private GeneratedName() {
    }

    /** {@code prefix} (ASCII, well under {@value #MAX} characters) followed by a form of {@code table} as described above. */
    public static String of(String prefix, String table, SQLDialect dialect) {
        String folded = dialect.family() == SQLDialect.POSTGRES ? table.toLowerCase(Locale.ROOT) : table.toUpperCase(Locale.ROOT);
        String readable = prefix + table.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (PLAIN.matcher(table).matches() && table.equals(folded) && readable.length() <= MAX) {
            return readable;
        }
        return hashed(readable, table);
    }

    /**
     * A name derived from a generated one ({@code cv_shadow_x_pk}): itself if it fits in {@value #MAX} bytes, else cut
     * and suffixed with the hash of the whole, so distinct names stay distinct.
     */
    public static String fit(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length <= MAX ? name : hashed(name.replaceAll("[^A-Za-z0-9_]", "_"), name);
    }

    /** {@code readable} (ASCII) cut to leave room for {@code _} and the hash of {@code source}. */
    private static String hashed(String readable, String source) {
        String cut = readable.substring(0, Math.min(readable.length(), MAX - HASH_DIGITS - 1));
        return cut + "_" + hash(source);
    }

    private static String hash(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HASH_DIGITS / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
