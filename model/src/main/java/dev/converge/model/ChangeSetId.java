package dev.converge.model;

/** Names a ChangeSet everywhere: its origin and its sequence there. Reads back from {@code A:17}. */
public record ChangeSetId(NodeId origin, long sequence) {
    public static ChangeSetId parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("not a ChangeSet id: '" + text + "' (expected ORIGIN:SEQUENCE)");
        }
        try {
            return new ChangeSetId(NodeId.of(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a ChangeSet id: '" + text + "' (expected ORIGIN:SEQUENCE)", e);
        }
    }

    @Override
    public String toString() {
        return origin + ":" + sequence;
    }
}
