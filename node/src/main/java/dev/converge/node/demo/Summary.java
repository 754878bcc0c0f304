package dev.converge.node.demo;

import dev.converge.conflict.ConflictRecord;
import io.micrometer.core.instrument.Counter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's report once the peers are drained: rows and checksum per peer and the verdict, what was replicated per
 * second, and the conflicts by type and outcome per node. Prints only; the figures are read by the caller or here from
 * the nodes (their conflict records and {@code converge_changesets_applied_total}). Single-threaded.
 */
final class Summary {
    /**
     * What the run measured.
     *
     * @param rowChanges row changes each node's writers committed, in node order
     * @param seconds from the writers' start until every peer had applied everything
     */
    record Figures(List<Long> rowChanges, double seconds) {
    }

    private final PrintStream out;

    Summary(PrintStream out) {
        this.out = out;
    }

    /** Prints the rows and checksums; returns whether every peer holds what the first holds. */
    boolean contents(DemoMesh mesh, List<Convergence.Contents> contents) {
        List<String> tables = SampleSchema.TABLES.stream().map(SampleSchema.Table::name).toList();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-6s", "peer"));
        tables.forEach(t -> head.append(String.format(Locale.ROOT, "%12s", t)));
        out.println(head.append(String.format(Locale.ROOT, "%12s  %s", "rows", "checksum")));
        for (int i = 0; i < contents.size(); i++) {
            Convergence.Contents c = contents.get(i);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s", mesh.peers().get(i).id()));
            tables.forEach(t -> line.append(String.format(Locale.ROOT, "%,12d", c.rows().get(t))));
            out.println(line.append(String.format(Locale.ROOT, "%,12d  %s", c.total(), c.checksum())));
        }
        boolean same = contents.stream().allMatch(c -> c.equals(contents.get(0)));
        if (same) {
            out.printf(Locale.ROOT, "CONVERGED: the three peers hold the same %,d rows (checksum %s).%n", contents.get(0).total(),
                contents.get(0).checksum());
        } else {
            out.println();
            out.println("!!! NOT CONVERGED: the peers hold different rows. This is a bug in Converge: please report it with");
            out.println("!!! the command line above and the folder the demo leaves in place.");
        }
        return same;
    }

    /** Prints the replication rates and the conflicts. */
    void figures(DemoMesh mesh, Figures f) {
        long changeSets = 0;
        for (DemoMesh.Peer p : mesh.peers()) {
            Counter applied = p.running().metrics().registry().find("converge.changesets.applied").counter();
            changeSets += applied == null ? 0 : (long) applied.count();
        }
        // every committed row change is applied by each of the other peers
        long rows = f.rowChanges().stream().mapToLong(Long::longValue).sum() * (mesh.peers().size() - 1);
        out.printf(Locale.ROOT, "replicated over signed HTTP: %,d ChangeSets (%,.0f/s) carrying %,d row changes (%,.0f/s) in %.1f s%n",
            changeSets, changeSets / f.seconds(), rows, rows / f.seconds(), f.seconds());
        conflicts(mesh);
    }

    private void conflicts(DemoMesh mesh) {
        List<Map<String, Long>> perNode = new ArrayList<>();
        Map<String, Long> total = new TreeMap<>();
        for (DemoMesh.Peer p : mesh.peers()) {
            Map<String, Long> counts = new TreeMap<>();
            for (ConflictRecord c : p.node().conflicts()) {
                String kind = c.type().word() + " -> " + c.outcome().word();
                counts.merge(kind, 1L, Long::sum);
                total.merge(kind, 1L, Long::sum);
            }
            perNode.add(counts);
        }
        long all = total.values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "conflicts detected and resolved: %,d%n", all);
        if (all == 0) {
            return;
        }
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-36s", "type -> outcome"));
        mesh.peers().forEach(p -> head.append(String.format(Locale.ROOT, "%8s", p.id())));
        out.println(head.append(String.format(Locale.ROOT, "%8s", "total")));
        total.forEach((kind, n) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-36s", kind));
            perNode.forEach(m -> line.append(String.format(Locale.ROOT, "%,8d", m.getOrDefault(kind, 0L))));
            out.println(line.append(String.format(Locale.ROOT, "%,8d", n)));
        });
    }
}
