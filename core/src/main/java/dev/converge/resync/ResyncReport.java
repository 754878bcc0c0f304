package dev.converge.resync;

import dev.converge.model.NodeId;
import java.util.List;

/**
 * What a resync did.
 *
 * @param source the peer the snapshot came from
 * @param sequence the source's own last sequence in the snapshot: its later ChangeSets arrive as usual
 * @param taken rows and tombstones taken from the snapshot
 * @param kept rows this node already held as they were, or a causally later version of
 * @param resolved rows both sides had changed concurrently, decided by the table's resolver
 * @param conflicts conflicts recorded (resolved ones and those parked for a person)
 * @param removed rows removed here because the source had deleted them and forgotten the tombstone
 * @param stored ChangeSets the source had stored but not applied, stored here to apply in their turn
 * @param moved origins whose watermark moved to the snapshot's position
 */
public record ResyncReport(NodeId source, long sequence, long taken, long kept, long resolved, long conflicts, long removed,
                           long stored, List<NodeId> moved) {
    public ResyncReport {
        moved = List.copyOf(moved);
    }
}
