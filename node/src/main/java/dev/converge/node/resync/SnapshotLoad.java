package dev.converge.node.resync;

import dev.converge.Node;
import dev.converge.model.NodeId;
import dev.converge.node.peer.HttpTransport;
import dev.converge.node.progress.LiveLine;
import dev.converge.node.progress.ProgressBar;
import dev.converge.resync.ResyncReport;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code resync --from PEER} as it runs on a node, whether the node is stopped (the command opens it) or running (the
 * command asks it, and it runs this in its own process, see {@code AdminEndpoint}): sends what the peer has not received
 * of this node's own (what was committed when it began: an application that keeps writing does not keep it sending), loads the peer's snapshot ({@link Node#resync}) with a progress line, and says what became of it.
 * Every line goes to {@code out}. Blocking; confined to the caller's thread (and the progress line's).
 */
public final class SnapshotLoad {
    private final Node node;
    private final HttpTransport transport;
    private final PrintStream out;

    /**
     * @param transport signed links to the peers ({@code https://} sources verified as the node's links are)
     * @param out where every line goes: a console, or the answer to the command that asked a running node
     */
    public SnapshotLoad(Node node, HttpTransport transport, PrintStream out) {
        this.node = node;
        this.transport = transport;
        this.out = out;
    }

    /**
     * Loads {@code source}'s snapshot; empty, after saying why and that running it again is safe, if it could not.
     *
     * @param terminal whether {@code out} is a terminal (the progress line is then rewritten in place)
     * @param progress whether to show the progress line at all
     * @param cancelled asked after every page: true stops the load there (it is then as a load cut short)
     */
    public Optional<ResyncReport> from(NodeId source, boolean terminal, boolean progress, BooleanSupplier cancelled)
        throws InterruptedException {
        NodeId self = node.id();
        ProgressBar bar = new ProgressBar();
        LiveLine line = new LiveLine(() -> bar.line(terminal), out, terminal, 5_000);
        RemoteSnapshot snapshot = null;
        try {
            // what was committed as the resync began; an application that keeps writing must not keep it sending
            long waiting = node.backlog(source).changeSets();
            long sent = 0;
            for (int n; sent < waiting && (n = node.deliverTo(source, transport)) > 0; ) {
                sent += n;
            }
            // a running node's link may be delivering to the source right now (then deliverTo leaves it to the link)
            String rest = waiting > sent ? "; the link sends the rest as usual" : "";
            out.println(waiting == 0 ? self + " had nothing unsent for " + source
                : "sent " + sent + " of the " + waiting + " ChangeSet(s) of " + self + " that " + source + " had not acknowledged" + rest);
            snapshot = new RemoteSnapshot(transport, source);
            out.println("loading the snapshot of " + source + " at its sequence " + snapshot.header().sequence() + ": "
                + String.join(", ", snapshot.header().tables()));
            if (progress) {
                line.start("converge-resync-progress");
            }
            String[] stage = {""};
            ResyncReport report = node.resync(snapshot, (what, table, rows) -> {
                if (cancelled.getAsBoolean()) {
                    throw new IllegalStateException("stopped: the command that asked for it went away");
                }
                String now = table.isEmpty() ? what : table + ": " + what;
                if (!now.equals(stage[0])) {
                    stage[0] = now;
                    bar.step(now, 0);
                }
                bar.done(rows);
            });
            snapshot.close(true);
            line.clear();
            out.println(String.format(Locale.ROOT, "%s loaded the snapshot of %s: %,d rows taken, %,d already here, %,d decided by the"
                    + " resolver, %,d conflicts recorded, %,d removed, %,d stored ChangeSets taken over; replication continues from"
                    + " %s's sequence %d", self, source, report.taken(), report.kept(), report.resolved(), report.conflicts(),
                report.removed(), report.stored(), source, report.sequence()));
            return Optional.of(report);
        } catch (RuntimeException e) {
            line.clear();
            if (snapshot != null) {
                try {
                    snapshot.close(false);
                } catch (RuntimeException ignored) {
                    // the peer closes an idle snapshot by itself
                }
            }
            out.println("the resync from " + source + " did not finish: " + e.getMessage());
            out.println("nothing is lost: run it again (what was loaded is merged again without change)");
            return Optional.empty();
        }
    }
}
