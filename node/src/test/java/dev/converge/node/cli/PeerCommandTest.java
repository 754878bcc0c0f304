package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.scratch.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge peer remove} and {@code peer add} as a user types them, against an installed H2 file database and
 * the embedded PostgreSQL server: what is recorded in {@code cv_peer}, what the output tells to change where, what
 * {@code status} then says, and the errors.
 */
class PeerCommandTest {
    private static final String SECRET_B = "s3cret-shared-by-A-and-B-0123456789";
    private static final String SECRET_C = "s3cret-shared-by-A-and-C-0123456789";
    private static final String DB_PASSWORD = "db-pass-word-4711";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int converge(String... args) {
        out.reset();
        err.reset();
        return ConvergeCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private Path file(String url, String user) throws IOException {
        return Files.writeString(dir.resolve("a.yaml"), """
            id: A
            listen: "127.0.0.1:7401"
            database:
              url: "%s"
              user: %s
              password: "%s"
            peers:
              - {id: B, url: "http://127.0.0.1:7402", secret: "%s"}
              # C is going away
              - {id: C, url: "http://127.0.0.1:7403", secret: "%s"}
            tables:
              pers:
            """.formatted(url, user, DB_PASSWORD, SECRET_B, SECRET_C));
    }

    private static void sql(String url, String user, String password, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String departed(String url, String user, String password, String peer) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT \"departed_since\", \"resync_since\" FROM \"cv_peer\" WHERE \"peer\" = '" + peer + "'")) {
            return r.next() ? (r.getObject(1) == null ? "-" : "departed") + "/" + (r.getObject(2) == null ? "-" : "resync") : "no row";
        }
    }

    @Test
    void removeAndAddOnAnH2FileDatabase() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db-a").toAbsolutePath();
        sql(url, "sa", DB_PASSWORD, "CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))");
        removeAndAdd(url, "sa", DB_PASSWORD, url);
    }

    @Test
    void removeAndAddOnPostgresql() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String name = "peercmd_" + UUID.randomUUID().toString().substring(0, 8);
        server.freshDatabase(name);
        try {
            String url = server.jdbcUrl(name);
            sql(url, null, null, "CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))");
            removeAndAdd(url, "postgres", null, url.replaceAll("(?i)(password=)[^&;]*", "$1***"));
        } finally {
            server.dropDatabase(name);
        }
    }

    private void removeAndAdd(String url, String user, String password, String shownUrl) throws Exception {
        Path file = file(url, user);
        assertEquals(1, converge("peer", "remove", "C", "--config", file.toString()));
        assertEquals(List.of("peer C not removed: Converge is not installed in this database (run converge init)"), outLines());
        assertEquals(0, converge("init", "--config", file.toString()), output());

        assertEquals(0, converge("peer", "remove", "C", "--config", file.toString()), output());
        assertEquals(List.of("peer C removed from the mesh of node A (recorded in " + shownUrl + "): A keeps nothing more for it"
                + " and refuses its requests",
            "  next: delete its entry from a.yaml, here:",
            "    " + file + ":10:6: peers[1].id: delete this entry (peer C was removed)",
            "  then `converge reload --config " + file + "` (or SIGHUP) if the node runs; until then it keeps the link to C idle",
            "  on every other node (B): run `converge peer remove C --config FILE` and delete its entry from that node's file too"),
            outLines());
        assertEquals("departed/-", departed(url, user, password, "C"));
        assertTrue(Files.readString(file).contains("# C is going away"), "the file is not edited");

        assertEquals(0, converge("peer", "remove", "C", "--config", file.toString()), output());
        assertTrue(outLines().get(0).startsWith("peer C was already removed from the mesh of node A"), output());

        // what `run` prints at start while the file still lists the removed peer
        dev.converge.node.config.NodeSettings settings = dev.converge.node.config.NodeFile.read(file).get();
        try (var pool = dev.converge.node.database.ConnectionPool.open(settings.id(), settings.database())) {
            dev.converge.Node node = dev.converge.Node.open(settings.core(), pool, dev.converge.clock.TimeSource.system());
            ByteArrayOutputStream warned = new ByteArrayOutputStream();
            PeerSubcommand.warnRemoved(node, file, new PrintStream(warned, true, StandardCharsets.UTF_8));
            String line = warned.toString(StandardCharsets.UTF_8).strip();
            assertTrue(line.startsWith("WARNING: peer C was removed from the mesh on ") && line.endsWith("(" + file + " still lists it)"), line);
        }

        assertEquals(0, converge("status", "--config", file.toString(), "--from-database"), output());
        assertTrue(outLines().stream().anyMatch(l -> l.startsWith("  peer C was removed from the mesh on ")
            && l.endsWith("remove it from `peers` in the configuration file of every node")), output());

        assertEquals(0, converge("peer", "add", "D", "--url", "http://10.0.0.4:7404", "--priority", "5", "--config", file.toString()),
            output());
        assertEquals(List.of("peer D added to the mesh of node A (recorded in " + shownUrl + "): A keeps what it writes from now on"
                + " for D, until D has loaded a snapshot and acknowledges",
            "  next: add it under peers in a.yaml (the secret this pair shares in CONVERGE_AD_SECRET, e.g. from `openssl rand"
                + " -base64 32`; the same on D):",
            "    - {id: D, url: \"http://10.0.0.4:7404\", secret: \"${CONVERGE_AD_SECRET}\", priority: 5}",
            "  then `converge reload --config " + file + "` (or SIGHUP) if the node runs, so that it connects to D at once",
            "  on D: list A and B, C under its peers, `converge init`, then `converge resync --from A`",
            "  on every other node (B, C): run `converge peer add D --url http://10.0.0.4:7404 --config FILE` too"), outLines());
        assertEquals("-/-", departed(url, user, password, "D"));

        assertEquals(0, converge("peer", "add", "C", "--url", "http://127.0.0.1:7403", "--config", file.toString()), output());
        assertTrue(outLines().contains("  a.yaml already lists it"), output());
        assertTrue(outLines().get(0).contains(", where it had been removed before: "), output());
        assertEquals("-/-", departed(url, user, password, "C"), "a removed peer that rejoins is kept again");
        assertFalse(output().contains(SECRET_B) || output().contains(SECRET_C) || output().contains(DB_PASSWORD), output());

        // D is recorded but not listed yet, and B is dropped from the file: a start would stop keeping what they lack
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^  - \\{id: B,.*\n", ""));
        assertEquals(1, converge("run", "--config", file.toString()), output());
        assertEquals(List.of(
            "peer B is kept by node A (what B has not acknowledged, and the tombstones it has not seen) but " + file + " does not"
                + " list it: list it again under peers (id, url, secret), or, if it left the mesh for good, run `converge peer"
                + " remove B --config " + file + "` first",
            "peer D is kept by node A (what D has not acknowledged, and the tombstones it has not seen) but " + file + " does not"
                + " list it: list it again under peers (id, url, secret), or, if it left the mesh for good, run `converge peer"
                + " remove D --config " + file + "` first",
            "node A not started: its database keeps 2 peers that " + file + " does not list"), outLines());
        assertEquals(0, converge("peer", "remove", "D", "--config", file.toString()), output());
        assertEquals(0, converge("peer", "remove", "B", "--config", file.toString()), output());
        dev.converge.node.config.NodeSettings without = dev.converge.node.config.NodeFile.read(file).get();
        try (var pool = dev.converge.node.database.ConnectionPool.open(without.id(), without.database())) {
            assertEquals(List.of(), dev.converge.Node.keptUnlisted(without.core(), pool), "peers removed for good are not kept");
        }
    }

    @Test
    void usageErrorsAreClearAndEverySubcommandHasHelp() throws Exception {
        assertEquals(2, converge("peer"));
        assertTrue(output().contains("Missing subcommand: converge peer remove ID --config FILE"), output());
        assertEquals(2, converge("peer", "remove", "C"));
        assertTrue(output().contains("Missing required option: '--config=FILE'"), output());
        Path file = file("jdbc:h2:mem:unused", "sa");
        assertEquals(2, converge("peer", "remove", "no such id", "--config", file.toString()));
        assertTrue(output().contains("'no such id' is not a node id: 1-16 characters of [A-Za-z0-9_-]"), output());
        assertEquals(2, converge("peer", "add", "D", "--url", "ftp://x", "--config", file.toString()));
        assertTrue(output().contains("--url: expected http://HOST:PORT or https://HOST:PORT"), output());
        for (String sub : List.of("remove", "add")) {
            assertEquals(0, converge("peer", sub, "--help"));
            assertTrue(output().contains("Usage: converge peer " + sub), output());
        }
    }
}
