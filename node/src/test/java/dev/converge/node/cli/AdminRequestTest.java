package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.node.run.AdminEndpoint;
import dev.converge.node.run.AdminKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a command says when the node that its admin key names cannot be asked: a sentence, never an exception. */
class AdminRequestTest {
    @TempDir
    Path dir;

    /** A node that accepts no connection (its queue full: overloaded, or a firewall dropping packets). */
    @Test
    void aNodeThatAcceptsNoConnectionIsASentence() throws Exception {
        Path config = Files.writeString(dir.resolve("n.yaml"), "id: N\n");
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket never = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             AdminKey key = AdminKey.write(config, URI.create("http://127.0.0.1:" + never.getLocalPort() + "/"), List.of())) {
            for (int i = 0; i < 3; i++) { // fill the accept queue, which is never served
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), never.getLocalPort()), 200);
                } catch (java.io.IOException full) {
                    // the queue is full already
                }
                queued.add(s);
            }
            AdminRequest node = AdminRequest.find(config, "resync").get().orElseThrow();
            var answer = node.post(AdminEndpoint.RESYNC + "?from=A", null, HttpResponse.BodyHandlers.ofLines());
            assertTrue(answer.isLeft(), "no answer: " + answer);
            assertTrue(answer.getLeft().contains("did not accept a connection within 5 s")
                || answer.getLeft().contains("did not answer") || answer.getLeft().contains("cannot reach"), answer.getLeft());
        } finally {
            for (Socket s : queued) {
                s.close();
            }
        }
    }
}
