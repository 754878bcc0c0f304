package dev.converge.specs.model;

import dev.converge.config.ConflictScope;
import dev.converge.conflict.ConflictStatus;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code expect.conflicts}: it must match at least one recorded conflict, comparing only the fields given.
 * Without {@code node}, a conflict recorded on any node will do.
 */
public record ConflictExpectation(int line, Optional<String> node, Optional<String> table, Optional<Row> key,
                                  Optional<ConflictType> type, Optional<Outcome> outcome,
                                  Optional<ConflictStatus> status, Optional<ConflictScope> scope,
                                  Optional<String> resolver) {
    /** The entry as YAML flow text, only the fields given, for messages. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        node.ifPresent(n -> parts.add("node: " + n));
        table.ifPresent(t -> parts.add("table: " + t));
        key.ifPresent(k -> parts.add("key: " + k));
        type.ifPresent(t -> parts.add("type: " + t.word()));
        outcome.ifPresent(o -> parts.add("outcome: " + o.word()));
        status.ifPresent(s -> parts.add("status: " + s.word()));
        scope.ifPresent(s -> parts.add("scope: " + s.word()));
        resolver.ifPresent(r -> parts.add("resolver: " + r));
        return "{" + String.join(", ", parts) + "}";
    }
}
