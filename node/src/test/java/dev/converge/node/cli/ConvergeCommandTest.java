package dev.converge.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process, as a user would type it. */
class ConvergeCommandTest {
    private static final String PASSING = """
        name: cli-passes
        about: A writes, B receives.
        nodes: [{id: A}, {id: B}]
        schema: "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40))"
        steps:
          - {node: A, sql: "INSERT INTO pers VALUES (1, 'Ion')"}
          - sync
        expect:
          tables:
            pers: [{marca: 1, nume: Ion}]
        """;

    private static final String MALFORMED = """
        name: cli-broken
        nodes: [{id: A}]
        schema: "CREATE TABLE t (id INT PRIMARY KEY)"
        steps:
          - {node: Z, sql: "DELETE FROM t"}
        """;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int converge(String... args) {
        return ConvergeCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void specRunsAFolderAndReportsEachScenarioThenTheCount(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a-passes.yaml"), PASSING);
        Files.writeString(dir.resolve("b-broken.yml"), MALFORMED);
        Files.writeString(dir.resolve("notes.txt"), "not a scenario");
        Path broken = dir.resolve("b-broken.yml");

        int exit = converge("spec", "--dialect", "h2", dir.toString());

        assertEquals(List.of(
            "PASS cli-passes [h2]",
            "FAIL " + broken + ": " + broken + ":5: steps[0].node: node 'Z' is not declared in nodes (declared: A)",
            "1 passed, 1 failed"), outLines(), errText());
        assertEquals(1, exit);
    }

    @Test
    void allPassingExitsZero(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("ok.yaml"), PASSING);
        assertEquals(0, converge("spec", "--dialect", "H2", file.toString()), String.join("\n", outLines()));
        assertEquals(List.of("PASS cli-passes [h2]", "1 passed, 0 failed"), outLines());
    }

    @Test
    void srcAndTargetFoldersAreNotSearched(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src/main/resources"));
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("src/main/resources/x.yaml"), MALFORMED);
        Files.writeString(dir.resolve("target/y.yaml"), MALFORMED);
        assertEquals(1, converge("spec", dir.toString()));
        assertEquals(List.of("no scenario ran: no scenario files in " + dir, "0 passed, 0 failed"), outLines());
    }

    @Test
    void aMissingPathFails(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertEquals(1, converge("spec", missing.toString()));
        assertEquals(List.of("FAIL " + missing + ": " + missing + ":1: no such file or folder", "0 passed, 1 failed"),
            outLines());
    }

    @Test
    void anUnknownDialectIsAUsageError() {
        assertEquals(2, converge("spec", "--dialect", "mysql", "specs"));
        assertTrue(errText().contains("unknown dialect 'mysql' (expected h2 or postgresql)"), errText());
        assertTrue(errText().contains("Usage: converge spec"), errText());
        assertEquals(List.of(), outLines());
    }

    @Test
    void badFlagsAndMissingArgumentsAreUsageErrors() {
        assertEquals(2, converge("spec", "--dialekt", "h2", "specs"));
        assertTrue(errText().contains("Unknown option: '--dialekt'"), errText());
        assertEquals(2, converge("spec"));
        assertTrue(errText().contains("Missing required parameter: 'PATH'"), errText());
        assertEquals(2, converge());
        assertTrue(errText().contains("Missing subcommand"), errText());
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, converge("--help"));
        String help = String.join("\n", outLines());
        assertTrue(help.contains("Usage: converge") && help.contains("spec"), help);
        out.reset();
        assertEquals(0, converge("--version"));
        assertTrue(outLines().get(0).startsWith("converge "), outLines().toString());
        out.reset();
        assertEquals(0, converge("help", "spec"));
        assertTrue(String.join("\n", outLines()).contains("--dialect=h2|postgresql"), outLines().toString());
    }
}
