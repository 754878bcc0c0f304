package dev.converge.node.cli;

import dev.converge.Node;
import dev.converge.backlog.PeerStanding;
import dev.converge.config.ConfigError;
import dev.converge.model.NodeId;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code converge peer remove|add}: a peer leaving the mesh for good, or joining a running one, recorded in this node's
 * metadata ({@code cv_peer}, see {@link Node#removePeer} and {@link Node#addPeer}). The configuration file is not
 * edited: rewriting YAML would lose its comments, layout and {@code ${VAR}} references, so each command prints exactly
 * what to change, where, and on which other nodes to run it. Works whether the node runs or not: a running node reads a
 * removal within seconds (its backlog check); an added peer needs the file to list it, which a running node reads on
 * {@code converge reload} or SIGHUP.
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
    description = "Records that a peer leaves the mesh for good (remove) or joins a running mesh (add), in this node's database.",
    subcommands = {PeerSubcommand.Remove.class, PeerSubcommand.Add.class})
final class PeerSubcommand implements Runnable {
    @ParentCommand
    ConvergeCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: converge peer remove ID --config FILE, or converge peer add ID --url URL --config FILE");
    }

    /**
     * Says, once per peer, that a peer removed from the mesh is still listed in the file: printed by {@code run} when it
     * starts (the node holds nothing back for it and refuses its requests, but the file should say so too).
     */
    static void warnRemoved(Node node, Path file, PrintStream out) {
        node.standings().forEach((peer, standing) -> standing.departed().ifPresent(since ->
            out.println("  WARNING: " + PeerStanding.departedAdvice(node.id(), peer, since) + " (" + file + " still lists it)")));
    }

    static NodeId peerId(CommandSpec spec, String text) {
        if (!NodeId.isValid(text)) {
            throw new ParameterException(spec.commandLine(), "'" + text + "' is not a node id: 1-16 characters of [A-Za-z0-9_-]");
        }
        return NodeId.of(text);
    }

    /** The index of {@code peer} under {@code peers} in the file, if it is listed. */
    static Optional<Integer> listed(NodeSettings s, NodeId peer) {
        for (int i = 0; i < s.peers().size(); i++) {
            if (s.peers().get(i).id().equals(peer)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    static String others(NodeSettings s, NodeId except) {
        List<String> ids = s.peers().stream().map(p -> p.id().value()).filter(id -> !id.equals(except.value())).toList();
        return ids.isEmpty() ? "" : ids.stream().collect(Collectors.joining(", "));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Records in this node's database that peer ID left the mesh for good: what it acknowledged and said"
            + " in heartbeats no longer counts, so this node keeps no ChangeSets or tombstones for it, and its requests"
            + " are refused. A running node notices within seconds.",
            "The configuration file is not edited: the command says which entry to delete, here and on every other node,"
                + " and to run this command there too.",
            "Exits 0 when recorded (or already recorded), 1 if the database cannot be changed (not installed, another"
                + " node's, unreachable), 2 on a usage error."})
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        private PeerSubcommand parent;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The peer that leaves.")
        private String id;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "This node's configuration file.")
        private Path file;

        @Override
        public Integer call() {
            NodeId peer = peerId(spec, id);
            PrintStream out = parent.parent.out();
            return NodeFileArgument.withDatabase(file, out, "cannot remove peer " + peer + " in", (s, pool, where) -> {
                Either<ConfigError, Boolean> done = Node.removePeer(s.core(), pool, peer);
                if (done.isLeft()) {
                    out.println("peer " + peer + " not removed: " + done.getLeft().problem());
                    return 1;
                }
                out.println(done.get() ? "peer " + peer + " removed from the mesh of node " + s.id() + " (recorded in " + where + "): "
                    + s.id() + " keeps nothing more for it and refuses its requests"
                    : "peer " + peer + " was already removed from the mesh of node " + s.id() + " (" + where + ")");
                Optional<Integer> at = listed(s, peer);
                if (at.isPresent()) {
                    out.println("  next: delete its entry from " + file.getFileName() + ", here:");
                    out.println("    " + NodeFile.locate(file, new ConfigError("peers[" + at.get() + "].id", "delete this entry (peer "
                        + peer + " was removed)")));
                    out.println("  then `converge reload --config " + file + "` (or SIGHUP) if the node runs; until then it keeps the link to "
                        + peer + " idle");
                } else {
                    out.println("  " + file.getFileName() + " does not list it: nothing to change here");
                }
                String others = others(s, peer);
                if (!others.isEmpty()) {
                    out.println("  on every other node (" + others + "): run `converge peer remove " + peer
                        + " --config FILE` and delete its entry from that node's file too");
                }
                return 0;
            });
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Records in this node's database that peer ID joins a running mesh (a new node, or one removed"
            + " before): no longer removed, nothing acknowledged, so this node keeps what it writes from now on for it"
            + " while it loads a snapshot from any peer.",
            "The configuration file is not edited: the command prints the entry to add under peers (its secret as an"
                + " environment variable), here and on every other node. The joining node loads its data with"
                + " `converge resync --from PEER`.",
            "Exits 0 when recorded, 1 if the database cannot be changed, 2 on a usage error."})
    static final class Add implements Callable<Integer> {
        @ParentCommand
        private PeerSubcommand parent;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The peer that joins.")
        private String id;

        @Option(names = "--url", required = true, paramLabel = "URL",
            description = "Where the peer listens: http://HOST:PORT or https://HOST:PORT.")
        private String url;

        @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "The peer's priority, as its own file says (default 0).")
        private int priority;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "This node's configuration file.")
        private Path file;

        @Override
        public Integer call() {
            NodeId peer = peerId(spec, id);
            URI where = url(spec, url);
            PrintStream out = parent.parent.out();
            return NodeFileArgument.withDatabase(file, out, "cannot add peer " + peer + " in", (s, pool, db) -> {
                Either<ConfigError, Boolean> done = Node.addPeer(s.core(), pool, peer);
                if (done.isLeft()) {
                    out.println("peer " + peer + " not added: " + done.getLeft().problem());
                    return 1;
                }
                out.println("peer " + peer + " added to the mesh of node " + s.id() + " (recorded in " + db + ")"
                    + (done.get() ? ", where it had been removed before" : "") + ": " + s.id() + " keeps what it writes from now on for "
                    + peer + ", until " + peer + " has loaded a snapshot and acknowledges");
                String secret = "CONVERGE_" + (s.id().value() + peer.value()).toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_SECRET";
                if (listed(s, peer).isPresent()) {
                    out.println("  " + file.getFileName() + " already lists it");
                } else {
                    out.println("  next: add it under peers in " + file.getFileName() + " (the secret this pair shares in " + secret
                        + ", e.g. from `openssl rand -base64 32`; the same on " + peer + "):");
                    out.println("    - {id: " + peer + ", url: \"" + where + "\", secret: \"${" + secret + "}\""
                        + (priority == 0 ? "" : ", priority: " + priority) + "}");
                    out.println("  then `converge reload --config " + file + "` (or SIGHUP) if the node runs, so that it connects to " + peer
                        + " at once");
                }
                String others = others(s, peer);
                out.println("  on " + peer + ": list " + s.id() + (others.isEmpty() ? "" : " and " + others) + " under its peers, `converge init`,"
                    + " then `converge resync --from " + s.id() + "`");
                if (!others.isEmpty()) {
                    out.println("  on every other node (" + others + "): run `converge peer add " + peer + " --url " + where
                        + " --config FILE` too");
                }
                return 0;
            });
        }

        private static URI url(CommandSpec spec, String text) {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme();
                if (scheme != null && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // said below, with what was expected
            }
            throw new ParameterException(spec.commandLine(), "--url: expected http://HOST:PORT or https://HOST:PORT (no user,"
                + " query or fragment), found '" + text + "'");
        }
    }
}
