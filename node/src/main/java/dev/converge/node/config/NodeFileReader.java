package dev.converge.node.config;

import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import dev.converge.config.ConflictScope;
import dev.converge.config.NodeConfig;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictType;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerEndpoint;
import dev.converge.node.peer.Secret;
import dev.converge.node.tls.StoreFile;
import dev.converge.node.tls.Stores;
import dev.converge.specs.parse.RuleSyntax;
import dev.converge.specs.parse.YamlNode;
import io.vavr.control.Either;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a configuration file's tree (already substituted, see {@link EnvSubstitution}) to {@link NodeSettings}, noting
 * every problem and carrying on, so the whole file is judged in one pass. Every key the file may hold is listed here,
 * once per kind of map. One instance per file; confined to the reading thread.
 */
final class NodeFileReader {
    static final List<String> TOP = List.of("id", "priority", "listen", "database", "peers", "defaults", "tables",
        "limits", "purge_grace", "resolver_time_limit", "keys", "tls", "workbench");
    static final List<String> KEYS = List.of("stride", "offset");
    static final List<String> DATABASE = List.of("url", "user", "password", "h2_tcp_port");
    static final List<String> PEER = List.of("id", "url", "secret", "priority");
    static final List<String> LIMITS = List.of("batch_size", "max_backlog_rows", "max_backlog_age");
    static final List<String> TLS = List.of("keystore", "password", "truststore", "truststore_password");
    static final List<String> WORKBENCH = List.of("users");
    static final List<String> USER = List.of("name", "role", "password_hash");

    /** A pair's secret signs every request between them: shorter ones are guessable. */
    static final int MIN_SECRET_BYTES = 16;
    static final int MAX_BATCH_SIZE = 10_000;
    static final String DEFAULT_LISTEN = "127.0.0.1:7400";

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m|h|d)");

    private final Path file;
    private final Problems problems;

    NodeFileReader(Path file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    Either<List<ConfigProblem>, NodeSettings> read(YamlNode root) {
        Optional<Section> top = Section.of(root, "", TOP, problems);
        if (top.isEmpty()) {
            return Either.left(problems.all());
        }
        Section s = top.get();
        Optional<String> id = s.required("id", "this node's id, 1-16 characters of [A-Za-z0-9_-]").flatMap(n -> nodeId(n, "id"));
        int priority = s.get("priority").flatMap(n -> integer(n, "priority", Integer.MIN_VALUE, Integer.MAX_VALUE)).orElse(0);
        InetSocketAddress listen = s.get("listen").flatMap(this::listen).orElse(address(DEFAULT_LISTEN));
        Optional<DatabaseSettings> database = s.required("database", "a map with url (and user, password)").flatMap(this::database);
        List<PeerSpec> peers = s.get("peers").map(n -> peers(n, id)).orElse(List.of());
        Defaults defaults = s.get("defaults").map(this::defaults).orElse(Defaults.NONE);
        List<TableConfig> tables = s.required("tables", "a map of replicated tables (name: rules, or name: with nothing)")
            .map(this::tables).orElse(List.of());
        Limits limits = s.get("limits").flatMap(this::limits).orElse(Limits.DEFAULTS);
        Duration grace = s.get("purge_grace").flatMap(n -> duration(n, "purge_grace")).orElse(NodeConfig.DEFAULT_PURGE_GRACE);
        Optional<Duration> resolverLimit = s.get("resolver_time_limit").flatMap(n -> duration(n, "resolver_time_limit"));
        Optional<int[]> keys = s.get("keys").flatMap(this::keys);
        Optional<TlsSettings> tls = s.get("tls").flatMap(this::tls);
        List<WorkbenchUser> users = s.get("workbench").map(this::users).orElse(List.of());
        if (problems.any()) {
            return Either.left(problems.all());
        }
        NodeConfig.Builder core = NodeConfig.builder(id.get()).priority(priority).defaultScope(defaults.scope)
            .defaultResolver(defaults.resolver).purgeGrace(grace).deliveryBatch(limits.batchSize());
        defaults.byType.forEach(core::defaultResolver);
        keys.ifPresent(k -> core.keyAllocation(k[0], k[1]));
        resolverLimit.filter(d -> !d.isZero()).ifPresent(core::resolverTimeLimit);
        peers.forEach(p -> core.peer(p.endpoint.id().value(), p.priority));
        tables.forEach(core::table);
        return Either.right(new NodeSettings(file, core.build(), listen, database.get(),
            peers.stream().map(p -> p.endpoint).toList(), limits, tls, users));
    }

    // ---- node ----

    private Optional<String> nodeId(YamlNode node, String path) {
        return text(node, path).filter(id -> {
            if (!NodeId.isValid(id)) {
                problems.add(node, path, "expected a node id of 1-16 characters of [A-Za-z0-9_-], found '" + id + "'");
                return false;
            }
            return true;
        });
    }

    /** {@code HOST:PORT}, {@code [IPv6]:PORT}, or a bare port (on every interface). */
    private Optional<InetSocketAddress> listen(YamlNode node) {
        if (node instanceof YamlNode.Scalar s && s.value() instanceof Long) {
            return integer(node, "listen", 1, 65535).map(port -> InetSocketAddress.createUnresolved("0.0.0.0", port));
        }
        return text(node, "listen").flatMap(text -> {
            int colon = text.lastIndexOf(':');
            String host = colon < 0 ? "" : text.substring(0, colon).replace("[", "").replace("]", "");
            Optional<Integer> port = colon < 0 ? Optional.empty() : parsePort(text.substring(colon + 1));
            if (host.isBlank() || port.isEmpty()) {
                problems.add(node, "listen", "expected HOST:PORT (e.g. 0.0.0.0:7400) or a port number 1-65535, found '"
                    + text + "'");
                return Optional.empty();
            }
            return Optional.of(InetSocketAddress.createUnresolved(host, port.get()));
        });
    }

    private static Optional<Integer> parsePort(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    // ---- database ----

    private Optional<DatabaseSettings> database(YamlNode node) {
        return Section.of(node, "database", DATABASE, problems).flatMap(s -> {
            Optional<String> url = s.required("url", "a JDBC URL, jdbc:h2:... or jdbc:postgresql:...")
                .flatMap(n -> text(n, s.path("url")).filter(u -> jdbcUrl(n, s.path("url"), u)));
            Optional<String> user = s.get("user").flatMap(n -> text(n, s.path("user")));
            // an empty password is a password (H2's sa has one)
            Optional<Secret> password = s.get("password").flatMap(n -> n instanceof YamlNode.Scalar x && x.value() != null
                ? Optional.of(x.text()) : anyText(n, s.path("password"))).map(Secret::of);
            Optional<YamlNode> tcpNode = s.get("h2_tcp_port");
            Optional<Integer> port = tcpNode.flatMap(n -> integer(n, s.path("h2_tcp_port"), 1, 65535));
            java.util.OptionalInt tcp = port.isPresent() ? java.util.OptionalInt.of(port.get()) : java.util.OptionalInt.empty();
            if (tcp.isPresent() && url.isPresent() && !url.get().startsWith("jdbc:h2:")) {
                problems.add(tcpNode.get(), s.path("h2_tcp_port"), "only an H2 database can be served over H2's TCP server; "
                    + "applications reach PostgreSQL directly");
            }
            return url.map(u -> new DatabaseSettings(u, user, password, tcp));
        });
    }

    private boolean jdbcUrl(YamlNode node, String path, String url) {
        if (url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:")) {
            return true;
        }
        String shown = url.replaceAll("(?i)(password=)[^&;]*", "$1***");
        problems.add(node, path, "expected a JDBC URL of H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://HOST/DB), found '"
            + shown + "'");
        return false;
    }

    // ---- peers ----

    /** A peer as read: where it listens, and its priority (which the core needs). */
    private record PeerSpec(PeerEndpoint endpoint, int priority) {
    }

    private List<PeerSpec> peers(YamlNode node, Optional<String> self) {
        if (!(node instanceof YamlNode.Sequence list)) {
            problems.add(node, "peers", "expected a list of peers (- id: ..., url: ..., secret: ...), found " + node.describe());
            return List.of();
        }
        List<PeerSpec> peers = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < list.items().size(); i++) {
            String path = "peers[" + i + "]";
            YamlNode item = list.items().get(i);
            Section.of(item, path, PEER, problems).flatMap(s -> peer(s, self, seen)).ifPresent(peers::add);
        }
        return peers;
    }

    private Optional<PeerSpec> peer(Section s, Optional<String> self, Map<String, String> seen) {
        Optional<String> id = s.required("id", "the peer's node id").flatMap(n -> nodeId(n, s.path("id")).filter(v -> {
            if (self.isPresent() && self.get().equals(v)) {
                problems.add(n, s.path("id"), "'" + v + "' is this node's own id; a node is not its own peer");
                return false;
            }
            String earlier = seen.putIfAbsent(v, s.path("id"));
            if (earlier != null) {
                problems.add(n, s.path("id"), "peer '" + v + "' is listed twice (also at " + earlier + ")");
                return false;
            }
            return true;
        }));
        Optional<URI> url = s.required("url", "the peer's base URL, http://HOST:PORT or https://HOST:PORT")
            .flatMap(n -> peerUrl(n, s.path("url")));
        Optional<Secret> secret = s.required("secret", "the secret this pair shares, at least " + MIN_SECRET_BYTES
            + " bytes (write ${ENV_VAR})").flatMap(n -> secret(n, s.path("secret")));
        int priority = s.get("priority").flatMap(n -> integer(n, s.path("priority"), Integer.MIN_VALUE, Integer.MAX_VALUE))
            .orElse(0);
        if (id.isEmpty() || url.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PeerSpec(new PeerEndpoint(NodeId.of(id.get()), url.get(), secret.get()), priority));
    }

    private Optional<URI> peerUrl(YamlNode node, String path) {
        return text(node, path).flatMap(text -> {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme();
                if (scheme != null && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                    return Optional.of(uri);
                }
            } catch (URISyntaxException e) {
                // said below, with what was expected
            }
            problems.add(node, path, "expected http://HOST:PORT or https://HOST:PORT (no user, query or fragment), found '"
                + text + "'");
            return Optional.empty();
        });
    }

    /** Never echoes the value: a wrong secret is still a secret. */
    private Optional<Secret> secret(YamlNode node, String path) {
        return anyText(node, path).map(Secret::of).filter(secret -> {
            if (secret.length() < MIN_SECRET_BYTES) {
                problems.add(node, path, "a shared secret needs at least " + MIN_SECRET_BYTES + " bytes; this one has "
                    + secret.length() + " (e.g. openssl rand -base64 32)");
                return false;
            }
            return true;
        });
    }

    // ---- replication rules ----

    /** The defaults for every table. */
    private record Defaults(ConflictScope scope, ResolverSpec resolver, Map<ConflictType, ResolverSpec> byType) {
        static final Defaults NONE = new Defaults(ConflictScope.ROW, ResolverSpec.TIMESTAMP, Map.of());
    }

    private Defaults defaults(YamlNode node) {
        return Section.of(node, "defaults", RuleSyntax.DEFAULTS_KEYS, problems).map(s -> new Defaults(
            s.get("scope").flatMap(n -> problems.attempt(s.path("scope"), () -> RuleSyntax.scope(n, s.path("scope"))))
                .orElse(ConflictScope.ROW),
            s.get("resolver").flatMap(n -> problems.attempt(s.path("resolver"), () -> RuleSyntax.resolver(n, s.path("resolver"))))
                .orElse(ResolverSpec.TIMESTAMP),
            s.get("conflict_resolvers").flatMap(n -> problems.attempt(s.path("conflict_resolvers"),
                () -> RuleSyntax.resolversByType(n, s.path("conflict_resolvers")))).orElse(Map.of())))
            .orElse(Defaults.NONE);
    }

    private List<TableConfig> tables(YamlNode node) {
        if (!(node instanceof YamlNode.Mapping map) || map.entries().isEmpty()) {
            problems.add(node, "tables", "expected a map of at least one replicated table (name: rules, or name: with "
                + "nothing for the defaults), found " + node.describe());
            return List.of();
        }
        List<TableConfig> tables = new ArrayList<>();
        for (YamlNode.Entry e : map.entries().values()) {
            table(e.key(), e.value(), "tables." + e.key()).ifPresent(tables::add);
        }
        return tables;
    }

    /** One table; {@code pers:} with nothing after it means the table with the defaults. */
    private Optional<TableConfig> table(String name, YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() == null) {
            return Optional.of(TableConfig.of(name));
        }
        return Section.of(node, path, RuleSyntax.TABLE_KEYS, problems).map(s -> {
            TableConfig t = TableConfig.of(name);
            t = t.withFilter(rule(s, "filter", RuleSyntax::nonBlankText).orElse(null));
            t = t.withColumns(rule(s, "columns", RuleSyntax::columns).orElse(null));
            t = t.withScope(rule(s, "scope", RuleSyntax::scope).orElse(null));
            t = t.withResolvers(rule(s, "conflict_resolvers", RuleSyntax::resolversByType).orElse(null));
            return t.withResolver(rule(s, "resolver", RuleSyntax::resolver).orElse(null));
        });
    }

    private <T> Optional<T> rule(Section s, String key, java.util.function.BiFunction<YamlNode, String, T> reader) {
        return s.get(key).flatMap(n -> problems.attempt(s.path(key), () -> reader.apply(n, s.path(key))));
    }

    // ---- limits, TLS, workbench ----

    private Optional<Limits> limits(YamlNode node) {
        return Section.of(node, "limits", LIMITS, problems).map(s -> new Limits(
            s.get("batch_size").flatMap(n -> integer(n, s.path("batch_size"), 1, MAX_BATCH_SIZE)).orElse(Limits.DEFAULT_BATCH_SIZE),
            s.get("max_backlog_rows").flatMap(n -> integer(n, s.path("max_backlog_rows"), 1, Integer.MAX_VALUE))
                .map(OptionalLong::of).orElse(OptionalLong.empty()),
            s.get("max_backlog_age").flatMap(n -> duration(n, s.path("max_backlog_age")))));
    }

    /** {@code keys: {stride: 10, offset: 1}}: this node's class of identity numbers ({@link dev.converge.config.KeyAllocation}). */
    private Optional<int[]> keys(YamlNode node) {
        return Section.of(node, "keys", KEYS, problems).flatMap(s -> {
            Optional<Integer> stride = s.required("stride", "how many nodes the numbering leaves room for, e.g. 10")
                .flatMap(n -> integer(n, s.path("stride"), 1, 1_000_000));
            Optional<YamlNode> offsetNode = s.required("offset", "this node's place, from 1 to the stride; different on every node");
            Optional<Integer> offset = offsetNode.flatMap(n -> integer(n, s.path("offset"), 1, 1_000_000));
            if (stride.isEmpty() || offset.isEmpty()) {
                return Optional.empty();
            }
            if (offset.get() > stride.get()) {
                problems.add(offsetNode.get(), s.path("offset"), "expected an offset from 1 to the stride (" + stride.get() + "), found " + offset.get());
                return Optional.empty();
            }
            return Optional.of(new int[] {stride.get(), offset.get()});
        });
    }

    /** A keystore (HTTPS is served), a truststore (whom clients trust), or both; each opened and checked now. */
    private Optional<TlsSettings> tls(YamlNode node) {
        return Section.of(node, "tls", TLS, problems).flatMap(s -> {
            if (s.get("keystore").isEmpty() && s.get("truststore").isEmpty()) {
                problems.add(node, "tls", "expected keystore (to serve HTTPS) and/or truststore (whom to trust when calling "
                    + "https:// peers), found neither");
                return Optional.empty();
            }
            Optional<Optional<StoreFile>> keystore = store(s, "keystore", "password", f -> Stores.keys(f, java.time.Instant.now()).map(k -> f));
            Optional<Optional<StoreFile>> truststore = store(s, "truststore", "truststore_password", f -> Stores.trust(f).map(k -> f));
            return keystore.isPresent() && truststore.isPresent()
                ? Optional.of(new TlsSettings(keystore.get(), truststore.get())) : Optional.empty();
        });
    }

    /**
     * One store and its password: empty if the section names none (outer empty on a problem, noted at the file's key,
     * or the password's when the password is the cause).
     */
    private Optional<Optional<StoreFile>> store(Section s, String fileKey, String passwordKey,
                                                java.util.function.Function<StoreFile, Either<Stores.Problem, StoreFile>> check) {
        Optional<YamlNode> fileNode = s.get(fileKey);
        Optional<YamlNode> passwordNode = s.get(passwordKey);
        if (fileNode.isEmpty()) {
            if (passwordNode.isPresent()) {
                problems.add(passwordNode.get(), s.path(passwordKey), "a password without a " + fileKey + " (add tls."
                    + fileKey + ", or remove this key)");
                return Optional.empty();
            }
            return Optional.of(Optional.empty());
        }
        Optional<Path> path = text(fileNode.get(), s.path(fileKey)).flatMap(p -> {
            try {
                return Optional.of(resolve(Path.of(p)));
            } catch (java.nio.file.InvalidPathException e) {
                problems.add(fileNode.get(), s.path(fileKey), "not a path: " + e.getMessage());
                return Optional.empty();
            }
        });
        // keytool refuses a store without a password, and without one nothing is checked: one is required
        Optional<Secret> password = s.required(passwordKey, "the " + fileKey + "'s password (write ${ENV_VAR})")
            .flatMap(n -> anyText(n, s.path(passwordKey))).map(Secret::of);
        if (path.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        Either<Stores.Problem, StoreFile> checked = check.apply(new StoreFile(path.get(), password.get()));
        if (checked.isLeft()) {
            Stores.Problem p = checked.getLeft();
            if (p.aboutPassword()) {
                problems.add(passwordNode.get(), s.path(passwordKey), p.message());
            } else {
                problems.add(fileNode.get(), s.path(fileKey), p.message());
            }
            return Optional.empty();
        }
        return Optional.of(Optional.of(checked.get()));
    }

    /** Relative paths in the file are relative to the file's folder, so a node folder can move as a whole. */
    private Path resolve(Path p) {
        Path folder = file.toAbsolutePath().getParent();
        return p.isAbsolute() || folder == null ? p : folder.resolve(p).normalize();
    }

    private List<WorkbenchUser> users(YamlNode node) {
        Optional<Section> s = Section.of(node, "workbench", WORKBENCH, problems);
        Optional<YamlNode> list = s.flatMap(x -> x.get("users"));
        if (list.isEmpty()) {
            return List.of();
        }
        if (!(list.get() instanceof YamlNode.Sequence seq)) {
            problems.add(list.get(), "workbench.users", "expected a list of users (- name: ..., role: ..., password_hash: ...), found "
                + list.get().describe());
            return List.of();
        }
        List<WorkbenchUser> users = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String path = "workbench.users[" + i + "]";
            YamlNode item = seq.items().get(i);
            if (item instanceof YamlNode.Mapping m && m.entries().containsKey("password")) {
                YamlNode.Entry clear = m.entries().get("password");
                problems.add(clear, path + ".password", "a clear password is not accepted; write its hash as password_hash "
                    + "(converge user hash prints one)");
            }
            List<String> known = item instanceof YamlNode.Mapping m && m.entries().containsKey("password")
                ? concat(USER, "password") : USER;
            Section.of(item, path, known, problems).flatMap(u -> user(u, seen)).ifPresent(users::add);
        }
        return users;
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    private Optional<WorkbenchUser> user(Section s, Map<String, String> seen) {
        Optional<String> name = s.required("name", "the user's login name").flatMap(n -> text(n, s.path("name")).filter(v -> {
            String earlier = seen.putIfAbsent(v, s.path("name"));
            if (earlier != null) {
                problems.add(n, s.path("name"), "user '" + v + "' is listed twice (also at " + earlier + ")");
                return false;
            }
            return true;
        }));
        Optional<WorkbenchUser.Role> role = s.required("role", "viewer or resolver").flatMap(n -> text(n, s.path("role"))
            .flatMap(r -> {
                for (WorkbenchUser.Role candidate : WorkbenchUser.Role.values()) {
                    if (candidate.word().equals(r)) {
                        return Optional.of(candidate);
                    }
                }
                problems.add(n, s.path("role"), "expected viewer or resolver, found '" + r + "'");
                return Optional.empty();
            }));
        Optional<PasswordHash> hash = s.required("password_hash", "a PBKDF2 hash (converge user hash prints one)")
            .flatMap(n -> text(n, s.path("password_hash")).flatMap(h -> {
                try {
                    return Optional.of(PasswordHash.parse(h));
                } catch (IllegalArgumentException e) {
                    problems.add(n, s.path("password_hash"), e.getMessage());
                    return Optional.empty();
                }
            }));
        return name.isPresent() && role.isPresent() && hash.isPresent()
            ? Optional.of(new WorkbenchUser(name.get(), role.get(), hash.get())) : Optional.empty();
    }

    // ---- single values ----

    /** A non-blank text (a number or boolean is taken as written). */
    private Optional<String> text(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() != null && !s.text().isBlank()) {
            return Optional.of(s.text().strip());
        }
        problems.add(node, path, "expected text, found " + (node instanceof YamlNode.Scalar s && s.value() != null
            ? "an empty text" : node.describe()));
        return Optional.empty();
    }

    /** A secret's text: taken exactly as written, and never shown, even when it is the wrong type. */
    private Optional<String> anyText(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() != null && !s.text().isEmpty()) {
            return Optional.of(s.text());
        }
        problems.add(node, path, "expected text (write ${ENV_VAR} to keep it out of the file)");
        return Optional.empty();
    }

    private Optional<Integer> integer(YamlNode node, String path, int min, int max) {
        if (node instanceof YamlNode.Scalar s && s.value() instanceof Long l && l >= min && l <= max) {
            return Optional.of(l.intValue());
        }
        String range = min == Integer.MIN_VALUE ? "" : max == Integer.MAX_VALUE ? " of at least " + min
            : " from " + min + " to " + max;
        problems.add(node, path, "expected a whole number" + range + ", found " + node.describe());
        return Optional.empty();
    }

    /** {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, {@code 500ms}. */
    private Optional<Duration> duration(YamlNode node, String path) {
        Matcher m = node instanceof YamlNode.Scalar s && s.value() != null ? DURATION.matcher(s.text().strip()) : null;
        if (m == null || !m.matches()) {
            problems.add(node, path, "expected a duration such as 90s, 15m, 2h or 7d, found " + node.describe());
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }
}
