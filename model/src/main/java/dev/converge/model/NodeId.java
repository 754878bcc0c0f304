package dev.converge.model;

/** The name of a peer: 1-16 characters of {@code [A-Za-z0-9_-]}. Ordered by name, which breaks exact timestamp ties. */
public record NodeId(String value) implements Comparable<NodeId> {
    public NodeId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("a node id is 1-16 characters of [A-Za-z0-9_-], not '" + value + "'");
        }
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    /**
     * Whether {@code value} is 1-16 characters of {@code [A-Za-z0-9_-]}. A loop rather than a regular expression: an
     * apply makes a node id for every local version it judges.
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 16) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
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
