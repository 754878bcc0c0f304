package dev.converge.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.node.run.ReloadEndpoint;
import dev.converge.node.run.ReloadKey;
import dev.converge.node.tls.NodeTls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code converge reload --config FILE}: asks the node running with that file to read it again, as SIGHUP does, and
 * prints what it applied, what needs a restart, or the file's problems (which the node logs too). The file is read by
 * the node, not here: the node is found, the request authenticated and its HTTPS certificate pinned by the
 * {@link ReloadKey} file it wrote as it started, which only its operating-system user can read. So a file with
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
    public Integer call() {
        PrintStream out = parent.out();
        Optional<ReloadKey.Target> target;
        try {
            target = ReloadKey.read(file);
        } catch (IOException e) {
            out.println("cannot read the reload key of the node running with " + file + ": " + e.getMessage()
                + " (run converge reload as the user the node runs as)");
            return 1;
        }
        if (target.isEmpty()) {
            out.println("no node runs with " + file + " as " + System.getProperty("user.name") + " on this machine (converge run writes "
                + ReloadKey.fileFor(file) + " as it starts); nothing reloaded");
            return 1;
        }
        return ask(target.get(), out);
    }

    private int ask(ReloadKey.Target target, PrintStream out) {
        URI url = target.base().resolve(ReloadEndpoint.PATH);
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (!target.certificates().isEmpty()) {
            NodeTls.pinned(builder, target.certificates());
        }
        HttpClient client = builder.build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
            .header("Authorization", "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(target.key()))
            .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> answer;
        try {
            answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            out.println("nothing answers at " + target.base() + ": the node is not running (its key file is left from an earlier run)");
            return 1;
        } catch (HttpTimeoutException e) {
            out.println(target.base() + " did not answer within " + TIMEOUT.toSeconds() + " s");
            return 1;
        } catch (IOException e) {
            out.println("cannot reach " + target.base() + ": " + NodeTls.explain(e, url).orElse(e.toString()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (answer.statusCode() != 200 && answer.statusCode() != 422) {
            out.println("node at " + target.base() + " refused the reload (" + answer.statusCode() + "): "
                + body.path("error").asText("no reason given"));
            return 1;
        }
        body.path("lines").forEach(l -> out.println(l.asText()));
        return body.path("valid").asBoolean(false) ? 0 : 1;
    }
}
