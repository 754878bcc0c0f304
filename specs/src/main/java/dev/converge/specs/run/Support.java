package dev.converge.specs.run;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.specs.parse.ResolverNames;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the format this runner cannot run yet. A scenario that uses one fails with "not supported yet" rather
 * than passing without checking it. Each check goes away when its feature lands.
 */
final class Support {
    private Support() {
    }

    static List<String> missing(Scenario scenario) {
        List<String> missing = new ArrayList<>();
        if (scenario.topology() instanceof Topology.Reference reference) {
            missing.add("topology {reference: " + reference.node() + "}");
        }
        resolver(scenario.defaults().resolver(), "defaults.resolver", missing);
        scenario.defaults().resolverByType().forEach((type, r) -> resolver(r, "defaults.conflict_resolvers." + type.word(), missing));
        scenario.tables().orElse(List.of()).forEach(t -> tableResolver(t, missing));
        if (!scenario.expect().compensations().isEmpty()) {
            missing.add("expect.compensations");
        }
        return missing;
    }

    private static void tableResolver(TableConfig table, List<String> missing) {
        table.resolver().ifPresent(r -> resolver(r, "tables." + table.name() + ".resolver", missing));
        table.resolverByType().forEach((type, r) -> resolver(r, "tables." + table.name() + ".conflict_resolvers." + type.word(), missing));
    }

    /**
     * A resolver runs if a node finds every rule of it registered; a documented built-in that is not built yet is not
     * supported yet. (A name neither documented nor registered never gets here: the parser refuses it as a typo.)
     */
    private static void resolver(ResolverSpec resolver, String where, List<String> missing) {
        if (!registered(resolver)) {
            missing.add("resolver " + resolver + " (" + where + ")");
        }
    }

    private static boolean registered(ResolverSpec resolver) {
        return ResolverNames.isRegistered(resolver.name()) && resolver.then().map(Support::registered).orElse(true);
    }
}
