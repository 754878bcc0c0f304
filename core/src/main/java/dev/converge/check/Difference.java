package dev.converge.check;

import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One key whose row differs between the two sides of a check. Immutable.
 *
 * @param key the row's key
 * @param here the row on this side, if it holds one (what the last look-up read; empty before the rows were read)
 * @param there the row on the other side, likewise
 */
public record Difference(Kind kind, RowKey key, Optional<RowImage> here, Optional<RowImage> there) {
    public Difference {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(key);
        Objects.requireNonNull(here);
        Objects.requireNonNull(there);
    }

    /** How the row differs. */
    public enum Kind {
        /** The other side holds the row; this side does not. */
        MISSING_HERE("missing here"),
        /** This side holds the row; the other side does not. */
        MISSING_THERE("missing there"),
        /** Both hold the row, with different values. */
        VALUES_DIFFER("values differ");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** The difference between two look-ups of one key; empty if both hold the same row or neither holds it. */
    static Optional<Difference> of(RowKey key, Optional<RowImage> here, Optional<RowImage> there) {
        if (here.isPresent() && there.isPresent()) {
            return here.get().sameAs(there.get()) ? Optional.empty() : Optional.of(new Difference(Kind.VALUES_DIFFER, key, here, there));
        }
        if (here.isEmpty() && there.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Difference(here.isPresent() ? Kind.MISSING_THERE : Kind.MISSING_HERE, key, here, there));
    }
}
