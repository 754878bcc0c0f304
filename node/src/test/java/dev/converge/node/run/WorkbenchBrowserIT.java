package dev.converge.node.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Node;
import dev.converge.clock.TimeSource;
import dev.converge.config.NodeConfig;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictRecord;
import dev.converge.dialect.Dialect;
import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerEndpoint;
import dev.converge.node.peer.PeerLimits;
import dev.converge.node.peer.Secret;
import dev.converge.testkit.Await;
import dev.converge.testkit.Sql;
import dev.converge.testkit.TestDatabases;
import dev.converge.workbench.user.PasswordHash;
import dev.converge.workbench.user.WorkbenchUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The workbench in a real headless Chromium, against two real running nodes A and B replicating over HTTP (each with
 * its own H2 database and port, and the workbench mounted as {@code converge run} mounts it): a page without a login
 * leads to the login; a viewer sees a conflict but no way to decide it; a form without its CSRF token is refused; a
 * resolver filters the list, opens the conflict, merges two columns (one side's name, a typed quantity), previews the
 * row, confirms, and the merged row arrives on B.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkbenchBrowserIT {
    static final String PASSWORD = "plum-orchard-42";
    static final String SCHEMA = "create table item (id int primary key, name varchar(100), qty int)";

    static final Map<String, DataSource> DBS = new LinkedHashMap<>();
    static final Map<String, RunningNode> RUNNING = new LinkedHashMap<>();
    static String base;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path profile) {
        PasswordHash hash = PasswordHash.create(PASSWORD.toCharArray());
        List<WorkbenchUser> users = List.of(new WorkbenchUser("steward", WorkbenchUser.Role.RESOLVER, hash),
            new WorkbenchUser("olga", WorkbenchUser.Role.VIEWER, hash));
        List<String> ids = List.of("A", "B");
        Map<String, Integer> ports = Map.of("A", freePort(), "B", freePort());
        String secret = "s3cr3t-A-B-" + UUID.randomUUID();
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (String id : ids) {
            DataSource db = TestDatabases.fresh(Dialect.H2, "wb_browser_" + id);
            Sql.on(db).execute(SCHEMA);
            Sql.on(db).execute("insert into item values (1, 'bolt', 10)");
            DBS.put(id, db);
            NodeConfig config = NodeConfig.builder(id).peer(id.equals("A") ? "B" : "A").table(TableConfig.of("item")).build();
            nodes.put(id, Node.open(config, db, TimeSource.system()));
        }
        // both change row 1 before either runs: when they meet, each finds a conflict
        Sql.on(DBS.get("A")).execute("update item set name = 'bolt-from-a', qty = 11 where id = 1");
        Sql.on(DBS.get("B")).execute("update item set name = 'bolt-from-b', qty = 12 where id = 1");
        for (String id : ids) {
            String other = id.equals("A") ? "B" : "A";
            PeerEndpoint peer = new PeerEndpoint(NodeId.of(other), URI.create("http://127.0.0.1:" + ports.get(other)), Secret.of(secret));
            WorkbenchMount workbench = new WorkbenchMount(nodes.get(id), users);
            RunningNode r = new RunningNode(nodes.get(id), DBS.get(id), new InetSocketAddress("127.0.0.1", ports.get(id)), List.of(peer),
                PeerLimits.DEFAULT.withMaxBackoff(Duration.ofMillis(500)), List.of(workbench.routes()));
            workbench.attach(r);
            RUNNING.put(id, r);
        }
        Await.until(() -> !nodes.get("A").conflicts().isEmpty() && items("A").equals(items("B")), Duration.ofSeconds(30),
            "A recorded the conflict and the nodes agree: A " + items("A") + ", B " + items("B"));
        base = "http://127.0.0.1:" + ports.get("A");
        browser = Chromium.start(profile.resolve("chromium"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        RUNNING.values().forEach(RunningNode::close);
    }

    static String items(String id) {
        return Sql.on(DBS.get(id)).query("select id, name, qty from item order by id").toString();
    }

    static void logIn(WebDriver b, String name) {
        b.manage().deleteAllCookies();
        b.get(base + "/login");
        b.findElement(By.id("name")).sendKeys(name);
        b.findElement(By.id("password")).sendKeys(PASSWORD);
        navigate(b, By.id("login"));
    }

    static long conflictOnA() {
        List<ConflictRecord> all = RUNNING.get("A").node().conflicts();
        return all.get(all.size() - 1).id();
    }

    @Test
    @Order(1)
    void aPageWithoutALoginLeadsToTheLoginAndBack() {
        browser.manage().deleteAllCookies();
        long id = conflictOnA();
        browser.get(base + "/conflicts/" + id);
        assertTrue(browser.getCurrentUrl().startsWith(base + "/login?then="), "Without a login: the login page, " + browser.getCurrentUrl());
        browser.findElement(By.id("name")).sendKeys("olga");
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        navigate(browser, By.id("login"));
        assertEquals(base + "/conflicts/" + id, browser.getCurrentUrl(), "After the login, the page asked for.");
        assertEquals("Conflict " + id, browser.findElement(By.tagName("h1")).getText());
    }

    @Test
    @Order(2)
    void aViewerSeesTheConflictButCannotDecideIt() {
        logIn(browser, "olga");
        browser.get(base + "/conflicts/" + conflictOnA());
        assertTrue(browser.findElements(By.id("take-local")).isEmpty() && browser.findElements(By.id("merge")).isEmpty(),
            "No decision buttons for a viewer.");
        assertTrue(browser.findElement(By.id("viewer-note")).getText().contains("viewer"), "The page says why.");
        assertTrue(browser.findElement(By.id("sides")).getText().contains("bolt-from-a"), "The viewer sees the rows side by side.");
        browser.get(base + "/conflicts/" + conflictOnA() + "/merge");
        assertTrue(browser.findElements(By.id("merge-form")).isEmpty(), "The merge form is not shown to a viewer.");
    }

    @Test
    @Order(3)
    void aFormWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        logIn(browser, "steward");
        long id = conflictOnA();
        browser.get(base + "/conflicts/" + id);
        String before = items("A");
        // the form as another site would post it: everything but the session's token
        browser.executeScript("document.querySelector('#decide input[name=csrf]').remove()");
        navigate(browser, By.id("delete"));
        assertEquals("This form cannot be accepted", browser.findElement(By.id("heading")).getText());
        assertEquals(before, items("A"), "Nothing changed: the row is still there.");
        assertTrue(RUNNING.get("A").node().conflict(id).orElseThrow().decision().isEmpty(), "Nothing was decided.");
    }

    @Test
    @Order(4) // the merge comes last: it decides the conflict the others look at
    void aResolverMergesTwoColumnsAndTheMergedRowReachesTheOtherPeer() {
        logIn(browser, "steward");
        assertEquals(base + "/conflicts", browser.getCurrentUrl(), "The login leads to the list.");
        new Select(browser.findElement(By.id("f-table"))).selectByValue("ITEM");
        browser.findElement(By.id("f-key")).sendKeys("1");
        navigate(browser, By.id("apply"));
        assertTrue(browser.getCurrentUrl().contains("table=ITEM") && browser.getCurrentUrl().contains("key=1"), browser.getCurrentUrl());
        List<WebElement> links = browser.findElements(By.cssSelector("a[id^=conflict-]"));
        assertTrue(!links.isEmpty(), "The filtered list shows the conflict on row 1.");
        long id = conflictOnA();
        navigate(browser, By.id("conflict-" + id));
        assertTrue(browser.findElement(By.id("sides")).getText().contains("bolt-from-a"), "Both rows are shown side by side.");

        navigate(browser, By.id("merge"));
        browser.findElement(By.cssSelector("input[name='pick:NAME'][value='local']")).click();
        browser.findElement(By.cssSelector("input[name='pick:QTY'][value='typed']")).click();
        browser.findElement(By.cssSelector("input[name='typed:QTY']")).sendKeys("42");
        browser.findElement(By.id("comment")).sendKeys("A's name, the counted quantity");
        navigate(browser, By.id("preview"));

        String preview = browser.findElement(By.id("preview")).getText();
        assertTrue(preview.contains("bolt-from-a") && preview.contains("42"), "The preview shows the merged row: " + preview);
        assertTrue(items("B").contains("bolt-from-b"), "Nothing is written before the confirmation.");
        navigate(browser, By.id("confirm"));

        assertTrue(browser.findElement(By.id("flash")).getText().contains("replicates to every peer"), "The decision is confirmed.");
        assertTrue(browser.findElement(By.id("decision")).getText().contains("steward"), "The page says who decided.");
        Await.until(() -> items("B").equals("[{ID=1, NAME=bolt-from-a, QTY=42}]") || items("B").contains("bolt-from-a"),
            Duration.ofSeconds(30), "the merged row reaches B: " + items("B"));
        assertEquals(items("A"), items("B"), "A and B hold the merged row.");
        assertTrue(items("B").contains("42"), "B's quantity is the typed one: " + items("B"));
    }

    /**
     * Clicks what leads to another page and waits until the browser has left this one: a click returns before a form's
     * answer is loaded, and the next page may carry an element of the same id (the preview button, the preview).
     */
    static void navigate(WebDriver b, By what) {
        WebElement element = b.findElement(what);
        element.click();
        new WebDriverWait(b, Duration.ofSeconds(30)).until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException gone) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                // Chromium may answer for an element of a document being replaced with "does not belong to the
                // document" rather than a stale element: the old page is going too
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
        new WebDriverWait(b, Duration.ofSeconds(30)).until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
