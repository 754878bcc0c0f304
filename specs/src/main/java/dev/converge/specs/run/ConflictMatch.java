package dev.converge.specs.run;

import dev.converge.conflict.ConflictRecord;
import dev.converge.specs.model.ConflictExpectation;
import dev.converge.specs.model.Row;
import java.util.Map;

/** Whether a recorded conflict has the fields an expectation gives (only those), and a conflict in words. */
final class ConflictMatch {
    private ConflictMatch() {
    }

    static boolean matches(ConflictExpectation e, ConflictRecord r) {
        return e.table().map(t -> t.equalsIgnoreCase(r.table())).orElse(true)
            && e.key().map(k -> r.key().isPresent() && sameKey(k, r.key().get().values())).orElse(true)
            && e.type().map(t -> t == r.type()).orElse(true)
            && e.outcome().map(o -> o == r.outcome()).orElse(true)
            && e.status().map(s -> s == r.status()).orElse(true)
            && e.scope().map(s -> s == r.scope()).orElse(true)
            && e.resolver().map(x -> x.equalsIgnoreCase(r.resolver())).orElse(true);
    }

    private static boolean sameKey(Row wanted, Map<String, Object> key) {
        return RowSets.same(RowSets.normalize(wanted.values()), RowSets.normalize(key));
    }

    /** E.g. {@code update-missing-row on pers {marca: 1325}: kept-local (auto-resolved, scope row, resolver timestamp)}. */
    static String describe(ConflictRecord r) {
        String key = r.key().map(k -> " " + Row.format(k.values())).orElse("");
        return r.type().word() + " on " + r.table() + key + ": " + r.outcome().word() + " (" + r.status().word()
            + ", scope " + r.scope().word() + ", resolver " + r.resolver() + ", remote " + r.remoteOrigin() + "@"
            + r.remoteTimestamp() + ")";
    }
}
