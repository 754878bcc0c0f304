package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;

/**
 * A primary key of a date or timestamp type holds any date its column takes, before the Gregorian reform and BC
 * included: inserts, updates and deletes of such rows find them at every peer. Compared in SQL, as text.
 */
class OldDateKeysIT {
    @AllDialects
    void rowsKeyedByOldDatesAreUpdatedAndDeletedEverywhere(Dialect dialect) {
        boolean pg = dialect == Dialect.POSTGRESQL;
        Cluster c = Cluster.of(dialect, "old_date_keys", List.of("A", "B"),
            "CREATE TABLE ev (d DATE, at TIMESTAMP, label VARCHAR(20), PRIMARY KEY (d, at))", List.of(TableConfig.of("ev")));
        String bc = pg ? "DATE '0044-03-15 BC'" : "DATE '-0043-03-15'";
        c.write("A", "INSERT INTO ev VALUES (DATE '1582-10-10', TIMESTAMP '1582-10-10 12:00:00.5', 'reform')",
            "INSERT INTO ev VALUES (DATE '0001-01-01', TIMESTAMP '0001-01-01 00:00:00', 'year one')",
            "INSERT INTO ev VALUES (" + bc + ", TIMESTAMP '1000-01-01 00:00:00', 'ides')",
            "INSERT INTO ev VALUES (DATE '1500-02-28', TIMESTAMP '1500-02-28 00:00:00', 'before reform')");
        c.sync();
        c.write("A", "UPDATE ev SET label = label || '!'", "DELETE FROM ev WHERE label = 'year one!'");
        c.sync();
        String q = "SELECT CAST(d AS VARCHAR(40)) || ' ' || CAST(at AS VARCHAR(40)) || ' ' || label FROM ev ORDER BY d, at";
        List<Object> a = c.sql("A").query(q).stream().map(r -> r.values().iterator().next()).toList();
        List<Object> b = c.sql("B").query(q).stream().map(r -> r.values().iterator().next()).toList();
        assertEquals(3, a.size(), "A holds three rows: " + a);
        assertEquals(a, b, "B holds exactly what A holds");
        assertEquals(0L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_conflict\"")).longValue(), "and nothing was a conflict");
    }
}
