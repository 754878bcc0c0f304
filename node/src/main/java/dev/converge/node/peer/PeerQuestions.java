package dev.converge.node.peer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.model.NodeId;

/**
 * Answers what a peer asks outside replication, on {@code POST /converge/v1/question}: the consistency check's
 * questions (how far are you, what do your rows hash to). Asked only once the request is authenticated like every
 * other between peers (signature, session, counter); a question must not change anything but what the node would do
 * by itself anyway (sequencing).
 *
 * <p>Implementations are thread-safe: Jetty asks on many threads at once.
 */
@FunctionalInterface
public interface PeerQuestions {
    /**
     * @param asker the authenticated peer that asks
     * @param question its question, a JSON object
     * @return the answer, a JSON object
     * @throws UnknownQuestion if this node does not answer such a question (404)
     * @throws IllegalArgumentException if the question is malformed (400)
     */
    JsonNode answer(NodeId asker, JsonNode question);

    /** A question this node does not answer: an unknown kind, or a table it does not replicate. */
    final class UnknownQuestion extends IllegalArgumentException {
        public UnknownQuestion(String message) {
            super(message);
        }
    }
}
