package dev.converge.node.run;

import dev.converge.config.NodeConfig;
import dev.converge.config.PeerConfig;
import dev.converge.model.NodeId;
import dev.converge.node.config.ConfigProblem;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.peer.PeerEndpoint;
import io.vavr.control.Either;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node's configuration file, read again ({@code SIGHUP}, {@code converge reload}) and applied as far as it
 * can be while the node runs. The whole file is read and checked first, by the reader {@code converge run} uses: a file
 * with any problem changes nothing, and the problems are the answer ({@code FILE:LINE:COLUMN: KEY: ...}).
 *
 * <p>What is applied: the {@code peers} — a new one is linked and taken from at once; one whose URL, secret or priority
 * changed gets a new link (a new hello, signed with the new secret); one no longer listed has its link stopped and its
 * requests refused, but the node still keeps what it has not acknowledged, and its tombstones, until
 * {@code converge peer remove} (only that removes a peer for good; {@code converge run} refuses to start while the file
 * lacks a peer the database keeps) — and {@code limits.max_backlog_rows} /
 * {@code max_backlog_age}. Every other key that changed is said to need a restart, per key, and is not applied: the node
 * runs on with what it started with, so that a later reload compares with what is in force, not with the file.
 *
 * <p>Every line of the answer is also logged (a problem or a key that needs a restart as a warning). Secrets are never
 * in it: a changed secret or password is said as "changed". Thread-safe: reloads take turns.
 */
public final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /**
     * What a reload did.
     *
     * @param valid whether the file was read without a problem (if not, nothing changed)
     * @param lines what was applied, what needs a restart, or the file's problems, one sentence each
     */
    public record Outcome(boolean valid, List<String> lines) {
        public Outcome {
            lines = List.copyOf(lines);
        }
    }

    private final RunningNode running;
    private final Path file;
    private final Function<String, String> environment;
    /** What is in force: the settings the node started with, with the peers and backlog limits of the last reload. */
    private NodeSettings inForce;
    /** Peers no longer in the file that the node still keeps, unlinked (their priorities as last configured). */
    private final Map<NodeId, PeerConfig> unlinked = new LinkedHashMap<>();

    /**
     * @param running the node, started with {@code started}
     * @param started the settings it was started with, read from {@code started.file()}
     */
    public ConfigReload(RunningNode running, NodeSettings started) {
        this(running, started, System::getenv);
    }

    /** As the other constructor, with {@code ${VAR}} read from {@code environment} (tests). */
    public ConfigReload(RunningNode running, NodeSettings started, Function<String, String> environment) {
        this.running = Objects.requireNonNull(running);
        this.inForce = Objects.requireNonNull(started);
        this.file = started.file();
        this.environment = environment;
    }

    /** The file this reload reads. */
    public Path file() {
        return file;
    }

    /** Reads the file again and applies what it can (see the class's documentation). Blocks while another reload runs. */
    public synchronized Outcome reload() {
        Either<List<ConfigProblem>, NodeSettings> read = NodeFile.read(file, environment);
        if (read.isLeft()) {
            List<String> lines = new ArrayList<>();
            read.getLeft().forEach(p -> lines.add(p.toString()));
            lines.add(read.getLeft().size() + (read.getLeft().size() == 1 ? " problem" : " problems") + " in " + file
                + ": nothing reloaded, node " + inForce.id() + " runs on as before");
            lines.forEach(l -> LOG.warn("reload: {}", l));
            return new Outcome(false, lines);
        }
        NodeSettings next = read.get();
        List<String> lines = new ArrayList<>(needsRestart(inForce, next));
        try {
            lines.addAll(applyPeers(next));
        } catch (RuntimeException e) {
            // not expected (the file was checked); said rather than thrown, so SIGHUP's thread and the route answer alike
            String line = "reload failed while changing the peers: " + e.getMessage() + "; restart node " + inForce.id()
                + " to be sure what is in force";
            LOG.error("reload: {}", line, e);
            return new Outcome(false, List.of(line));
        }
        if (!next.limits().backlog().equals(inForce.limits().backlog())) {
            running.limitBacklog(next.limits().backlog());
            lines.add("limits.max_backlog_rows / max_backlog_age: applied (" + next.limits().backlog() + ")");
        }
        inForce = new NodeSettings(file, inForce.core().withPeers(next.core().peers()), inForce.listen(), inForce.database(),
            next.peers(), new dev.converge.node.config.Limits(inForce.limits().batchSize(), next.limits().maxBacklogRows(),
                next.limits().maxBacklogAge()), inForce.tls(), inForce.users());
        if (lines.isEmpty()) {
            lines.add("nothing changed in " + file);
        }
        for (String l : lines) {
            if (l.contains("needs a restart")) {
                LOG.warn("reload: {}", l);
            } else {
                LOG.info("reload: {}", l);
            }
        }
        return new Outcome(true, lines);
    }

    private List<String> applyPeers(NodeSettings next) {
        List<String> lines = new ArrayList<>();
        Map<NodeId, PeerEndpoint> before = new LinkedHashMap<>();
        inForce.peers().forEach(p -> before.put(p.id(), p));
        Map<NodeId, Integer> priorityBefore = new LinkedHashMap<>();
        inForce.core().peers().forEach(p -> priorityBefore.put(p.id(), p.priority()));
        Set<NodeId> rebuild = new HashSet<>();
        for (PeerConfig p : next.core().peers()) {
            PeerEndpoint now = next.peer(p.id()).orElseThrow();
            PeerEndpoint was = before.remove(p.id());
            if (was == null) {
                boolean back = unlinked.remove(p.id()) != null;
                lines.add("peer " + p.id() + (back ? " is listed again" : " added") + ": linked at " + now.url());
                continue;
            }
            List<String> changed = new ArrayList<>();
            if (!was.url().equals(now.url())) {
                changed.add("url " + was.url() + " -> " + now.url());
            }
            if (!was.secret().equals(now.secret())) {
                changed.add("secret changed");
            }
            if (priorityBefore.get(p.id()) != p.priority()) {
                changed.add("priority " + priorityBefore.get(p.id()) + " -> " + p.priority());
            }
            if (!changed.isEmpty()) {
                rebuild.add(p.id());
                lines.add("peer " + p.id() + ": " + String.join(", ", changed) + ": link rebuilt (it says hello again)");
            }
        }
        for (NodeId gone : before.keySet()) {
            unlinked.put(gone, new PeerConfig(gone, priorityBefore.get(gone)));
            lines.add("peer " + gone + " is no longer in the file: its link is stopped and its requests are refused, but node "
                + inForce.id() + " still keeps what " + gone + " has not acknowledged, and its tombstones; to remove it for good run"
                + " `converge peer remove " + gone + " --config " + file + "` (a restart refuses to start while the file lacks it)");
        }
        if (lines.isEmpty()) {
            return lines;
        }
        List<PeerConfig> known = new ArrayList<>(next.core().peers());
        known.addAll(unlinked.values());
        running.reconfigure(next.peers(), known, rebuild);
        return lines;
    }

    /** Every key that changed and cannot change while the node runs, one sentence each. */
    static List<String> needsRestart(NodeSettings was, NodeSettings now) {
        List<String> out = new ArrayList<>();
        NodeConfig a = was.core();
        NodeConfig b = now.core();
        differs(out, "id", a.id(), b.id(), true);
        differs(out, "priority", a.priority(), b.priority(), true);
        differs(out, "listen", was.listen().getHostString() + ":" + was.listen().getPort(),
            now.listen().getHostString() + ":" + now.listen().getPort(), true);
        differs(out, "database.url", was.database().safeUrl(), now.database().safeUrl(), true);
        differs(out, "database.user", was.database().user(), now.database().user(), false);
        differs(out, "database.password", was.database().password(), now.database().password(), false);
        differs(out, "database.h2_tcp_port", was.database().h2TcpPort(), now.database().h2TcpPort(), true);
        differs(out, "defaults.scope", a.defaultScope(), b.defaultScope(), false);
        differs(out, "defaults.resolver", a.defaultResolver(), b.defaultResolver(), false);
        differs(out, "defaults.conflict_resolvers", a.defaultResolverByType(), b.defaultResolverByType(), false);
        Set<String> tables = new java.util.TreeSet<>();
        a.tables().forEach(t -> tables.add(t.name()));
        b.tables().forEach(t -> tables.add(t.name()));
        for (String t : tables) {
            differs(out, "tables." + t, a.table(t).filter(x -> x.name().equals(t)), b.table(t).filter(x -> x.name().equals(t)), false);
        }
        differs(out, "limits.batch_size", was.limits().batchSize(), now.limits().batchSize(), true);
        differs(out, "purge_grace", a.purgeGrace(), b.purgeGrace(), true);
        differs(out, "resolver_time_limit", a.resolverTimeLimit(), b.resolverTimeLimit(), true);
        differs(out, "keys", a.keyAllocation(), b.keyAllocation(), false);
        differs(out, "tls", was.tls(), now.tls(), false);
        differs(out, "workbench.users", was.users(), now.users(), false);
        return out;
    }

    /** Adds "KEY: ... needs a restart" if the values differ; {@code show}: whether the values may be printed. */
    private static void differs(List<String> out, String key, Object was, Object now, boolean show) {
        if (!Objects.equals(was, now)) {
            out.add(key + ": changed" + (show ? " (" + was + " -> " + now + ")" : "") + "; needs a restart, not applied");
        }
    }
}
