package dev.converge.node.status;

import dev.converge.NodeStatus;
import io.vavr.control.Either;

/**
 * Where {@code converge status} gets a node's status: its database when the node is stopped
 * ({@link DatabaseStatusSource}), or a running node's HTTP status endpoint. Implementations say their threading.
 */
public interface StatusSource {
    /** The status now, or why it cannot be read (in words, without secrets). May block on I/O. */
    Either<String, NodeStatus> read();

    /** Where the status comes from, for the report's first line, e.g. "the database jdbc:h2:./data/a". No secrets. */
    String describe();
}
