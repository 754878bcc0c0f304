package dev.converge.specs.parse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into {@link YamlNode}s with lines and columns, from Jackson's streaming parser (its tree model keeps
 * no locations). Rejects what Jackson would let pass: a repeated key, a second document. Stateless and thread-safe.
 */
public final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {
    }

    /** @throws Malformed if the text is not YAML, is empty, repeats a key or holds more than one document */
    static YamlNode read(String content) {
        return read(content, "scenario", "the file is empty: a scenario needs at least name, nodes, schema and steps");
    }

    /**
     * Reads one YAML document holding one {@code what} (e.g. "node configuration").
     *
     * @param whenEmpty the problem to report for an empty file
     * @throws Malformed if the text is not YAML, is empty, repeats a key or holds more than one document
     */
    public static YamlNode read(String content, String what, String whenEmpty) {
        try (JsonParser parser = FACTORY.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new Malformed(1, whenEmpty);
            }
            YamlNode root = node(parser, first);
            if (parser.nextToken() != null) {
                throw new Malformed(line(parser), column(parser), null,
                    "a file holds one " + what + ", but a second YAML document starts here");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SnakeYAML knows the problem, where it is and what it was reading (e.g. "expected ',' or ']', but got a scalar
     * (while parsing a flow sequence from line 2)"); Jackson's own message keeps only the first of those.
     */
    private static Malformed syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            String context = yaml.getContext() == null || yaml.getContextMark() == null ? ""
                : " (" + yaml.getContext() + " from line " + (yaml.getContextMark().getLine() + 1) + ")";
            return new Malformed(yaml.getProblemMark().getLine() + 1, yaml.getProblemMark().getColumn() + 1, null,
                "not valid YAML: " + yaml.getProblem() + context);
        }
        JsonLocation where = e.getLocation();
        return new Malformed(where == null ? 1 : Math.max(1, where.getLineNr()),
            where == null ? 0 : Math.max(0, where.getColumnNr()), null, "not valid YAML: " + firstLine(e.getOriginalMessage()));
    }

    private static YamlNode node(JsonParser parser, JsonToken token) throws IOException {
        int line = line(parser);
        int column = column(parser);
        return switch (token) {
            case START_OBJECT -> mapping(parser, line, column);
            case START_ARRAY -> sequence(parser, line, column);
            default -> new YamlNode.Scalar(line, column, parser.getText(), scalarValue(parser, token));
        };
    }

    private static YamlNode.Mapping mapping(JsonParser parser, int line, int column) throws IOException {
        LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            int keyLine = line(parser);
            int keyColumn = column(parser);
            YamlNode.Entry earlier = entries.get(key);
            if (earlier != null) {
                throw new Malformed(keyLine, keyColumn, null,
                    "key '" + key + "' appears twice (first at line " + earlier.line() + ")");
            }
            entries.put(key, new YamlNode.Entry(key, keyLine, keyColumn, node(parser, parser.nextToken())));
        }
        return new YamlNode.Mapping(line, column, entries);
    }

    private static YamlNode.Sequence sequence(JsonParser parser, int line, int column) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(node(parser, t));
        }
        return new YamlNode.Sequence(line, column, items);
    }

    private static Object scalarValue(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> integer(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> decimal(parser);
            default -> parser.getText();
        };
    }

    private static Object integer(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : new BigDecimal(value);
    }

    /** Decimals are read exactly (12.50 stays 12.50, never a binary double); .nan and .inf stay text. */
    private static Object decimal(JsonParser parser) throws IOException {
        try {
            return parser.getDecimalValue();
        } catch (NumberFormatException | JsonProcessingException e) {
            return parser.getText();
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static int column(JsonParser parser) {
        return parser.currentTokenLocation().getColumnNr();
    }

    private static String firstLine(String message) {
        String text = message == null ? "" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
