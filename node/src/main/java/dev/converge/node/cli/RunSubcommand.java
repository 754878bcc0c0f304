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
 * then its server, then closes its connections. Exits 1 without starting if anything does not fit.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the node in the foreground: its HTTP server (peers, /health, /status, /metrics) and its links to"
        + " every peer. Logs to stdout. Installs Converge first if needed, as init does. Stops cleanly on SIGTERM or"
        + " Ctrl-C.", "Exits 1 without starting if the configuration does not fit the database or the port is taken."})
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
        H2TcpServer tcp = null;
        try {
            List<ConfigError> problems = Node.validate(s.core(), pool);
            if (!problems.isEmpty()) {
                problems.forEach(p -> out.println(NodeFile.locate(file, p)));
                out.println("node " + s.id() + " not started: " + ConfigCheckSubcommand.count(problems.size(), "problem"));
                pool.close();
                return 1;
            }
            Node node = Node.open(s.core(), pool, TimeSource.system());
            if (s.database().h2TcpPort().isPresent()) {
                tcp = H2TcpServer.start(s.database().url(), s.database().h2TcpPort().getAsInt());
            }
            WorkbenchMount workbench = s.users().isEmpty() ? null : new WorkbenchMount(node, s.users());
            running = new RunningNode(node, pool, s.listen(), s.peers(), PeerLimits.DEFAULT, tls.get(),
                workbench == null ? List.of() : List.of(workbench.routes()));
            if (workbench != null) {
                workbench.attach(running);
            }
            running.limitBacklog(s.limits().backlog());
            PeerSubcommand.warnRemoved(node, file, out);
        } catch (RuntimeException | java.sql.SQLException e) {
            out.println("node " + s.id() + " not started: " + e.getMessage());
            if (tcp != null) {
                tcp.close();
            }
            pool.close();
            return 1;
        }
        H2TcpServer served = tcp;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("node " + s.id() + " stopping");
            running.close();
            if (served != null) {
                served.close();
            }
            pool.close();
            out.println("node " + s.id() + " stopped");
            stopped.countDown();
        }, "converge-shutdown"));
        String base = running.scheme() + "://" + s.listen().getHostString() + ":" + running.port();
        out.println("node " + s.id() + " runs on " + base + " (database " + s.database().safeUrl() + ", peers "
            + s.peers().stream().map(p -> p.id() + " at " + p.url()).toList() + ")");
        out.println("  " + base + "/status   " + base + "/metrics   " + base + "/health   — Ctrl-C or SIGTERM stops it");
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
}
