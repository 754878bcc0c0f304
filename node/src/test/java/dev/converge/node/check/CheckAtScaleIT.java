package dev.converge.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge check} over a million rows a side, in a process whose heap is far smaller than the rows would take
 * as row images (about 250 MiB): the check streams both tables, so it runs, names exactly the four differing keys, and
 * stays within the heap. H2 file databases; the peer over real HTTP.
 */
class CheckAtScaleIT {
    private static final int ROWS = 1_000_000;
    private static final String HEAP = "-Xmx160m";

    @TempDir
    Path dir;

    @Test
    void aMillionRowsAreCheckedInABoundedHeap() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
            "-cp", System.getProperty("java.class.path"), CheckAtScale.class.getName(), dir.toString(), Integer.toString(ROWS))
            .redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        System.out.println(out.lines().filter(l -> l.startsWith("filled") || l.startsWith("check took") || l.startsWith("heap"))
            .reduce((x, y) -> x + System.lineSeparator() + y).orElse(""));
        assertEquals(1, p.exitValue(), "the check ran in " + HEAP + " and found differences: " + out);
        String o = out.toLowerCase(java.util.Locale.ROOT);
        assertTrue(o.contains("item: 1,000,000 rows here, 1,000,000 on b: 4 keys differ"), out);
        for (String key : List.of("missing on b\\s+\\{id=777}", "missing here\\s+\\{id=1000001}", "values differ\\s+\\{id=500000}",
            "values differ\\s+\\{id=999999}")) {
            assertTrue(Pattern.compile(key).matcher(o).find(), key + " in " + out);
        }
        assertTrue(out.contains("heap at most"), "the process ended normally, within " + HEAP + ": " + out);
    }
}
