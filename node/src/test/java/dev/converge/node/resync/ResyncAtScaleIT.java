package dev.converge.node.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge resync} of a table far larger than the heap would hold as row images, in a process with a small
 * heap: the snapshot is read, shipped and merged a page at a time, so it finishes, B holds every row of A (compared in
 * SQL: count and sum), and the heap stays within its bound. H2 file databases; the peer over real HTTP.
 */
class ResyncAtScaleIT {
    private static final int ROWS = 200_000;
    private static final String HEAP = "-Xmx64m";

    @TempDir
    Path dir;

    @Test
    void aLargeSnapshotLoadsInABoundedHeap() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
            "-cp", System.getProperty("java.class.path"), ResyncAtScale.class.getName(), dir.toString(), Integer.toString(ROWS))
            .redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        System.out.println(out.lines().filter(l -> l.startsWith("filled") || l.startsWith("resync took") || l.startsWith("heap")
            || l.startsWith("rows in b")).reduce((x, y) -> x + System.lineSeparator() + y).orElse(""));
        assertEquals(0, p.exitValue(), "the resync ran in " + HEAP + ": " + out);
        long kept = ROWS - ROWS / 100;
        long sum = 0;
        for (long id = 1; id <= ROWS; id++) {
            sum += id % 100 == 0 ? 0 : id % 50 == 1 ? id + 1 : id;
        }
        assertTrue(out.contains("rows in b: " + kept + ", sum " + sum), "B holds every row of A: " + out);
        assertTrue(out.contains("heap at most"), "the process ended normally, within " + HEAP + ": " + out);
    }
}
