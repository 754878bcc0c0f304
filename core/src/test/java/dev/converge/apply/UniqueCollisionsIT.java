package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Map;

/**
 * Two peers writing different rows with one unique value: the conflict between the two writes is decided by the
 * table's resolver on both peers alike, the loser removed and kept in the conflict record (with its full image) and
 * in its shadow, so the peers converge. Rows compared in SQL.
 */
class UniqueCollisionsIT {
    static List<Map<String, Object>> rows(Cluster c, String node, String sql) {
        return c.sql(node).query(sql);
    }

    @AllDialects
    void theLoserIsKeptWithItsFullImageAndItsShadow(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "uniq_image", List.of("A", "B"),
            "CREATE TABLE customer (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL, name VARCHAR(40), city VARCHAR(40));\n"
                + "CREATE UNIQUE INDEX customer_email ON customer (email)",
            List.of(TableConfig.of("customer")));
        c.write("A", "INSERT INTO customer VALUES (1, 'ana@example.com', 'Ana', 'Iasi')");
        c.tick(1000);
        c.write("B", "INSERT INTO customer VALUES (2, 'ana@example.com', 'Ana B', 'Cluj')");
        c.sync();

        for (String node : List.of("A", "B")) {
            assertEquals(1L, ((Number) c.sql(node).scalar("SELECT COUNT(*) FROM customer")).longValue(), node);
            assertEquals("Ana B", c.sql(node).scalar("SELECT name FROM customer WHERE id = 2"), node);
        }
        ConflictRecord atA = c.node("A").conflicts().get(0);
        assertEquals(ConflictType.CONSTRAINT, atA.type());
        assertEquals(Outcome.APPLIED_REMOTE, atA.outcome());
        assertEquals(ConflictStatus.AUTO_RESOLVED, atA.status());
        assertEquals("Iasi", atA.localImage().orElseThrow().get("city"), "the removed row's full image is kept for the workbench");
        assertEquals("Cluj", atA.remoteImage().orElseThrow().get("city"));
        assertTrue(atA.detail().orElseThrow().toLowerCase(java.util.Locale.ROOT).contains("unique (email)"), atA.detail().orElseThrow());
        assertEquals(1L, ((Number) c.sql("A").scalar("SELECT COUNT(*) FROM \"cv_shadow_customer\" WHERE \"cv_deleted\" = TRUE")).longValue(),
            "the removed row lives on in the shadow table");
        assertEquals(List.of(new dev.converge.conflict.ConflictCount(ConflictType.CONSTRAINT, Outcome.APPLIED_REMOTE,
            ConflictStatus.AUTO_RESOLVED, 1)), c.node("A").conflictCounts(), "counted without reading the records");
        ConflictRecord atB = c.node("B").conflicts().get(0);
        assertEquals(Outcome.KEPT_LOCAL, atB.outcome());
        assertEquals("Cluj", atB.localImage().orElseThrow().get("city"));
    }

    @AllDialects
    void aCompositeUniqueCollidesOnlyWhenEveryColumnMatchesAndNullsNeverCollide(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "uniq_composite", List.of("A", "B"),
            "CREATE TABLE slot (id INT PRIMARY KEY, room VARCHAR(10), hr INT, who VARCHAR(20), CONSTRAINT slot_room_hour UNIQUE (room, hr))",
            List.of(TableConfig.of("slot")));
        c.write("A", "INSERT INTO slot VALUES (1, 'r1', 9, 'a')", "INSERT INTO slot VALUES (3, 'r1', NULL, 'a')");
        c.tick(1000);
        c.write("B", "INSERT INTO slot VALUES (2, 'r1', 9, 'b')", "INSERT INTO slot VALUES (4, 'r1', NULL, 'b')",
            "INSERT INTO slot VALUES (5, 'r2', 9, 'b')");
        c.sync();
        assertEquals(c.rows("A", "slot"), c.rows("B", "slot"));
        assertEquals(List.of(2, 3, 4, 5), c.sql("A").query("SELECT id FROM slot ORDER BY id").stream()
            .map(r -> ((Number) r.values().iterator().next()).intValue()).toList());
        assertEquals(1, c.node("A").conflicts().size());
    }

    @AllDialects
    void atTransactionScopeALosingRowRejectsItsWholeTransaction(Dialect dialect) {
        Cluster c = Cluster.of(dialect, "uniq_tx", List.of("A", "B"),
            "CREATE TABLE account (id INT PRIMARY KEY, login VARCHAR(40) NOT NULL UNIQUE, note VARCHAR(20))",
            List.of(TableConfig.of("account").withScope(ConflictScope.TRANSACTION)));
        c.write("A", "INSERT INTO account VALUES (9, 'other', 'x')");
        c.sync();
        c.tick(1000);
        c.write("B", "INSERT INTO account VALUES (2, 'ana', 'b')");
        c.tick(1000);
        c.write("A", "INSERT INTO account VALUES (1, 'ana', 'a')", "UPDATE account SET note = 'y' WHERE id = 9");
        c.deliver("B", "A"); // B's older row meets A's newer one: B's row loses at A
        c.deliver("A", "B"); // A's newer row wins at B: B's row is removed there
        assertEquals(List.of(), c.sql("A").query("SELECT id FROM account WHERE id = 2"));
        assertEquals(List.of(), c.sql("B").query("SELECT id FROM account WHERE id = 2"));
        assertEquals("y", c.sql("B").scalar("SELECT note FROM account WHERE id = 9"), "A's transaction applied whole at B");
        assertTrue(c.node("A").conflicts().stream().anyMatch(r -> r.type() == ConflictType.TRANSACTION),
            "at A the losing row rejects B's transaction");
        assertEquals(c.rows("A", "account"), c.rows("B", "account"));
    }
}
