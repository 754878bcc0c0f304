package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import dev.converge.workbench.Workbench;
import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge conflicts list|show|resolve} against a node's workbench API over real HTTP: the list as a table, a
 * conflict side by side, a merge from the command line that every peer ends up holding (compared in SQL), a bulk
 * decision, and clear refusals (wrong password, a viewer deciding, nothing listening) with exit code 1.
 */
class ConflictsCommandIT {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Cluster c;
    private Javalin server;
    private String url;

    @TempDir
    Path dir;

    @BeforeEach
    void conflicted() throws Exception {
        c = Cluster.of(Dialect.H2, "cli_conflicts", List.of("A", "B", "C"), """
            CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), qty INT);
            INSERT INTO item VALUES (1, 'start', 1), (2, 'start', 2)""",
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of("timestamp"))));
        for (int id = 1; id <= 2; id++) {
            c.tick(1000);
            c.write("A", "UPDATE item SET v = 'a', qty = 10 WHERE id = " + id);
            c.tick(1000);
            c.write("B", "UPDATE item SET v = 'b', qty = 20 WHERE id = " + id);
        }
        c.sync();
        List<WorkbenchUser> users = List.of(
            new WorkbenchUser("ana", WorkbenchUser.Role.RESOLVER, PasswordHash.create("ana-secret".toCharArray())),
            new WorkbenchUser("vic", WorkbenchUser.Role.VIEWER, PasswordHash.create("vic-secret".toCharArray())));
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            new Workbench(c.node("A"), users).routes(config);
        }).start();
        url = "http://127.0.0.1:" + server.port();
        Files.writeString(dir.resolve("ana"), "ana-secret\n");
        Files.writeString(dir.resolve("vic"), "vic-secret\n");
        Files.writeString(dir.resolve("wrong"), "guess\n");
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private int converge(String... args) {
        out.reset();
        return ConvergeCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String[] as(String user, String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--url", url, "--user", user, "--password-file", dir.resolve(user).toString()}, 0, all, args.length, 6);
        return all;
    }

    private long idOfRow(int row) {
        assertEquals(0, converge(as("vic", "conflicts", "list", "--key", "\":" + row + "}", "--json")), output());
        Matcher m = Pattern.compile("\"id\" : (\\d+)").matcher(output());
        assertTrue(m.find(), output());
        return Long.parseLong(m.group(1));
    }

    private Object sql(String node, String query) {
        return c.sql(node).scalar(query);
    }

    @Test
    void listsAndShowsConflictsAsTables() {
        assertEquals(0, converge(as("vic", "conflicts", "list", "--table", "item")), output());
        String list = output();
        assertTrue(list.lines().findFirst().orElse("").startsWith("ID"), "A table with a header:\n" + list);
        assertTrue(list.contains("update-changed-row") && list.contains("auto-resolved"), list);
        assertTrue(list.contains("2 shown of 2 matching"), list);
        assertEquals(0, converge(as("vic", "conflicts", "list", "--limit", "1")), output());
        assertTrue(output().contains("next page: add --after"), "More than a page: how to go on:\n" + output());

        long id = idOfRow(1);
        assertEquals(0, converge(as("vic", "conflicts", "show", String.valueOf(id))), output());
        String show = output();
        assertTrue(show.contains("COLUMN") && show.contains("LOCAL") && show.contains("REMOTE"), show);
        assertTrue(show.lines().anyMatch(l -> l.startsWith("*") && l.contains("QTY") && l.contains("10") && l.contains("20")),
            "The differing qty is marked:\n" + show);
        assertTrue(show.contains("as of: "), show);
    }

    @Test
    void aMergeFromTheCommandLineWinsOnEveryPeer() {
        long id = idOfRow(1);
        c.tick(1000);
        assertEquals(0, converge(as("ana", "conflicts", "resolve", String.valueOf(id), "--merge", "--base", "local", "--set", "qty=20",
            "--comment", "name from A, count from B")), output());
        assertTrue(output().contains("resolved by hand: merge"), output());
        c.sync();
        for (String node : c.ids()) {
            assertEquals("a", sql(node, "SELECT v FROM item WHERE id = 1"), "v on " + node);
            assertEquals(20, ((Number) sql(node, "SELECT qty FROM item WHERE id = 1")).intValue(), "qty on " + node);
        }
    }

    @Test
    void resolvesEveryMatchOfAFilter() {
        c.tick(1000);
        assertEquals(0, converge(as("ana", "conflicts", "resolve", "--all", "--table", "item", "--status", "auto-resolved", "--take-local")), output());
        assertTrue(output().contains("2 of 2 matching conflict(s) decided"), output());
        c.sync();
        for (String node : c.ids()) {
            assertEquals(2L, ((Number) sql(node, "SELECT count(*) FROM item WHERE v = 'a'")).longValue(), "A's rows on " + node);
        }
    }

    @Test
    void refusalsSayWhyAndExitWithOne() {
        long id = idOfRow(2);
        assertEquals(1, converge(as("wrong", "conflicts", "list")));
        assertTrue(output().contains("login refused"), output());
        assertFalse(output().contains("guess"), "The password is never printed:\n" + output());
        assertEquals(1, converge(as("vic", "conflicts", "resolve", String.valueOf(id), "--delete")));
        assertTrue(output().contains("not allowed") && output().contains("viewer"), output());
        assertEquals("b", sql("A", "SELECT v FROM item WHERE id = 2"), "The viewer deleted nothing.");
        assertEquals(1, converge(as("ana", "conflicts", "resolve", String.valueOf(id), "--merge", "--set", "nope=1")));
        assertTrue(output().contains("no column 'nope'"), output());
        assertEquals(1, converge("conflicts", "list", "--url", "http://127.0.0.1:1", "--user", "ana", "--password-file", dir.resolve("ana").toString()));
        assertTrue(output().contains("nothing answers at http://127.0.0.1:1"), output());
        assertEquals(2, converge(as("ana", "conflicts", "resolve", String.valueOf(id))), "Without a choice it is a usage error.");
    }
}
