package dev.converge.testkit;

import dev.converge.model.ChangeSet;
import dev.converge.model.NodeId;
import dev.converge.transport.Receipt;
import dev.converge.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * A transport that passes every batch on to another one and remembers what went where, so that a test can check what
 * a peer was sent and in which order. Thread-safe.
 */
public final class RecordingTransport implements Transport {
    /** One delivery: the batch as sent and the receiver's answer. */
    public record Delivery(NodeId from, NodeId to, List<ChangeSet> batch, Receipt receipt) {
    }

    private final Transport next;
    private final List<Delivery> deliveries = new ArrayList<>();

    public RecordingTransport(Transport next) {
        this.next = next;
    }

    @Override
    public Receipt send(NodeId from, NodeId to, List<ChangeSet> batch) {
        Receipt receipt = next.send(from, to, batch);
        synchronized (deliveries) {
            deliveries.add(new Delivery(from, to, List.copyOf(batch), receipt));
        }
        return receipt;
    }

    /** Every ChangeSet sent from {@code from} to {@code to}, in the order sent. */
    public List<ChangeSet> sent(String from, String to) {
        synchronized (deliveries) {
            List<ChangeSet> out = new ArrayList<>();
            deliveries.stream().filter(d -> d.from().equals(NodeId.of(from)) && d.to().equals(NodeId.of(to)))
                .forEach(d -> out.addAll(d.batch()));
            return out;
        }
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }
}
