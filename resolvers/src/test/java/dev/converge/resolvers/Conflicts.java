package dev.converge.resolvers;

import dev.converge.clock.HybridTimestamp;
import dev.converge.config.ConflictScope;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictType;
import dev.converge.conflict.LocalVersion;
import dev.converge.conflict.Stamp;
import dev.converge.model.Change;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Conflicts for unit tests, built as the apply engine builds them: table {@code t} keyed by {@code id}, the local row
 * written by {@code localOrigin} at {@code localMillis}, the incoming change from {@code remoteOrigin}.
 */
public record Conflicts(ConflictType type, Change remote, String remoteOrigin, int remotePriority, Optional<RowImage> local,
                 Optional<RowImage> shadow, long localMillis, Optional<String> localOrigin, int localPriority,
                 Map<String, Stamp> columnStamps, ConflictScope scope) {

    public static RowImage row(Object... columnsAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            m.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return RowImage.of(m);
    }

    public static HybridTimestamp at(long millis) {
        return HybridTimestamp.ofMillis(millis);
    }

    /** An incoming update of row 1 at {@code millis} from B meeting A's concurrent update of it at 1000. */
    public static Conflicts update(RowImage before, RowImage after, long millis) {
        return new Conflicts(ConflictType.UPDATE_CHANGED_ROW, new Change.Update("t", RowKey.of("id", 1), before, after, at(millis)), "B", 0,
            Optional.of(before), Optional.empty(), 1000, Optional.of("A"), 0, Map.of(), ConflictScope.ROW);
    }

    /** An incoming delete of row 1 at {@code millis} from B meeting A's concurrent update of it at 1000. */
    public static Conflicts delete(RowImage before, long millis) {
        return new Conflicts(ConflictType.DELETE_CHANGED_ROW, new Change.Delete("t", RowKey.of("id", 1), before, at(millis)), "B", 0,
            Optional.of(before), Optional.empty(), 1000, Optional.of("A"), 0, Map.of(), ConflictScope.ROW);
    }

    /** An incoming insert of row 1 at {@code millis} from B meeting A's concurrent insert of it at 1000. */
    public static Conflicts insert(RowImage row, long millis) {
        return new Conflicts(ConflictType.INSERT_EXISTS, new Change.Insert("t", RowKey.of("id", 1), row, at(millis)), "B", 0,
            Optional.of(row), Optional.empty(), 1000, Optional.of("A"), 0, Map.of(), ConflictScope.ROW);
    }

    public Conflicts local(RowImage row) {
        return new Conflicts(type, remote, remoteOrigin, remotePriority, Optional.of(row), Optional.empty(), localMillis, localOrigin,
            localPriority, columnStamps, scope);
    }

    public Conflicts deletedLocally(RowImage shadowRow) {
        return new Conflicts(type, remote, remoteOrigin, remotePriority, Optional.empty(), Optional.of(shadowRow), localMillis, localOrigin,
            localPriority, columnStamps, scope);
    }

    public Conflicts type(ConflictType t) {
        return new Conflicts(t, remote, remoteOrigin, remotePriority, local, shadow, localMillis, localOrigin, localPriority, columnStamps, scope);
    }

    public Conflicts localAt(long millis) {
        return new Conflicts(type, remote, remoteOrigin, remotePriority, local, shadow, millis, localOrigin, localPriority, columnStamps, scope);
    }

    public Conflicts priorities(int remote, int local) {
        return new Conflicts(type, this.remote, remoteOrigin, remote, this.local, shadow, localMillis, localOrigin, local, columnStamps, scope);
    }

    public Conflicts origins(String remote, String local) {
        return new Conflicts(type, this.remote, remote, remotePriority, this.local, shadow, localMillis, Optional.ofNullable(local),
            localPriority, columnStamps, scope);
    }

    /** The write that last changed {@code column} here was at {@code millis} by {@code origin}. */
    public Conflicts columnStamp(String column, long millis, String origin) {
        Map<String, Stamp> m = new LinkedHashMap<>(columnStamps);
        m.put(column, Stamp.of(at(millis), NodeId.of(origin), 1));
        return new Conflicts(type, remote, remoteOrigin, remotePriority, local, shadow, localMillis, localOrigin, localPriority, m, scope);
    }

    public Conflicts scope(ConflictScope s) {
        return new Conflicts(type, remote, remoteOrigin, remotePriority, local, shadow, localMillis, localOrigin, localPriority, columnStamps, s);
    }

    public Conflict build() {
        Stamp latest = new Stamp(at(localMillis), localOrigin.map(NodeId::of), localOrigin.isPresent() ? 1 : 0);
        return new Conflict(type, "t", RowKey.of("id", 1), remote, NodeId.of(remoteOrigin), remotePriority, local, shadow, at(localMillis),
            localOrigin.map(NodeId::of), localPriority, scope, new LocalVersion(localOrigin.isPresent() ? List.of(latest) : List.of(), columnStamps, latest),
            7);
    }
}
