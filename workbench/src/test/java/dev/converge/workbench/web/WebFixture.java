package dev.converge.workbench.web;

import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import dev.converge.workbench.user.Logins;
import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.workbench.web.dashboard.PeerSummary;
import dev.converge.workbench.web.session.Sessions;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Two nodes A and B on H2 (the core's in-process {@link Cluster}, a manual clock) with conflicts on A's {@code item}
 * rows, and A's web pages on a real Javalin server on a free port. Users: {@code steward} (resolver) and {@code olga}
 * (viewer), password {@link #PASSWORD}. Close it after the test.
 */
final class WebFixture implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    static final String SCHEMA = """
        CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), qty INT, price DECIMAL(10,2));
        INSERT INTO item VALUES (1, 'bolt', 10, 1.50), (2, 'nut', 20, 0.25), (3, 'washer', 30, 0.10);
        CREATE TABLE tag (id INT PRIMARY KEY, label VARCHAR(20) UNIQUE)""";
    /** PBKDF2 takes about a second per hash: made once for every test. */
    private static final PasswordHash HASH = PasswordHash.create(PASSWORD.toCharArray());
    /** Shared, so a login checked once is remembered (as {@link Logins} does) rather than hashed again for every test. */
    private static final Logins LOGINS = new Logins(List.of(new WorkbenchUser("steward", WorkbenchUser.Role.RESOLVER, HASH),
        new WorkbenchUser("olga", WorkbenchUser.Role.VIEWER, HASH)));

    final Cluster cluster;
    final Javalin server;

    /** The standard nodes: conflicts on item rows 1..3 and a unique collision on tag. */
    WebFixture(String name) {
        this(standard(name));
    }

    /** A's pages for nodes a test set up itself. */
    WebFixture(Cluster cluster) {
        this.cluster = cluster;
        Instant now = Instant.ofEpochMilli(Cluster.NOON).plusSeconds(600);
        WebPages pages = new WebPages(cluster.node("A"), LOGINS,
            () -> List.of(new PeerSummary("B", "http://b.example:7402", Optional.of(true), 3, Optional.of(Duration.ofSeconds(42)), Optional.empty())),
            new Sessions(), Clock.fixed(now, ZoneOffset.UTC));
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            pages.routes(config);
        }).start();
    }

    static Cluster standard(String name) {
        Cluster cluster = Cluster.of(Dialect.H2, name, List.of("A", "B"), SCHEMA, List.of(TableConfig.of("item"), TableConfig.of("tag")));
        // rows 1..3 changed on both nodes a second apart: the later (B's) wins on A, one conflict each on A
        cluster.tick(1000);
        cluster.write("A", "UPDATE item SET name = 'bolt-a', qty = 11 WHERE id = 1", "UPDATE item SET qty = 21 WHERE id = 2",
            "UPDATE item SET qty = 31 WHERE id = 3");
        cluster.tick(1000);
        cluster.write("B", "UPDATE item SET name = 'bolt-b', qty = 12 WHERE id = 1", "UPDATE item SET qty = 22 WHERE id = 2",
            "UPDATE item SET qty = 32 WHERE id = 3");
        // and one label inserted under two keys: a unique collision on each node
        cluster.write("A", "INSERT INTO tag VALUES (1, 'red')");
        cluster.tick(1000);
        cluster.write("B", "INSERT INTO tag VALUES (2, 'red')");
        cluster.sync();
        return cluster;
    }

    Browser browser() {
        return new Browser(server.port());
    }

    /** A browser logged in as {@code name}. */
    Browser loggedIn(String name) {
        Browser b = browser();
        int status = b.login(name, PASSWORD, null).statusCode();
        if (status != 303) {
            throw new AssertionError("logging in as " + name + " answered " + status);
        }
        return b;
    }

    /** A's conflict on row {@code id} of item. */
    long conflictOn(int id) {
        return conflictOn("ITEM", id);
    }

    /** A's conflict on row {@code id} of a table. */
    long conflictOn(String table, int id) {
        return cluster.node("A").conflicts().stream().filter(r -> r.table().equals(table)).filter(r -> r.key().orElseThrow().values().values().stream()
            .anyMatch(v -> v instanceof Number n && n.intValue() == id)).reduce((a, b) -> b).orElseThrow().id();
    }

    Object value(String node, String column, int id) {
        return cluster.sql(node).scalar("SELECT " + column + " FROM item WHERE id = ?", id);
    }

    @Override
    public void close() {
        server.stop();
    }
}
