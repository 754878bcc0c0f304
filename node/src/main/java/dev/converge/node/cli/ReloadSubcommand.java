package dev.converge.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.node.run.AdminEndpoint;
import dev.converge.node.run.AdminKey;
import io.vavr.control.Either;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge reload --config FILE}: asks the node running with that file to read it again, as SIGHUP does, and
 * prints what it applied, what needs a restart, or the file's problems (which the node logs too). The file is read by
 * the node, not here: the node is found, the request authenticated and its HTTPS certificate pinned by the
 * {@link AdminKey} file it wrote as it started, which only its operating-system user can read. So a file with
 * problems is answered by the node, and no node means no reload: start one with {@code converge run}.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = {"Asks the node running with this configuration file to read it again (as SIGHUP does): new peers are"
        + " linked, changed ones relinked, peers no longer listed unlinked (not removed: see converge peer remove),"
        + " backlog limits applied; every other changed key is said to need a restart. Run it on the node's machine, as"
        + " the user the node runs as.",
        "Exits 0 if the node reloaded the file, 1 if the file has problems (nothing changed), the node refused, or no"
            + " running node was found."})
final class ReloadSubcommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The running node's configuration file.")
    private Path file;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = parent.out();
        Either<String, Optional<AdminRequest>> found = AdminRequest.find(file, "reload");
        if (found.isLeft()) {
            out.println(found.getLeft());
            return 1;
        }
        if (found.get().isEmpty()) {
            out.println("no node runs with " + file + " as " + System.getProperty("user.name") + " on this machine (converge run writes "
                + AdminKey.fileFor(file) + " as it starts); nothing reloaded");
            return 1;
        }
        AdminRequest node = found.get().get();
        Either<String, HttpResponse<String>> sent = node.post(AdminEndpoint.RELOAD, TIMEOUT, HttpResponse.BodyHandlers.ofString());
        if (sent.isLeft()) {
            out.println(sent.getLeft());
            return 1;
        }
        HttpResponse<String> answer = sent.get();
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (answer.statusCode() != 200 && answer.statusCode() != 422) {
            out.println("node at " + node.base() + " refused the reload (" + answer.statusCode() + "): "
                + body.path("error").asText("no reason given"));
            return 1;
        }
        body.path("lines").forEach(l -> out.println(l.asText()));
        return body.path("valid").asBoolean(false) ? 0 : 1;
    }
}
