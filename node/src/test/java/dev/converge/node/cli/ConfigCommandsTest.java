package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.model.NodeId;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.node.config.NodeFile;
import dev.converge.workbench.user.PasswordHash;
import dev.converge.scratch.ScratchDatabase;
import dev.converge.transport.InProcessTransport;
import javax.sql.DataSource;
import dev.converge.node.config.NodeSettings;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config check}, {@code init}, {@code status} and {@code uninstall} run in-process as a user types them,
 * against a real H2 file database and the embedded PostgreSQL server.
 */
class ConfigCommandsTest {
    private static final String SECRET = "s3cret-shared-by-A-and-B-0123456789";
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

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** The secrets of the file never appear, whatever the command printed. */
    private void assertNoSecret() {
        assertFalse(output().contains(SECRET), "the peer secret leaked:\n" + output());
        assertFalse(output().contains(DB_PASSWORD), "the database password leaked:\n" + output());
    }

    private Path file(String jdbcUrl, String user, String tables) throws IOException {
        return Files.writeString(dir.resolve("a.yaml"), """
            id: A
            priority: 2
            listen: "127.0.0.1:7401"
            database:
              url: "%s"
              user: %s
              password: "%s"
            peers:
              - {id: B, url: "http://127.0.0.1:7402", secret: "%s", priority: 1}
            tables:
            %s
            """.formatted(jdbcUrl, user, DB_PASSWORD, SECRET, tables.indent(2).stripTrailing()));
    }

    /** An H2 file database in the temporary folder, with the user sa and the test's password. */
    private String h2(String... ddl) throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("db-a").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", DB_PASSWORD); Statement s = c.createStatement()) {
            for (String sql : ddl) {
                s.execute(sql);
            }
        }
        return url;
    }

    private static void sql(String url, String user, String password, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void configCheckOfAGoodFileAndDatabaseSaysOkAndExitsZero() throws Exception {
        String url = h2("CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))",
            "CREATE TABLE orders (id INT PRIMARY KEY, region VARCHAR(2), total INT)");
        Path file = file(url, "sa", "pers:\norders: {filter: \"region = 'EU'\", resolver: {name: timestamp, then: site-priority}}");

        assertEquals(0, converge("config", "check", file.toString()), output());
        assertEquals(List.of(file + ": OK: node A, 1 peer, 2 tables (pers, orders); the database " + url + " fits"), outLines());
        assertNoSecret();

        assertEquals(0, converge("config", "check", "--no-database", file.toString()), output());
        assertEquals(List.of(file + ": OK (file only): node A, 1 peer, 2 tables (pers, orders)"), outLines());
    }

    @Test
    void configCheckPrintsEveryProblemOfTheFileAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
            id: A
            database: {url: "jdbc:h2:mem:x", password: "%s"}
            peers:
              - {id: B, url: "http://b:7402", secret: "%s", priorty: 1}
              - {id: B, url: "http://b:7402", secret: "short"}
            tables: {pers: {resolver: newest}}
            """.formatted(DB_PASSWORD, SECRET));

        assertEquals(1, converge("config", "check", file.toString()));
        List<String> lines = outLines();
        assertEquals(5, lines.size(), output());
        assertEquals(file + ":4:82: peers[0].priorty: unknown key (did you mean 'priority'? known keys: id, url, secret, priority)",
            lines.get(0));
        assertEquals(file + ":5:10: peers[1].id: peer 'B' is listed twice (also at peers[0].id)", lines.get(1));
        assertTrue(lines.get(2).startsWith(file + ":5:43: peers[1].secret: a shared secret needs at least 16 bytes"), lines.get(2));
        assertTrue(lines.get(3).startsWith(file + ":6:27: tables.pers.resolver: unknown resolver 'newest' (known: timestamp,"),
            lines.get(3));
        assertEquals("4 problems in " + file, lines.get(4));
        assertNoSecret();
    }

    @Test
    void configCheckAgainstTheDatabaseNamesAMissingTableAndATableWithoutAKeyAtTheirLines() throws Exception {
        String url = h2("CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))", "CREATE TABLE notes (txt VARCHAR(40))");
        Path file = file(url, "sa", "pers: {filter: \"nme = 'x'\"}\ngone:\nnotes:");

        assertEquals(1, converge("config", "check", "--database", file.toString()));
        List<String> lines = outLines();
        assertEquals(4, lines.size(), output());
        assertTrue(lines.get(0).startsWith(file + ":11:10: tables.pers.filter: row filter \"nme = 'x'\" is not a valid "
            + "boolean expression"), lines.get(0));
        assertEquals(file + ":12:3: tables.gone: no such table in the database's current schema", lines.get(1));
        assertEquals(file + ":13:3: tables.notes: has no primary key; Converge identifies rows by their primary key, add one",
            lines.get(2));
        assertEquals("3 problems in " + file + " against the database " + url, lines.get(3));
        assertNoSecret();
        assertEquals(List.of(), cvTables(url, "sa", DB_PASSWORD), "a check installs nothing");
    }

    @Test
    void configCheckSaysWhenTheDatabaseCannotBeReached() throws Exception {
        Path file = file("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2", "nobody", "pers:");
        assertEquals(1, converge("config", "check", file.toString()));
        assertTrue(outLines().get(0).startsWith(file + ":5:3: database.url: cannot connect to "
            + "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2: "), output());
        assertNoSecret();
    }

    @Test
    void initStatusAndUninstallOnAnH2FileDatabase() throws Exception {
        String url = h2("CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))");
        initStatusUninstall(url, "sa", DB_PASSWORD, url);
    }

    @Test
    void initStatusAndUninstallOnPostgresql() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String name = "nodecfg_" + UUID.randomUUID().toString().substring(0, 8);
        server.freshDatabase(name);
        try {
            String url = server.jdbcUrl(name);
            sql(url, null, null, "CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))");
            // the admin URL carries its own credentials, which take precedence over the file's user and password
            initStatusUninstall(url, "postgres", DB_PASSWORD, url.replaceAll("(?i)(password=)[^&;]*", "$1***"));
        } finally {
            server.dropDatabase(name);
        }
    }

    private void initStatusUninstall(String url, String user, String password, String shownUrl) throws Exception {
        Path file = file(url, user, "pers:");
        assertEquals(1, converge("status", "--config", file.toString()));
        assertEquals(List.of("cannot read the status from the database " + shownUrl
            + ": database: Converge is not installed in this database (run converge init)"), outLines());

        assertEquals(0, converge("init", "--config", file.toString()), output());
        assertEquals(List.of("installed node A in " + shownUrl, "  metadata tables cv_*; capture and shadow tables on pers"),
            outLines());
        assertTrue(cvTables(url, user, password).contains("cv_outbox"), cvTables(url, user, password).toString());
        assertEquals(0, converge("init", "--config", file.toString()), output());
        assertEquals("already installed for node A in " + shownUrl + "; checked and brought up to date", outLines().get(0));
        assertNoSecret();

        // a write is captured; the node, had it run, would have sequenced it into a ChangeSet for B
        sql(url, user, password, "INSERT INTO pers VALUES (1, 'Ion')", "INSERT INTO pers VALUES (2, 'Ana')");
        assertEquals(0, converge("status", "--config", file.toString()), output());
        assertEquals(List.of("node A (from the database " + shownUrl + ")",
            "peer B: nothing waiting (acknowledged up to 0)",
            "captured, not yet sequenced: 2 transactions (they become ChangeSets for every peer when the node runs)",
            "applied here: nothing yet",
            "held back: 0 ChangeSets received and waiting for their dependencies",
            "conflicts to review: 0"), outLines());

        NodeSettings settings = NodeFile.read(file).get();
        try (var pool = dev.converge.node.database.ConnectionPool.open(settings.id(), settings.database())) {
            Node node = Node.open(settings.core(), pool, TimeSource.system());
            assertEquals(2, node.outboundFor(NodeId.of("B"), 10).size());
            node.acknowledge(NodeId.of("B"), 1);
        }
        assertEquals(0, converge("status", "--config", file.toString()), output());
        String peer = outLines().get(1);
        assertTrue(peer.startsWith("peer B: 1 ChangeSets (1 row) waiting, oldest from 20"), peer);
        assertTrue(peer.endsWith(" ago) (acknowledged up to 1)"), peer);
        assertEquals("applied here: nothing yet", outLines().get(2), "nothing is left unsequenced");
        assertNoSecret();

        assertEquals(1, converge("uninstall", "--config", file.toString()));
        assertEquals(List.of("refusing to remove node A from " + shownUrl + " without --yes (no terminal to ask on)"),
            outLines());
        assertTrue(cvTables(url, user, password).contains("cv_outbox"), "still installed");

        assertEquals(0, converge("uninstall", "--config", file.toString(), "--yes"), output());
        assertEquals(List.of("removed node A from " + shownUrl
            + ": capture and every cv_* table; the replicated tables are untouched"), outLines());
        assertEquals(List.of(), cvTables(url, user, password));
        assertEquals(2, count(url, user, password, "SELECT COUNT(*) FROM pers"), "the rows stay");
        assertEquals(0, converge("uninstall", "--config", file.toString(), "--yes"));
        assertEquals(List.of("nothing to remove: Converge is not installed in " + shownUrl), outLines());
        assertNoSecret();
    }

    @Test
    void statusShowsWhatWasAppliedFromEachOriginAndTheConflictsWaitingForAPerson() throws Exception {
        String url = h2("CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))");
        Path file = file(url, "sa", "pers: {resolver: manual}");
        assertEquals(0, converge("init", "--config", file.toString()), output());
        sql(url, "sa", DB_PASSWORD, "INSERT INTO pers VALUES (1, 'written at A')");

        DataSource bDb = ScratchDatabase.h2("status-b");
        sql(bDb, "CREATE TABLE pers (id INT PRIMARY KEY, name VARCHAR(40))");
        Node b = Node.open(NodeConfig.builder("B").priority(1).peer("A", 2)
            .table(TableConfig.of("pers").withResolver(ResolverSpec.of("manual"))).build(), bDb, TimeSource.system());
        sql(bDb, "INSERT INTO pers VALUES (1, 'written at B')");
        sql(bDb, "INSERT INTO pers VALUES (2, 'only at B')");

        NodeSettings settings = NodeFile.read(file).get();
        try (var pool = dev.converge.node.database.ConnectionPool.open(settings.id(), settings.database())) {
            Node a = Node.open(settings.core(), pool, TimeSource.system());
            InProcessTransport transport = new InProcessTransport().register(a).register(b);
            assertEquals(2, b.deliverTo(NodeId.of("A"), transport));
        }

        assertEquals(0, converge("status", "--config", file.toString()), output());
        List<String> lines = outLines();
        assertTrue(lines.contains("conflicts to review: 1"), String.join("\n", lines));
        String applied = lines.stream().filter(l -> l.startsWith("applied here: ")).findFirst().orElseThrow();
        assertTrue(applied.startsWith("applied here: B up to 2 (latest 20"), applied);
        assertNoSecret();
    }

    private static void sql(DataSource db, String statement) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void userHashPrintsAHashOfThePasswordReadFromStandardInput() {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, converge("user", "hash"), output());
        } finally {
            System.setIn(stdin);
        }
        List<String> lines = outLines();
        assertEquals(1, lines.size(), output());
        assertTrue(lines.get(0).startsWith("pbkdf2-sha256$600000$"), lines.get(0));
        assertTrue(PasswordHash.parse(lines.get(0)).matches("correct horse battery".toCharArray()));
        assertFalse(output().contains("correct horse"), "the password is not echoed");
    }

    @Test
    void initRefusesADatabaseThatDoesNotFitAndInstallsNothing() throws Exception {
        String url = h2("CREATE TABLE notes (txt VARCHAR(40))");
        Path file = file(url, "sa", "notes:");
        assertEquals(1, converge("init", "--config", file.toString()));
        assertEquals(List.of(file + ":11:3: tables.notes: has no primary key; Converge identifies rows by their primary key,"
            + " add one", "nothing installed in " + url + ": 1 problem"), outLines());
        assertEquals(List.of(), cvTables(url, "sa", DB_PASSWORD));
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String[] command : List.of(new String[] {"config", "check", "--help"}, new String[] {"init", "--help"},
            new String[] {"status", "--help"}, new String[] {"uninstall", "--help"}, new String[] {"user", "hash", "--help"})) {
            assertEquals(0, converge(command), String.join(" ", command));
            assertTrue(output().contains("Usage: converge " + command[0]), output());
        }
        assertEquals(2, converge("init"));
        assertTrue(output().contains("Missing required option: '--config=FILE'"), output());
        assertEquals(2, converge("config"));
        assertTrue(output().contains("Missing subcommand"), output());
    }

    private static List<String> cvTables(String url, String user, String password) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
             ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (name.toLowerCase().startsWith("cv_")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static long count(String url, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
