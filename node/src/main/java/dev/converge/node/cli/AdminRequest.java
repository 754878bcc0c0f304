package dev.converge.node.cli;

import dev.converge.node.run.AdminKey;
import dev.converge.node.tls.NodeTls;
import io.vavr.control.Either;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * A request of a command ({@code converge reload}, {@code converge resync}) to the node running with a configuration
 * file on this machine: found, authenticated and its HTTPS certificate pinned by the {@link AdminKey} file the node wrote
 * as it started (see {@code AdminEndpoint}). Every failure is a sentence for the user. Immutable.
 */
final class AdminRequest {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private final AdminKey.Target target;

    private AdminRequest(AdminKey.Target target) {
        this.target = target;
    }

    /**
     * The node running with {@code file}, if one does; empty if none runs with it as this user (its key file is missing);
     * the error if the key file cannot be read.
     */
    static Either<String, Optional<AdminRequest>> find(Path file, String command) {
        try {
            return Either.right(AdminKey.read(file).map(AdminRequest::new));
        } catch (IOException e) {
            return Either.left("cannot read the key of the node running with " + file + ": " + e.getMessage()
                + " (run converge " + command + " as the user the node runs as)");
        }
    }

    /** Where the node answers. */
    URI base() {
        return target.base();
    }

    /**
     * {@code POST path} with no body; the answer, or what went wrong as a sentence.
     *
     * @param timeout how long to wait for the answer's head (null: as long as it takes)
     */
    <T> Either<String, HttpResponse<T>> post(String path, Duration timeout, HttpResponse.BodyHandler<T> body) throws InterruptedException {
        URI url = target.base().resolve(path);
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT);
        if (!target.certificates().isEmpty()) {
            NodeTls.pinned(builder, target.certificates());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
            .header("Authorization", "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(target.key()))
            .POST(HttpRequest.BodyPublishers.noBody());
        if (timeout != null) {
            request.timeout(timeout);
        }
        try {
            return Either.right(builder.build().send(request.build(), body));
        } catch (ConnectException e) {
            return Either.left("nothing answers at " + target.base() + ": the node is not running (its key file is left from an earlier run)");
        } catch (HttpConnectTimeoutException e) {
            return Either.left(target.base() + " did not accept a connection within " + CONNECT.toSeconds() + " s (is the node overloaded?)");
        } catch (HttpTimeoutException e) {
            return Either.left(target.base() + " did not answer within " + (timeout == null ? "the time allowed" : timeout.toSeconds() + " s"));
        } catch (IOException e) {
            return Either.left("cannot reach " + target.base() + ": " + NodeTls.explain(e, url).orElse(e.toString()));
        }
    }
}
