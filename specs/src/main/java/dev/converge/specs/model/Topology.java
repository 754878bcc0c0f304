package dev.converge.specs.model;

import java.util.Objects;

/** How the peers are wired: every node to every node, or every change through one reference node. */
public sealed interface Topology permits Topology.Mesh, Topology.Reference {
    /** The default: every node sends its own changes straight to every other node. */
    record Mesh() implements Topology {
    }

    /** The IBM design: every change goes through {@code node}, which resolves conflicts and compensates. */
    record Reference(String node) implements Topology {
        public Reference {
            Objects.requireNonNull(node);
        }
    }
}
