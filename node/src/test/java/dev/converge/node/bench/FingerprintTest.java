package dev.converge.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.scratch.ScratchDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A run whose peers differ must fail loudly: the benchmark's guarantee that no broken run's figure is printed. */
class FingerprintTest {
    @Test
    void peersThatDifferInOneValueVoidTheRun() throws SQLException {
        DataSource a = withRows("a", "UPDATE bench SET a = 1");
        DataSource b = withRows("b", "UPDATE bench SET a = 2 WHERE id = 2");
        DataSource c = withRows("c", "UPDATE bench SET a = 1");
        Fingerprint.requireSame("test", List.of("A", "C"), List.of(a, c), Workload.TABLES);
        var e = assertThrows(Fingerprint.NotConvergedException.class,
            () -> Fingerprint.requireSame("test", List.of("A", "B"), List.of(a, b), Workload.TABLES));
        assertTrue(e.getMessage().contains("B does not hold what A holds"), e.getMessage());
        assertEquals(3, Fingerprint.of(a, Workload.TABLES).rows());
    }

    private static DataSource withRows(String name, String change) throws SQLException {
        DataSource db = ScratchDatabase.h2(name);
        Workload.createTable(db);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO bench VALUES (1, 0, 'x', 1.00), (2, 0, 'y', 2.00), (3, 0, NULL, NULL)");
            s.execute(change);
        }
        return db;
    }
}
