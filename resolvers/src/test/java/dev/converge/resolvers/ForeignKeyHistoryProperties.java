package dev.converge.resolvers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * The seed's suppliers and products in a mesh of three peers, under {@code timestamp}, {@code site-priority} and
 * {@code delete-wins}: a supplier is renamed, deleted and inserted again with the same key while products referring
 * to it are inserted and changed, concurrently, with partial deliveries between the writes. A parent delete that meets
 * a concurrent child is a {@code constraint} conflict the rule decides (the parent kept, brought back, or its children removed with it), and the versions those
 * outcomes write must let a later conflict on the same rows be judged alike everywhere: every peer ends with the same
 * rows, compared in SQL. A write a peer's own database refuses (a product of a supplier gone there) is not made, as
 * an application's would fail.
 *
 * <p>Not generated, for they can still diverge (README, Limits): a product deleted after it was written concurrently
 * with its supplier's delete (the peer that meets the delete after the product's delete sees no product to judge it
 * against; the other brought the supplier back for the product) and {@code earliest} with foreign keys. Only B
 * deletes suppliers and inserts them again, and a new insert of a supplier follows a full sync (every peer met every
 * write before it): two divergences about a new insert concurrent with earlier writes, both about one that had seen a
 * product lose, are pinned as examples instead ({@link
 * #aDeleteThatLosesToAConcurrentUpdateOnlyAfterANewInsertKeepsItsLosersLostWhereItWonFirst}, {@link
 * #twoNewInsertsOfAParentOneThatSawAChildLoseDivergeOnTheChild}); generated, they made 2 of 6 runs fail. Concurrent new
 * inserts are covered by the examples.
 *
 * <p>The generated histories use a restricting or a cascading key.
 */
class ForeignKeyHistoryProperties {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final List<String> PEERS = List.of("A", "B", "C");

    /**
     * One step: {@code node} runs {@code sql} as a transaction (a write), or delivers what it has to {@code to}; a write
     * {@code afterSync} is made once every peer has met everything written before it.
     */
    record Step(String node, String sql, String to, boolean afterSync) {
        Step(String node, String sql, String to) {
            this(node, sql, to, false);
        }

        @Override
        public String toString() {
            return sql == null ? "deliver " + node + "->" + to : (afterSync ? "(full sync) " : "") + node + ": " + sql;
        }
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void deleteWinsConvergesWithForeignKeys(@ForAll("histories") List<Step> steps, @ForAll boolean cascade) {
        assertConverges(DeleteWinsResolver.NAME, steps, cascade);
    }

    @Property(tries = 2, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void deleteWinsConvergesWithForeignKeysOnPostgres(@ForAll("histories") List<Step> steps, @ForAll boolean cascade) {
        assertConverges(Dialect.POSTGRESQL, DeleteWinsResolver.NAME, steps, cascade);
    }

    @Property(tries = 2, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void timestampConvergesWithForeignKeysOnPostgres(@ForAll("histories") List<Step> steps, @ForAll boolean cascade) {
        assertConverges(Dialect.POSTGRESQL, "timestamp", steps, cascade);
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void timestampConvergesWithForeignKeys(@ForAll("histories") List<Step> steps, @ForAll boolean cascade) {
        assertConverges("timestamp", steps, cascade);
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void sitePriorityConvergesWithForeignKeys(@ForAll("histories") List<Step> steps, @ForAll boolean cascade) {
        assertConverges(SitePriorityResolver.NAME, steps, cascade);
    }

    @Property(tries = 2, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
    void sitePriorityConvergesWithForeignKeysOnPostgres(@ForAll("histories") List<Step> steps, @ForAll boolean cascade) {
        assertConverges(Dialect.POSTGRESQL, SitePriorityResolver.NAME, steps, cascade);
    }

    /**
     * A renames supplier 12 while B deletes it, then A adds a product of it: the delete beat the rename and lost to the
     * product, so the supplier comes back as the delete removed it — on A too, where the rename was the row (found by
     * this property: A kept the rename, B brought back the row it had deleted).
     */
    @Example
    void aParentKeptForAChildIsTheRowTheDeleteRemovedEverywhere() {
        assertConverges("timestamp", List.of(new Step("A", "UPDATE f SET name = 'n1' WHERE id = 12", null),
            new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null)), true);
    }

    /**
     * A adds a product while B deletes its supplier, then A renames the supplier: at B the product lost to the newer
     * delete and the rename, newer still, brings the supplier back — and with it the product, which A kept because
     * the delete lost there at once (found by this property: B left the product out).
     */
    @Example
    void aParentBroughtBackByAnUpdateBringsBackTheChildrenThatLostToItsDelete() {
        assertConverges("timestamp", List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null),
            new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("A", "UPDATE f SET name = 'n1' WHERE id = 12", null)), true);
    }

    /**
     * Under a restricting key, applied in a run of ChangeSets (found by review: runs took tables with restricting keys
     * and never brought back a product that lost to a delete once its supplier's rename beat the delete): A adds a
     * product, B deletes its supplier; C meets the delete first, then the product, which loses; A's rename wins.
     */
    @Example
    void aRestrictingKeysRevivedParentBringsBackItsChildInARun() {
        assertConverges("timestamp", List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null),
            new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("B", null, "C"), new Step("A", null, "C"),
            new Step("A", "UPDATE f SET name = 'n1' WHERE id = 12", null)), false);
    }

    /**
     * A adds a product and changes it while B deletes its supplier; C (and B) meet the delete first, then the product,
     * which loses, then its change, which loses to the product's tombstone; A's rename beats the delete, and the
     * product comes back with its latest image, as A holds it (found by this property under a restricting key: B and
     * C brought back the first image, the one the product's record held; a cascading key did the same).
     */
    @Example
    void aChildWrittenTwiceComesBackWithItsLatestImage() {
        for (boolean cascade : new boolean[] {false, true}) {
            assertConverges("timestamp", writtenTwice(List.of()), cascade);
        }
    }

    /** As above on PostgreSQL, under a restricting key. */
    @Example
    void aChildWrittenTwiceComesBackWithItsLatestImageOnPostgres() {
        assertConverges(Dialect.POSTGRESQL, "timestamp", writtenTwice(List.of()), false);
    }

    /**
     * As above, but C held the product when the delete arrived and took it (its record holding the first image); the
     * change then lost to its tombstone there.
     */
    @Example
    void aChildTheDeleteTookAndThenChangedComesBackWithItsLatestImage() {
        for (boolean cascade : new boolean[] {false, true}) {
            assertConverges("timestamp", writtenTwice(List.of(new Step("A", null, "C"))), cascade);
        }
    }

    /** A inserts product 2 ({@code between} follows), changes it, B deletes the supplier, C meets it all, A renames it. */
    private static List<Step> writtenTwice(List<Step> between) {
        List<Step> steps = new ArrayList<>(List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null)));
        steps.addAll(between);
        steps.addAll(List.of(new Step("A", "UPDATE p SET den = 'u1' WHERE cod = 2", null), new Step("B", "DELETE FROM f WHERE id = 12", null),
            new Step("B", null, "C"), new Step("A", null, "C"), new Step("A", "UPDATE f SET name = 'n1' WHERE id = 12", null)));
        return steps;
    }

    /**
     * A adds a product while B deletes its supplier and inserts it again with the same key: where the delete beat the
     * product first, the new insert — which had not seen the product — brings it back, as the peer that meets the
     * product after the new insert writes it (found by this property: B held the product, A did not).
     */
    @Example
    void aParentInsertedAgainBringsBackTheChildrenItHadNotSeenLose() {
        assertConverges("timestamp", List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null),
            new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("B", "INSERT INTO f VALUES (12, 'r1')", null)), true);
    }

    /** As above under site-priority, the delete's peer ranking first (found by this property). */
    @Example
    void aParentInsertedAgainUnderSitePriorityConverges() {
        assertConverges(SitePriorityResolver.NAME, List.of(new Step("A", "DELETE FROM f WHERE id = 12", null),
            new Step("A", "INSERT INTO f VALUES (12, 'r1')", null), new Step("B", "INSERT INTO p VALUES (2, 12, 'p1')", null)), true);
    }

    /**
     * Under site-priority, A (ranking first) adds a product while B deletes its supplier and C (ranking last) adds
     * another, newer one: A's product beats the delete, C's does not. Where the delete meets both products it loses,
     * as it does where A's product meets the delete (found by review: the delete was judged against C's product, the
     * newest, and won at A while B brought the supplier back for A's product).
     */
    @Example
    void underSitePriorityADeleteLosesToAnyConcurrentChildThatBeatsIt() {
        for (boolean cascade : new boolean[] {true, false}) {
            assertConverges(SitePriorityResolver.NAME, List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null),
                new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("C", "INSERT INTO p VALUES (3, 12, 'p2')", null)), cascade);
        }
    }

    /** As above on PostgreSQL, under a restricting key. */
    @Example
    void underSitePriorityADeleteLosesToAnyConcurrentChildThatBeatsItOnPostgres() {
        assertConverges(Dialect.POSTGRESQL, SitePriorityResolver.NAME, List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null),
            new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("C", "INSERT INTO p VALUES (3, 12, 'p2')", null)), false);
    }

    /**
     * A child's write that the new insert of its parent had seen lose stays lost: A deletes the supplier, B's product
     * reaches A and loses to the delete, then A inserts the supplier again — no peer brings the product back.
     */
    @Example
    void aChildTheNewInsertSawLoseStaysLost() {
        Cluster c = assertConverges("timestamp", List.of(new Step("B", "INSERT INTO p VALUES (2, 12, 'p1')", null),
            new Step("A", "DELETE FROM f WHERE id = 12", null), new Step("B", null, "A"),
            new Step("A", "INSERT INTO f VALUES (12, 'r1')", null)), true);
        assertEquals(List.of(), c.rows("B", "p"), "the product lost to the delete at A before the new insert, and stays lost");
    }

    /**
     * C adds a product while B and then A delete its supplier, concurrently; B meets the product (it loses to B's
     * delete) and then A's delete, whose stamp its tombstone takes; C's rename, newer than both, brings the supplier
     * back — and with it the product, which C kept (found by review: B brought back only the children that lost to
     * the delete its tombstone names, A's). Likewise when a newer product of C brings the supplier back.
     */
    @Example
    void aParentBroughtBackAfterTwoConcurrentDeletesBringsBackTheChildrenThatLostToEither() {
        for (boolean cascade : new boolean[] {true, false}) {
            assertConverges("timestamp", twoDeletes(), cascade);
            List<Step> byAChild = new ArrayList<>(twoDeletes().subList(0, 5));
            byAChild.add(new Step("C", "INSERT INTO p VALUES (3, 12, 'p2')", null));
            assertConverges("timestamp", byAChild, cascade);
        }
    }

    /** As above on PostgreSQL, under a restricting key. */
    @Example
    void aParentBroughtBackAfterTwoConcurrentDeletesBringsBackTheChildrenThatLostToEitherOnPostgres() {
        assertConverges(Dialect.POSTGRESQL, "timestamp", twoDeletes(), false);
    }

    /** C inserts product 2, B deletes the supplier and meets the product, A deletes it too and B meets that, C renames it. */
    private static List<Step> twoDeletes() {
        return List.of(new Step("C", "INSERT INTO p VALUES (2, 12, 'p1')", null), new Step("B", "DELETE FROM f WHERE id = 12", null),
            new Step("C", null, "B"), new Step("A", "DELETE FROM f WHERE id = 12", null), new Step("A", null, "B"),
            new Step("C", "UPDATE f SET name = 'n1' WHERE id = 12", null));
    }

    /**
     * Pinned divergence (README, Limits; found by this property once every peer deleted suppliers, and as reachable with
     * B alone deleting): {@code deleter} deletes the supplier while {@code other} adds a product and C renames the
     * supplier, newer than both; {@code other} meets the delete, its product loses, and it inserts the supplier
     * again; then C's rename reaches everyone. At C the delete lost to the rename on arrival, so the product was
     * written; at the other two it had already lost, the new insert had seen it lose, and the rename, meeting a live
     * row, brings nothing back. Asserts that this is still what happens.
     */
    @Example
    void aDeleteThatLosesToAConcurrentUpdateOnlyAfterANewInsertKeepsItsLosersLostWhereItWonFirst() {
        for (String[] roles : new String[][] {{"A", "B"}, {"B", "A"}}) {
            String deleter = roles[0];
            String other = roles[1];
            Cluster c = replay(Dialect.H2, "timestamp", List.of(new Step(other, "INSERT INTO p VALUES (2, 12, 'p1')", null),
                new Step(deleter, "DELETE FROM f WHERE id = 12", null), new Step(deleter, null, other),
                new Step(other, "INSERT INTO f VALUES (12, 'r1')", null), new Step("C", "UPDATE f SET name = 'n1' WHERE id = 12", null)),
                false, new ArrayList<>());
            for (String id : PEERS) {
                assertEquals("[{ID=12, NAME=n1}]", c.rows(id, "f").toString(), "the rename wins at " + id);
                assertEquals(id.equals("C") ? "[{COD=2, F_ID=12, DEN=p1}]" : "[]", c.rows(id, "p").toString(),
                    "the product at " + id + " (" + deleter + " deleting)");
            }
        }
    }

    /**
     * Pinned divergence (README, Limits; found by this property, B alone deleting): B deletes the supplier and A's
     * older product loses to it at B; C meets the delete, inserts the supplier again, and then meets the product, which
     * its new insert had not seen lose: C writes it. B inserts the supplier again too, newer, having seen the product
     * lose. B's insert wins the row everywhere; C keeps the product, A and B (where C's insert loses to a live row)
     * do not. Asserts that this is still what happens.
     */
    @Example
    void twoNewInsertsOfAParentOneThatSawAChildLoseDivergeOnTheChild() {
        for (boolean cascade : new boolean[] {false, true}) {
            Cluster c = replay(Dialect.H2, "timestamp", List.of(new Step("A", "INSERT INTO p VALUES (2, 12, 'p1')", null),
                new Step("B", "DELETE FROM f WHERE id = 12", null), new Step("A", null, "B"), new Step("B", null, "C"),
                new Step("C", "INSERT INTO f VALUES (12, 'r1')", null), new Step("A", null, "C"),
                new Step("B", "INSERT INTO f VALUES (12, 'r2')", null)), cascade, new ArrayList<>());
            for (String id : PEERS) {
                assertEquals("[{ID=12, NAME=r2}]", c.rows(id, "f").toString(), "B's insert wins at " + id);
                assertEquals(id.equals("C") ? "[{COD=2, F_ID=12, DEN=p1}]" : "[]", c.rows(id, "p").toString(), "the product at " + id);
            }
        }
    }

    static Cluster assertConverges(String rule, List<Step> steps, boolean cascade) {
        return assertConverges(Dialect.H2, rule, steps, cascade);
    }

    static Cluster assertConverges(Dialect dialect, String rule, List<Step> steps, boolean cascade) {
        List<String> made = new ArrayList<>();
        Cluster c = replay(dialect, rule, steps, cascade, made);
        for (String table : List.of("f", "p")) {
            for (String id : PEERS) {
                assertEquals(c.rows("A", table), c.rows(id, table), rule + (cascade ? " (cascade)" : " (restrict)") + ": table " + table
                    + " at " + id + " differs from A after " + made);
            }
        }
        return c;
    }

    /** Makes {@code steps} (those made are added to {@code made}) and then syncs every peer. */
    private static Cluster replay(Dialect dialect, String rule, List<Step> steps, boolean cascade, List<String> made) {
        String schema = "CREATE TABLE f (id INT PRIMARY KEY, name VARCHAR(40));\n"
            + "CREATE TABLE p (cod INT PRIMARY KEY, f_id INT NOT NULL REFERENCES f (id)" + (cascade ? " ON DELETE CASCADE" : "")
            + ", den VARCHAR(40))";
        Cluster c = Cluster.ofEach(dialect, "fk_history_" + RUNS.incrementAndGet(), PEERS, id -> id.equals("A") ? 3 : id.equals("B") ? 2 : 1,
            schema, List.of(TableConfig.of("f"), TableConfig.of("p")), (id, b) -> b.defaultResolver(ResolverSpec.of(rule)), db -> db);
        // under a restricting key a product from the start would refuse every delete of its supplier at the peer itself
        c.write("A", cascade ? new String[] {"INSERT INTO f VALUES (12, 'Scule SRL')", "INSERT INTO p VALUES (1, 12, 'Clește')"}
            : new String[] {"INSERT INTO f VALUES (12, 'Scule SRL')"});
        c.sync();
        for (Step s : steps) {
            c.tick(700);
            if (s.sql() == null) {
                c.deliver(s.node(), s.to());
                made.add(s.toString());
                continue;
            }
            if (s.afterSync()) {
                c.sync();
            }
            try {
                c.write(s.node(), s.sql());
                made.add(s.toString());
            } catch (AssertionError refused) {
                // the peer's own database refused it (a key gone or taken there): an application's write would fail too
                String why = String.valueOf(refused.getMessage());
                if (!why.contains("constraint violation") && !why.contains("primary key violation") && !why.contains("violates")) {
                    throw refused;
                }
            }
        }
        c.sync();
        return c;
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<String> node = Arbitraries.of(PEERS);
        Arbitrary<Integer> n = Arbitraries.integers().between(1, 99);
        Arbitrary<String> write = Arbitraries.oneOf(
            n.map(v -> "UPDATE f SET name = 'n" + v + "' WHERE id = 12"),
            Arbitraries.just("DELETE FROM f WHERE id = 12"),
            n.map(v -> "INSERT INTO f VALUES (12, 'r" + v + "')"),
            Combinators.combine(Arbitraries.integers().between(1, 3), n).as((k, v) -> "INSERT INTO p VALUES (" + k + ", 12, 'p" + v + "')"),
            Combinators.combine(Arbitraries.integers().between(1, 3), n).as((k, v) -> "UPDATE p SET den = 'u" + v + "' WHERE cod = " + k));
        // one peer deletes suppliers and inserts them again (B), and a new insert follows a full sync: the two
        // divergences pinned above need a new insert concurrent with earlier writes, and generated they failed 2 of 6 runs
        Arbitrary<Step> writes = Combinators.combine(node, write).as((id, sql) -> sql.startsWith("INSERT INTO f")
            ? new Step("B", sql, null, true) : new Step(sql.startsWith("DELETE FROM f") ? "B" : id, sql, null));
        Arbitrary<Step> deliveries = Combinators.combine(node, node).filter((a, b) -> !a.equals(b)).as((a, b) -> new Step(a, null, b));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, writes), net.jqwik.api.Tuple.of(2, deliveries)).list().ofMinSize(2).ofMaxSize(14);
    }
}
