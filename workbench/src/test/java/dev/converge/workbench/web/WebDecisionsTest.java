package dev.converge.workbench.web;

import static dev.converge.workbench.web.Browser.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decisions through the web pages, over real HTTP against a real server on H2: carried out and replicated to B,
 * refused without the CSRF token, refused to a viewer, refused when the row changed since the page was loaded, a merge
 * with a typed value previewed then confirmed, and a bulk decision. Each test has its own two nodes.
 */
class WebDecisionsTest {
    WebFixture web;

    @BeforeEach
    void start(org.junit.jupiter.api.TestInfo info) {
        web = new WebFixture("web_" + info.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 12));
    }

    @AfterEach
    void stop() {
        web.close();
    }

    ConflictRecord record(long id) {
        return web.cluster.node("A").conflict(id).orElseThrow();
    }

    @Test
    void aResolverTakesTheLocalRowAndTheDecisionReachesThePeer() {
        Browser b = web.loggedIn("steward");
        long id = web.conflictOn(1);
        String page = b.get("/conflicts/" + id).body();
        assertTrue(page.contains("id=\"take-local\""), "A resolver sees the decision buttons.");
        HttpResponse<String> done = b.post("/conflicts/" + id + "/decision", form("csrf", Browser.csrf(page), "asOf", Browser.asOf(page),
            "decision", "take-local", "comment", "the supplier confirmed bolt-a"));
        assertEquals(303, done.statusCode(), "The decision is carried out: " + done.body());
        assertEquals("bolt-a", web.value("A", "name", 1), "A holds its own row again.");
        ConflictRecord r = record(id);
        assertEquals(ConflictStatus.RESOLVED_BY_HAND, r.status(), "The conflict is resolved by hand.");
        assertEquals("steward", r.decision().orElseThrow().who());
        assertEquals("the supplier confirmed bolt-a", r.decision().orElseThrow().comment());
        String after = b.get(done.headers().firstValue("Location").orElseThrow()).body();
        assertTrue(after.contains("id=\"flash\"") && after.contains("steward") && after.contains("the supplier confirmed bolt-a"),
            "The page confirms the decision and shows who decided and why.");
        web.cluster.sync();
        assertEquals("bolt-a", web.value("B", "name", 1), "The decision replicated to B and won there.");
    }

    @Test
    void aFormWithoutTheSessionsTokenIsRefusedAndChangesNothing() {
        Browser b = web.loggedIn("steward");
        long id = web.conflictOn(1);
        String page = b.get("/conflicts/" + id).body();
        Map<String, String> fields = form("asOf", Browser.asOf(page), "decision", "delete", "comment", "");
        HttpResponse<String> missing = b.post("/conflicts/" + id + "/decision", fields);
        assertEquals(403, missing.statusCode(), "No token: refused.");
        fields.put("csrf", "not-the-token");
        assertEquals(403, b.post("/conflicts/" + id + "/decision", fields).statusCode(), "A wrong token: refused.");
        Browser other = web.loggedIn("steward");
        fields.put("csrf", Browser.csrf(other.get("/conflicts").body()));
        assertEquals(403, b.post("/conflicts/" + id + "/decision", fields).statusCode(), "Another session's token: refused.");
        assertEquals("bolt-b", web.value("A", "name", 1), "The row was not deleted.");
        assertTrue(record(id).decision().isEmpty(), "Nothing was decided.");
        assertEquals(403, b.post("/logout", form()).statusCode(), "Even logging out needs the token.");
    }

    @Test
    void aViewerCannotDecide() {
        Browser b = web.loggedIn("olga");
        long id = web.conflictOn(1);
        String page = b.get("/conflicts/" + id).body();
        HttpResponse<String> refused = b.post("/conflicts/" + id + "/decision", form("csrf", Browser.csrf(page), "asOf", "x",
            "decision", "take-local"));
        assertEquals(403, refused.statusCode(), "A viewer's decision is refused.");
        assertTrue(refused.body().contains("is a viewer"), "The page says why.");
        assertEquals(403, b.post("/conflicts/" + id + "/merge", form("csrf", Browser.csrf(page), "asOf", "x")).statusCode());
        assertEquals(403, b.post("/bulk", form("csrf", Browser.csrf(page), "rule", "delete")).statusCode());
        assertEquals(403, b.get("/bulk?rule=delete").statusCode(), "Not even the bulk confirmation is shown.");
        assertFalse(b.get("/conflicts").body().contains("id=\"bulk-review\""), "The list offers a viewer no bulk decision.");
        assertEquals("bolt-b", web.value("A", "name", 1), "Nothing changed.");
        assertTrue(record(id).decision().isEmpty());
    }

    @Test
    void aDecisionOnARowThatChangedSinceThePageWasLoadedIsRefused() {
        Browser b = web.loggedIn("steward");
        long id = web.conflictOn(1);
        String page = b.get("/conflicts/" + id).body();
        web.cluster.write("A", "UPDATE item SET qty = 99 WHERE id = 1"); // someone changes the row meanwhile
        HttpResponse<String> stale = b.post("/conflicts/" + id + "/decision", form("csrf", Browser.csrf(page), "asOf", Browser.asOf(page),
            "decision", "take-local", "comment", ""));
        assertEquals(409, stale.statusCode(), "The stale decision is refused.");
        assertTrue(stale.body().contains("the row changed while you were looking"), "The page explains why: " + stale.body());
        assertEquals(99, ((Number) web.value("A", "qty", 1)).intValue(), "The newer change stands.");
        assertTrue(record(id).decision().isEmpty(), "Nothing was decided.");
    }

    @Test
    void aMergeIsPreviewedThenWrittenWithATypedValue() {
        Browser b = web.loggedIn("steward");
        long id = web.conflictOn(1);
        String mergePage = b.get("/conflicts/" + id + "/merge").body();
        String csrf = Browser.csrf(mergePage);
        String asOf = Browser.asOf(mergePage);
        Map<String, String> choices = form("csrf", csrf, "asOf", asOf, "pick:NAME", "local", "pick:QTY", "typed", "typed:QTY", "15",
            "pick:PRICE", "remote", "comment", "both counted");
        HttpResponse<String> preview = b.post("/conflicts/" + id + "/merge/preview", choices);
        assertEquals(200, preview.statusCode(), preview.body());
        assertTrue(preview.body().contains("bolt-a") && preview.body().contains(">15<"), "The preview shows the merged row.");
        assertEquals("bolt-b", web.value("A", "name", 1), "A preview writes nothing.");

        Map<String, String> bad = new java.util.LinkedHashMap<>(choices);
        bad.put("typed:QTY", "fifteen");
        HttpResponse<String> refused = b.post("/conflicts/" + id + "/merge/preview", bad);
        assertEquals(400, refused.statusCode(), "A typed value that is not a number is not previewed ...");
        assertTrue(refused.body().contains("QTY: &#39;fifteen&#39; is not a whole number") || refused.body().contains("QTY: 'fifteen' is not a whole number"),
            "... and the form says why: " + refused.body());

        Map<String, String> confirm = new java.util.LinkedHashMap<>(choices);
        confirm.put("step", "confirm");
        HttpResponse<String> done = b.post("/conflicts/" + id + "/merge", confirm);
        assertEquals(303, done.statusCode(), "The merge is written: " + done.body());
        assertEquals("bolt-a", web.value("A", "name", 1));
        assertEquals(15, ((Number) web.value("A", "qty", 1)).intValue());
        assertEquals(0, new BigDecimal("1.50").compareTo((BigDecimal) web.value("A", "price", 1)));
        assertTrue(record(id).decision().orElseThrow().what().startsWith("merge"), "The record says it was merged.");
        web.cluster.sync();
        assertEquals(15, ((Number) web.value("B", "qty", 1)).intValue(), "B holds the merged row.");
    }

    @Test
    void aBulkDecisionSaysHowManyThenDecidesEveryMatchingConflict() {
        Browser b = web.loggedIn("steward");
        String list = b.get("/conflicts?table=ITEM").body();
        assertTrue(list.contains("id=\"bulk-review\""), "The list offers a resolver a bulk decision.");
        long matching = web.cluster.node("A").conflicts().stream().filter(r -> r.table().equals("ITEM")).count();
        HttpResponse<String> confirm = b.get("/bulk?table=ITEM&rule=take-local");
        assertEquals(200, confirm.statusCode());
        assertTrue(confirm.body().contains("id=\"bulk-count\">" + matching + "<"), "The confirmation says how many: " + matching);
        assertEquals("bolt-b", web.value("A", "name", 1), "Asking writes nothing.");
        HttpResponse<String> done = b.post("/bulk", form("csrf", Browser.csrf(confirm.body()), "table", "ITEM", "rule", "take-local",
            "comment", "A's stock count is right"));
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("Decided " + matching + " of the " + matching), "Every matching conflict was decided: " + done.body());
        assertTrue(web.cluster.node("A").conflicts().stream().filter(r -> r.table().equals("ITEM"))
            .allMatch(r -> r.status() == ConflictStatus.RESOLVED_BY_HAND), "Every conflict on ITEM at A is resolved by hand.");
        assertTrue(web.cluster.node("A").conflicts().stream().filter(r -> r.table().equals("TAG")).allMatch(r -> r.decision().isEmpty()),
            "The conflicts the filter left out are not decided.");
        assertEquals("bolt-a", web.value("A", "name", 1));
        assertEquals(21, ((Number) web.value("A", "qty", 2)).intValue());
        web.cluster.sync();
        assertEquals(31, ((Number) web.value("B", "qty", 3)).intValue(), "The decisions replicated to B.");
    }

    @Test
    void afterLogoutTheSessionIsGone() {
        Browser b = web.loggedIn("steward");
        String page = b.get("/conflicts").body();
        HttpResponse<String> out = b.post("/logout", form("csrf", Browser.csrf(page)));
        assertEquals(303, out.statusCode());
        assertEquals(303, b.get("/conflicts").statusCode(), "After logout the pages need a login again.");
    }
}
