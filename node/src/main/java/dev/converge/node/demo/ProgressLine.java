package dev.converge.node.demo;

import dev.converge.Node;
import dev.converge.NodeStatus;
import dev.converge.config.ConfigError;
import dev.converge.node.progress.LiveLine;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.IntFunction;

/**
 * The live line while the writers run and the peers catch up: per node its commits, the ChangeSets its peers have not
 * acknowledged yet, and the conflicts it recorded. On a terminal one line, rewritten in place ({@code \r}) twice a
 * second; elsewhere (a pipe, a log, a test) a plain line every two seconds: a {@link LiveLine}, as {@code converge
 * check}'s progress is.
 *
 * <p>Threading: {@link #start} starts a daemon thread that prints until {@link #stop}, which joins it and ends the line.
 * Reads the nodes' databases (ChangeSets waiting, {@code cv_conflict}); a read that fails shows {@code ?}.
 */
final class ProgressLine {
    private final DemoMesh mesh;
    private final IntFunction<Long> commits;
    private final PrintStream out;
    private final LiveLine live;
    private final long started = System.nanoTime();
    private volatile String phase = "writing";

    /**
     * @param commits a node's commits so far, by its index
     * @param terminal whether {@code out} is a terminal that understands {@code \r}
     */
    ProgressLine(DemoMesh mesh, IntFunction<Long> commits, PrintStream out, boolean terminal) {
        this.mesh = mesh;
        this.commits = commits;
        this.out = out;
        this.live = new LiveLine(this::line, out, terminal, 2000);
    }

    void start() {
        out.println(LEGEND);
        live.start("converge-demo-progress");
    }

    /** What the line says the demo is doing now ({@code writing}, {@code catching up}). */
    void phase(String now) {
        phase = now;
    }

    /** Prints a last line and stops. */
    void stop() throws InterruptedException {
        live.stop();
    }

    /** What each figure of the line is, printed once before the first line. */
    static final String LEGEND = "per node: commits / ChangeSets not yet acknowledged by every peer / conflicts recorded";

    String line() {
        StringJoiner nodes = new StringJoiner("   ");
        List<DemoMesh.Peer> peers = mesh.peers();
        for (int i = 0; i < peers.size(); i++) {
            DemoMesh.Peer p = peers.get(i);
            nodes.add(String.format(Locale.ROOT, "%s %,d / %s / %s", p.id(), commits.apply(i), waiting(p), conflicts(p)));
        }
        // short enough for an 80-column terminal, where a wrapped line could not be rewritten in place
        return String.format(Locale.ROOT, "%5.1f s %-12s %s", (System.nanoTime() - started) / 1e9, phase, nodes);
    }

    /**
     * The node's local ChangeSets that not every peer has acknowledged yet: those not yet sequenced and the most any
     * one peer still waits for. Read as {@code converge status} reads it, without sequencing: a progress line must
     * not compete with the senders for the sequencer.
     */
    private static String waiting(DemoMesh.Peer p) {
        try {
            Either<ConfigError, NodeStatus> status = Node.status(p.settings().core(), p.app());
            if (status.isLeft()) {
                return "?";
            }
            NodeStatus s = status.get();
            long most = s.peers().stream().mapToLong(NodeStatus.PeerBacklog::changeSetsWaiting).max().orElse(0);
            return String.format(Locale.ROOT, "%,d", s.notYetSequenced() + most);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String conflicts(DemoMesh.Peer p) {
        try (Connection c = p.app().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from \"cv_conflict\"")) {
            rs.next();
            return String.format(Locale.ROOT, "%,d", rs.getLong(1));
        } catch (SQLException | RuntimeException e) {
            return "?";
        }
    }
}
