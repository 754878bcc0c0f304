package dev.converge.node.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlaceAndAReportLineTakesItsPlace() {
        String[] now = {"scanning 10%"};
        LiveLine line = new LiveLine(() -> now[0], out, true, 5_000);
        line.print();
        now[0] = "scan 20%";
        line.print();
        line.println("item: the same");
        assertEquals("\rscanning 10%\rscan 20%    \ritem: the same\n", printed(),
            "a shorter line pads over the longer one; a report line overwrites the live line and ends it");
    }

    @Test
    void elsewhereEachLineIsPlain() throws InterruptedException {
        LiveLine line = new LiveLine(() -> "scanning", out, false, 5_000);
        line.print();
        line.println("item: the same");
        line.stop();
        assertEquals("scanning\nitem: the same\nscanning\n", printed(), "stop prints a last line");
    }
}
