package dev.converge.resolvers.sql;

import static dev.converge.resolvers.Conflicts.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.resolvers.Conflicts;
import org.junit.jupiter.api.Test;

class ConflictJsonTest {
    @Test
    void anUpdateMeetingAConcurrentUpdateCarriesEveryFact() throws Exception {
        String json = ConflictJson.of(Conflicts.update(row("id", 1, "qty", 5), row("id", 1, "qty", 7), 2000).priorities(20, 30).build());
        JsonNode c = new ObjectMapper().readTree(json);
        assertEquals("update-changed-row", c.get("type").asText());
        assertEquals("t", c.get("table").asText());
        assertEquals("row", c.get("scope").asText());
        assertEquals(1, c.get("key").get("id").asInt());
        assertEquals(5, c.get("local").get("qty").asInt());
        assertEquals(7, c.get("remote").get("qty").asInt());
        assertEquals(5, c.get("remote_before").get("qty").asInt());
        assertEquals("update", c.get("remote_kind").asText());
        assertEquals("1970-01-01T00:00:02Z", c.get("remote_timestamp").asText());
        assertEquals("1970-01-01T00:00:01Z", c.get("local_timestamp").asText());
        assertEquals(true, c.get("remote_clock").asLong() > c.get("local_clock").asLong(), "clocks order like the timestamps");
        assertEquals("B", c.get("remote_origin").asText());
        assertEquals("A", c.get("local_origin").asText());
        assertEquals(20, c.get("remote_priority").asInt());
        assertEquals(30, c.get("local_priority").asInt());
        assertEquals(true, c.get("shadow").isNull());
        assertEquals("apply-remote", c.get("by_timestamp").asText(), "the later write wins by timestamp");
    }

    @Test
    void aDeleteHasNoRemoteRowAndARowFromBeforeReplicationNoOrigin() throws Exception {
        JsonNode c = new ObjectMapper().readTree(ConflictJson.of(Conflicts.delete(row("id", 1, "qty", 5), 500).localAt(500).origins("B", null).build()));
        assertEquals(true, c.get("remote").isNull());
        assertEquals("delete", c.get("remote_kind").asText());
        assertEquals(true, c.get("local_origin").isNull());
        assertEquals("apply-remote", c.get("by_timestamp").asText(), "on an exact tie a row from before replication loses");
    }
}
