package dev.converge.shadow;

/**
 * Dates and timestamps as PostgreSQL reads them from text. Converge carries them as ISO-8601 with signed years
 * (proleptic Gregorian: {@code -0043-03-15} is 44 BC, {@code +10000-01-01} a year past 9999); PostgreSQL's input takes
 * no signed years but an era suffix. Pure; thread-safe.
 */
public final class PostgresDates {
    private PostgresDates() {
    }

    /** {@code iso} as PostgreSQL's date and timestamp input reads it; {@code infinity} and {@code -infinity} as they are. */
    public static String text(String iso) {
        if (iso.equals("infinity") || iso.equals("-infinity")) {
            return iso;
        }
        if (iso.startsWith("+")) {
            return iso.substring(1);
        }
        if (!iso.startsWith("-")) {
            return iso;
        }
        int dash = iso.indexOf('-', 1);
        long year = Long.parseLong(iso.substring(0, dash));
        return String.format("%04d", 1 - year) + iso.substring(dash) + " BC";
    }
}
