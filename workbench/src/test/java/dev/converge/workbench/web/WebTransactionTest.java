package dev.converge.workbench.web;

import static dev.converge.workbench.web.Browser.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.Cluster;
import dev.converge.testkit.KeepLocalResolver;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code transaction}-scope conflict on the web pages: the page shows every row of the rejected ChangeSet as it
 * stands, offers accepting (replay) or rejecting it and no merge, and accepting it replays the whole transaction.
 */
class WebTransactionTest {
    @Test
    void aRejectedTransactionShowsItsRowsAndIsReplayedWhenAccepted() {
        Cluster c = Cluster.of(Dialect.H2, "web_tx", List.of("A", "B"), WebFixture.SCHEMA,
            List.of(TableConfig.of("item").withScope(ConflictScope.TRANSACTION).withResolver(ResolverSpec.of(KeepLocalResolver.NAME)),
                TableConfig.of("tag")));
        c.tick(1000);
        c.write("A", "UPDATE item SET qty = 11 WHERE id = 1");
        c.tick(1000);
        c.write("B", "UPDATE item SET qty = 12 WHERE id = 1", "INSERT INTO item VALUES (4, 'rivet', 40, 0.05)");
        c.sync();
        try (WebFixture web = new WebFixture(c)) {
            ConflictRecord rejected = c.node("A").conflicts().stream().filter(r -> r.type() == ConflictType.TRANSACTION).findFirst()
                .orElseThrow(() -> new AssertionError("A rejected B's transaction: " + c.node("A").conflicts()));
            Browser b = web.loggedIn("steward");
            String page = b.get("/conflicts/" + rejected.id()).body();
            assertTrue(page.contains("The transaction&#39;s rows") || page.contains("The transaction's rows"), "The ChangeSet's rows are listed.");
            assertTrue(page.contains("no such row"), "Row 4, which A never got, is shown as missing.");
            assertTrue(page.contains("Accept: replay the incoming transaction"), "Accepting means replaying it.");
            assertFalse(page.contains("id=\"merge\"") || page.contains("id=\"delete\""), "No merge or delete for a whole transaction.");
            assertEquals(400, b.get("/conflicts/" + rejected.id() + "/merge").statusCode(), "The merge form says it does not apply.");

            HttpResponse<String> done = b.post("/conflicts/" + rejected.id() + "/decision", form("csrf", Browser.csrf(page),
                "asOf", Browser.asOf(page), "decision", "take-remote", "comment", "B's delivery was right"));
            assertEquals(303, done.statusCode(), done.body());
            assertEquals(12, ((Number) web.value("A", "qty", 1)).intValue(), "The replay wrote B's update at A.");
            assertEquals("rivet", web.value("A", "name", 4), "... and B's insert.");
            assertTrue(b.get("/conflicts/" + rejected.id()).body().contains("Replayed the incoming transaction"),
                "The page says what was decided.");
        }
    }
}
