package dev.converge.config;

import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A replicated table as found in the database and validated against its {@link TableConfig}: the database's own
 * spelling of its name and columns, its primary-key columns, the replicated columns (the configured subset, or every
 * column) and the row filter.
 */
public record ReplicatedTable(String name, List<String> keyColumns, List<String> columns, List<String> allColumns,
                              Optional<String> filter) {
    public ReplicatedTable {
        Objects.requireNonNull(name);
        keyColumns = List.copyOf(keyColumns);
        columns = List.copyOf(columns);
        allColumns = List.copyOf(allColumns);
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException("table " + name + " has no primary key");
        }
    }

    /** By name only (cheap: a table keys many maps); equal tables have equal names. */
    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** Whether only some of the table's columns are replicated. */
    public boolean isSubset() {
        return columns.size() < allColumns.size();
    }

    public RowKey keyOf(RowImage image) {
        return image.key(keyColumns);
    }

    /** The image restricted to the replicated columns. */
    public RowImage project(RowImage image) {
        return isSubset() ? image.project(columns) : image;
    }
}
