package dev.converge.workbench.web;

import static dev.converge.workbench.web.Browser.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web pages that only look, over real HTTP (JDK HttpClient) against a real server on H2: the login and its
 * redirects, the security headers and the session cookie, the list with its filters and counts, a conflict's detail,
 * the dashboard. Decisions are {@link WebDecisionsTest}. One fixture for the class: nothing here changes data.
 */
class WebPagesTest {
    static WebFixture web;

    @BeforeAll
    static void start() {
        web = new WebFixture("web_pages");
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void aPageWithoutALoginGoesToTheLoginAndBackAfterIt() {
        Browser b = web.browser();
        long id = web.conflictOn(1);
        HttpResponse<String> page = b.get("/conflicts/" + id + "?x=1");
        assertEquals(303, page.statusCode(), "Without a login the page is not served.");
        assertEquals("/login?then=%2Fconflicts%2F" + id + "%3Fx%3D1", page.headers().firstValue("Location").orElse(""),
            "It sends the person to the login, remembering where they wanted to go.");
        for (String path : List.of("/", "/conflicts", "/dashboard", "/bulk?rule=delete", "/conflicts/" + id + "/merge")) {
            assertEquals(303, b.get(path).statusCode(), path + " needs a login too.");
        }
        HttpResponse<String> login = b.login("steward", WebFixture.PASSWORD, "/conflicts/" + id + "?x=1");
        assertEquals(303, login.statusCode(), "The login succeeds: " + login.body());
        assertEquals("/conflicts/" + id + "?x=1", login.headers().firstValue("Location").orElse(""), "After it, back to the page asked for.");
        assertEquals(200, b.get("/conflicts/" + id).statusCode(), "Logged in, the page is served.");
    }

    @Test
    void aWrongPasswordOrAFormWithoutItsTokenLogsNobodyIn() {
        Browser b = web.browser();
        HttpResponse<String> wrong = b.login("steward", "wrong password", null);
        assertEquals(401, wrong.statusCode(), "A wrong password is refused.");
        assertTrue(wrong.body().contains("do not match"), "The page says so.");
        assertTrue(wrong.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith(Guard.COOKIE + "=") && c.length() > 40),
            "No session cookie is set.");
        assertEquals(303, b.get("/conflicts").statusCode(), "Still not logged in.");

        Browser forged = web.browser();
        HttpResponse<String> noToken = forged.post("/login", form("name", "steward", "password", WebFixture.PASSWORD, "then", "/conflicts"));
        assertEquals(403, noToken.statusCode(), "A login form without its token (e.g. posted by another site) is refused.");
        assertEquals(303, forged.get("/conflicts").statusCode(), "Nobody was logged in by it.");
    }

    @Test
    void theLoginDoesNotSendAPersonToAnotherSite() {
        assertEquals("/conflicts", LoginPage.safeTarget("//evil.example/x"));
        assertEquals("/conflicts", LoginPage.safeTarget("https://evil.example/"));
        assertEquals("/conflicts", LoginPage.safeTarget("/\\evil.example"));
        assertEquals("/dashboard?range=7d", LoginPage.safeTarget("/dashboard?range=7d"));
    }

    @Test
    void pagesCarryTheSecurityHeadersAndAStrictHttpOnlySessionCookie() {
        Browser b = web.browser();
        HttpResponse<String> login = b.login("olga", WebFixture.PASSWORD, null);
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Guard.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"),
            "The session cookie is HttpOnly and SameSite=Strict: " + cookie);
        for (String path : List.of("/conflicts", "/conflicts/" + web.conflictOn(2), "/dashboard", "/login")) {
            HttpResponse<String> page = b.get(path);
            assertEquals(200, page.statusCode(), path);
            var h = page.headers();
            assertEquals(Guard.CSP, h.firstValue("Content-Security-Policy").orElse(""), path + ": the content security policy");
            assertFalse(Guard.CSP.contains("script-src") || Guard.CSP.contains("unsafe-inline"), "No script is allowed at all.");
            assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(""), path);
            assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(""), path);
            assertEquals("no-store", h.firstValue("Cache-Control").orElse(""), path);
            assertFalse(page.body().contains("<script"), path + " has no script.");
            assertFalse(page.body().contains("style=\""), path + " has no inline style (the policy would block it).");
        }
    }

    @Test
    void theListShowsEveryConflictWithCountsPerStatusAndFilters() {
        Browser b = web.loggedIn("olga");
        HttpResponse<String> all = b.get("/conflicts");
        assertEquals(200, all.statusCode());
        long onA = web.cluster.node("A").conflicts().size();
        assertTrue(all.body().contains("All (" + onA + ")"), "The All tab counts every conflict of A: " + onA);
        long auto = web.cluster.node("A").conflicts().stream().filter(r -> r.status() == ConflictStatus.AUTO_RESOLVED).count();
        assertTrue(auto > 0 && all.body().contains("Resolved automatically (" + auto + ")"),
            "Automatically resolved conflicts are listed and counted: " + auto);
        for (ConflictRecord r : web.cluster.node("A").conflicts()) {
            assertTrue(all.body().contains("id=\"conflict-" + r.id() + "\""), "Conflict " + r.id() + " is listed.");
        }

        HttpResponse<String> byKey = b.get("/conflicts?key=2&table=ITEM");
        long two = web.conflictOn(2);
        assertTrue(byKey.body().contains("id=\"conflict-" + two + "\""), "Filtering on key text 2 lists the conflict on row 2.");
        assertFalse(byKey.body().contains("id=\"conflict-" + web.conflictOn(1) + "\""), "... and not the one on row 1.");
        assertTrue(byKey.body().contains("1 conflict matches"), "It says how many match.");
        assertTrue(byKey.body().contains("<option value=\"ITEM\" selected>"), "The table filter offers the tables as the records name them.");

        HttpResponse<String> needsReview = b.get("/conflicts?status=needs-review");
        assertTrue(needsReview.body().contains("0 conflicts match"), "None needs review (the rule resolved them all).");

        HttpResponse<String> bad = b.get("/conflicts?from=yesterday");
        assertEquals(400, bad.statusCode(), "A time that is not one is a bad request ...");
        assertTrue(bad.body().contains("from must be an ISO-8601 instant"), "... that says what was expected.");
    }

    @Test
    void theListPagesThroughKeysetCursors() {
        Browser b = web.loggedIn("olga");
        List<ConflictRecord> all = web.cluster.node("A").conflicts();
        // 50 a page: with few conflicts there is no next page; the link carries the filter and the cursor when there is
        HttpResponse<String> page = b.get("/conflicts?sort=oldest");
        assertFalse(page.body().contains("id=\"next-page\""), "Everything fits on one page: no next page.");
        HttpResponse<String> after = b.get("/conflicts?sort=oldest&after=" + all.get(0).id());
        assertFalse(after.body().contains("id=\"conflict-" + all.get(0).id() + "\""), "The page after the first record starts after it.");
        assertTrue(after.body().contains("id=\"conflict-" + all.get(1).id() + "\""), "... with the next one.");
        assertTrue(after.body().contains("id=\"first-page\""), "A later page links back to the first.");
    }

    @Test
    void aConflictShowsBothRowsSideBySideWithTheDifferencesMarked() {
        Browser b = web.loggedIn("olga");
        HttpResponse<String> page = b.get("/conflicts/" + web.conflictOn(1));
        String html = page.body();
        assertEquals(200, page.statusCode());
        assertTrue(html.contains("bolt-a") && html.contains("bolt-b"), "Both names are shown.");
        assertTrue(html.matches("(?s).*<tr class=\"differs\">\\s*<th scope=\"row\">NAME</th>.*"), "The name column differs and is marked.");
        assertFalse(html.matches("(?s).*<tr class=\"differs\">\\s*<th scope=\"row\">PRICE</th>.*"), "The price does not differ.");
        assertTrue(html.contains("Changed on both nodes"), "The kind of conflict is said in plain words.");
        assertTrue(html.contains("counter"), "Timestamps show the hybrid counter.");
        assertTrue(html.contains("priority 0"), "The nodes' priorities are shown.");
        assertTrue(html.contains("decided by the rule 'timestamp'"), "The rule that decided is named.");
        assertTrue(html.contains("id=\"viewer-note\"") && !html.contains("id=\"take-local\""),
            "A viewer sees no decision buttons, and is told why.");
        assertEquals(404, b.get("/conflicts/999999").statusCode(), "An unknown conflict is a 404 page.");
        assertEquals(404, b.get("/conflicts/abc").statusCode(), "So is a conflict number that is not a number.");
    }

    @Test
    void aUniqueCollisionShowsTheRowUnderItsKeyAndEveryRowItConcerns() {
        Browser b = web.loggedIn("olga");
        // B's later insert of 'red' under key 2 met A's row 1 with the same label; the later write won on A
        String html = b.get("/conflicts/" + web.conflictOn("TAG", 2)).body();
        assertTrue(html.contains("Broke a unique or foreign key"), "The kind is said in plain words.");
        assertTrue(html.matches("(?s).*<th scope=\"row\">ID <span class=\"keytag\">key</span></th>\\s*<td>1</td>\\s*<td>2</td>\\s*<td class=\"now\">2</td>.*"),
            "Now on this node: the row under the conflict's key 2, not A's old row 1: " + html);
        assertTrue(html.contains("Every row this conflict concerns") && html.contains("no such row"),
            "Both rows the collision concerns are listed, A's old one gone.");
    }

    @Test
    void theDashboardShowsPeersAndConflictsOverTimeAsSvg() {
        Browser b = web.loggedIn("olga");
        HttpResponse<String> page = b.get("/dashboard");
        String html = page.body();
        assertEquals(200, page.statusCode());
        assertTrue(html.contains("<svg") && html.contains("<rect x="), "The chart is SVG drawn on the server, with bars.");
        assertTrue(html.contains("ITEM: " + web.cluster.node("A").conflicts().stream().filter(r -> r.table().equals("ITEM")).count() + " conflicts"),
            "A bar's title gives its table and count: " + html);
        assertTrue(html.contains("http://b.example:7402") && html.contains("Reachable") && html.contains("3 ChangeSets waiting")
            && html.contains("42 s"), "The peer's reachability, queue and lag are shown.");
    }

    @Test
    void theStylesheetIsServedWithoutALogin() {
        HttpResponse<String> css = web.browser().get("/workbench.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    }
}
