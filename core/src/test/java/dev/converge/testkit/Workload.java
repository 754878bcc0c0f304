package dev.converge.testkit;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A replication workload for property tests: three peers A, B, C sharing one table
 * {@code t(k INT PRIMARY KEY, v INT, w VARCHAR(10))}, optionally one peer's wall clock skewed, then a list of steps —
 * local transactions, deliveries of every kind and, in some workloads, wall-clock steps on one peer. Plain data with readable {@code toString}s, so that a shrunk
 * counterexample reads as a script. {@link WorkloadRunner} runs it on a {@link Cluster}.
 *
 * <p>The initial rows are written by A before the clocks are skewed and delivered everywhere; their ChangeSet is A's
 * first.
 *
 * <p>Every statement is written so that it never fails whatever the peer holds at that moment (the generator cannot
 * know remote state): inserts only if the key is absent, key changes only if the new key is free.
 */
public record Workload(Optional<Skew> skew, int initialRows, List<Step> steps) {
    public static final List<String> NODES = List.of("A", "B", "C");
    public static final String SCHEMA = "CREATE TABLE t (k INT PRIMARY KEY, v INT, w VARCHAR(10))";

    public Workload {
        steps = List.copyOf(steps);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("\n");
        skew.ifPresent(s -> out.append("   ").append(s).append('\n'));
        if (initialRows > 0) {
            out.append("   initially k=1..").append(initialRows).append(" (v=0, w='a') on every peer\n");
        }
        for (int i = 0; i < steps.size(); i++) {
            out.append(String.format("%3d. %s%n", i + 1, steps.get(i)));
        }
        return out.toString();
    }

    /** One peer's wall clock runs {@code minutes} off the others' for the whole workload. */
    public record Skew(String node, int minutes) {
        @Override
        public String toString() {
            return "clock of " + node + " " + (minutes > 0 ? "+" : "") + minutes + "m";
        }
    }

    // ---- statements -------------------------------------------------------------------------------------------------

    /** One SQL statement of a local transaction; never fails. */
    public sealed interface Stmt permits Insert, SetV, SetW, Add, Bump, Delete, DeleteWhere, Move {
        String sql();
    }

    public record Insert(int k, int v, String w) implements Stmt {
        public String sql() {
            return "INSERT INTO t (k, v, w) SELECT " + k + ", " + v + ", " + lit(w) + " WHERE NOT EXISTS (SELECT 1 FROM t WHERE k = " + k + ")";
        }

        @Override
        public String toString() {
            return "INSERT (" + k + ", " + v + ", " + lit(w) + ") if absent";
        }
    }

    public record SetV(int k, int v) implements Stmt {
        public String sql() {
            return "UPDATE t SET v = " + v + " WHERE k = " + k;
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    public record SetW(int k, String w) implements Stmt {
        public String sql() {
            return "UPDATE t SET w = " + lit(w) + " WHERE k = " + k;
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    /** An increment of one row's counter. */
    public record Add(int k, int by) implements Stmt {
        public String sql() {
            return "UPDATE t SET v = v + " + by + " WHERE k = " + k;
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    /** A statement over several rows. */
    public record Bump(int below) implements Stmt {
        public String sql() {
            return "UPDATE t SET v = v + 1 WHERE v < " + below;
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    public record Delete(int k) implements Stmt {
        public String sql() {
            return "DELETE FROM t WHERE k = " + k;
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    /** A delete of several rows. */
    public record DeleteWhere(int above) implements Stmt {
        public String sql() {
            return "DELETE FROM t WHERE v > " + above;
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    /** A key change: replicated as a delete of the old key and an insert of the new one. */
    public record Move(int from, int to) implements Stmt {
        public String sql() {
            return "UPDATE t SET k = " + to + " WHERE k = " + from + " AND NOT EXISTS (SELECT 1 FROM t WHERE k = " + to + ")";
        }

        @Override
        public String toString() {
            return "MOVE k " + from + "->" + to + " if free";
        }
    }

    static String lit(String w) {
        return w == null ? "NULL" : "'" + w + "'";
    }

    // ---- steps ------------------------------------------------------------------------------------------------------

    public sealed interface Step permits Write, Jump, Deliver, Scramble, Redeliver, Sync, Resync {
    }

    /**
     * {@code node}'s wall clock is stepped by {@code millis}, forward or back, as NTP or an operator does; the other
     * clocks stay. Later writes on that node read the stepped clock.
     */
    public record Jump(String node, long millis) implements Step {
        @Override
        public String toString() {
            long abs = Math.abs(millis);
            String size = abs % 60_000 == 0 ? abs / 60_000 + "m" : abs % 1000 == 0 ? abs / 1000 + "s" : abs + "ms";
            return "clock of " + node + " steps " + (millis < 0 ? "back " : "forward ") + size;
        }
    }

    /** Every clock moves {@code delayMillis} forward, then {@code node} runs the statements as one transaction. */
    public record Write(String node, long delayMillis, List<Stmt> statements) implements Step {
        public Write {
            statements = List.copyOf(statements);
        }

        @Override
        public String toString() {
            return node + "@+" + (delayMillis % 1000 == 0 ? delayMillis / 1000 + "s" : delayMillis + "ms") + ": "
                + statements.stream().map(Object::toString).collect(Collectors.joining("; "));
        }
    }

    /** {@code from} sends {@code to} everything queued for it (Node.deliverTo). */
    public record Deliver(String from, String to) implements Step {
        @Override
        public String toString() {
            return "deliver " + from + "->" + to;
        }
    }

    /**
     * {@code from}'s first {@code n} queued ChangeSets for {@code to} are handed to {@code to} one receive call each, in
     * the order of {@code pieces} (indices into those n: shuffled, repeated or left out); then, if {@code ack}, the
     * sender learns what the receiver stored.
     */
    public record Scramble(String from, String to, int n, List<Integer> pieces, boolean ack) implements Step {
        public Scramble {
            pieces = List.copyOf(pieces);
        }

        @Override
        public String toString() {
            return "deliver " + from + "->" + to + " pieces " + pieces + " of first " + n + (ack ? ", ack" : ", no ack");
        }
    }

    /** A batch {@code origin} handed out earlier (the {@code index}-th, modulo how many) is received by {@code to} again. */
    public record Redeliver(String origin, String to, int index) implements Step {
        @Override
        public String toString() {
            return "redeliver " + origin + "'s batch #" + index + " to " + to;
        }
    }

    /** {@code target} loads a snapshot of {@code source} ({@code Node.resync}) and goes on from its position. */
    public record Resync(String target, String source) implements Step {
        @Override
        public String toString() {
            return target + " resyncs from " + source;
        }
    }

    /** Everything everywhere until nothing moves. */
    public record Sync() implements Step {
        @Override
        public String toString() {
            return "sync";
        }
    }
}
