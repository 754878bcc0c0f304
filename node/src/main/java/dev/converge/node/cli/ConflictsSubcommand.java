package dev.converge.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.node.config.NodeSettings;
import dev.converge.node.conflicts.ConflictText;
import dev.converge.node.conflicts.WorkbenchClient;
import dev.converge.node.tls.NodeTls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code converge conflicts list|show|resolve}: the workbench's conflict review from the command line, through a
 * running node's workbench JSON API (so the same logins, roles and staleness check hold, and scripts can resolve).
 */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
    description = {"Reviews and resolves conflicts through a running node's workbench API (the node must list workbench"
        + " users in its configuration). Log in as a workbench user: --user (or CONVERGE_USER) and the password from"
        + " --password-file, CONVERGE_PASSWORD, or a prompt.",
        "Exits 0 on success, 1 if the node refused or could not be reached."},
    subcommands = {ConflictsSubcommand.ListCommand.class, ConflictsSubcommand.ShowCommand.class, ConflictsSubcommand.ResolveCommand.class})
final class ConflictsSubcommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    ConvergeCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: list, show or resolve, e.g. converge conflicts list --config node.yaml --user ana");
    }

    /** Where the node is and who logs in; shared by the three commands. */
    static final class Login {
        @Option(names = "--config", paramLabel = "FILE", description = "The node's configuration file (its listen address is asked).")
        Path config;

        @Option(names = "--url", paramLabel = "URL", description = "The node's base URL instead, e.g. http://10.0.0.5:7401 (an https:// node is verified with"
            + " the JDK's default trust; with --config, the file's tls.truststore).")
        URI url;

        @Option(names = "--user", paramLabel = "NAME", defaultValue = "${env:CONVERGE_USER}", description = "A workbench user (default: CONVERGE_USER).")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "A file whose first line is the password (default: CONVERGE_PASSWORD, else a prompt).")
        Path passwordFile;

        @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
        boolean json;

        /** The client, or empty after saying on {@code out} why there is none. */
        Optional<WorkbenchClient> client(PrintStream out) {
            if ((config == null) == (url == null)) {
                out.println("say where the node is: --config FILE or --url URL (one of them)");
                return Optional.empty();
            }
            if (user == null || user.isBlank()) {
                out.println("say who logs in: --user NAME or CONVERGE_USER");
                return Optional.empty();
            }
            URI base = url;
            NodeTls tls = NodeTls.plain();
            if (base == null) {
                Optional<NodeSettings> s = NodeFileArgument.read(config, out);
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                io.vavr.control.Either<String, NodeTls> loaded = s.get().loadTls();
                if (loaded.isLeft()) {
                    out.println(config + ": " + loaded.getLeft());
                    return Optional.empty();
                }
                tls = loaded.get();
                base = dev.converge.node.status.LiveStatus.url(s.get().listen(), tls.scheme()).resolve("/");
            }
            URI at = base;
            NodeTls trust = tls;
            return password(out).map(p -> new WorkbenchClient(at, user, p, trust));
        }

        private Optional<char[]> password(PrintStream out) {
            if (passwordFile != null) {
                try {
                    List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                    if (lines.isEmpty() || lines.get(0).isEmpty()) {
                        out.println(passwordFile + ": empty; its first line must be the password");
                        return Optional.empty();
                    }
                    return Optional.of(lines.get(0).toCharArray());
                } catch (IOException e) {
                    out.println("cannot read the password file " + passwordFile + ": " + e.getMessage());
                    return Optional.empty();
                }
            }
            String env = System.getenv("CONVERGE_PASSWORD");
            if (env != null && !env.isEmpty()) {
                return Optional.of(env.toCharArray());
            }
            if (System.console() != null) {
                char[] typed = System.console().readPassword("password for %s: ", user);
                if (typed != null && typed.length > 0) {
                    return Optional.of(typed);
                }
            }
            out.println("no password: give --password-file FILE, set CONVERGE_PASSWORD, or run on a terminal to be asked");
            return Optional.empty();
        }
    }

    /** Runs a request; prints its failure and returns 1, or prints the answer and returns 0. */
    static int call(PrintStream out, Login login, java.util.function.Function<WorkbenchClient, JsonNode> request,
                    java.util.function.Function<JsonNode, List<String>> text) {
        Optional<WorkbenchClient> client = login.client(out);
        if (client.isEmpty()) {
            return 1;
        }
        try {
            JsonNode answer = request.apply(client.get());
            if (login.json) {
                out.println(answer.toPrettyString());
            } else {
                text.apply(answer).forEach(out::println);
            }
            return 0;
        } catch (WorkbenchClient.Failure e) {
            out.println(e.getMessage());
            return 1;
        }
    }

    /** The list's filters, as the API names them. */
    static final class Filters {
        @Option(names = "--status", paramLabel = "S[,S]", description = "needs-review, auto-resolved, resolved-by-hand.")
        String status;
        @Option(names = "--table", paramLabel = "T")
        String table;
        @Option(names = "--type", paramLabel = "T[,T]", description = "Conflict types, e.g. update-changed-row.")
        String type;
        @Option(names = "--origin", paramLabel = "NODE", description = "Either side written at this node.")
        String origin;
        @Option(names = "--from", paramLabel = "INSTANT", description = "Detected at or after, e.g. 2026-12-01T00:00:00Z.")
        String from;
        @Option(names = "--until", paramLabel = "INSTANT", description = "Detected before.")
        String until;
        @Option(names = "--key", paramLabel = "TEXT", description = "Text in the row key (its JSON, e.g. '\"id\":7').")
        String key;

        Map<String, String> parameters() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("status", status);
            p.put("table", table);
            p.put("type", type);
            p.put("origin", origin);
            p.put("from", from);
            p.put("until", until);
            p.put("key", key);
            p.values().removeIf(v -> v == null);
            return p;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists conflicts recorded on the node, newest first, a page at a time.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        ConflictsSubcommand parent;
        @Mixin
        Login login;
        @Mixin
        Filters filters;
        @Option(names = "--sort", paramLabel = "ORDER", description = "newest (default), oldest, table or type.")
        String sort;
        @Option(names = "--limit", paramLabel = "N", description = "At most N per page (default 50, at most 1000).")
        Integer limit;
        @Option(names = "--after", paramLabel = "ID", description = "The page after the one that ended with conflict ID (the 'next page' hint).")
        Long after;

        @Override
        public Integer call() {
            Map<String, String> p = filters.parameters();
            if (sort != null) {
                p.put("sort", sort);
            }
            if (limit != null) {
                p.put("limit", limit.toString());
            }
            if (after != null) {
                p.put("after", after.toString());
            }
            return ConflictsSubcommand.call(parent.parent.out(), login, c -> c.list(p), ConflictText::list);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one conflict: both rows side by side, the row now, the decision if any.")
    static final class ShowCommand implements Callable<Integer> {
        @ParentCommand
        ConflictsSubcommand parent;
        @Mixin
        Login login;
        @Parameters(paramLabel = "ID", description = "The conflict's id (from list).")
        long id;

        @Override
        public Integer call() {
            return ConflictsSubcommand.call(parent.parent.out(), login, c -> c.show(id), ConflictText::show);
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
        description = {"Resolves a conflict by hand (needs the resolver role); the decision replicates and wins on every peer.",
            "One conflict: converge conflicts resolve ID --take-local [--as-of TOKEN] [--comment TEXT]",
            "Merged: converge conflicts resolve ID --merge --base remote --set qty=20 --set 'note=from both'",
            "Every match of a filter: converge conflicts resolve --all --status needs-review --table item --take-remote"})
    static final class ResolveCommand implements Callable<Integer> {
        @ParentCommand
        ConflictsSubcommand parent;
        @Mixin
        Login login;
        @Mixin
        Filters filters;
        @Parameters(paramLabel = "ID", arity = "0..1", description = "The conflict's id (or --all with filters).")
        Long id;
        @Option(names = "--all", description = "Decide every conflict the filters match (at most 10,000), each as it stands now.")
        boolean all;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Choice choice;
        @Option(names = "--base", paramLabel = "SIDE", defaultValue = "local", description = "With --merge: the row to start from, local or remote (default local).")
        String base;
        @Option(names = "--set", paramLabel = "COLUMN=VALUE", description = "With --merge: a column's value (repeatable). A number, true, false or null is sent as such; anything else as text.")
        Map<String, String> set = new LinkedHashMap<>();
        @Option(names = "--comment", paramLabel = "TEXT", defaultValue = "", description = "Why; kept with the decision on every peer.")
        String comment;
        @Option(names = "--as-of", paramLabel = "TOKEN", description = "The token show printed: refused if the row changed since. Without it the row is read now.")
        String asOf;

        static final class Choice {
            @Option(names = "--take-local", description = "Keep this node's row.")
            boolean takeLocal;
            @Option(names = "--take-remote", description = "Take the incoming row.")
            boolean takeRemote;
            @Option(names = "--delete", description = "Delete the row.")
            boolean delete;
            @Option(names = "--merge", description = "Write a merged row: --base and --set.")
            boolean merge;

            String word() {
                return takeLocal ? "take-local" : takeRemote ? "take-remote" : delete ? "delete" : "merge";
            }
        }

        @Override
        public Integer call() {
            PrintStream out = parent.parent.out();
            if (all == (id != null)) {
                out.println("say which conflict: an ID, or --all with filters");
                return 1;
            }
            if (!choice.merge && (!set.isEmpty())) {
                out.println("--set goes with --merge");
                return 1;
            }
            if (all) {
                if (choice.merge) {
                    out.println("--merge decides one conflict; with --all choose --take-local, --take-remote or --delete");
                    return 1;
                }
                ObjectNode body = JSON.createObjectNode().put("decision", choice.word()).put("comment", comment);
                ObjectNode filter = body.putObject("filter");
                filters.parameters().forEach(filter::put);
                return ConflictsSubcommand.call(out, login, c -> c.decideAll(body), ConflictText::bulk);
            }
            if (!filters.parameters().isEmpty()) {
                out.println("filters go with --all; to decide conflict " + id + " give no filter");
                return 1;
            }
            return ConflictsSubcommand.call(out, login, c -> {
                JsonNode review = c.show(id);
                ObjectNode body = JSON.createObjectNode().put("decision", choice.word()).put("comment", comment)
                    .put("asOf", asOf != null ? asOf : review.path("asOf").asText());
                if (choice.merge) {
                    body.set("row", merged(review.path("conflict")));
                }
                return c.decide(id, body);
            }, a -> List.of(ConflictText.decided(a)));
        }

        private ObjectNode merged(JsonNode conflict) {
            if (!base.equals("local") && !base.equals("remote")) {
                throw new WorkbenchClient.Failure("--base is local or remote, not '" + base + "'");
            }
            JsonNode start = conflict.path(base).path("image");
            if (!start.isObject()) {
                throw new WorkbenchClient.Failure("the " + base + " side has no row to start from; use --base "
                    + (base.equals("local") ? "remote" : "local"));
            }
            ObjectNode row = start.deepCopy();
            for (Map.Entry<String, String> e : set.entrySet()) {
                String column = matching(row, e.getKey());
                row.set(column, value(e.getValue()));
            }
            return row;
        }

        /** The row's own spelling of a column named in any case (H2 folds unquoted names to upper case). */
        private static String matching(ObjectNode row, String column) {
            for (var it = row.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (name.equalsIgnoreCase(column)) {
                    return name;
                }
            }
            throw new WorkbenchClient.Failure("the row has no column '" + column + "'");
        }

        private static JsonNode value(String text) {
            try {
                JsonNode literal = JSON.readTree(text);
                if (literal != null && (literal.isNumber() || literal.isBoolean() || literal.isNull())) {
                    return literal;
                }
            } catch (IOException e) {
                // not a JSON literal: text
            }
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
