package dev.converge.node.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.Node;
import dev.converge.config.TableRules;
import dev.converge.conflict.ConflictType;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What two peers tell each other when they connect, and how they compare it: the protocol version, both node ids, the
 * two nodes' priorities as each sees them, and each replicated table's rules ({@link TableRules}: key, columns,
 * filter, scope, the resolver of each conflict type). Peers that decide conflicts by different rules cannot converge,
 * so any difference refuses the connection, with a message that names both nodes and what each has.
 *
 * <p>Names of tables and columns compare ignoring case (H2 says {@code ITEMS} where PostgreSQL says {@code items}).
 * Stateless and thread-safe.
 */
final class Handshake {
    private Handshake() {
    }

    /** This node's rules as JSON: {@code {"priorities": {...}, "tables": [...]}}. */
    static ObjectNode rules(Node node) {
        return rules(node.config(), node.replicationRules());
    }

    /** The rules of a node configured by {@code config} whose tables are bound as {@code rules}, as JSON. */
    static ObjectNode rules(dev.converge.config.NodeConfig config, List<TableRules> rules) {
        ObjectNode out = ChangeSetCodec.mapper().createObjectNode();
        ObjectNode priorities = out.putObject("priorities");
        priorities.put(config.id().value(), config.priority());
        config.peers().forEach(p -> priorities.put(p.id().value(), p.priority()));
        ArrayNode tables = out.putArray("tables");
        for (TableRules t : rules) {
            ObjectNode o = tables.addObject();
            o.put("table", t.table());
            t.keyColumns().forEach(o.putArray("key")::add);
            t.columns().forEach(o.putArray("columns")::add);
            o.put("filter", t.filter().orElse(null));
            o.put("scope", t.scope().word());
            ObjectNode resolvers = o.putObject("resolvers");
            for (ConflictType type : ConflictType.values()) {
                if (t.resolverByType().containsKey(type)) {
                    resolvers.put(type.word(), t.resolverByType().get(type).toString());
                }
            }
        }
        return out;
    }

    /**
     * Every way {@code local}'s rules (of node {@code self}) differ from {@code remote}'s (of node {@code other}), as
     * sentences naming both; empty if they agree.
     */
    static List<String> differences(NodeId self, JsonNode local, NodeId other, JsonNode remote) {
        List<String> out = new ArrayList<>();
        for (NodeId n : List.of(self, other)) {
            JsonNode mine = local.path("priorities").get(n.value());
            JsonNode theirs = remote.path("priorities").get(n.value());
            if (mine == null || theirs == null || mine.asInt() != theirs.asInt()) {
                out.add("priority of " + n + ": " + self + " has " + text(mine) + ", " + other + " has " + text(theirs));
            }
        }
        Map<String, JsonNode> mine = byName(local);
        Map<String, JsonNode> theirs = byName(remote);
        mine.forEach((name, t) -> {
            JsonNode r = theirs.get(name);
            if (r == null) {
                out.add("table " + t.path("table").asText() + " is replicated by " + self + " but not by " + other);
            } else {
                compare(out, t.path("table").asText(), t, r, self, other);
            }
        });
        theirs.forEach((name, t) -> {
            if (!mine.containsKey(name)) {
                out.add("table " + t.path("table").asText() + " is replicated by " + other + " but not by " + self);
            }
        });
        return out;
    }

    private static void compare(List<String> out, String table, JsonNode mine, JsonNode theirs, NodeId self, NodeId other) {
        for (String field : List.of("key", "columns", "filter", "scope")) {
            String a = normalized(mine.get(field), !field.equals("filter"));
            String b = normalized(theirs.get(field), !field.equals("filter"));
            if (!a.equals(b)) {
                out.add("table " + table + ", " + field + ": " + self + " has " + a + ", " + other + " has " + b);
            }
        }
        for (ConflictType type : ConflictType.values()) {
            String a = text(mine.path("resolvers").get(type.word()));
            String b = text(theirs.path("resolvers").get(type.word()));
            if (!a.equals(b)) {
                out.add("table " + table + ", resolver for " + type.word() + ": " + self + " has " + a + ", " + other + " has " + b);
            }
        }
    }

    private static Map<String, JsonNode> byName(JsonNode rules) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode t : rules.path("tables")) {
            out.put(t.path("table").asText().toLowerCase(Locale.ROOT), t);
        }
        return out;
    }

    private static String normalized(JsonNode value, boolean ignoreCase) {
        String s = text(value);
        return ignoreCase ? s.toLowerCase(Locale.ROOT) : s;
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "(none)";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return "[" + String.join(", ", items) + "]";
        }
        return Objects.toString(value.isTextual() ? "'" + value.asText() + "'" : value.toString());
    }
}
