package dev.converge.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import java.util.List;
import java.util.Locale;

/**
 * Foreign-key conflicts two levels deep: supplier 12 → product 1 → order line 10, both keys {@code ON DELETE CASCADE}.
 * A deletes the supplier (its delete takes the product and the line with it at A and travels with them) while B
 * concurrently writes a line of product 1. Under {@code timestamp} the later write wins on every peer, whatever the
 * order of delivery: a later line keeps the product and the supplier (the deletes lose, {@code kept-local}, and the
 * line's insert resurrects both where they were deleted); a later delete takes everything. Compared in SQL on every
 * peer, versions included. Peer C meets the two writes in the order the test names.
 */
class ForeignKeyCascadeChainIT {
    static final String CHAIN = "CREATE TABLE f (id INT PRIMARY KEY, name VARCHAR(40));\n"
        + "CREATE TABLE p (cod INT PRIMARY KEY, f_id INT NOT NULL REFERENCES f (id) ON DELETE CASCADE, den VARCHAR(40));\n"
        + "CREATE TABLE g (gid INT PRIMARY KEY, p_cod INT NOT NULL REFERENCES p (cod) ON DELETE CASCADE, note VARCHAR(40))";

    /** Three peers holding supplier 12, its product 1 and the product's line 10. */
    static Cluster chain(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), CHAIN, List.of(TableConfig.of("f"), TableConfig.of("p"), TableConfig.of("g")));
        c.write("A", "INSERT INTO f VALUES (12, 'Scule SRL')", "INSERT INTO p VALUES (1, 12, 'Clește')", "INSERT INTO g VALUES (10, 1, 'first')");
        c.sync();
        c.tick(60_000);
        return c;
    }

    static void assertSameEverywhere(Cluster c, List<Integer> suppliers, List<Integer> products, List<Integer> lines) {
        for (String node : List.of("A", "B", "C")) {
            assertEquals(suppliers, ids(c, node, "SELECT id FROM f ORDER BY id"), "the suppliers at " + node);
            assertEquals(products, ids(c, node, "SELECT cod FROM p ORDER BY cod"), "the products at " + node);
            assertEquals(lines, ids(c, node, "SELECT gid FROM g ORDER BY gid"), "the lines at " + node);
            for (String q : List.of("SELECT id, name FROM f ORDER BY id", "SELECT cod, f_id, den FROM p ORDER BY cod",
                "SELECT gid, p_cod, note FROM g ORDER BY gid")) {
                assertEquals(c.sql("A").query(q), c.sql(node).query(q), q + " at " + node);
            }
            for (String shadow : List.of("cv_shadow_f", "cv_shadow_p", "cv_shadow_g")) {
                assertEquals(ForeignKeyConflictsIT.versions(c, "A", shadow), ForeignKeyConflictsIT.versions(c, node, shadow),
                    "the versions in " + shadow + " at " + node + " are A's");
            }
        }
    }

    static List<Integer> ids(Cluster c, String node, String query) {
        return c.sql(node).query(query).stream().map(r -> ((Number) r.values().iterator().next()).intValue()).toList();
    }

    static List<ConflictRecord> constraints(Cluster c, String node, String table) {
        return c.node(node).conflicts().stream()
            .filter(r -> r.type() == ConflictType.CONSTRAINT && r.table().equalsIgnoreCase(table)).toList();
    }

    /** C hears of {@code first}'s write first, then of the other's. */
    static void deliverAll(Cluster c, String first) {
        c.deliver(first, "C");
        c.sync();
    }

    @AllDialects
    void aLaterGrandchildKeepsItsProductAndSupplierOnEveryPeerInEitherOrder(Dialect dialect) {
        for (String first : List.of("A", "B")) {
            Cluster c = chain(dialect, "fk_chain_child_later_" + first.toLowerCase(Locale.ROOT));
            c.write("A", "DELETE FROM f WHERE id = 12"); // takes product 1 and line 10 with it at A
            c.tick(1000);
            c.write("B", "INSERT INTO g VALUES (11, 1, 'later')"); // B has not seen the delete
            deliverAll(c, first);
            // line 10 went with the delete at A, which had seen it; line 11 is the later write and keeps what it needs
            assertSameEverywhere(c, List.of(12), List.of(1), List.of(11));
            for (String table : List.of("f", "p")) {
                List<ConflictRecord> atB = constraints(c, "B", table);
                assertEquals(1, atB.size(), "B recorded the delete of " + table + " losing to the line: " + c.node("B").conflicts());
                assertEquals(Outcome.KEPT_LOCAL, atB.get(0).outcome(), "the delete of " + table + " lost at B");
            }
            List<ConflictRecord> atA = constraints(c, "A", "g");
            assertEquals(Outcome.APPLIED_REMOTE, atA.get(0).outcome(), "the line won at A: " + atA);
            String detail = atA.get(0).detail().orElseThrow().toLowerCase(Locale.ROOT);
            assertTrue(detail.contains("p {cod=1}") && detail.contains("f {id=12}"), "A's record names both rows brought back: " + detail);
        }
    }

    @AllDialects
    void aLaterUpdateOfAGrandchildKeepsItsProductAndSupplierOnEveryPeerInEitherOrder(Dialect dialect) {
        for (String first : List.of("A", "B")) {
            Cluster c = chain(dialect, "fk_chain_update_later_" + first.toLowerCase(Locale.ROOT));
            c.write("A", "DELETE FROM f WHERE id = 12");
            c.tick(1000);
            c.write("B", "UPDATE g SET note = 'later' WHERE gid = 10");
            deliverAll(c, first);
            assertSameEverywhere(c, List.of(12), List.of(1), List.of(10));
            assertEquals("later", c.sql("A").scalar("SELECT note FROM g WHERE gid = 10"), "the line holds B's update");
        }
    }

    @AllDialects
    void aLaterDeleteTakesTheConcurrentGrandchildOnEveryPeerInEitherOrder(Dialect dialect) {
        for (String first : List.of("A", "B")) {
            Cluster c = chain(dialect, "fk_chain_delete_later_" + first.toLowerCase(Locale.ROOT));
            c.write("B", "INSERT INTO g VALUES (11, 1, 'earlier')");
            c.tick(1000);
            c.write("A", "DELETE FROM f WHERE id = 12"); // A has not seen line 11
            deliverAll(c, first);
            assertSameEverywhere(c, List.of(), List.of(), List.of());
            assertEquals(1L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_shadow_g\" WHERE gid = 11 AND \"cv_deleted\" = TRUE"))
                .longValue(), "line 11 has a tombstone at B");
        }
    }

    /**
     * The deletes travel in two transactions (the product first, then the supplier), both concurrent with the line:
     * the supplier's delete must not cascade through the product the line kept.
     */
    @AllDialects
    void aProductKeptByALaterLineStopsTheSuppliersLaterCascade(Dialect dialect) {
        Cluster c = chain(dialect, "fk_chain_two_deletes");
        c.write("A", "DELETE FROM p WHERE cod = 1");
        c.tick(1000);
        c.write("A", "DELETE FROM f WHERE id = 12");
        c.tick(1000);
        c.write("B", "INSERT INTO g VALUES (11, 1, 'later')");
        deliverAll(c, "A");
        assertSameEverywhere(c, List.of(12), List.of(1), List.of(11));
    }

    /**
     * The line's key restricts (no action) while the product's cascades from the supplier: A must delete its lines
     * before the supplier, and the supplier's cascade would be refused at B by the concurrent line. The delete is judged
     * against the line it would meet; under {@code timestamp} the later write decides on every peer, in either order.
     */
    @AllDialects
    void aRestrictingKeyBelowACascadeIsJudgedAlike(Dialect dialect) {
        String schema = CHAIN.replace("REFERENCES p (cod) ON DELETE CASCADE", "REFERENCES p (cod)");
        for (boolean lineLater : List.of(true, false)) {
            Cluster c = Cluster.of(dialect, "fk_chain_restrict_" + lineLater, List.of("A", "B", "C"), schema,
                List.of(TableConfig.of("f"), TableConfig.of("p"), TableConfig.of("g")));
            c.write("A", "INSERT INTO f VALUES (12, 'Scule SRL')", "INSERT INTO p VALUES (1, 12, 'Clește')", "INSERT INTO g VALUES (10, 1, 'first')");
            c.sync();
            c.tick(60_000);
            if (!lineLater) {
                c.write("B", "INSERT INTO g VALUES (11, 1, 'earlier')");
                c.tick(1000);
            }
            c.write("A", "DELETE FROM g WHERE gid = 10", "DELETE FROM f WHERE id = 12");
            if (lineLater) {
                c.tick(1000);
                c.write("B", "INSERT INTO g VALUES (11, 1, 'later')");
            }
            deliverAll(c, "A");
            if (lineLater) {
                assertSameEverywhere(c, List.of(12), List.of(1), List.of(11));
            } else {
                assertSameEverywhere(c, List.of(), List.of(), List.of());
            }
        }
    }

    /**
     * FK4: one transaction deletes three suppliers under a cascading key; their products are read together, one read for
     * all three. Only the supplier with a concurrent (later) product stays, with it; the others go with the products
     * the delete had seen — judged per parent exactly as one delete at a time, on every peer.
     */
    @AllDialects
    void aBatchOfParentDeletesIsJudgedParentByParent(Dialect dialect) {
        Cluster c = ForeignKeyConflictsIT.mesh(dialect, "fk_batch", ForeignKeyConflictsIT.schemaOnDelete("CASCADE"), TableConfig.of("f"));
        c.write("A", "INSERT INTO f VALUES (13, 'Unelte SRL')", "INSERT INTO f VALUES (14, 'Cuie SRL')",
            "INSERT INTO p VALUES (2, 13, 'Cleste')", "INSERT INTO p VALUES (3, 14, 'Patent')");
        c.sync();
        c.tick(1000);
        c.write("A", "DELETE FROM f WHERE id IN (12, 13, 14)");
        c.tick(1000);
        c.write("B", "INSERT INTO p VALUES (1023, 13, 'Ciocan')");
        deliverAll(c, "A");
        for (String node : List.of("A", "B", "C")) {
            assertEquals(List.of(13), ids(c, node, "SELECT id FROM f ORDER BY id"), "only supplier 13 stays at " + node);
            assertEquals(List.of(1023), ids(c, node, "SELECT cod FROM p ORDER BY cod"), "only the concurrent product stays at " + node);
        }
        ForeignKeyConflictsIT.assertSameEverywhere(c);
        List<ConflictRecord> atB = constraints(c, "B", "f");
        assertEquals(1, atB.size(), "B judged one delete, supplier 13's: " + c.node("B").conflicts());
        assertEquals(Outcome.KEPT_LOCAL, atB.get(0).outcome());
    }

    /**
     * FK3: the supplier's delete beats a concurrent product under a cascading key at B, but a table B does not
     * replicate refers to the supplier and refuses the delete. Nothing of the decision is half-applied: the product
     * stays with its own version, no record says it went, and the delete is parked naming the local table.
     */
    @AllDialects
    void aWinningDeleteThatALocalTableRefusesTakesNothingAndIsParkedNamingTheTable(Dialect dialect) {
        String schema = ForeignKeyConflictsIT.schemaOnDelete("CASCADE") + ";\n"
            + "CREATE TABLE l (id INT PRIMARY KEY, f_id INT REFERENCES f (id))";
        Cluster c = ForeignKeyConflictsIT.mesh(dialect, "fk_local_restricts", schema, TableConfig.of("f"));
        c.sql("B").execute("INSERT INTO l VALUES (1, 12)"); // B's own row, never replicated
        c.write("B", "INSERT INTO p VALUES (1023, 12, 'Ciocan')");
        c.tick(1000);
        c.write("A", "DELETE FROM f WHERE id = 12"); // the later write: it wins, and takes product 1 with it at A
        c.deliver("A", "B");
        assertEquals(List.of(12), ids(c, "B", "SELECT id FROM f"), "the supplier stays at B");
        assertEquals(List.of(1023), ids(c, "B", "SELECT cod FROM p"),
            "the concurrent product stays at B (product 1 goes: A's delete of it is a change of its own)");
        assertEquals(0L, ((Number) c.sql("B").scalar("SELECT COUNT(*) FROM \"cv_shadow_p\" WHERE cod = 1023 AND \"cv_deleted\" = TRUE"))
            .longValue(), "the product has no tombstone at B");
        assertEquals(List.of(), constraints(c, "B", "p"), "no record says the product went");
        List<ConflictRecord> parked = constraints(c, "B", "f");
        assertEquals(1, parked.size(), "one record of the delete: " + c.node("B").conflicts());
        assertEquals(Outcome.PARKED, parked.get(0).outcome());
        assertEquals(dev.converge.conflict.ConflictStatus.NEEDS_REVIEW, parked.get(0).status());
        String detail = parked.get(0).detail().orElseThrow().toLowerCase(Locale.ROOT);
        assertTrue(detail.contains("table l ") && detail.contains("does not replicate"), "the record names the local table: " + detail);
    }
}
