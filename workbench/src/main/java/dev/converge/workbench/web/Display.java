package dev.converge.workbench.web;

import dev.converge.clock.HybridTimestamp;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How values, times and the engine's words read on a page, for data stewards rather than developers: times in UTC
 * with the hybrid clock's counter spelled out, conflict types and outcomes in plain sentences. Pure functions;
 * thread-safe.
 */
final class Display {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Display() {
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    static String shortTime(Instant t) {
        return SHORT.format(t);
    }

    /** A hybrid timestamp: its wall-clock time and, when events shared a millisecond, their order within it. */
    static String timestamp(HybridTimestamp t) {
        String time = time(Instant.ofEpochMilli(t.physicalMillis()));
        return t.logical() == 0 ? time + " (counter 0)" : time + " (counter " + t.logical() + ": event " + (t.logical() + 1)
            + " within that millisecond)";
    }

    /** A column value as text; null stays null (the template shows "no value"). */
    static String value(Object v) {
        if (v instanceof java.math.BigDecimal d) {
            return d.toPlainString(); // 1000, not 1E+3
        }
        return v == null ? null : String.valueOf(v);
    }

    static String key(RowKey key) {
        return pairs(key.values());
    }

    static String row(RowImage row) {
        return pairs(row.values());
    }

    private static String pairs(Map<String, Object> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() == null ? "NULL" : e.getValue()))
            .collect(Collectors.joining(", "));
    }

    static String status(ConflictStatus s) {
        return switch (s) {
            case NEEDS_REVIEW -> "Needs review";
            case AUTO_RESOLVED -> "Resolved automatically";
            case RESOLVED_BY_HAND -> "Resolved by hand";
        };
    }

    static String statusClass(ConflictStatus s) {
        return switch (s) {
            case NEEDS_REVIEW -> "needs-review";
            case AUTO_RESOLVED -> "auto-resolved";
            case RESOLVED_BY_HAND -> "resolved-by-hand";
        };
    }

    /** A conflict type in a few plain words. */
    static String type(ConflictType t) {
        return switch (t) {
            case INSERT_EXISTS -> "Inserted on both nodes";
            case UPDATE_MISSING_ROW -> "Updated here, deleted there";
            case DELETE_MISSING_ROW -> "Deleted twice";
            case UPDATE_CHANGED_ROW -> "Changed on both nodes";
            case DELETE_CHANGED_ROW -> "Deleted there, changed here";
            case CONSTRAINT -> "Broke a unique or foreign key";
            case TRANSACTION -> "Whole transaction held back";
            case ERROR -> "Could not be applied";
        };
    }

    /** What the type means, as a sentence. */
    static String typeNote(ConflictType t) {
        return switch (t) {
            case INSERT_EXISTS -> "Another node inserted a row with a key this node already had.";
            case UPDATE_MISSING_ROW -> "An update arrived for a row this node no longer has (it was deleted here).";
            case DELETE_MISSING_ROW -> "A delete arrived for a row this node had already deleted or never had.";
            case UPDATE_CHANGED_ROW -> "An update arrived for a row this node had changed too, at about the same time.";
            case DELETE_CHANGED_ROW -> "A delete arrived for a row this node had changed since.";
            case CONSTRAINT -> "The incoming row would have broken a unique column or a foreign key on this node.";
            case TRANSACTION -> "The table resolves whole transactions: one of the incoming transaction's rows conflicted,"
                + " so the transaction as a whole was judged.";
            case ERROR -> "Applying failed for a reason no rule decides (see the detail); the row was set aside.";
        };
    }

    static String outcome(Outcome o) {
        return switch (o) {
            case APPLIED_REMOTE -> "The incoming change was applied";
            case KEPT_LOCAL -> "This node's row was kept";
            case MERGED -> "The two were merged";
            case PARKED -> "Set aside for a person";
            case RESOLVED_BY_HAND -> "Decided by a person";
            case COMPENSATED -> "Undone by the reference node";
        };
    }

    /** A decision's word as a person reads it. */
    static String decision(String word) {
        if (word.startsWith("merge")) {
            return "Merged row: " + word.substring("merge".length()).strip();
        }
        if (word.startsWith("replay")) {
            return "Replayed the incoming transaction " + word.substring("replay".length()).strip();
        }
        return switch (word) {
            case "take-local" -> "Kept this node's row (take local)";
            case "take-remote" -> "Took the incoming row (take remote)";
            case "delete" -> "Deleted the row";
            default -> word;
        };
    }

    /** A bulk or single rule word as a sentence. */
    static String rule(String word) {
        return switch (word) {
            case "take-local" -> "keep the row as the node that recorded the conflict had it (take local)";
            case "take-remote" -> "take the incoming row (take remote)";
            case "delete" -> "delete the row";
            default -> word;
        };
    }
}
