package dev.converge.node.config;

import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictType;
import dev.converge.model.NodeId;
import dev.converge.node.peer.Secret;
import io.vavr.control.Either;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A node's configuration file as a user writes it: what is read, and what each mistake is told as. */
class ConfigFileTest {
    private static final Path FILE = Path.of("conf/a.yaml");
    private static final String AB = "ab-secret-of-32-bytes-0123456789";
    private static final String AC = "ac-secret-of-32-bytes-0123456789";
    private static final Map<String, String> ENV = Map.of("AB_SECRET", AB, "AC_SECRET", AC, "DB_PASSWORD", "pw-from-env");

    private static final String VALID = """
        id: A
        priority: 30
        listen: "0.0.0.0:7401"
        database:
          url: "jdbc:h2:./data/a"
          user: sa
          password: "${DB_PASSWORD}"
        peers:
          - id: B
            url: "http://10.0.0.2:7402"
            secret: "${AB_SECRET}"
            priority: 20
          - id: C
            url: "https://c.example:7403"
            secret: "${AC_SECRET}"
        defaults:
          scope: transaction
          resolver: {name: timestamp, then: site-priority}
          conflict_resolvers:
            delete-missing-row: ignore
        tables:
          pers:
          orders:
            filter: "region = 'EU'"
            columns: [id, region, total]
            scope: row
            resolver: site-priority
            conflict_resolvers:
              update-missing-row: keep-local
          stock:
            resolver: {name: delta, columns: [qty]}
        limits:
          batch_size: 50
          max_backlog_rows: 1000000
          max_backlog_age: 3d
        purge_grace: 2h
        """;

    private static Either<List<ConfigProblem>, NodeSettings> parse(String yaml) {
        return NodeFile.parse(FILE, yaml, ENV::get);
    }

    private static List<String> problems(String yaml) {
        Either<List<ConfigProblem>, NodeSettings> read = parse(yaml);
        assertTrue(read.isLeft(), () -> "expected problems, but the file was accepted: " + read.get());
        return read.getLeft().stream().map(ConfigProblem::toString).toList();
    }

    private static String only(String yaml) {
        List<String> problems = problems(yaml);
        assertEquals(1, problems.size(), () -> "expected one problem, got " + problems);
        return problems.get(0);
    }

    @Test
    void aValidFileIsReadIntoTheCoresConfigurationAndTheNodesOwnSettings() {
        NodeSettings s = parse(VALID).getOrElseThrow(p -> new AssertionError(p.toString()));
        NodeConfig core = s.core();
        assertEquals(NodeId.of("A"), core.id());
        assertEquals(30, core.priority());
        assertEquals(20, core.priorityOf(NodeId.of("B")));
        assertEquals(0, core.priorityOf(NodeId.of("C")));
        assertEquals(ConflictScope.TRANSACTION, core.defaultScope());
        assertEquals(ResolverSpec.of("timestamp").thenOnTies(ResolverSpec.of("site-priority")), core.defaultResolver());
        assertEquals(ResolverSpec.of("ignore"), core.resolverOf("pers", ConflictType.DELETE_MISSING_ROW));
        assertEquals(Duration.ofHours(2), core.purgeGrace());
        assertEquals(50, core.deliveryBatch(), "limits.batch_size reaches the core's delivery");
        assertEquals(List.of("pers", "orders", "stock"), core.tables().stream().map(TableConfig::name).toList());

        TableConfig orders = core.table("orders").orElseThrow();
        assertEquals(Optional.of("region = 'EU'"), orders.filter());
        assertEquals(Optional.of(List.of("id", "region", "total")), orders.columns());
        assertEquals(ConflictScope.ROW, core.scopeOf("orders"));
        assertEquals(ConflictScope.TRANSACTION, core.scopeOf("pers"));
        assertEquals(ResolverSpec.of("site-priority"), core.resolverOf("orders"));
        assertEquals(ResolverSpec.of("keep-local"), core.resolverOf("orders", ConflictType.UPDATE_MISSING_ROW));
        assertEquals(ResolverSpec.of("delta").withParameter("columns", List.of("qty")), core.resolverOf("stock"));

        assertEquals("0.0.0.0", s.listen().getHostString());
        assertEquals(7401, s.listen().getPort());
        assertEquals("jdbc:h2:./data/a", s.database().url());
        assertEquals(Optional.of("sa"), s.database().user());
        assertEquals(Optional.of(Secret.of("pw-from-env")), s.database().password());
        assertEquals(List.of(NodeId.of("B"), NodeId.of("C")), s.peers().stream().map(p -> p.id()).toList());
        assertEquals(URI.create("http://10.0.0.2:7402"), s.peer(NodeId.of("B")).orElseThrow().url());
        assertEquals(Secret.of(AC), s.peer(NodeId.of("C")).orElseThrow().secret());
        assertEquals(new Limits(50, OptionalLong.of(1_000_000), Optional.of(Duration.ofDays(3))), s.limits());
        assertEquals(Optional.empty(), s.tls());
        assertFalse(s.toString().contains(AB) || s.toString().contains("pw-from-env"), "no secret prints: " + s);
    }

    @Test
    void leftOutKeysTakeTheirDocumentedDefaults() {
        NodeSettings s = parse("""
            id: N1
            database: {url: "jdbc:postgresql://db/n1"}
            tables: {pers: }
            """).getOrElseThrow(p -> new AssertionError(p.toString()));
        assertEquals("127.0.0.1", s.listen().getHostString());
        assertEquals(7400, s.listen().getPort());
        assertEquals(0, s.core().priority());
        assertEquals(ResolverSpec.TIMESTAMP, s.core().defaultResolver());
        assertEquals(ConflictScope.ROW, s.core().defaultScope());
        assertEquals(NodeConfig.DEFAULT_PURGE_GRACE, s.core().purgeGrace());
        assertEquals(Limits.DEFAULTS, s.limits());
        assertEquals(List.of(), s.peers());
        assertEquals(Optional.empty(), s.database().password());
    }

    @Test
    void aTabInTheIndentationIsALineNotAStackTrace() {
        String problem = only("id: A\ndatabase:\n\turl: x\n");
        assertTrue(problem.startsWith("conf/a.yaml:3:"), problem);
        assertTrue(problem.contains("not valid YAML") && problem.contains("\\t"), problem);
    }

    @Test
    void anUnclosedQuoteIsALine() {
        String problem = only("id: A\ndatabase:\n  url: \"jdbc:h2:mem:x\ntables: {t: }\n");
        assertTrue(problem.startsWith("conf/a.yaml:"), problem);
        assertTrue(problem.contains("not valid YAML"), problem);
        assertTrue(problem.contains("quoted scalar"), problem);
    }

    @Test
    void anUnknownKeyIsAnErrorWithTheClosestKnownOne() {
        String problem = only(VALID.replace("  - id: C\n    url:", "  - id: C\n    ulr: x\n    url:"));
        assertEquals("conf/a.yaml:14:5: peers[1].ulr: unknown key (did you mean 'url'? known keys: id, url, secret, priority)",
            problem);
        assertEquals("conf/a.yaml:3:1: listne: unknown key (did you mean 'listen'? known keys: id, priority, listen, "
            + "database, peers, defaults, tables, limits, purge_grace, resolver_time_limit, keys, tls, workbench)",
            only(VALID.replace("listen:", "listne:")));
        assertTrue(only(VALID.replace("    filter:", "    filtre:")).contains("tables.orders.filtre: unknown key (did you mean 'filter'?"));
    }

    @Test
    void everyProblemInTheFileIsReportedAtOnceInFileOrder() {
        List<String> problems = problems("""
            id: "node A"
            priority: high
            listen: "localhost:99999"
            database:
              url: "mysql://x"
            peers:
              - {id: B, url: "ftp://b", secret: "short"}
              - {id: A, url: "http://a:1", secret: "${AB_SECRET}"}
            tables:
              pers: {scope: sometimes}
            limits: {batch_size: 0, max_backlog_age: soon}
            """);
        assertEquals(List.of(
            "conf/a.yaml:1:5: id: expected a node id of 1-16 characters of [A-Za-z0-9_-], found 'node A'",
            "conf/a.yaml:2:11: priority: expected a whole number, found text 'high'",
            "conf/a.yaml:3:9: listen: expected HOST:PORT (e.g. 0.0.0.0:7400) or a port number 1-65535, found 'localhost:99999'",
            "conf/a.yaml:5:8: database.url: expected a JDBC URL of H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://HOST/DB), found 'mysql://x'",
            "conf/a.yaml:7:18: peers[0].url: expected http://HOST:PORT or https://HOST:PORT (no user, query or fragment), found 'ftp://b'",
            "conf/a.yaml:7:37: peers[0].secret: a shared secret needs at least 16 bytes; this one has 5 (e.g. openssl rand -base64 32)",
            "conf/a.yaml:10:17: tables.pers.scope: unknown scope 'sometimes' (expected one of: row, transaction)",
            "conf/a.yaml:11:22: limits.batch_size: expected a whole number from 1 to 10000, found the number 0",
            "conf/a.yaml:11:42: limits.max_backlog_age: expected a duration such as 90s, 15m, 2h or 7d, found text 'soon'"),
            problems);
    }

    @Test
    void aKeyAllocationIsReadAndAnOffsetBeyondTheStrideIsRefusedAtItsLine() {
        assertEquals(Optional.empty(), parse(VALID).get().core().keyAllocation());
        assertEquals(Duration.ofMillis(500), parse(VALID + "resolver_time_limit: 500ms\n").get().core().resolverTimeLimit());
        assertEquals(Optional.of(new dev.converge.config.KeyAllocation(10, 3)),
            parse(VALID + "keys: {stride: 10, offset: 3}\n").get().core().keyAllocation());
        String problem = only(VALID + "keys: {stride: 10, offset: 11}\n");
        assertTrue(problem.startsWith("conf/a.yaml:") && problem.contains("keys.offset: expected an offset from 1 to the stride (10), found 11"),
            problem);
        assertTrue(only(VALID + "keys: {stride: 10}\n").contains("keys.offset"));
    }

    @Test
    void aPeerWithThisNodesIdAndAPeerListedTwiceAreRefused() {
        List<String> problems = problems(VALID.replace("  - id: C\n", "  - id: B\n")
            .replace("id: A\npriority", "id: A\npriority"));
        assertEquals(List.of("conf/a.yaml:13:9: peers[1].id: peer 'B' is listed twice (also at peers[0].id)"), problems);
        String self = only(VALID.replace("  - id: C\n", "  - id: A\n"));
        assertEquals("conf/a.yaml:13:9: peers[1].id: 'A' is this node's own id; a node is not its own peer", self);
    }

    @Test
    void anUnsetEnvironmentVariableNamesTheKeyAndNothingElseFollowsFromIt() {
        String problem = only(VALID.replace("${AC_SECRET}", "${AC_SECRET_TYPO}"));
        assertEquals("conf/a.yaml:15:13: peers[1].secret: environment variable AC_SECRET_TYPO is not set "
            + "(set it, or write ${AC_SECRET_TYPO:-default})", problem);
    }

    @Test
    void aVariableMayHaveADefaultAndNumbersMayComeFromTheEnvironment() {
        NodeSettings s = NodeFile.parse(FILE, """
            id: ${NODE_ID:-A}
            priority: ${PRIORITY}
            database: {url: "jdbc:postgresql://${PG_HOST:-localhost}:5432/a", password: "$${literal}"}
            tables: {pers: }
            """, Map.of("PRIORITY", "7")::get).getOrElseThrow(p -> new AssertionError(p.toString()));
        assertEquals(NodeId.of("A"), s.id());
        assertEquals(7, s.core().priority());
        assertEquals("jdbc:postgresql://localhost:5432/a", s.database().url());
        assertEquals(Optional.of(Secret.of("${literal}")), s.database().password());
    }

    @Test
    void aShortSecretIsRefusedWithoutShowingIt() {
        String problem = only(VALID.replace("${AB_SECRET}", "hunter2-secret"));
        assertEquals("conf/a.yaml:11:13: peers[0].secret: a shared secret needs at least 16 bytes; this one has 14 "
            + "(e.g. openssl rand -base64 32)", problem);
        assertFalse(problem.contains("hunter2"), problem);
    }

    @Test
    void anUnknownResolverListsTheKnownNamesWhereverItIsWritten() {
        String problem = only(VALID.replace("resolver: site-priority", "resolver: site-priorty"));
        assertTrue(problem.startsWith("conf/a.yaml:27:15: tables.orders.resolver: unknown resolver 'site-priorty' (known: "
            + "timestamp, earliest, site-priority, keep-local, apply-remote, delete-wins, column-merge, delta, manual, ignore"),
            problem);
        String nested = only(VALID.replace("then: site-priority", "then: newest"));
        assertTrue(nested.startsWith("conf/a.yaml:18:37: defaults.resolver.then: unknown resolver 'newest' (known: timestamp,"),
            nested);
        String byType = only(VALID.replace("update-missing-row: keep-local", "update-missing-row: keep-mine"));
        assertTrue(byType.startsWith("conf/a.yaml:29:27: tables.orders.conflict_resolvers.update-missing-row: unknown "
            + "resolver 'keep-mine' (known: "), byType);
        String type = only(VALID.replace("update-missing-row: keep-local", "update-lost: keep-local"));
        assertTrue(type.startsWith("conf/a.yaml:29:7: tables.orders.conflict_resolvers.update-lost: 'update-lost' is not "
            + "a conflict type a resolver decides (known: insert-exists"), type);
    }

    @Test
    void requiredKeysAreNamedWhenMissing() {
        List<String> problems = problems("priority: 3\npeers:\n  - {id: B}\n");
        assertEquals(List.of(
            "conf/a.yaml:1:1: id: missing: expected this node's id, 1-16 characters of [A-Za-z0-9_-]",
            "conf/a.yaml:1:1: database: missing: expected a map with url (and user, password)",
            "conf/a.yaml:1:1: tables: missing: expected a map of replicated tables (name: rules, or name: with nothing)",
            "conf/a.yaml:3:5: peers[0].url: missing: expected the peer's base URL, http://HOST:PORT or https://HOST:PORT",
            "conf/a.yaml:3:5: peers[0].secret: missing: expected the secret this pair shares, at least 16 bytes (write ${ENV_VAR})"),
            problems);
    }

    @Test
    void anEmptyFileOrASecondDocumentIsSaidSo() {
        assertEquals(List.of("conf/a.yaml:1: the file is empty: a node configuration needs at least id, database and tables"),
            problems(""));
        assertTrue(only(VALID + "---\nid: B\n").contains("a file holds one node configuration, but a second YAML document"
            + " starts here"));
        assertTrue(only(VALID + "id: B\n").contains("key 'id' appears twice (first at line 1)"));
    }

    @Test
    void workbenchUsersTakeAHashNeverAPassword() {
        String hash = PasswordHash.create("correct horse".toCharArray()).encoded();
        NodeSettings s = parse(VALID + "workbench:\n  users:\n    - {name: ana, role: resolver, password_hash: \"" + hash
            + "\"}\n    - {name: bo, role: viewer, password_hash: \"" + hash + "\"}\n")
            .getOrElseThrow(p -> new AssertionError(p.toString()));
        assertEquals(List.of("ana", "bo"), s.users().stream().map(WorkbenchUser::name).toList());
        assertEquals(WorkbenchUser.Role.RESOLVER, s.users().get(0).role());
        assertTrue(s.users().get(0).passwordHash().matches("correct horse".toCharArray()));
        assertFalse(s.users().get(0).passwordHash().matches("wrong".toCharArray()));

        List<String> problems = problems(VALID + "workbench:\n  users:\n    - {name: ana, role: admin, password: hunter2}\n");
        assertEquals(List.of(
            "conf/a.yaml:39:7: workbench.users[0]: missing: expected a PBKDF2 hash (converge user hash prints one)"
                .replace("workbench.users[0]", "workbench.users[0].password_hash"),
            "conf/a.yaml:39:25: workbench.users[0].role: expected viewer or resolver, found 'admin'",
            "conf/a.yaml:39:32: workbench.users[0].password: a clear password is not accepted; write its hash as "
                + "password_hash (converge user hash prints one)"), problems);
        assertFalse(String.join("\n", problems).contains("hunter2"));
    }

    @Test
    void aPasswordHashMustBeAStrongPbkdf2Hash() {
        String weak = "pbkdf2-sha256$1000$Y29udmVyZ2UtZXhhbXBsZQ$8dodo/pYtrP1MAIpz9rDaeVhaQL/zGPIBd46tM88POk";
        assertTrue(only(VALID + "workbench: {users: [{name: a, role: viewer, password_hash: \"" + weak + "\"}]}\n")
            .endsWith("workbench.users[0].password_hash: the hash uses 1000 iterations; at least 100000 are required"));
        assertTrue(only(VALID + "workbench: {users: [{name: a, role: viewer, password_hash: \"$2y$10$abc\"}]}\n")
            .contains("expected a PBKDF2 hash pbkdf2-sha256$ITERATIONS$SALT$HASH"));
    }

    @Test
    void aTlsKeystoreIsResolvedAgainstTheFilesFolderAndMustExist() { // more in TlsConfigTest
        String problem = only(VALID + "tls: {keystore: missing.p12, password: \"${DB_PASSWORD}\"}\n");
        assertTrue(problem.startsWith("conf/a.yaml:37:17: tls.keystore: no readable file "), problem);
        assertTrue(problem.endsWith(Path.of("conf/missing.p12").toAbsolutePath().toString()), problem);
    }

    @Test
    void theProblemsNeverShowASecretFromTheEnvironment() {
        String all = problems(VALID.replace("id: A", "id: A!").replace("priority: 30", "priority: x")
            .replace("\"${AB_SECRET}\"", "[\"${AB_SECRET}\"]")).stream().collect(Collectors.joining("\n"));
        assertFalse(all.contains(AB), all);
        assertTrue(all.contains("peers[0].secret: expected text (write ${ENV_VAR} to keep it out of the file)"), all);
    }
}
