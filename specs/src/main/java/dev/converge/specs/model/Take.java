package dev.converge.specs.model;

import java.util.Objects;

/** What a person decides for a conflict: keep the local row, take the remote one, delete, or write a given row. */
public sealed interface Take permits Take.Local, Take.Remote, Take.Delete, Take.WithRow {
    record Local() implements Take {
    }

    record Remote() implements Take {
    }

    record Delete() implements Take {
    }

    /** {@code take: {row: {...}}}: the row to write, as the person typed it. */
    record WithRow(Row row) implements Take {
        public WithRow {
            Objects.requireNonNull(row);
        }
    }
}
