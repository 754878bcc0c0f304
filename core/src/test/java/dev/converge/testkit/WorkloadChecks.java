package dev.converge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.model.Change;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What must hold after a {@link Workload} ran and everything was delivered. Each check fails with the run's full
 * account ({@link WorkloadRunner#describe}).
 *
 * <p>The reference model: with the timestamp resolver and causal detection, a node's version of a key only ever moves
 * to a write later in the order (timestamp, origin): a causally later write carries a later hybrid timestamp, and a
 * concurrent one wins only if it is later. So once every write reached every peer, each key holds what the latest of
 * all writes to it left (its after image, or nothing for a delete), and that write's version. Writes of one origin
 * with the same timestamp are ordered by their sequence.
 */
public final class WorkloadChecks {
    private WorkloadChecks() {
    }

    /** One write of one key: a change and the ChangeSet that carried it. */
    public record Write(ChangeSet cs, Change change) {
        NodeId origin() {
            return cs.origin();
        }

        HybridTimestamp ts() {
            return change.timestamp();
        }
    }

    static final Comparator<Write> ORDER = Comparator.comparing(Write::ts).thenComparing(Write::origin)
        .thenComparingLong(w -> w.cs().sequence());

    /** Nothing waits in any inbox, and every origin handed out gap-free sequences 1..n. */
    public static void settled(WorkloadRunner r) {
        for (String n : Workload.NODES) {
            String peer = n.equals("A") ? "B" : "A";
            int waiting = r.node(n).receive(NodeId.of(peer), List.of()).waiting();
            assertEquals(0, waiting, () -> n + " still holds ChangeSets in its inbox after the final sync" + r.describe());
        }
        r.seen().forEach((origin, byseq) -> assertEquals(byseq.size(), byseq.lastKey().intValue(),
            () -> origin + " handed out sequences with gaps: " + byseq.keySet() + r.describe()));
    }

    /** Every peer holds the same replicated rows. */
    public static void converged(WorkloadRunner r) {
        divergence(r).ifPresent(d -> fail(d));
    }

    /** Which peers hold different replicated rows, with the run's account; empty if every peer holds the same. */
    public static java.util.Optional<String> divergence(WorkloadRunner r) {
        var a = r.node("A").replicatedRows();
        for (String n : List.of("B", "C")) {
            var other = r.node(n).replicatedRows();
            if (!a.equals(other)) {
                return java.util.Optional.of("A and " + n + " diverge: A holds " + a + ", " + n + " holds " + other + r.describe());
            }
        }
        return java.util.Optional.empty();
    }

    /** Every key holds what the latest write to it left, on every peer: nothing lost, nothing applied out of turn. */
    public static void matchesModel(WorkloadRunner r) {
        Map<Long, List<Object>> expected = new TreeMap<>();
        winners(r).forEach((k, w) -> w.change().after().ifPresent(row -> expected.put(k, values(row))));
        for (String n : Workload.NODES) {
            Map<Long, List<Object>> actual = new TreeMap<>();
            r.node(n).replicatedRows().get(r.tableName()).forEach(row -> actual.put(key(row), values(row)));
            assertEquals(expected, actual, () -> n + " does not hold what the latest write of each key left" + r.describe());
        }
    }

    /** Every live row's version (timestamp, origin) is that of the latest write, on every peer; so are tombstones still kept. */
    public static void versionsAgree(WorkloadRunner r) {
        Map<Long, Write> winners = winners(r);
        for (String n : Workload.NODES) {
            for (Map<String, Object> v : r.cluster().sql(n).query("SELECT * FROM " + r.shadowTable())) {
                long k = ((Number) v.get("k")).longValue();
                Write w = winners.get(k);
                String what = n + " keeps version " + v + " of k=" + k;
                assertNotNull(w, () -> what + " but no write touched it" + r.describe());
                boolean deleted = Boolean.TRUE.equals(v.get("cv_deleted"));
                assertEquals(w.change().after().isEmpty(), deleted, () -> what + ", the latest write is " + w.change() + r.describe());
                assertEquals(w.ts().asLong(), ((Number) v.get("cv_ts")).longValue(),
                    () -> what + ", the latest write is " + w.cs().id() + " " + w.change() + r.describe());
                assertEquals(w.origin().value(), v.get("cv_origin"), () -> what + ", the latest write is " + w.cs().id() + r.describe());
            }
        }
    }

    /**
     * Each peer applied each other origin's ChangeSets 1..n exactly once, and none of its own: its watermark for each
     * origin is that origin's last sequence (watermarks advance one ChangeSet at a time), its applied count is the
     * number of those ChangeSets (a ChangeSet applied twice would count twice), and what its applied log still holds
     * (purges summarise it) names each of them at most once.
     */
    public static void appliedExactlyOnce(WorkloadRunner r) {
        for (String n : Workload.NODES) {
            TreeSet<String> expected = new TreeSet<>();
            java.util.Map<String, Long> last = new java.util.TreeMap<>();
            r.seen().forEach((origin, byseq) -> {
                if (!origin.equals(n)) {
                    byseq.keySet().forEach(s -> expected.add(origin + ":" + s));
                    byseq.keySet().stream().mapToLong(s -> ((Number) s).longValue()).max()
                        .ifPresent(max -> last.put(origin.toString(), max));
                }
            });
            java.util.Map<String, Long> watermarks = new java.util.TreeMap<>();
            r.cluster().sql(n).query("SELECT * FROM \"cv_applied\"").forEach(row -> watermarks.put(String.valueOf(row.get("origin")),
                ((Number) row.get("seq")).longValue()));
            assertEquals(last, watermarks, () -> n + "'s watermarks" + r.describe());
            long appliedN = ((Number) r.cluster().sql(n).scalar("SELECT \"applied_n\" FROM \"cv_clock\"")).longValue();
            assertEquals(expected.size(), appliedN, () -> n + "'s applied count: a ChangeSet was applied twice or not at all" + r.describe());
            List<String> log = r.cluster().sql(n).query("SELECT * FROM \"cv_applied_log\"").stream()
                .map(row -> row.get("origin") + ":" + row.get("seq")).toList();
            assertTrue(expected.containsAll(log), () -> n + "'s applied log names ChangeSets that do not exist: " + log + r.describe());
            assertEquals(log.size(), new TreeSet<>(log).size(), () -> n + " applied a ChangeSet twice: " + log + r.describe());
        }
    }

    /** No peer recorded a conflict. */
    public static void noConflicts(WorkloadRunner r) {
        for (String n : Workload.NODES) {
            assertEquals(List.of(), r.node(n).conflicts(), () -> n + " recorded conflicts" + r.describe());
        }
    }

    /**
     * Every recorded conflict is well-formed and true: a row conflict decided by the timestamp rule, naming the
     * incoming change as it was sent, and a local write that really happened, on that key, concurrently with the change.
     */
    public static void conflictsWellFormed(WorkloadRunner r) {
        for (String n : Workload.NODES) {
            for (ConflictRecord c : r.node(n).conflicts()) {
                wellFormed(r, n, c);
            }
        }
    }

    private static void wellFormed(WorkloadRunner r, String n, ConflictRecord c) {
        String what = n + " recorded " + c.type().word() + " " + c.key().orElse(null) + " from " + c.changeSet() + " ";
        assertEquals(n, c.detectedAt().value(), what + "as detected elsewhere" + r.describe());
        assertTrue(!c.remoteOrigin().value().equals(n) && c.remoteOrigin().equals(c.changeSet().origin()),
            what + "with remote origin " + c.remoteOrigin() + r.describe());
        assertTrue(List.of(ConflictType.INSERT_EXISTS, ConflictType.UPDATE_MISSING_ROW, ConflictType.DELETE_MISSING_ROW,
            ConflictType.UPDATE_CHANGED_ROW, ConflictType.DELETE_CHANGED_ROW).contains(c.type()), what + r.describe());
        assertEquals(ConflictScope.ROW, c.scope(), what + r.describe());
        assertEquals(ConflictStatus.AUTO_RESOLVED, c.status(), what + "as not auto-resolved" + r.describe());
        assertTrue(c.key().isPresent() && c.remoteImage().isPresent() && c.localTimestamp().isPresent() && c.localOrigin().isPresent(),
            what + "without key, remote image, local timestamp or local origin" + r.describe());
        assertTrue(!c.localOrigin().get().equals(c.remoteOrigin()), what + "against a write of the same origin" + r.describe());

        ChangeSet cs = r.seen().getOrDefault(c.remoteOrigin().value(), new TreeMap<>()).get(c.changeSet().sequence());
        assertNotNull(cs, what + "for a ChangeSet never sent" + r.describe());
        Change remote = cs.changes().stream().filter(ch -> ch.key().equals(c.key().get())).findFirst()
            .orElseGet(() -> fail(what + "but " + cs.id() + " does not touch that key" + r.describe()));
        assertEquals(remote.timestamp(), c.remoteTimestamp(), what + "with another remote timestamp than the change's" + r.describe());
        assertTrue(remote.after().or(remote::before).get().sameAs(c.remoteImage().get()), what + "with remote image "
            + c.remoteImage().get() + " for change " + remote + r.describe());
        String kind = switch (c.type()) {
            case INSERT_EXISTS -> "insert";
            case UPDATE_MISSING_ROW, UPDATE_CHANGED_ROW -> "update";
            default -> "delete";
        };
        assertEquals(kind, remote.kind(), what + "for change " + remote + r.describe());
        switch (c.type()) {
            case UPDATE_MISSING_ROW, DELETE_MISSING_ROW -> assertTrue(c.localImage().isEmpty(), what + "with a local row" + r.describe());
            case UPDATE_CHANGED_ROW, DELETE_CHANGED_ROW -> assertTrue(c.localImage().isPresent(), what + "without a local row" + r.describe());
            default -> assertTrue(c.localImage().isPresent() || c.shadowImage().isPresent(), what + "with neither row nor shadow" + r.describe());
        }

        int order = c.remoteTimestamp().compareTo(c.localTimestamp().get());
        boolean remoteWins = order != 0 ? order > 0 : c.remoteOrigin().compareTo(c.localOrigin().get()) > 0;
        assertEquals(remoteWins ? Outcome.APPLIED_REMOTE : Outcome.KEPT_LOCAL, c.outcome(),
            what + "decided against the timestamp rule (remote " + c.remoteTimestamp() + " " + c.remoteOrigin() + ", local "
                + c.localTimestamp().get() + " " + c.localOrigin().get() + ")" + r.describe());

        // the local write: a write of that key by the local origin with that timestamp, concurrent with the change
        List<ChangeSet> localWrites = new ArrayList<>();
        r.seen().getOrDefault(c.localOrigin().get().value(), new TreeMap<>()).values().forEach(l -> l.changes().stream()
            .filter(ch -> ch.key().equals(c.key().get()) && ch.timestamp().equals(c.localTimestamp().get())).findFirst()
            .ifPresent(ch -> localWrites.add(l)));
        assertTrue(!localWrites.isEmpty(), what + "against a local write (" + c.localOrigin().get() + " @" + c.localTimestamp().get()
            + ") that no ChangeSet carries" + r.describe());
        long seen = cs.dependencies().getOrDefault(c.localOrigin().get(), 0L);
        assertTrue(localWrites.stream().anyMatch(l -> l.sequence() > seen), what + "against local write(s) "
            + localWrites.stream().map(ChangeSet::id).toList() + " that " + cs.id() + " had seen (deps " + cs.dependencies() + ")"
            + r.describe());
    }

    /** Per key, the latest write to it. */
    public static Map<Long, Write> winners(WorkloadRunner r) {
        Map<Long, Write> out = new TreeMap<>();
        r.seen().values().forEach(byseq -> byseq.values().forEach(cs -> cs.changes().forEach(ch -> {
            Write w = new Write(cs, ch);
            out.merge(((Number) ch.key().values().get("k")).longValue(), w, (x, y) -> ORDER.compare(x, y) >= 0 ? x : y);
        })));
        return out;
    }

    static long key(RowImage row) {
        return ((Number) row.get("k")).longValue();
    }

    static List<Object> values(RowImage row) {
        return Arrays.asList(row.get("v"), row.get("w"));
    }
}
