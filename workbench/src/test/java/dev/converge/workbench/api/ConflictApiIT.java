package dev.converge.workbench.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.dialect.Dialect;
import dev.converge.testkit.AllDialects;
import dev.converge.testkit.Cluster;
import dev.converge.workbench.Workbench;
import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The workbench's JSON API over real HTTP against a node of a three-node cluster: authentication and roles, the list
 * with filters, a conflict's detail, a merge decided through the API that every peer ends up holding (compared in
 * SQL), a stale decision refused with nothing changed, bulk decisions, and bad requests answered with their reason.
 */
class ConflictApiIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static List<WorkbenchUser> users;
    Javalin server;

    @BeforeAll
    static void hashes() {
        users = List.of(new WorkbenchUser("ana", WorkbenchUser.Role.RESOLVER, PasswordHash.create("ana-secret".toCharArray())),
            new WorkbenchUser("vic", WorkbenchUser.Role.VIEWER, PasswordHash.create("vic-secret".toCharArray())));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Three nodes; A and B write row 1 concurrently (B later), then two more rows conflict the same way. */
    Cluster conflicted(Dialect dialect, String name) {
        Cluster c = Cluster.of(dialect, name, List.of("A", "B", "C"), """
            CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), qty INT);
            INSERT INTO item VALUES (1, 'start', 1), (2, 'start', 2), (3, 'start', 3)""",
            List.of(TableConfig.of("item").withResolver(ResolverSpec.of("timestamp"))));
        for (int id = 1; id <= 3; id++) {
            c.tick(1000);
            c.write("A", "UPDATE item SET v = 'a', qty = 10 WHERE id = " + id);
            c.tick(1000);
            c.write("B", "UPDATE item SET v = 'b', qty = 20 WHERE id = " + id);
        }
        c.sync();
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            new Workbench(c.node("A"), users).routes(config);
        }).start();
        return c;
    }

    HttpResponse<String> get(String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
        if (user != null) {
            b.header("Authorization", basic(user, password));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String user, String password, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (user != null) {
            b.header("Authorization", basic(user, password));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** A row image's column, named in either case (H2 folds unquoted names to upper case). */
    static String column(JsonNode image, String name) {
        JsonNode v = image.has(name) ? image.get(name) : image.get(name.toUpperCase(java.util.Locale.ROOT));
        return v == null ? null : v.asText();
    }

    static Object v(Cluster c, String node, int id) {
        return c.sql(node).scalar("SELECT v FROM item WHERE id = ?", id);
    }

    static Object qty(Cluster c, String node, int id) {
        return ((Number) c.sql(node).scalar("SELECT qty FROM item WHERE id = ?", id)).intValue();
    }

    /** The id of A's conflict record on row {@code row} of item. */
    long conflictOn(int row) throws Exception {
        JsonNode list = json(get("/api/v1/conflicts?table=item&key=%22:" + row + "%7D&limit=10", "vic", "vic-secret"));
        assertEquals(1, list.get("conflicts").size(), "One conflict on row " + row + ": " + list);
        return list.get("conflicts").get(0).get("id").asLong();
    }

    @AllDialects
    void refusesWithoutAValidLoginAndLetsAViewerOnlyLook(Dialect dialect) throws Exception {
        Cluster c = conflicted(dialect, "api_auth");
        HttpResponse<String> none = get("/api/v1/conflicts", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "401 asks for Basic.");
        assertEquals(401, get("/api/v1/conflicts", "ana", "wrong").statusCode(), "A wrong password is refused.");
        assertEquals(401, get("/api/v1/conflicts", "nobody", "ana-secret").statusCode(), "An unknown user is refused.");

        JsonNode list = json(get("/api/v1/conflicts", "vic", "vic-secret"));
        assertEquals(3, list.get("matching").asLong(), "A viewer sees the three conflicts: " + list);
        assertEquals(3, list.get("byStatus").get("auto-resolved").asLong());
        assertEquals("b", column(list.get("conflicts").get(0).get("remote").get("image"), "v"), "The remote image is B's row.");

        long id = conflictOn(1);
        String asOf = json(get("/api/v1/conflicts/" + id, "vic", "vic-secret")).get("asOf").asText();
        HttpResponse<String> viewer = post("/api/v1/conflicts/" + id + "/decision", "vic", "vic-secret",
            "{\"decision\": \"take-local\", \"asOf\": \"" + asOf + "\"}");
        assertEquals(403, viewer.statusCode(), "A viewer cannot decide: " + viewer.body());
        assertEquals("b", v(c, "A", 1), "Nothing changed.");
    }

    @AllDialects
    void aMergeDecidedThroughTheApiWinsOnEveryPeer(Dialect dialect) throws Exception {
        Cluster c = conflicted(dialect, "api_merge");
        long id = conflictOn(1);
        JsonNode detail = json(get("/api/v1/conflicts/" + id, "ana", "ana-secret"));
        assertEquals("a", column(detail.get("conflict").get("local").get("image"), "v"), "The local image is A's row.");
        assertEquals("b", column(detail.get("currentRow"), "v"), "The row as it stands now on A.");
        String asOf = detail.get("asOf").asText();

        c.tick(1000);
        HttpResponse<String> decided = post("/api/v1/conflicts/" + id + "/decision", "ana", "ana-secret",
            "{\"decision\": \"merge\", \"row\": {\"id\": 1, \"v\": \"a\", \"qty\": 20}, \"comment\": \"name from A, count from B\", \"asOf\": \""
                + asOf + "\"}");
        assertEquals(200, decided.statusCode(), decided.body());
        assertEquals("resolved-by-hand", json(decided).get("conflict").get("status").asText());
        assertEquals("ana", json(decided).get("conflict").get("decision").get("by").asText());
        c.sync();
        for (String node : c.ids()) {
            assertEquals("a", v(c, node, 1), "The merged v on " + node);
            assertEquals(20, qty(c, node, 1), "The merged qty on " + node);
        }
        assertEquals("resolved-by-hand", json(get("/api/v1/conflicts/" + id, "vic", "vic-secret")).get("conflict").get("status").asText());
    }

    @AllDialects
    void aStaleDecisionIsRefusedAndChangesNothing(Dialect dialect) throws Exception {
        Cluster c = conflicted(dialect, "api_stale");
        long id = conflictOn(2);
        String asOf = json(get("/api/v1/conflicts/" + id, "ana", "ana-secret")).get("asOf").asText();
        c.tick(1000);
        c.write("A", "UPDATE item SET v = 'later' WHERE id = 2"); // the row changes after the page was read
        HttpResponse<String> stale = post("/api/v1/conflicts/" + id + "/decision", "ana", "ana-secret",
            "{\"decision\": \"delete\", \"asOf\": \"" + asOf + "\"}");
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(json(stale).get("error").asText().length() > 10, "The refusal explains itself: " + stale.body());
        assertEquals("later", v(c, "A", 2), "The row was not deleted.");
        HttpResponse<String> noToken = post("/api/v1/conflicts/" + id + "/decision", "ana", "ana-secret", "{\"decision\": \"delete\"}");
        assertEquals(400, noToken.statusCode(), "A decision without asOf is refused: " + noToken.body());
        assertEquals("later", v(c, "A", 2), "The row was not deleted.");
    }

    @AllDialects
    void bulkDecidesEveryMatchingConflict(Dialect dialect) throws Exception {
        Cluster c = conflicted(dialect, "api_bulk");
        c.tick(1000);
        HttpResponse<String> bulk = post("/api/v1/decisions", "ana", "ana-secret",
            "{\"filter\": {\"table\": \"item\", \"status\": \"auto-resolved\"}, \"decision\": \"take-local\", \"comment\": \"A is right\"}");
        assertEquals(200, bulk.statusCode(), bulk.body());
        assertEquals(3, json(bulk).get("decided").asInt(), bulk.body());
        c.sync();
        for (String node : c.ids()) {
            for (int id = 1; id <= 3; id++) {
                assertEquals("a", v(c, node, id), "A's value of row " + id + " on " + node);
            }
        }
        JsonNode after = json(get("/api/v1/conflicts?status=resolved-by-hand&table=item", "vic", "vic-secret"));
        assertEquals(3, after.get("matching").asLong(), after.toString());
        assertEquals(400, post("/api/v1/decisions", "ana", "ana-secret", "{\"decision\": \"take-local\"}").statusCode(),
            "A bulk decision needs a filter.");
    }

    @AllDialects
    void badRequestsSayWhatWasExpected(Dialect dialect) throws Exception {
        conflicted(dialect, "api_bad");
        HttpResponse<String> status = get("/api/v1/conflicts?status=bogus", "vic", "vic-secret");
        assertEquals(400, status.statusCode());
        assertTrue(json(status).get("error").asText().contains("needs-review"), "Lists the known statuses: " + status.body());
        assertEquals(400, get("/api/v1/conflicts?from=yesterday", "vic", "vic-secret").statusCode());
        assertEquals(400, get("/api/v1/conflicts?limit=0", "vic", "vic-secret").statusCode());
        assertEquals(404, get("/api/v1/conflicts/999999", "vic", "vic-secret").statusCode());
        assertEquals(400, get("/api/v1/conflicts/x1", "vic", "vic-secret").statusCode());
        assertEquals(400, post("/api/v1/conflicts/1/decision", "ana", "ana-secret", "{not json").statusCode());
        HttpResponse<String> unknown = post("/api/v1/conflicts/1/decision", "ana", "ana-secret", "{\"decision\": \"flip\", \"asOf\": \"x\"}");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("take-local"), unknown.body());
    }
}
