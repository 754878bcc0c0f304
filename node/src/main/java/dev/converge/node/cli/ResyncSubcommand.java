package dev.converge.node.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.converge.ConvergeException;
import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConfigError;
import dev.converge.model.NodeId;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.peer.HttpTransport;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.resync.SnapshotLoad;
import dev.converge.node.run.AdminEndpoint;
import dev.converge.node.run.AdminKey;
import dev.converge.resync.ResyncReport;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge resync --config FILE --from PEER}: loads a running peer's consistent snapshot into this node's
 * database and moves this node's watermarks to the snapshot's position ({@code Node.resync}); for a node that was away
 * too long, lost its data, or joins a running mesh. A stopped node is opened here for the load; a running one is asked
 * to load it itself ({@code POST /converge/admin/resync}, opened by its {@link AdminKey} as {@code converge reload} is),
 * and its lines are printed as they come. The same {@link SnapshotLoad} runs either way.
 */
@Command(name = "resync", mixinStandardHelpOptions = true,
    description = {"Loads a consistent snapshot of every replicated table from a running peer into this node's database:"
        + " rows with their versions, tombstones, and the ChangeSets the peer had stored but not applied yet. Replication"
        + " then continues from exactly the snapshot's position: nothing is lost and nothing is applied twice, while both"
        + " peers' applications keep writing.",
        "The node may be running (then run this on its machine, as the user it runs as: the node loads the snapshot"
            + " itself, refusing deliveries until it is loaded) or stopped. This node's own changes that the peer has not"
            + " yet received are sent to it first."
            + " Rows this node holds that differ from the snapshot are merged under the replication rules: a causally later"
            + " version wins, rows both changed concurrently are decided by the table's resolver and recorded as conflicts,"
            + " rows from before replication that differ are kept and recorded for review.",
        "Safe to run again if it stops half-way (a lost peer, Ctrl-C): a page loaded twice changes nothing.",
        "Exits 0 when the snapshot is loaded, 1 if it could not be."})
final class ResyncSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "This node's configuration file.")
    private Path file;

    @Option(names = "--from", required = true, paramLabel = "PEER", description = "The id of the running peer to load the snapshot from.")
    private String from;

    @Mixin
    private ProgressOption progress;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = parent.out();
        if (!progress.valid()) {
            out.println("--progress is auto, bar, plain or none");
            return 2;
        }
        Optional<NodeSettings> read = NodeFileArgument.read(file, out);
        if (read.isEmpty()) {
            return 1;
        }
        NodeSettings s = read.get();
        if (!NodeId.isValid(from) || s.peer(NodeId.of(from)).isEmpty()) {
            out.println(from + " is not a peer of " + s.id() + " in " + file + " (its peers: "
                + s.peers().stream().map(p -> p.id().value()).toList() + ")");
            return 1;
        }
        if (listening(s.listen())) {
            return askRunning(s, NodeId.of(from), out);
        }
        try (HikariDataSource pool = ConnectionPool.open(s.id(), s.database())) {
            List<ConfigError> problems = Node.validate(s.core(), pool);
            if (!problems.isEmpty()) {
                problems.forEach(p -> out.println(NodeFile.locate(file, p)));
                return 1;
            }
            try (Node node = Node.open(s.core(), pool, TimeSource.system())) {
                return resync(s, node, NodeId.of(from), out);
            }
        } catch (ConvergeException e) {
            out.println("cannot resync " + s.id() + " (" + s.database().safeUrl() + "): " + e.getMessage());
            return 1;
        }
    }

    private int resync(NodeSettings s, Node node, NodeId source, PrintStream out) throws InterruptedException {
        io.vavr.control.Either<String, dev.converge.node.tls.NodeTls> tls = s.loadTls();
        if (tls.isLeft()) {
            out.println(file + ": " + tls.getLeft());
            return 1;
        }
        // an https:// source is verified with this node's truststore, as its links to the peers are
        HttpTransport transport = new HttpTransport(s.id(), () -> HttpTransport.rules(s.core(), node.replicationRules()), s.peers(),
            PeerLimits.DEFAULT, tls.get());
        Optional<ResyncReport> report = new SnapshotLoad(node, transport, out).from(source, progress.terminal(), progress.shown(), () -> false);
        report.filter(r -> r.conflicts() > 0).ifPresent(r -> out.println(reviewAdvice(file)));
        return report.isPresent() ? 0 : 1;
    }

    /**
     * The node runs: it loads the snapshot in its own process ({@code POST /converge/admin/resync}, opened by its admin
     * key), and its answer's lines are printed as they come.
     */
    private int askRunning(NodeSettings s, NodeId source, PrintStream out) throws InterruptedException {
        String where = s.listen().getHostString() + ":" + s.listen().getPort();
        Either<String, Optional<AdminRequest>> found = AdminRequest.find(file, "resync");
        if (found.isLeft() || found.get().isEmpty()) {
            out.println("something answers on " + where + ", where node " + s.id() + " listens, but "
                + (found.isLeft() ? found.getLeft() : "no node runs with " + file + " as " + System.getProperty("user.name")
                    + " on this machine (converge run writes " + AdminKey.fileFor(file) + " as it starts)")
                + ": run resync as the user the node runs as, or stop what holds the port");
            return 1;
        }
        AdminRequest node = found.get().get();
        out.println("node " + s.id() + " is running at " + node.base() + ": it loads the snapshot of " + source
            + " itself, taking no deliveries meanwhile (its application keeps writing)");
        Either<String, HttpResponse<java.util.stream.Stream<String>>> sent = node.post(AdminEndpoint.RESYNC + "?from=" + source.value() + (progress.shown() ? "" : "&progress=none"), null,
            HttpResponse.BodyHandlers.ofLines());
        if (sent.isLeft()) {
            out.println(sent.getLeft());
            return 1;
        }
        HttpResponse<java.util.stream.Stream<String>> answer = sent.get();
        if (answer.statusCode() != 200) {
            String body = answer.body().collect(java.util.stream.Collectors.joining(" "));
            out.println("node " + s.id() + " refused the resync (" + answer.statusCode() + "): " + body);
            return 1;
        }
        boolean[] loaded = {false};
        boolean[] ended = {false};
        long[] conflicts = {0};
        try (java.util.stream.Stream<String> lines = answer.body()) {
            lines.forEach(line -> {
                if (line.startsWith(AdminEndpoint.LOADED)) {
                    loaded[0] = true;
                    ended[0] = true;
                    conflicts[0] = Long.parseLong(line.substring(AdminEndpoint.LOADED.length()).strip());
                } else if (line.equals(AdminEndpoint.NOT_LOADED)) {
                    ended[0] = true;
                } else {
                    out.println(line);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            out.println("the answer of node " + s.id() + " broke off: " + e.getCause().getMessage());
        }
        if (!ended[0]) {
            out.println("node " + s.id() + " did not say how the load ended (it stopped?); see its log. Running resync again is safe");
            return 1;
        }
        if (conflicts[0] > 0) {
            out.println(reviewAdvice(file));
        }
        return loaded[0] ? 0 : 1;
    }

    /** What to run to review the conflicts a load recorded. */
    static String reviewAdvice(Path file) {
        return "review the conflicts: converge conflicts list --config " + file;
    }

    /** Whether something accepts connections where this node would listen (then the node is running). */
    private static boolean listening(InetSocketAddress listen) {
        String host = listen.getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, listen.getPort()), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
