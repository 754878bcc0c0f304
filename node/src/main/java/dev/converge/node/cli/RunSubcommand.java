package dev.converge.node.cli;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.ConfigError;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.database.H2TcpServer;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.run.ConfigReload;
import dev.converge.node.run.AdminEndpoint;
import dev.converge.node.run.AdminKey;
import dev.converge.node.run.ReloadSignal;
import dev.converge.node.run.RunningNode;
import dev.converge.node.run.WorkbenchMount;
import dev.converge.node.tls.NodeTls;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge run --config FILE}: the peer, in the foreground. Checks the configuration against the database,
 * opens the node (installing or bringing the installation up to date, as {@code init} does), starts its HTTP server
 * (HTTPS when the file's {@code tls} names a keystore) and
 * its links to the peers, logs to stdout, and runs until SIGTERM or Ctrl-C, when it stops its links (waiting for them),
 * then its server, then closes its connections. SIGHUP, or {@code converge reload}, reads the file again and applies
 * what can change while it runs ({@link ConfigReload}). Exits 1 without starting if anything does not fit.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the node in the foreground: its HTTP server (peers, /health, /status, /metrics) and its links to"
        + " every peer. Logs to stdout. Installs Converge first if needed, as init does. Stops cleanly on SIGTERM or"
        + " Ctrl-C. SIGHUP (or converge reload) reads the file again: peers and backlog limits change at once; other"
        + " changed keys are said to need a restart.", "Exits 1 without starting if the configuration does not fit the database or the port is taken."})
final class RunSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's configuration file.")
    private Path file;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
        description = "Converge's log level: ERROR, WARN, INFO (default) or DEBUG.")
    private String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = parent.out();
        Optional<NodeSettings> read = NodeFileArgument.read(file, out);
        if (read.isEmpty()) {
            return 1;
        }
        NodeSettings s = read.get();
        // the stores were checked as the file was read; opened again here, they may have changed since
        Either<String, NodeTls> tls = s.loadTls();
        if (tls.isLeft()) {
            out.println(file + ": " + tls.getLeft());
            out.println("node " + s.id() + " not started");
            return 1;
        }
        ConsoleLog.toStdout(Level.toLevel(logLevel, Level.INFO));
        HikariDataSource pool = ConnectionPool.open(s.id(), s.database());
        RunningNode running;
        Node node = null;
        H2TcpServer tcp = null;
        AdminEndpoint admin = new AdminEndpoint();
        try {
            List<ConfigError> problems = Node.validate(s.core(), pool);
            if (!problems.isEmpty()) {
                problems.forEach(p -> out.println(NodeFile.locate(file, p)));
                out.println("node " + s.id() + " not started: " + ConfigCheckSubcommand.count(problems.size(), "problem"));
                pool.close();
                return 1;
            }
            List<dev.converge.model.NodeId> unlisted = Node.keptUnlisted(s.core(), pool);
            if (!unlisted.isEmpty()) {
                unlisted.forEach(p -> out.println(unlistedAdvice(s.id(), p, file)));
                out.println("node " + s.id() + " not started: its database keeps " + unlisted.size()
                    + (unlisted.size() == 1 ? " peer" : " peers") + " that " + file + " does not list");
                pool.close();
                return 1;
            }
            node = Node.open(s.core(), pool, TimeSource.system());
            if (s.database().h2TcpPort().isPresent()) {
                tcp = H2TcpServer.start(s.database().url(), s.database().h2TcpPort().getAsInt());
            }
            WorkbenchMount workbench = s.users().isEmpty() ? null : new WorkbenchMount(node, s.users());
            running = new RunningNode(node, pool, s.listen(), s.peers(), PeerLimits.DEFAULT, tls.get(),
                workbench == null ? List.of(admin.routes()) : List.of(admin.routes(), workbench.routes()));
            if (workbench != null) {
                workbench.attach(running);
            }
            running.limitBacklog(s.limits().backlog());
            PeerSubcommand.warnRemoved(node, file, out);
        } catch (RuntimeException | java.sql.SQLException e) {
            out.println("node " + s.id() + " not started: " + e.getMessage());
            if (node != null) {
                node.close();
            }
            if (tcp != null) {
                tcp.close();
            }
            pool.close();
            return 1;
        }
        H2TcpServer served = tcp;
        Node opened = node;
        String base = running.scheme() + "://" + s.listen().getHostString() + ":" + running.port();
        ConfigReload reload = new ConfigReload(running, s);
        boolean hangup = ReloadSignal.install(reload::reload);
        AdminKey key = reloadKey(s, running, tls.get(), out);
        if (key != null) {
            admin.attach(reload, running, key);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("node " + s.id() + " stopping");
            if (key != null) {
                key.close();
            }
            running.close();
            opened.close(); // its trimming, before the pool it takes connections from closes
            if (served != null) {
                served.close();
            }
            pool.close();
            out.println("node " + s.id() + " stopped");
            stopped.countDown();
        }, "converge-shutdown"));
        out.println("node " + s.id() + " runs on " + base + " (database " + s.database().safeUrl() + ", peers "
            + s.peers().stream().map(p -> p.id() + " at " + p.url()).toList() + ")");
        out.println("  " + base + "/status   " + base + "/metrics   " + base + "/health   — Ctrl-C or SIGTERM stops it");
        out.println("  " + (hangup ? "SIGHUP or " : "") + (key != null ? "converge reload --config " + file : "")
            + ((hangup || key != null) ? " reloads the configuration" : "the configuration cannot be reloaded: restart to change it"));
        if (!s.users().isEmpty()) {
            out.println("  workbench: " + base + "/   (log in as one of the workbench users: " + s.users().stream()
                .map(u -> u.name() + " (" + u.role().word() + ")").collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        if (served != null) {
            out.println("  applications write to the database at " + served.applicationUrl() + " (H2's TCP server, local connections)");
        }
        stopped.await();
        return 0;
    }

    /**
     * Writes the key {@code converge reload} presents ({@link AdminKey}), with the URL it asks at (the loopback for a
     * wildcard address, as {@code status} does); null, after saying why, if it cannot be written.
     */
    private AdminKey reloadKey(NodeSettings s, RunningNode running, NodeTls tls, PrintStream out) {
        java.net.InetSocketAddress at = new java.net.InetSocketAddress(s.listen().getHostString(), running.port());
        java.net.URI base = dev.converge.node.status.LiveStatus.url(at, running.scheme()).resolve("/");
        try {
            return AdminKey.write(file, base, tls.servedCertificates());
        } catch (java.io.IOException | RuntimeException e) {
            out.println("converge reload cannot reach this node: cannot write its key (" + e.getMessage() + "); SIGHUP still reloads");
            return null;
        }
    }

    /**
     * Why a node does not start while its database keeps a peer its file does not list, and the two ways on: a restart
     * that dropped the peer would let what it has not acknowledged be trimmed, a loss a mistaken file must not cause.
     */
    static String unlistedAdvice(dev.converge.model.NodeId self, dev.converge.model.NodeId peer, Path file) {
        return "peer " + peer + " is kept by node " + self + " (what " + peer + " has not acknowledged, and the tombstones it has"
            + " not seen) but " + file + " does not list it: list it again under peers (id, url, secret), or, if it left the mesh"
            + " for good, run `converge peer remove " + peer + " --config " + file + "` first";
    }
}
