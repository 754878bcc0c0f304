package dev.converge.node.demo;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code converge demo} from start to end, in this order:
 * <ol>
 *   <li>writes the three node files into the demo's folder and starts a node from each ({@link DemoMesh});
 *   <li>writes the seed rows on A and waits until B and C have them;
 *   <li>runs the {@link Writers} and the {@link SkuClash} on all three nodes for the asked time, with the
 *       {@link ProgressLine};
 *   <li>waits until nothing is left in flight, compares the three databases in SQL and prints the {@link Summary};
 *   <li>with {@code --exit}, stops; otherwise keeps the peers running, printing their URLs, until the process is
 *       stopped (Ctrl-C), when a shutdown hook stops the nodes, closes the databases and removes a temporary folder.
 * </ol>
 *
 * <p>Runs on the calling thread; not reusable. Exit codes: 0 converged, 1 the peers did not converge (or did not
 * finish catching up, or a writer failed).
 */
public final class Demo {
    /** How long the peers may take to catch up after the writers stop before the run is declared broken. */
    private static final Duration CATCH_UP_BOUND = Duration.ofSeconds(120);
    private static final int HOT_PRODUCTS = 10;
    private static final long CLASH_EVERY_MILLIS = 1500;
    /**
     * Each writer's mean think time after a commit. On two cores a node applies small ChangeSets at about ten per
     * second today (each apply first sequences the node's own transactions, holding the rows it writes); unpaced
     * writers would leave a backlog the demo then waits minutes for.
     */
    private static final long WRITER_PAUSE_MILLIS = 800;

    private final DemoSettings settings;
    private final PrintStream out;
    private final boolean terminal;

    /**
     * @param terminal whether {@code out} is a terminal, where the progress line is rewritten in place
     */
    public Demo(DemoSettings settings, PrintStream out, boolean terminal) {
        this.settings = settings;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs the demo; with {@code --exit} returns after the summary, otherwise does not return until the process stops.
     *
     * @throws IllegalArgumentException if the chosen folder cannot be used (a usage error)
     */
    public int run() throws Exception {
        long t0 = System.nanoTime();
        DemoFolder folder = DemoFolder.create(settings.folder());
        out.println("Converge demo: three peers A, B and C in this JVM, each with its own H2 database and HTTP port,");
        out.println("replicating over signed HTTP. Node files and databases in " + folder.root()
            + (folder.temporary() ? " (removed when the demo stops; --dir keeps them)" : ""));
        DemoMesh mesh;
        try {
            mesh = DemoMesh.start(folder.files(), settings.writersPerNode() + 3);
        } catch (Exception e) {
            folder.close();
            throw e;
        }
        boolean keepFolder = false;
        Thread hook = new Thread(() -> {
            out.println();
            out.println("stopping the peers ...");
            stop(mesh, folder, false);
            out.println("stopped" + (folder.temporary() ? "; " + folder.root() + " removed" : ""));
            out.flush();
        }, "converge-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (DemoMesh.Peer p : mesh.peers()) {
                out.printf(Locale.ROOT, "  %s  %-24s %s  (%s)%n", p.id(), p.url(), p.settings().database().safeUrl(),
                    folder.root().relativize(p.settings().file()));
            }
            workbenches(mesh, folder);
            boolean converged = exercise(mesh);
            keepFolder = !converged;
            out.printf(Locale.ROOT, "total time: %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (converged && !settings.exitAfterSummary()) {
                keepRunning(mesh, folder);
            }
            return converged ? 0 : 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it stops everything
            }
            stop(mesh, folder, keepFolder);
        }
    }

    /** Seed, writers, catch-up, check and summary; returns whether the peers converged. */
    private boolean exercise(DemoMesh mesh) throws Exception {
        DemoMesh.Peer a = mesh.peers().get(0);
        long seeded = System.nanoTime();
        SampleSchema.seed(a.app());
        if (!Convergence.awaitDrained(mesh, CATCH_UP_BOUND)
            || !Convergence.awaitSame(mesh, CATCH_UP_BOUND).stream().allMatch(c -> c.total() >= SampleSchema.SEED_SUPPLIERS + SampleSchema.SEED_PRODUCTS)) {
            out.println("!!! the seed rows written on A did not reach B and C within " + CATCH_UP_BOUND.toSeconds() + " s");
            return false;
        }
        out.printf(Locale.ROOT, "seed: %d suppliers and %d products written on A, held by B and C %.2f s later%n",
            SampleSchema.SEED_SUPPLIERS, SampleSchema.SEED_PRODUCTS, (System.nanoTime() - seeded) / 1e9);
        List<Long> hot;
        try (Connection c = a.app().getConnection()) {
            hot = SampleSchema.ids(c, "products").subList(0, HOT_PRODUCTS);
        }
        Writers writers = new Writers(mesh.applications(), settings.writersPerNode(), settings.seed(), hot, WRITER_PAUSE_MILLIS);
        SkuClash clash = new SkuClash(mesh.applications(), CLASH_EVERY_MILLIS);
        ProgressLine progress = new ProgressLine(mesh, i -> writers.counts(i).commits.get(), out, terminal);
        out.printf(Locale.ROOT, "writing for %d s: %d writers per node, seed %d: stock moves and price changes on %d hot products,"
                + " new products and suppliers,%n  deletes of products, and every %.1f s one new sku inserted on all three"
                + " at once (a unique collision)%n",
            settings.seconds(), settings.writersPerNode(), settings.seed(), HOT_PRODUCTS, CLASH_EVERY_MILLIS / 1000.0);
        long started = System.nanoTime();
        writers.start();
        clash.start();
        progress.start();
        long end = started + TimeUnit.SECONDS.toNanos(settings.seconds());
        while (System.nanoTime() < end && writers.failure() == null && clash.failure() == null) {
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        writers.stop();
        clash.stop();
        long lastCommit = System.nanoTime();
        progress.phase("catching up");
        boolean drained = Convergence.awaitDrained(mesh, CATCH_UP_BOUND);
        long caughtUp = System.nanoTime();
        progress.phase(drained ? "caught up" : "NOT caught up");
        progress.stop();
        reportWriters(mesh, writers, clash, (lastCommit - started) / 1e9);
        Throwable failed = writers.failure() != null ? writers.failure() : clash.failure();
        if (failed != null) {
            out.println("!!! a writer failed: " + failed);
            failed.printStackTrace(out);
            return false;
        }
        if (!drained) {
            out.println("!!! NOT CONVERGED: the peers still had ChangeSets to send or apply " + CATCH_UP_BOUND.toSeconds()
                + " s after the writers stopped");
            return false;
        }
        out.printf(Locale.ROOT, "every peer held everything %.2f s after the last commit%n%n", (caughtUp - lastCommit) / 1e9);
        long checked = System.nanoTime();
        List<Convergence.Contents> contents = Convergence.awaitSame(mesh, Duration.ofSeconds(10));
        double late = (System.nanoTime() - checked) / 1e9;
        if (late > 0.5) {
            out.printf(Locale.ROOT, "(the databases agreed only %.1f s after every status said nothing was left in flight)%n", late);
        }
        Summary summary = new Summary(out);
        boolean same = summary.contents(mesh, contents);
        List<Long> rowChanges = new ArrayList<>();
        for (int i = 0; i < mesh.peers().size(); i++) {
            rowChanges.add(writers.counts(i).rowChanges.get());
        }
        summary.figures(mesh, new Summary.Figures(rowChanges, (caughtUp - started) / 1e9));
        return same;
    }

    private void reportWriters(DemoMesh mesh, Writers writers, SkuClash clash, double seconds) {
        long commits = 0;
        long rolledBack = 0;
        StringBuilder per = new StringBuilder();
        for (int i = 0; i < mesh.peers().size(); i++) {
            Writers.Counts c = writers.counts(i);
            commits += c.commits.get();
            rolledBack += c.rolledBack.get();
            per.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %,d", mesh.peers().get(i).id(), c.commits.get()));
        }
        out.printf(Locale.ROOT, "writers stopped after %.1f s: %,d commits (%s; %,.0f/s), %d skus inserted on all three at once%n",
            seconds, commits, per, commits / seconds, clash.staged());
        if (rolledBack > 0) {
            out.printf(Locale.ROOT, "  %,d transactions refused and rolled back, as an application would see them:%n", rolledBack);
            writers.refusals().forEach((why, n) -> out.printf(Locale.ROOT, "  %,8d  %s%n", n, why));
        }
    }

    /** Each peer's workbench and this run's login. */
    private void workbenches(DemoMesh mesh, DemoFolder folder) {
        out.println("workbench (conflicts to review and resolve by hand): log in as " + DemoFolder.STEWARD + ", password "
            + folder.password());
        for (DemoMesh.Peer p : mesh.peers()) {
            out.printf(Locale.ROOT, "  %s  %s/conflicts   %s/dashboard%n", p.id(), p.url(), p.url());
        }
    }

    private void keepRunning(DemoMesh mesh, DemoFolder folder) throws InterruptedException {
        out.println();
        out.println("The peers keep running; look at them while they do (Ctrl-C stops them):");
        for (DemoMesh.Peer p : mesh.peers()) {
            out.printf(Locale.ROOT, "  %s  %s/status   %s/metrics   %s/health%n", p.id(), p.url(), p.url(), p.url());
        }
        workbenches(mesh, folder);
        out.flush();
        new CountDownLatch(1).await(); // until the process is stopped: the shutdown hook cleans up
    }

    /** Stops the nodes, closes the databases, removes a temporary folder unless it must be kept. */
    private void stop(DemoMesh mesh, DemoFolder folder, boolean keepFolder) {
        mesh.close();
        if (keepFolder) {
            out.println("the folder " + folder.root() + " is left in place to look at");
        } else {
            folder.close();
        }
    }
}
