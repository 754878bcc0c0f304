package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.database.ConnectionPool;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.run.RunningNode;
import dev.converge.node.run.WorkbenchMount;
import dev.converge.node.tls.NodeTls;
import dev.converge.node.tls.TestCertificates;
import dev.converge.workbench.user.PasswordHash;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with a {@code tls} section, run in-process as a user types it: {@code config check} and
 * {@code run} report a wrong keystore password at file, line and key (no stack trace, no password), and against a
 * node serving HTTPS {@code status} and {@code conflicts} work over HTTPS, a truststore that does not trust the node
 * is said so, and the workbench's cookies are {@code Secure}.
 */
class TlsCommandsTest {
    private static final String SECRET = "s3cret-shared-by-A-and-B-0123456789";
    private static final String DB_PASSWORD = "db-pass-word-4711";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int converge(String... args) {
        out.reset();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return ConvergeCommand.execute(print, print, args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> lines() {
        return output().lines().toList();
    }

    private void assertNoSecret() {
        assertFalse(output().contains(TestCertificates.PASSWORD), "the keystore password leaked:\n" + output());
        assertFalse(output().contains(SECRET), "the peer secret leaked:\n" + output());
        assertFalse(output().contains("\tat ") || output().contains("Caused by"), "no stack trace:\n" + output());
    }

    /** Node A's file: an H2 file database, a peer B nobody runs, listening on {@code port}, with {@code tls}. */
    private Path file(String name, int port, String tls) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db-a").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", DB_PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS pers (id INT PRIMARY KEY, name VARCHAR(40))");
        }
        String hash = PasswordHash.create("ana-secret".toCharArray()).encoded();
        return Files.writeString(dir.resolve(name), """
            id: A
            listen: "127.0.0.1:%d"
            database: {url: "%s", user: sa, password: "%s"}
            peers:
              - {id: B, url: "https://127.0.0.1:1", secret: "%s"}
            tables:
              pers:
            workbench:
              users: [{name: ana, role: resolver, password_hash: "%s"}]
            %s
            """.formatted(port, url, DB_PASSWORD, SECRET, hash, tls));
    }

    @Test
    void configCheckAndRunSayAWrongKeystorePasswordAtItsKey() throws Exception {
        new TestCertificates(dir).keystore("a");
        Path file = file("a.yaml", 7401, "tls: {keystore: a.p12, password: not-the-password}");
        String problem = file + ":10:34: tls.password: the password does not open " + dir.resolve("a.p12") + " (or the file is damaged)";

        assertEquals(1, converge("config", "check", "--no-database", file.toString()), output());
        assertEquals(List.of(problem, "1 problem in " + file), lines());
        assertNoSecret();

        assertEquals(1, converge("run", "--config", file.toString()), output());
        assertEquals(problem, lines().get(0), output());
        assertNoSecret();
    }

    @Test
    void statusAndConflictsReachANodeServingHttpsAndItsCookiesAreSecure() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        certs.keystore("a");
        certs.truststore("trusts-a", "a");
        certs.truststore("trusts-b", "b");
        int port = freePort();
        String trust = "tls: {keystore: a.p12, password: \"%s\", truststore: %s, truststore_password: \"%s\"}";
        Path file = file("a.yaml", port, trust.formatted(TestCertificates.PASSWORD, "trusts-a.p12", TestCertificates.PASSWORD));
        Path untrusting = file("a-untrusting.yaml", port, trust.formatted(TestCertificates.PASSWORD, "trusts-b.p12",
            TestCertificates.PASSWORD));
        assertEquals(0, converge("init", "--config", file.toString()), output());

        NodeSettings s = NodeFile.read(file).get();
        NodeTls tls = s.loadTls().get();
        try (HikariDataSource pool = ConnectionPool.open(s.id(), s.database())) {
            Node node = Node.open(s.core(), pool, TimeSource.system());
            WorkbenchMount workbench = new WorkbenchMount(node, s.users());
            try (RunningNode running = new RunningNode(node, pool, s.listen(), s.peers(), PeerLimits.DEFAULT, tls,
                List.of(workbench.routes()))) {
                workbench.attach(running);

                assertEquals(0, converge("status", "--config", file.toString()), output());
                assertEquals("node A is running (from https://127.0.0.1:" + port + "/status); its database is up", lines().get(0));
                assertNoSecret();

                converge("status", "--config", untrusting.toString());
                assertTrue(lines().get(0).startsWith("cannot read the status from https://127.0.0.1:" + port + "/status: the "
                    + "certificate 127.0.0.1 presents is not trusted here (add it, or the CA that signed it, to tls.truststore)"),
                    output());

                Files.writeString(dir.resolve("ana"), "ana-secret\n");
                assertEquals(0, converge("conflicts", "list", "--config", file.toString(), "--user", "ana", "--password-file",
                    dir.resolve("ana").toString()), output());
                assertNoSecret();

                HttpResponse<String> login = tls.configure(HttpClient.newBuilder()).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, login.statusCode());
                List<String> cookies = login.headers().allValues("Set-Cookie");
                assertTrue(!cookies.isEmpty() && cookies.stream().allMatch(c -> c.contains("; Secure")),
                    "over HTTPS the workbench's cookies are Secure: " + cookies);
            }
        }
    }

    /** The real command, as its own process: {@code run} serves HTTPS and says so; {@code status}, another process, reads it. */
    @Test
    void runServesHttpsAndStatusReadsItFromAnotherProcess() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        certs.keystore("a");
        certs.truststore("trusts-a", "a");
        int port = freePort();
        Path file = file("a.yaml", port, "tls: {keystore: a.p12, password: \"${TLS_PASSWORD}\", truststore: trusts-a.p12, "
            + "truststore_password: \"${TLS_PASSWORD}\"}");
        Path log = dir.resolve("run.log");
        Process run = command("run", "--config", file.toString()).redirectOutput(log.toFile()).start();
        try {
            String base = "https://127.0.0.1:" + port;
            long until = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
            // the workbench's line comes after the status line: wait for it, not only for the first (a race under load)
            while (!(Files.exists(log) && Files.readString(log).contains("  workbench: " + base + "/"))) {
                assertTrue(run.isAlive(), "run stopped: " + Files.readString(log));
                assertTrue(System.nanoTime() < until, "run did not start within 90 s: " + Files.readString(log));
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains("node A runs on " + base + " "), Files.readString(log));
            assertTrue(Files.readString(log).contains("  workbench: " + base + "/"), Files.readString(log));

            Process status = command("status", "--config", file.toString()).start();
            String said = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(status.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, status.exitValue(), said);
            assertTrue(said.startsWith("node A is running (from " + base + "/status); its database is up"), said);
            assertFalse(said.contains(TestCertificates.PASSWORD), said);
        } finally {
            run.destroy(); // SIGTERM: the node stops cleanly
            assertTrue(run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "run stops on SIGTERM");
        }
        assertFalse(Files.readString(log).contains(TestCertificates.PASSWORD), "no password in run's output");
    }

    /** {@code converge ARGS} as a process of its own, with the stores' password in its environment only. */
    private static ProcessBuilder command(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.converge.node.cli.ConvergeCommand"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TLS_PASSWORD", TestCertificates.PASSWORD);
        return pb;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
