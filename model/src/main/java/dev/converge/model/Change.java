package dev.converge.model;

import dev.converge.clock.HybridTimestamp;
import java.util.Objects;
import java.util.Optional;

/**
 * One row mutation, by value: the table, the row's key, the row images it carries and the hybrid timestamp of the
 * statement that made it. An {@link Update} never changes the key: a key change travels as a {@link Delete} of the old
 * row and an {@link Insert} of the new one (the seed's rule), so that each side is judged on its own.
 */
public sealed interface Change permits Change.Insert, Change.Update, Change.Delete {
    String table();

    RowKey key();

    HybridTimestamp timestamp();

    /** The row as it was before the change: absent for an insert. */
    Optional<RowImage> before();

    /** The row as it is after the change: absent for a delete. */
    Optional<RowImage> after();

    /** The kind as a word: insert, update or delete. */
    String kind();

    /**
     * Whether this change sets {@code column} (matched ignoring case): an insert sets every column, an update those
     * whose value differs between its before and after images, a delete none.
     */
    default boolean sets(String column) {
        Optional<RowImage> after = after();
        if (after.isEmpty()) {
            return false;
        }
        return before().map(b -> !Values.same(b.get(column), after.get().get(column))).orElse(true);
    }

    record Insert(String table, RowKey key, RowImage row, HybridTimestamp timestamp) implements Change {
        public Insert {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
            Objects.requireNonNull(row);
            Objects.requireNonNull(timestamp);
        }

        public Optional<RowImage> before() {
            return Optional.empty();
        }

        public Optional<RowImage> after() {
            return Optional.of(row);
        }

        public String kind() {
            return "insert";
        }
    }

    record Update(String table, RowKey key, RowImage oldRow, RowImage newRow, HybridTimestamp timestamp) implements Change {
        public Update {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
            Objects.requireNonNull(oldRow);
            Objects.requireNonNull(newRow);
            Objects.requireNonNull(timestamp);
        }

        public Optional<RowImage> before() {
            return Optional.of(oldRow);
        }

        public Optional<RowImage> after() {
            return Optional.of(newRow);
        }

        public String kind() {
            return "update";
        }
    }

    record Delete(String table, RowKey key, RowImage oldRow, HybridTimestamp timestamp) implements Change {
        public Delete {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
            Objects.requireNonNull(oldRow);
            Objects.requireNonNull(timestamp);
        }

        public Optional<RowImage> before() {
            return Optional.of(oldRow);
        }

        public Optional<RowImage> after() {
            return Optional.empty();
        }

        public String kind() {
            return "delete";
        }
    }
}
