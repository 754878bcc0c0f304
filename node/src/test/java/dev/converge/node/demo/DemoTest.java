package dev.converge.node.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.node.cli.ConvergeCommand;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge demo --exit} run in-process as a user would type it, then its three databases opened and read in
 * SQL here, independently of the demo's own checksum.
 */
class DemoTest {
    private static final Pattern CHECKSUM_LINE = Pattern.compile("^([ABC])\\s+[\\d,]+\\s+[\\d,]+\\s+([\\d,]+)\\s+([0-9a-f]{16})$");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int converge(String... args) {
        return ConvergeCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    @Timeout(120)
    void threePeersWritingAtOnceConvergeWithConflictsDecidedAndNothingParked(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("demo");
        int exit = converge("demo", "--exit", "--seconds", "3", "--writers", "2", "--seed", "7", "--dir", dir.toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, "the demo says the peers converged; it printed:\n" + printed + err.toString(StandardCharsets.UTF_8));

        List<String> checksums = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        for (String line : printed.lines().toList()) {
            Matcher m = CHECKSUM_LINE.matcher(line.strip());
            if (m.matches()) {
                rows.add(Long.parseLong(m.group(2).replace(",", "")));
                checksums.add(m.group(3));
            }
        }
        assertEquals(3, checksums.size(), "a checksum line per peer is printed:\n" + printed);
        assertEquals(1, checksums.stream().distinct().count(), "the three printed checksums are equal: " + checksums);
        assertTrue(printed.contains("CONVERGED"), printed);
        Matcher login = Pattern.compile("log in as steward, password (\\S+)").matcher(printed);
        assertTrue(login.find(), "the demo prints the workbench's login:\n" + printed);
        assertTrue(Pattern.compile("(?m)^  A  http://127\\.0\\.0\\.1:\\d+/conflicts ").matcher(printed).find(), "and each peer's workbench URL");
        var users = dev.converge.node.config.NodeFile.read(dir.resolve("a.yaml")).get().users();
        assertTrue(new dev.converge.workbench.user.Logins(users).check("steward", login.group(1).toCharArray()).isPresent(),
            "the printed password logs in as steward, a user in the node's file");

        List<String> contents = new ArrayList<>();
        long conflicts = 0;
        long constraintConflicts = 0;
        for (String node : List.of("a", "b", "c")) {
            try (Connection c = DriverManager.getConnection("jdbc:h2:" + dir.resolve(node).resolve("demo"), "sa", "");
                 Statement s = c.createStatement()) {
                contents.add(rows(s, "select id, name, city from suppliers order by id")
                    + rows(s, "select id, supplier_id, sku, name, qty, price from products order by id"));
                assertEquals(rows.get(0), count(s, "select (select count(*) from suppliers) + (select count(*) from products)"),
                    node + " holds the rows the demo printed");
                assertEquals(0, count(s, "select count(*) from products p where not exists (select 1 from suppliers s where s.id = p.supplier_id)"),
                    "every product of " + node + " has its supplier");
                assertEquals(0, count(s, "select count(*) from \"cv_conflict\" where \"outcome\" = 'parked'"),
                    node + " parked no conflict: every one was decided by the configured rules");
                assertEquals(0, count(s, "select count(*) from \"cv_inbox\""), node + " holds nothing back");
                assertTrue(count(s, "select count(*) from products where sku like 'CLASH-%'") > 0,
                    node + " holds the winner of at least one sku inserted on all three at once");
                assertEquals(0, count(s, "select count(*) from (select sku from products where sku like 'CLASH-%' group by sku having count(*) > 1) t"),
                    "each clashing sku is held once on " + node);
                conflicts += count(s, "select count(*) from \"cv_conflict\"");
                constraintConflicts += count(s, "select count(*) from \"cv_conflict\" where \"type\" = 'constraint'");
            }
        }
        assertEquals(contents.get(0), contents.get(1), "A and B hold the same rows");
        assertEquals(contents.get(0), contents.get(2), "A and C hold the same rows");
        assertTrue(conflicts > 0, "the writers produced conflicts");
        assertTrue(constraintConflicts > 0, "a sku inserted on all three at once is a constraint conflict somewhere");
        assertTrue(Files.exists(dir.resolve("a.yaml")), "--dir keeps the node files");
    }

    @Test
    void refusesAFolderThatAlreadyHoldsSomething(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        assertEquals(2, converge("demo", "--exit", "--dir", tmp.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("must be an empty folder"), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.exists(tmp.resolve("notes.txt")));
    }

    @Test
    void helpListsTheOptions() {
        assertEquals(0, converge("demo", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of("--seconds", "--writers", "--seed", "--exit", "--dir")) {
            assertTrue(help.contains(option), "--help names " + option + ":\n" + help);
        }
        assertFalse(help.isBlank());
    }

    private static String rows(Statement s, String sql) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    b.append(rs.getString(i)).append('|');
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
