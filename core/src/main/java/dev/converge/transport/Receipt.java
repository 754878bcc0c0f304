package dev.converge.transport;

import dev.converge.model.NodeId;

/**
 * What a receiver answers to a batch of ChangeSets from one origin: every sequence of that origin up to
 * {@code storedThrough} is durably stored (in its inbox or already applied), so the sender may forget them for this
 * receiver; how many ChangeSets this delivery applied, and how many wait for their causal dependencies; and, of the
 * next ChangeSet ({@code storedThrough + 1}) if it travels in parts, how many of its first parts are stored, so the
 * sender goes on with the part after them.
 */
public record Receipt(NodeId receiver, NodeId origin, long storedThrough, int applied, int waiting, int partsStored) {
    /** A receipt for ChangeSets that travel whole: no parts stored. */
    public Receipt(NodeId receiver, NodeId origin, long storedThrough, int applied, int waiting) {
        this(receiver, origin, storedThrough, applied, waiting, 0);
    }
}
