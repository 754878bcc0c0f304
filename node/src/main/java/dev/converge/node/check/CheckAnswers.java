package dev.converge.node.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.check.DatabaseDigests;
import dev.converge.check.KeyHashRange;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerQuestions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node's answers to the consistency check's questions from a peer (see {@link CheckWire} for their form):
 * its positions, a table's row count, range summaries, listings of ranges, rows by key. Read-only but for sequencing
 * (the positions are a heartbeat's). A scan reads the whole table once, in a read transaction of its own.
 *
 * <p>Thread-safe: stateless beyond the node's {@link DatabaseDigests}.
 */
public final class CheckAnswers implements PeerQuestions {
    private static final Logger LOG = LoggerFactory.getLogger(CheckAnswers.class);

    private final DatabaseDigests digests;

    public CheckAnswers(DatabaseDigests digests) {
        this.digests = digests;
    }

    @Override
    public JsonNode answer(NodeId asker, JsonNode question) {
        String kind = question.path("check").asText("");
        try {
            return switch (kind) {
                case "positions" -> CheckWire.positions(digests.positions());
                case "count" -> dev.converge.model.ChangeSetCodec.mapper().createObjectNode().put("rows", digests.count(CheckWire.table(question)));
                case "summarize" -> summarize(asker, question);
                case "list" -> CheckWire.listing(digests.list(CheckWire.table(question), CheckWire.ranges(question),
                    CheckWire.number(question, "limit", 1, CheckWire.MAX_LISTED), n -> { }));
                case "rows" -> CheckWire.rows(digests.rows(CheckWire.table(question), CheckWire.keys(question)));
                default -> throw new UnknownQuestion("no such check question: '" + kind + "'");
            };
        } catch (DatabaseDigests.UnknownTableException e) {
            throw new UnknownQuestion(e.getMessage());
        }
    }

    private JsonNode summarize(NodeId asker, JsonNode question) {
        String table = CheckWire.table(question);
        List<KeyHashRange> ranges = CheckWire.ranges(question);
        int split = CheckWire.number(question, "split", 1, 16);
        if ((long) ranges.size() << split > CheckWire.MAX_SUMMARIES) {
            throw new IllegalArgumentException("at most " + CheckWire.MAX_SUMMARIES + " summaries per question");
        }
        LOG.debug("{} asks for {} range summaries of {}", asker, ranges.size() << split, table);
        return CheckWire.summaries(digests.summarize(table, ranges, split, n -> { }));
    }
}
