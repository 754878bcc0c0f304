package dev.converge.node.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.converge.ConvergeException;
import dev.converge.Node;
import dev.converge.check.Comparison;
import dev.converge.check.DatabaseDigests;
import dev.converge.check.TableReport;
import dev.converge.config.ConfigError;
import dev.converge.config.TableRules;
import dev.converge.model.NodeId;
import dev.converge.node.check.CheckText;
import dev.converge.node.check.PeerDigests;
import dev.converge.node.config.DatabaseSettings;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.database.H2TcpServer;
import dev.converge.node.peer.HttpTransport;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.progress.LiveLine;
import dev.converge.node.progress.ProgressBar;
import dev.converge.transport.PeerUnavailableException;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge check --config FILE --peer PEER [--table T]...}: whether this node and a peer hold the same
 * replicated rows. Reads this node's database directly (read-only; the node may be running or stopped; an H2 file
 * database of a running node through its {@code h2_tcp_port}) and asks the peer, which must be running, over the
 * authenticated peer link. The comparison is {@link Comparison}'s: range hashes, not rows, then the differing keys,
 * confirmed at matched watermarks. Exits 0 if every table is the same, 1 if any differs or the check could not run.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Compares this node's replicated tables with a running peer's, without shipping rows: both sides hash"
        + " their rows per range of the key-hash space, and only ranges that differ are narrowed down to the keys that"
        + " differ. Rows still in flight between the two are not reported: the check first waits for both to have applied"
        + " the same ChangeSets of every origin, and reads every differing key again once both have caught up.",
        "Reads this node's database directly (read-only), so this node may be running or stopped; on H2 a running node"
            + " is read through its h2_tcp_port. The peer must be running.",
        "Exits 0 if every table is the same on both, 1 if any differs or the check cannot run (peer unreachable,"
            + " unknown table, rules that differ), 2 if the command line is wrong."})
final class CheckSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's configuration file.")
    private Path file;

    @Option(names = "--peer", required = true, paramLabel = "PEER", description = "The id of the peer to compare with.")
    private String peer;

    @Option(names = "--table", paramLabel = "TABLE", description = "A table to compare (repeatable); every replicated table by default.")
    private List<String> tables = new ArrayList<>();

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "20",
        description = "The most differing keys printed per table (default ${DEFAULT-VALUE}); the total is always printed.")
    private int maxKeys;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "30",
        description = "How long to wait for both nodes to have applied the same ChangeSets before comparing (default ${DEFAULT-VALUE}).")
    private int settle;

    @Option(names = "--catch-up", paramLabel = "SECONDS", defaultValue = "60",
        description = "How long to wait for both to catch up before differing keys are read again (default ${DEFAULT-VALUE}).")
    private int catchUp;

    @Mixin
    private ProgressOption progress;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = parent.out();
        if (maxKeys < 0 || settle < 0 || catchUp < 0 || !progress.valid()) {
            out.println("--max-keys, --settle and --catch-up cannot be negative; --progress is auto, bar, plain or none");
            return 2;
        }
        Optional<NodeSettings> read = NodeFileArgument.read(file, out);
        if (read.isEmpty()) {
            return 1;
        }
        NodeSettings s = read.get();
        if (!dev.converge.model.NodeId.isValid(peer) || s.peer(NodeId.of(peer)).isEmpty()) {
            out.println(peer + " is not a peer of " + s.id() + " in " + file + " (its peers: "
                + s.peers().stream().map(p -> p.id().value()).toList() + ")");
            return 1;
        }
        try (HikariDataSource pool = openLocal(s)) {
            Either<ConfigError, DatabaseDigests> local = Node.digests(s.core(), pool);
            if (local.isLeft()) {
                out.println("cannot check " + s.id() + " (" + s.database().safeUrl() + "): " + local.getLeft().where() + ": "
                    + local.getLeft().problem());
                return 1;
            }
            return check(s, local.get(), out);
        } catch (ConvergeException e) {
            out.println("cannot read the database of " + s.id() + " (" + s.database().safeUrl() + "): " + e.getMessage()
                + (inUse(e) ? System.lineSeparator() + "  the running node holds this H2 file: give it database.h2_tcp_port"
                + " (check then reads through H2's TCP server), or stop it" : ""));
            return 1;
        }
    }

    private int check(NodeSettings s, DatabaseDigests here, PrintStream out) throws InterruptedException {
        NodeId other = NodeId.of(peer);
        List<String> chosen = new ArrayList<>();
        for (String t : tables.isEmpty() ? here.tables() : tables) {
            Optional<String> found = here.tables().stream().filter(n -> n.equalsIgnoreCase(t)).findFirst();
            if (found.isEmpty()) {
                out.println("table " + t + " is not replicated by " + s.id() + " (it replicates " + here.tables() + ")");
                return 1;
            }
            chosen.add(found.get());
        }
        List<TableRules> rules = here.bound().stream().map(t -> TableRules.of(s.core(), t.spec())).toList();
        io.vavr.control.Either<String, dev.converge.node.tls.NodeTls> tls = s.loadTls();
        if (tls.isLeft()) {
            out.println(s.file() + ": " + tls.getLeft());
            return 1;
        }
        HttpTransport transport = new HttpTransport(s.id(), () -> HttpTransport.rules(s.core(), rules), s.peers(), PeerLimits.DEFAULT,
            tls.get());
        PeerDigests there = new PeerDigests(transport, other);
        boolean terminal = progress.terminal();
        ProgressBar bar = new ProgressBar();
        LiveLine line = new LiveLine(() -> bar.line(terminal), out, terminal, 5_000);
        Comparison.Settings settings = Comparison.Settings.DEFAULT.withWaits(Duration.ofSeconds(settle), Duration.ofSeconds(catchUp));
        Comparison.Listener listener = new Comparison.Listener() {
            private String table = "";

            @Override
            public void scanning(String table, String what, long rows) {
                this.table = table;
                bar.step(table + ": " + what, rows);
            }

            @Override
            public void scanned(long rows) {
                bar.done(rows);
            }

            @Override
            public void waiting(String what) {
                bar.step((table.isEmpty() ? "" : table + ": ") + what, 0);
            }
        };
        if (progress.shown()) {
            line.start("converge-check-progress");
        }
        try (Comparison comparison = new Comparison(here, there, settings, listener)) {
            line.println("checking " + s.id() + " against " + other + " (" + s.peer(other).orElseThrow().url() + "): "
                + String.join(", ", chosen));
            Comparison.Settled settled = comparison.settle();
            line.println(settled.matched() ? "watermarks matched: both have applied the same ChangeSets of every origin"
                : "watermarks did not match within " + settle + " s (" + String.join("; ", settled.differences())
                + "): comparing anyway; differing keys are read again once both have caught up");
            long differing = 0;
            int tablesDiffering = 0;
            boolean exact = true;
            for (String table : chosen) {
                TableReport report = comparison.compare(table);
                CheckText.lines(report, other.value(), maxKeys).forEach(line::println);
                differing += report.differing();
                tablesDiffering += report.same() ? 0 : 1;
                exact &= report.exact();
            }
            line.clear();
            out.println(tablesDiffering == 0
                ? String.format(Locale.ROOT, "%s and %s hold the same rows in %d %s", s.id(), other, chosen.size(), chosen.size() == 1 ? "table" : "tables")
                : String.format(Locale.ROOT, "%s and %s DIFFER: %s%,d %s in %d of %d tables", s.id(), other, exact ? "" : "at least ", differing,
                    differing == 1 ? "key" : "keys", tablesDiffering, chosen.size()));
            return tablesDiffering == 0 ? 0 : 1;
        } catch (PeerUnavailableException e) {
            line.clear();
            out.println("cannot check against " + other + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            line.clear();
            out.println("the check failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * A pool on this node's database: for an H2 file database whose node serves it over TCP, through that server when
     * it answers (the running node holds the file), else the database itself.
     */
    private static HikariDataSource openLocal(NodeSettings s) {
        DatabaseSettings db = s.database();
        if (db.h2TcpPort().isPresent() && db.url().startsWith("jdbc:h2:")) {
            DatabaseSettings served = new DatabaseSettings(H2TcpServer.applicationUrl(db.url(), db.h2TcpPort().getAsInt()), db.user(),
                db.password());
            // a plain connection fails at once when nothing listens; a pool would retry for its connection timeout
            try (Connection c = java.sql.DriverManager.getConnection(served.url(), db.user().orElse(null),
                db.password().map(p -> new String(p.bytes(), java.nio.charset.StandardCharsets.UTF_8)).orElse(null))) {
                return ConnectionPool.open(s.id(), served);
            } catch (SQLException notServed) {
                // the node is not running: the file is free
            }
        }
        return ConnectionPool.open(s.id(), db);
    }

    private static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("already in use") || String.valueOf(t.getMessage()).contains("locked by another process")) {
                return true;
            }
        }
        return false;
    }
}
