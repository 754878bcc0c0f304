package dev.converge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.conflict.Stamp;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What must hold after a {@link Workload} without deletes ran under a merging resolver ({@link ColumnMergeResolver},
 * {@link SummingResolver}) and everything was delivered. The reference model needs no knowledge of delivery: every
 * write counts, so each column holds the value of the latest write that set it (by {@link Stamp}: timestamp, then
 * origin) — or, for a summed column, the sum of every write's increment (after minus before; an insert's increment
 * is its value). Each check fails with the run's full account.
 */
public final class MergeChecks {
    private MergeChecks() {
    }

    /** Every peer holds, for every key, what the model says. */
    public static void matchesModel(WorkloadRunner r, boolean summed) {
        Map<Long, List<Object>> expected = new TreeMap<>();
        changesByKey(r).forEach((k, writes) -> expected.put(k, Arrays.asList(
            summed ? (Object) sum(writes) : number(latestSetting(writes, "v").map(c -> c.after().get().get("v")).orElse(null)),
            latestSetting(writes, "w").map(c -> c.after().get().get("w")).orElse(null))));
        for (String n : Workload.NODES) {
            Map<Long, List<Object>> actual = new TreeMap<>();
            r.node(n).replicatedRows().get(r.tableName()).forEach(row ->
                actual.put(number(row.get("k")), Arrays.asList(number(row.get("v")), row.get("w"))));
            assertEquals(expected, actual, () -> n + " does not hold what every write together makes" + r.describe());
        }
    }

    /** Every peer holds the same version of every row: the latest write, the other merged writes, the column stamps. */
    public static void versionsIdentical(WorkloadRunner r) {
        String sql = "SELECT * FROM " + r.shadowTable() + " ORDER BY 1";
        List<Map<String, Object>> atA = r.cluster().sql("A").query(sql);
        for (String n : List.of("B", "C")) {
            assertEquals(atA, r.cluster().sql(n).query(sql), () -> "A and " + n + " keep different versions" + r.describe());
        }
    }

    /**
     * Every recorded conflict is a merge of two live rows, auto-resolved, for a ChangeSet of another origin, and true:
     * some other origin wrote that key in a ChangeSet the incoming one had not seen.
     */
    public static void conflictsMerged(WorkloadRunner r) {
        for (String n : Workload.NODES) {
            for (ConflictRecord c : r.node(n).conflicts()) {
                String what = n + " recorded " + c.type().word() + " " + c.key().orElse(null) + " from " + c.changeSet() + " ";
                assertTrue(List.of(ConflictType.UPDATE_CHANGED_ROW, ConflictType.INSERT_EXISTS).contains(c.type()), what + r.describe());
                assertEquals(Outcome.MERGED, c.outcome(), what + r.describe());
                assertEquals(ConflictStatus.AUTO_RESOLVED, c.status(), what + r.describe());
                assertTrue(!c.remoteOrigin().value().equals(n), what + "for its own change" + r.describe());
                ChangeSet cs = r.seen().get(c.remoteOrigin().value()).get(c.changeSet().sequence());
                boolean concurrent = r.seen().entrySet().stream().filter(e -> !e.getKey().equals(cs.origin().value())).anyMatch(e ->
                    e.getValue().values().stream().anyMatch(l -> l.sequence() > cs.dependencies().getOrDefault(l.origin(), 0L)
                        && l.changes().stream().anyMatch(ch -> ch.key().equals(c.key().get()))));
                assertTrue(concurrent, what + "though it had seen every other write of that key (deps " + cs.dependencies() + ")" + r.describe());
            }
        }
    }

    /** Per key, every write of it, with the ChangeSet that carried it. */
    private static Map<Long, List<WorkloadChecks.Write>> changesByKey(WorkloadRunner r) {
        Map<Long, List<WorkloadChecks.Write>> out = new TreeMap<>();
        r.seen().values().forEach(byseq -> byseq.values().forEach(cs -> cs.changes().forEach(ch -> {
            assertTrue(ch.after().isPresent(), "a merge workload deleted a row: " + ch);
            out.computeIfAbsent(number(ch.key().values().get("k")), k -> new ArrayList<>()).add(new WorkloadChecks.Write(cs, ch));
        })));
        return out;
    }

    private static long sum(List<WorkloadChecks.Write> writes) {
        return writes.stream().map(WorkloadChecks.Write::change)
            .mapToLong(c -> number(c.after().get().get("v")) - c.before().map(b -> number(b.get("v"))).orElse(0L)).sum();
    }

    /** The latest write that set {@code column}: by timestamp, then origin ({@link Stamp}'s order), then sequence. */
    private static Optional<Change> latestSetting(List<WorkloadChecks.Write> writes, String column) {
        return writes.stream().filter(w -> w.change().sets(column)).max(WorkloadChecks.ORDER).map(WorkloadChecks.Write::change);
    }

    static Long number(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }
}
