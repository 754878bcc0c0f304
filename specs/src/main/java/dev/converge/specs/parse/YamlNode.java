package dev.converge.specs.parse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers the line and column it starts on (both 1-based). Public because the node module reads its
 * configuration file with the same tree, so that the two formats share one resolver syntax and one error style.
 */
public sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
    int line();

    int column();

    /** What this value is, for "expected X, found Y" messages. */
    String describe();

    /** One key of a mapping, with the line of the key (where an "unknown key" error points). */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    record Mapping(int line, int column, Map<String, Entry> entries) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    record Sequence(int line, int column, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar: its text as written and its YAML value ({@code null}, String, Boolean, Long or BigDecimal). Fields
     * that want text take the text, so that {@code id: no} is the node "no", not the boolean false.
     */
    record Scalar(int line, int column, String text, Object value) implements YamlNode {
        @Override
        public String describe() {
            if (value == null) {
                return "nothing (null)";
            }
            if (value instanceof String) {
                return "text '" + text + "'";
            }
            if (value instanceof Boolean) {
                return "the boolean " + text;
            }
            return "the number " + text;
        }
    }
}
