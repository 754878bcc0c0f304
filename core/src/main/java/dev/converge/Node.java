package dev.converge;

import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.dialect.Dialect;
import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.model.RowImage;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The local peer, embeddable in a Java application: it installs capture on its database, hands out what it has
 * queued for each peer, receives and applies what peers send, and records the conflicts it meets.
 *
 * <p>Lifecycle: {@link #open} validates the configuration against the database and installs (idempotently); the
 * application keeps writing to its tables as usual; {@link #deliverTo} (or a transport loop in the node module)
 * ships changes; {@link #close} releases the node, {@link #uninstall} removes everything Converge created.
 * Thread-safe: calls that touch the queues are serialised per node.
 */
public final class Node implements AutoCloseable {
    private Node() {
    }

    /**
     * Validates {@code config} against the database behind {@code db}, installs the metadata tables and capture
     * triggers (harmless if already installed) and returns the running node.
     *
     * @throws InvalidConfigException naming the table and the problem if the configuration does not fit the database
     */
    public static Node open(NodeConfig config, DataSource db, TimeSource time) {
        throw new UnsupportedOperationException("in progress");
    }

    public NodeId id() {
        throw new UnsupportedOperationException("in progress");
    }

    public NodeConfig config() {
        throw new UnsupportedOperationException("in progress");
    }

    public Dialect dialect() {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Makes the capture triggers read this node's {@link TimeSource} from now on (a no-op for the system clock, where
     * the database's clock is used). Call it after moving a manual time source and before the next local write.
     */
    public void publishWallClock() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Every ChangeSet this node originated that {@code peer} has not acknowledged, in sequence order, at most {@code limit}. */
    public List<ChangeSet> outboundFor(NodeId peer, int limit) {
        throw new UnsupportedOperationException("in progress");
    }

    /** The peer has durably stored everything of ours up to {@code sequence}. */
    public void acknowledge(NodeId peer, long sequence) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Stores a batch from {@code origin} in the inbox (a ChangeSet already stored or applied is ignored), then applies,
     * in each origin's order, every stored ChangeSet whose causal dependencies are met.
     */
    public Receipt receive(NodeId origin, List<ChangeSet> batch) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Sends everything queued for {@code peer} through {@code transport} and forgets what the peer acknowledged; returns how many ChangeSets went. */
    public int deliverTo(NodeId peer, Transport transport) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Every conflict this node has recorded, oldest first. */
    public List<ConflictRecord> conflicts() {
        throw new UnsupportedOperationException("in progress");
    }

    /** The replicated data: per replicated table, its rows that match the filter, projected to the replicated columns. */
    public Map<String, List<RowImage>> replicatedRows() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Removes the capture triggers and every table Converge created in this database, and nothing else. */
    public void uninstall() {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public void close() {
    }
}
