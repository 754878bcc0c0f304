package dev.converge.catalog;

import java.util.List;
import java.util.Locale;

/**
 * A foreign key of a replicated table, as the catalog describes it: its columns, the table it refers to and the
 * columns there (in the same order), and what deleting a referred row does ({@code RESTRICT}, {@code NO ACTION},
 * {@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}). Names as the database spells them. Immutable.
 */
public record Reference(String name, List<String> columns, String parentTable, List<String> parentColumns, String deleteRule) {
    public Reference {
        columns = List.copyOf(columns);
        parentColumns = List.copyOf(parentColumns);
        deleteRule = deleteRule == null ? "NO ACTION" : deleteRule.toUpperCase(Locale.ROOT);
    }

    /** Whether deleting a referred row is refused while this key refers to it (rather than cascading or setting). */
    public boolean restricts() {
        return deleteRule.equals("RESTRICT") || deleteRule.equals("NO ACTION");
    }
}
