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
import dev.converge.node.progress.LiveLine;
import dev.converge.node.progress.ProgressBar;
import dev.converge.node.resync.RemoteSnapshot;
import dev.converge.resync.ResyncReport;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge resync --config FILE --from PEER}: loads a running peer's consistent snapshot into this node's
 * database and moves this node's watermarks to the snapshot's position ({@code Node.resync}); for a node that was away
 * too long, lost its data, or joins a running mesh. This node must be stopped (its application may keep writing).
 */
@Command(name = "resync", mixinStandardHelpOptions = true,
    description = {"Loads a consistent snapshot of every replicated table from a running peer into this node's database:"
        + " rows with their versions, tombstones, and the ChangeSets the peer had stored but not applied yet. Replication"
        + " then continues from exactly the snapshot's position: nothing is lost and nothing is applied twice, while both"
        + " peers' applications keep writing.",
        "Run it with this node stopped. This node's own changes that the peer has not yet received are sent to it first."
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
            out.println("node " + s.id() + " is running (something answers on " + s.listen().getHostString() + ":" + s.listen().getPort()
                + "): stop it, then run resync again (its application may keep writing meanwhile)");
            return 1;
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
        boolean terminal = progress.terminal();
        ProgressBar bar = new ProgressBar();
        LiveLine line = new LiveLine(() -> bar.line(terminal), out, terminal, 5_000);
        RemoteSnapshot snapshot = null;
        try {
            int sent = 0;
            for (int n; (n = node.deliverTo(source, transport)) > 0; ) {
                sent += n;
            }
            out.println(sent == 0 ? s.id() + " had nothing unsent for " + source
                : "sent " + sent + " ChangeSet(s) of " + s.id() + " that " + source + " did not have yet");
            snapshot = new RemoteSnapshot(transport, source);
            out.println("loading the snapshot of " + source + " at its sequence " + snapshot.header().sequence() + ": "
                + String.join(", ", snapshot.header().tables()));
            if (progress.shown()) {
                line.start("converge-resync-progress");
            }
            String[] stage = {""};
            ResyncReport report = node.resync(snapshot, (what, table, rows) -> {
                String now = table.isEmpty() ? what : table + ": " + what;
                if (!now.equals(stage[0])) {
                    stage[0] = now;
                    bar.step(now, 0);
                }
                bar.done(rows);
            });
            snapshot.close(true);
            line.clear();
            out.println(String.format(Locale.ROOT, "%s loaded the snapshot of %s: %,d rows taken, %,d already here, %,d decided by the"
                    + " resolver, %,d conflicts recorded, %,d removed, %,d stored ChangeSets taken over; replication continues from"
                    + " %s's sequence %d", s.id(), source, report.taken(), report.kept(), report.resolved(), report.conflicts(),
                report.removed(), report.stored(), source, report.sequence()));
            if (report.conflicts() > 0) {
                out.println("review the conflicts: converge conflicts list --config " + file);
            }
            return 0;
        } catch (RuntimeException e) {
            line.clear();
            if (snapshot != null) {
                try {
                    snapshot.close(false);
                } catch (RuntimeException ignored) {
                    // the peer closes an idle snapshot by itself
                }
            }
            out.println("the resync from " + source + " did not finish: " + e.getMessage());
            out.println("nothing is lost: run it again (what was loaded is merged again without change)");
            return 1;
        }
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
