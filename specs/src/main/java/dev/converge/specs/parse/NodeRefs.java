package dev.converge.specs.parse;

import java.util.List;

/** The node ids a scenario declares, to check every later reference to a node against. */
final class NodeRefs {
    private final List<String> declared;

    NodeRefs(List<String> declared) {
        this.declared = List.copyOf(declared);
    }

    /** @throws Malformed if the value is not text or names no declared node */
    String node(YamlNode node, String path) {
        String id = Read.text(node, path);
        if (!declared.contains(id)) {
            throw new Malformed(node.line(), path + ": node '" + id + "' is not declared in nodes (declared: "
                + String.join(", ", declared) + ")");
        }
        return id;
    }
}
