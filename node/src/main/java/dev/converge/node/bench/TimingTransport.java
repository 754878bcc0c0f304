package dev.converge.node.bench;

import dev.converge.model.ChangeSet;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.transport.InProcessTransport;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process transport with a wire in between, timed: each batch is encoded to the JSON a network transport
 * sends and decoded again (the shipping stage, and its bytes), then handed to the receiver (the applying stage).
 * Everything a sender spends in {@code Node.deliverTo} outside {@link #send} is its own reading and bookkeeping, so
 * the stages split without looking inside core.
 *
 * <p>Thread-safe: the counters are atomic and any number of senders may use it at once.
 */
final class TimingTransport implements Transport {
    /** Told after the receiver took a batch: what it was and when the receiver returned (for lag). */
    interface Listener {
        void received(List<ChangeSet> batch, Receipt receipt, long nanoTime);
    }

    private final InProcessTransport inner;
    private final Listener listener;
    private final AtomicLong shipNanos = new AtomicLong();
    private final AtomicLong applyNanos = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    TimingTransport(InProcessTransport inner) {
        this(inner, (batch, receipt, at) -> { });
    }

    TimingTransport(InProcessTransport inner, Listener listener) {
        this.inner = inner;
        this.listener = listener;
    }

    @Override
    public Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
        long t0 = System.nanoTime();
        List<ChangeSet> decoded = new ArrayList<>(batch.size());
        long size = 0;
        for (ChangeSet cs : batch) {
            String wire = ChangeSetCodec.toJson(cs);
            size += wire.length();
            decoded.add(ChangeSetCodec.fromJson(wire));
        }
        long t1 = System.nanoTime();
        Receipt receipt = inner.send(from, to, decoded);
        long t2 = System.nanoTime();
        shipNanos.addAndGet(t1 - t0);
        applyNanos.addAndGet(t2 - t1);
        bytes.addAndGet(size);
        listener.received(batch, receipt, t2);
        return receipt;
    }

    /** Encoding and decoding, seconds. */
    double shipSeconds() {
        return shipNanos.get() / 1e9;
    }

    /** In the receiver: storing and applying, seconds. */
    double applySeconds() {
        return applyNanos.get() / 1e9;
    }

    /** Characters of JSON shipped (about bytes: the workload's text is ASCII). */
    long bytes() {
        return bytes.get();
    }
}
