package dev.converge.neteffect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ReplicatedTable;
import dev.converge.model.Change;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The net-effect rules one at a time, on the seed article's table {@code pers(marca PK, nume, jud)} replicated with the
 * filter {@code jud = 'MS'}. Match flags are computed from that filter, as capture would.
 */
class NetEffectTest {
    static final ReplicatedTable PERS = new ReplicatedTable("pers", List.of("marca"), List.of("marca", "nume", "jud"),
        List.of("marca", "nume", "jud"), Optional.of("jud = 'MS'"));
    /** pers with a fourth, unreplicated column. */
    static final ReplicatedTable PERS_SUBSET = new ReplicatedTable("pers", List.of("marca"),
        List.of("marca", "nume", "jud"), List.of("marca", "nume", "jud", "salar"), Optional.of("jud = 'MS'"));
    /** The IBM example's suppliers and products, unfiltered. */
    static final ReplicatedTable F = new ReplicatedTable("f", List.of("id"), List.of("id", "name"),
        List.of("id", "name"), Optional.empty());
    static final ReplicatedTable P = new ReplicatedTable("p", List.of("cod"), List.of("cod", "f_id", "den"),
        List.of("cod", "f_id", "den"), Optional.empty());

    static final Map<String, ReplicatedTable> TABLES = Map.of("pers", PERS, "f", F, "p", P);

    static List<Change> net(RawChange... raw) {
        return NetEffect.of(List.of(raw), TABLES::get);
    }

    static HybridTimestamp ts(long position) {
        return HybridTimestamp.ofMillis(1_795_000_000_000L + position * 1000);
    }

    static RowImage image(Object... columnsAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            values.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return RowImage.of(values);
    }

    static RowImage pers(long marca, String nume, String jud) {
        return image("marca", marca, "nume", nume, "jud", jud);
    }

    static boolean inMs(RowImage row) {
        return "MS".equals(row.get("jud"));
    }

    static RowKey marca(long marca) {
        return RowKey.of("marca", marca);
    }

    static RawChange ins(long pos, RowImage after) {
        return RawChange.insert(pos, "pers", after, inMs(after), ts(pos));
    }

    static RawChange upd(long pos, RowImage before, RowImage after) {
        return RawChange.update(pos, "pers", before, after, inMs(before), inMs(after), ts(pos));
    }

    static RawChange del(long pos, RowImage before) {
        return RawChange.delete(pos, "pers", before, inMs(before), ts(pos));
    }

    static Change.Insert insert(RowImage row, long tsPosition) {
        return new Change.Insert("pers", marca((Long) row.get("marca")), row, ts(tsPosition));
    }

    static Change.Delete delete(RowImage row, long tsPosition) {
        return new Change.Delete("pers", marca((Long) row.get("marca")), row, ts(tsPosition));
    }

    static Change.Update update(RowImage before, RowImage after, long tsPosition) {
        return new Change.Update("pers", marca((Long) before.get("marca")), before, after, ts(tsPosition));
    }

    @Nested
    class SeedExamples {
        @Test
        void insertThenUpdateShipsAsInsertOfTheFinalImage() {
            List<Change> out = net(
                ins(1, pers(1325, "Ion", "MS")),
                upd(2, pers(1325, "Ion", "MS"), pers(1325, "Vasile", "MS")));

            assertEquals(List.of(insert(pers(1325, "Vasile", "MS"), 2)), out,
                "INSERT (1325,'Ion','MS'); UPDATE nume='Vasile' must ship as INSERT (1325,'Vasile','MS')");
        }

        @Test
        void updateOutOfTheFilterThenDeleteShipsAsDeleteOfTheOriginalImage() {
            List<Change> out = net(
                upd(1, pers(1325, "Vasile", "MS"), pers(1325, "Vasile", "CJ")),
                del(2, pers(1325, "Vasile", "CJ")));

            assertEquals(List.of(delete(pers(1325, "Vasile", "MS"), 2)), out,
                "UPDATE jud='CJ'; DELETE must ship as DELETE of (1325,'Vasile','MS'), the image the target holds");
        }
    }

    @Nested
    class SingleOperations {
        @Test
        void anInsertIsShippedAsIs() {
            assertEquals(List.of(insert(pers(1, "Ana", "MS"), 1)), net(ins(1, pers(1, "Ana", "MS"))));
        }

        @Test
        void anUpdateIsShippedAsIs() {
            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ioana", "MS"), 1)),
                net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS"))));
        }

        @Test
        void aDeleteIsShippedAsIs() {
            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 1)), net(del(1, pers(1, "Ana", "MS"))));
        }

        @Test
        void rowsOutsideTheFilterAreNotShipped() {
            assertEquals(List.of(), net(ins(1, pers(1, "Ana", "CJ"))));
            assertEquals(List.of(), net(upd(2, pers(2, "Ana", "CJ"), pers(2, "Ioana", "CJ"))));
            assertEquals(List.of(), net(del(3, pers(3, "Ana", "CJ"))));
        }

        @Test
        void anEmptyTransactionShipsNothing() {
            assertEquals(List.of(), net());
        }

        @Test
        void anUpdateThatChangesNothingShipsNothing() {
            assertEquals(List.of(), net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ana", "MS"))));
        }
    }

    @Nested
    class Pairs {
        @Test
        void insertThenDeleteIsNothing() {
            assertEquals(List.of(), net(ins(1, pers(1, "Ana", "MS")), del(2, pers(1, "Ana", "MS"))));
        }

        @Test
        void insertThenUpdateOutOfTheFilterIsNothing() {
            assertEquals(List.of(), net(ins(1, pers(1, "Ana", "MS")), upd(2, pers(1, "Ana", "MS"), pers(1, "Ana", "CJ"))));
        }

        @Test
        void insertOutsideThenUpdateIntoTheFilterIsAnInsertOfTheFinalImage() {
            assertEquals(List.of(insert(pers(1, "Ana", "MS"), 2)),
                net(ins(1, pers(1, "Ana", "CJ")), upd(2, pers(1, "Ana", "CJ"), pers(1, "Ana", "MS"))));
        }

        @Test
        void updateThenDeleteIsADeleteOfTheOriginalImage() {
            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 2)),
                net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")), del(2, pers(1, "Ioana", "MS"))));
        }

        @Test
        void updateIntoTheFilterThenDeleteIsNothing() {
            assertEquals(List.of(),
                net(upd(1, pers(1, "Ana", "CJ"), pers(1, "Ana", "MS")), del(2, pers(1, "Ana", "MS"))));
        }

        @Test
        void updatesCollapseIntoOneFromTheOriginalToTheFinalImage() {
            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Maria", "MS"), 3)),
                net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")),
                    upd(2, pers(1, "Ioana", "MS"), pers(1, "Ioana", "CJ")),
                    upd(3, pers(1, "Ioana", "CJ"), pers(1, "Maria", "MS"))));
        }

        @Test
        void updatesThatEndWhereTheyStartedShipNothing() {
            assertEquals(List.of(),
                net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")), upd(2, pers(1, "Ioana", "MS"), pers(1, "Ana", "MS"))));
        }

        @Test
        void deleteThenReinsertOfTheSameKeyIsAnUpdate() {
            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ioana", "MS"), 2)),
                net(del(1, pers(1, "Ana", "MS")), ins(2, pers(1, "Ioana", "MS"))));
        }

        @Test
        void deleteThenReinsertOfTheSameRowIsNothing() {
            assertEquals(List.of(), net(del(1, pers(1, "Ana", "MS")), ins(2, pers(1, "Ana", "MS"))));
        }

        @Test
        void deleteThenReinsertOutsideTheFilterIsADelete() {
            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 2)),
                net(del(1, pers(1, "Ana", "MS")), ins(2, pers(1, "Ana", "CJ"))));
        }
    }

    @Nested
    class FilterTransitions {
        @Test
        void anUpdateIntoTheFilterIsAnInsertOfTheFinalImage() {
            assertEquals(List.of(insert(pers(1, "Ana", "MS"), 1)), net(upd(1, pers(1, "Ana", "CJ"), pers(1, "Ana", "MS"))));
        }

        @Test
        void anUpdateOutOfTheFilterIsADeleteOfTheOriginalImage() {
            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 1)), net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ana", "CJ"))));
        }

        @Test
        void leavingAndReenteringTheFilterIsAnUpdate() {
            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ioana", "MS"), 2)),
                net(upd(1, pers(1, "Ana", "MS"), pers(1, "Ana", "CJ")), upd(2, pers(1, "Ana", "CJ"), pers(1, "Ioana", "MS"))));
        }
    }

    @Nested
    class KeyChanges {
        @Test
        void aKeyChangeIsADeleteOfTheOldRowThenAnInsertOfTheNewOne() {
            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 1), insert(pers(2, "Ana", "MS"), 1)),
                net(upd(1, pers(1, "Ana", "MS"), pers(2, "Ana", "MS"))));
        }

        @Test
        void aKeyChangeOutOfTheFilterIsOnlyADelete() {
            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 1)), net(upd(1, pers(1, "Ana", "MS"), pers(2, "Ana", "CJ"))));
        }

        @Test
        void aKeyChangeIntoTheFilterIsOnlyAnInsert() {
            assertEquals(List.of(insert(pers(2, "Ana", "MS"), 1)), net(upd(1, pers(1, "Ana", "CJ"), pers(2, "Ana", "MS"))));
        }

        @Test
        void theNewRowCollapsesWithWhatFollowsAndTheOldWithWhatPrecedes() {
            List<Change> out = net(
                upd(1, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")),
                upd(2, pers(1, "Ioana", "MS"), pers(2, "Ioana", "MS")),
                upd(3, pers(2, "Ioana", "MS"), pers(2, "Maria", "MS")));

            assertEquals(List.of(delete(pers(1, "Ana", "MS"), 2), insert(pers(2, "Maria", "MS"), 3)), out,
                "the delete carries the image before the transaction, the insert the image after it");
        }

        @Test
        void aKeyChangeThereAndBackIsAnUpdate() {
            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ioana", "MS"), 2)),
                net(upd(1, pers(1, "Ana", "MS"), pers(2, "Ana", "MS")), upd(2, pers(2, "Ana", "MS"), pers(1, "Ioana", "MS"))));
        }

        @Test
        void aKeySwapIsTwoUpdates() {
            List<Change> out = net(
                upd(1, pers(1, "Ana", "MS"), pers(3, "Ana", "MS")),
                upd(2, pers(2, "Ion", "MS"), pers(1, "Ion", "MS")),
                upd(3, pers(3, "Ana", "MS"), pers(2, "Ana", "MS")));

            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ion", "MS"), 2),
                update(pers(2, "Ion", "MS"), pers(2, "Ana", "MS"), 3)), out);
        }
    }

    @Nested
    class ColumnSubsets {
        final Map<String, ReplicatedTable> tables = Map.of("pers", PERS_SUBSET);

        RowImage full(long marca, String nume, String jud, long salar) {
            return image("marca", marca, "nume", nume, "jud", jud, "salar", salar);
        }

        List<Change> net(RawChange... raw) {
            return NetEffect.of(List.of(raw), tables::get);
        }

        @Test
        void anUpdateOfExcludedColumnsOnlyShipsNothing() {
            assertEquals(List.of(), net(upd(1, full(1, "Ana", "MS", 100), full(1, "Ana", "MS", 200))));
        }

        @Test
        void anUpdateShipsOnlyTheReplicatedColumns() {
            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ioana", "MS"), 1)),
                net(upd(1, full(1, "Ana", "MS", 100), full(1, "Ioana", "MS", 200))));
        }

        @Test
        void insertsAndDeletesShipOnlyTheReplicatedColumns() {
            assertEquals(List.of(insert(pers(1, "Ana", "MS"), 1), delete(pers(2, "Ion", "MS"), 2)),
                net(ins(1, full(1, "Ana", "MS", 100)), del(2, full(2, "Ion", "MS", 300))));
        }
    }

    @Nested
    class Timestamps {
        @Test
        void aChangeCarriesTheTimestampOfTheLastOperationOnItsKey() {
            List<Change> out = net(
                ins(1, pers(1, "Ana", "MS")),
                upd(2, pers(2, "Ion", "MS"), pers(2, "Ionel", "MS")),
                upd(3, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")));

            assertEquals(ts(3), out.get(0).timestamp(), "row 1 was last written at position 3");
            assertEquals(ts(2), out.get(1).timestamp(), "row 2 was last written at position 2");
        }

        @Test
        void aDeleteCarriesTheTimestampOfTheDeleteNotOfTheOriginalImage() {
            assertEquals(ts(7), net(upd(3, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")), del(7, pers(1, "Ioana", "MS")))
                .get(0).timestamp());
        }
    }

    @Nested
    class Order {
        @Test
        void insertsAndUpdatesAreAnchoredAtTheFirstOperationOnTheirKey() {
            List<Change> out = net(
                ins(1, pers(1, "Ana", "MS")),
                upd(2, pers(2, "Ion", "MS"), pers(2, "Ionel", "MS")),
                upd(3, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")),
                upd(4, pers(3, "Dan", "MS"), pers(3, "Dana", "MS")),
                upd(5, pers(3, "Dana", "MS"), pers(3, "Daniel", "MS")));

            assertEquals(List.of(marca(1), marca(2), marca(3)), out.stream().map(Change::key).toList());
        }

        @Test
        void deletesAreAnchoredAtTheLastOperationOnTheirKey() {
            List<Change> out = net(
                upd(1, pers(1, "Ana", "MS"), pers(1, "Ioana", "MS")),
                del(2, pers(2, "Ion", "MS")),
                del(3, pers(1, "Ioana", "MS")));

            assertEquals(List.of(delete(pers(2, "Ion", "MS"), 2), delete(pers(1, "Ana", "MS"), 3)), out);
        }

        @Test
        void atAKeyChangeTheOldRowGoesBeforeTheNewOneAlthoughBothAreAnchoredThere() {
            List<Change> out = net(
                ins(1, pers(7, "Dan", "MS")),
                upd(2, pers(1, "Ana", "MS"), pers(2, "Ana", "MS")),
                ins(3, pers(8, "Eva", "MS")));

            assertEquals(List.of(insert(pers(7, "Dan", "MS"), 1), delete(pers(1, "Ana", "MS"), 2),
                insert(pers(2, "Ana", "MS"), 2), insert(pers(8, "Eva", "MS"), 3)), out);
        }

        @Test
        void atTheSameAnchorAnUpdateComesBeforeAnInsert() {
            // row 1 moves to key 2 at position 1 and a new row 1 is inserted at 2: row 1's update is anchored at 1 too
            List<Change> out = net(
                upd(1, pers(1, "Ana", "MS"), pers(2, "Ana", "MS")),
                ins(2, pers(1, "Ion", "MS")));

            assertEquals(List.of(update(pers(1, "Ana", "MS"), pers(1, "Ion", "MS"), 2), insert(pers(2, "Ana", "MS"), 1)), out);
        }

        @Test
        void theOrderDoesNotDependOnHowRowsCompare() {
            List<Change> out = net(
                del(1, pers(9, "Zoe", "MS")),
                ins(2, pers(5, "Ana", "MS")),
                ins(3, pers(1, "Ion", "MS")));

            assertEquals(List.of(marca(9), marca(5), marca(1)), out.stream().map(Change::key).toList(),
                "changes follow the transaction, not key order");
        }
    }

    @Nested
    class SeveralTables {
        RawChange insF(long pos, long id) {
            return RawChange.insert(pos, "f", image("id", id, "name", "F" + id), true, ts(pos));
        }

        RawChange delF(long pos, long id) {
            return RawChange.delete(pos, "f", image("id", id, "name", "F" + id), true, ts(pos));
        }

        RawChange insP(long pos, long cod, long fId) {
            return RawChange.insert(pos, "p", image("cod", cod, "f_id", fId, "den", "Ciocan"), true, ts(pos));
        }

        RawChange delP(long pos, long cod, long fId) {
            return RawChange.delete(pos, "p", image("cod", cod, "f_id", fId, "den", "Ciocan"), true, ts(pos));
        }

        RawChange updF(long pos, long id, String oldName, String newName) {
            return RawChange.update(pos, "f", image("id", id, "name", oldName), image("id", id, "name", newName), true,
                true, ts(pos));
        }

        List<String> tablesAndKinds(List<Change> out) {
            return out.stream().map(c -> c.table() + " " + c.kind() + " " + c.key().values().values()).toList();
        }

        @Test
        void aParentInsertedAndThenUpdatedStillPrecedesItsChild() {
            List<Change> out = net(insF(1, 12), insP(2, 1023, 12), updF(3, 12, "F12", "Scule SRL"));

            assertEquals(List.of("f insert [12]", "p insert [1023]"), tablesAndKinds(out));
            assertEquals(image("id", 12, "name", "Scule SRL"), out.get(0).after().orElseThrow());
        }

        @Test
        void aParentUpdatedAndThenDeletedStillFollowsItsChild() {
            List<Change> out = net(updF(1, 12, "F12", "Old"), delP(2, 1023, 12), RawChange.delete(3, "f",
                image("id", 12, "name", "Old"), true, ts(3)));

            assertEquals(List.of("p delete [1023]", "f delete [12]"), tablesAndKinds(out));
            assertEquals(image("id", 12, "name", "F12"), out.get(1).before().orElseThrow());
        }

        @Test
        void theSameKeyInTwoTablesIsTwoRows() {
            List<Change> out = net(insF(1, 7), insP(2, 7, 7), delF(3, 7));

            assertEquals(List.of("p insert [7]"), tablesAndKinds(out),
                "deleting supplier 7 must not cancel product 7's insert");
        }

        @Test
        void operationsOutOfCaptureOrderAreRejected() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net(insF(2, 1), insF(2, 2)));
            assertTrue(e.getMessage().contains("capture order"), e::getMessage);
        }

        @Test
        void anUnknownTableIsRejectedByName() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net(insF(1, 1), RawChange.insert(2, "clients", image("id", 1), true, ts(2))));
            assertTrue(e.getMessage().contains("clients"), () -> "the message should name the table: " + e.getMessage());
        }
    }
}
