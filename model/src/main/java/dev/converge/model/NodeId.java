package dev.converge.model;

import java.util.regex.Pattern;

/** The name of a peer: 1-16 characters of {@code [A-Za-z0-9_-]}. Ordered by name, which breaks exact timestamp ties. */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    public NodeId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("a node id is 1-16 characters of [A-Za-z0-9_-], not '" + value + "'");
        }
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
