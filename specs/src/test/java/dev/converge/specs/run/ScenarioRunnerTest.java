package dev.converge.specs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.dialect.Dialect;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.parse.ScenarioParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runner must never pass vacuously: each way a scenario can be wrong ends in FAIL with a reason that helps. */
class ScenarioRunnerTest {
    private static final ScenarioRunner RUNNER = ScenarioRunner.onScratchDatabases();

    private static final String TWO_NODES = """
        name: self-test
        nodes:
          - id: A
          - id: B
        schema: |
          CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2));
        """;

    private static Scenario scenario(String yaml) {
        return ScenarioParser.parse(Path.of("self-test.yaml"), yaml).getOrElseThrow(e -> new AssertionError(e.toString()));
    }

    private static ScenarioResult run(String yaml) {
        return RUNNER.run(scenario(yaml), Dialect.H2);
    }

    private static void assertFails(ScenarioResult result, String reason) {
        assertFalse(result.passed(), "expected FAIL, got " + result.report());
        assertTrue(result.reason().contains(reason), "the reason should say '" + reason + "', but it is: " + result.reason());
        assertTrue(result.report().startsWith("FAIL self-test [h2]: "), result.report());
    }

    @Test
    void aWrongExpectationFailsAndSaysWhatDiffered() {
        ScenarioResult result = run(TWO_NODES + """
            steps:
              - node: A
                sql: "INSERT INTO pers VALUES (1, 'Ion', 'MS')"
              - sync
            expect:
              tables:
                pers:
                  - {marca: 1, nume: Vasile, jud: MS}
            """);
        assertFails(result, "table pers on A: missing [{marca: 1, nume: 'Vasile', jud: 'MS'}]; "
            + "unexpected [{marca: 1, nume: 'Ion', jud: 'MS'}] (expected 1 row, found 1 row)");
        assertTrue(result.reason().contains("table pers on B: missing"), result.reason());
    }

    @Test
    void theSameScenarioWithTheRightExpectationPasses() {
        ScenarioResult result = run(TWO_NODES + """
            steps:
              - node: A
                sql: "INSERT INTO pers VALUES (1, 'Ion', 'MS')"
              - sync
            expect:
              tables:
                pers:
                  - {marca: 1, nume: Ion, jud: MS}
            """);
        assertTrue(result.passed(), result.report());
        assertEquals("PASS self-test [h2]", result.report());
    }

    @Test
    void undeliveredChangesAreNotConverged() {
        ScenarioResult result = run(TWO_NODES + """
            steps:
              - node: A
                sql: "INSERT INTO pers VALUES (1, 'Ion', 'MS')"
            expect:
              converged: true
            """);
        assertFails(result, "not converged: table pers: A has [{marca: 1, nume: 'Ion', jud: 'MS'}] that B lacks");
    }

    @Test
    void anExpectedErrorThatDoesNotHappenFails() {
        ScenarioResult result = run(TWO_NODES + """
            steps:
              - node: A
                sql: "INSERT INTO pers VALUES (1, 'Ion', 'MS')"
                expect_error: true
              - sync
            """);
        assertFails(result, "step at line 8 (A, 12:00:01): expected an error (expect_error: true), but the statement succeeded");
    }

    @Test
    void anUnexpectedErrorFailsNamingTheStepAndStatement() {
        ScenarioResult result = run(TWO_NODES + """
            steps:
              - node: B
                at: "12:05"
                tx:
                  - "INSERT INTO pers VALUES (1, 'Ion', 'MS')"
                  - "INSERT INTO pers VALUES (1, 'Ion', 'MS')"
              - sync
            """);
        assertFails(result, "step at line 8 (B, 12:05): 'INSERT INTO pers VALUES (1, 'Ion', 'MS')' failed: ");
    }

    /** A problem the database finds in the file: the reason starts {@code FILE:LINE: }, as a malformed file's does. */
    private static void assertFailsAt(ScenarioResult result, int line, String reason) {
        assertFails(result, reason);
        assertTrue(result.reason().startsWith("self-test.yaml:" + line + ": " + reason),
            "the reason should start 'self-test.yaml:" + line + ": " + reason + "', but it is: " + result.reason());
    }

    @Test
    void aBrokenSchemaFailsBeforeAnyNodeOpens() {
        ScenarioResult result = run(TWO_NODES.replace("VARCHAR(40)", "VARCHAR(40") + "steps: [sync]\n");
        assertFailsAt(result, 6, "setting up node A: schema statement failed: CREATE TABLE pers");
    }

    @Test
    void aSchemaErrorPointsAtItsStatementsLine() {
        ScenarioResult result = run(TWO_NODES.replace("CHAR(2));", "CHAR(2));\n  CREATE TABLE other (id INT PRIMARY KEY);\n"
            + "  CREATE TABLE broken (id INTEGRE PRIMARY KEY);") + "steps: [sync]\n");
        assertFailsAt(result, 8, "setting up node A: schema statement failed: CREATE TABLE broken");
        ScenarioResult oneLine = run(TWO_NODES.replace("schema: |\n ", "schema:").replace("CHAR(2));", "CHAR(2)")
            .replace("INT PRIMARY", "INTEGRE PRIMARY") + "steps: [sync]\n");
        assertFailsAt(oneLine, 5, "setting up node A: schema statement failed: CREATE TABLE pers");
    }

    @Test
    void initialRowsMustFitTheSchema() {
        ScenarioResult result = run(TWO_NODES + "initial:\n  pers:\n    - {marca: 1, nume: Ion}\n    - {marca: 2, name: Ion}\n"
            + "steps: [sync]\n");
        assertFailsAt(result, 10, "setting up node A: initial: table pers has no column name");
        ScenarioResult blockRow = run(TWO_NODES + "initial:\n  pers:\n    - marca: 1\n      name: Ion\nsteps: [sync]\n");
        assertFailsAt(blockRow, 10, "setting up node A: initial: table pers has no column name");
    }

    @Test
    void initialRowsOfATableNotInTheSchema() {
        ScenarioResult result = run(TWO_NODES + "initial:\n  pers: []\n  ghost:\n    - {id: 1}\nsteps: [sync]\n");
        assertFailsAt(result, 9, "setting up node A: initial: table ghost is not in the schema");
    }

    @Test
    void anUnknownTableInTablesNamesItsLine() {
        ScenarioResult result = run(TWO_NODES + "tables:\n  pers:\n  ghost:\nsteps: [sync]\n");
        assertFailsAt(result, 9, "opening node A: table ghost: no such table in the database's current schema");
    }

    @Test
    void anInvalidFilterNamesItsLine() {
        ScenarioResult result = run(TWO_NODES + "tables:\n  pers:\n    scope: row\n    filter: \"jud = = 'MS'\"\nsteps: [sync]\n");
        assertFailsAt(result, 10, "opening node A: table pers: row filter \"jud = = 'MS'\" is not a valid boolean expression");
    }

    @Test
    void aFilterOnAColumnTheSubsetLeavesOutIsRefusedAtItsLine() {
        ScenarioResult result = run(TWO_NODES + "tables:\n  pers:\n    columns: [marca, nume]\n    filter: \"jud = 'MS'\"\n"
            + "steps: [sync]\n");
        assertFailsAt(result, 10, "opening node A: table pers: row filter \"jud = 'MS'\" reads column JUD, which the "
            + "column subset leaves out");
    }

    @Test
    void aBadColumnSubsetNamesItsLine() {
        ScenarioResult result = run(TWO_NODES + "tables:\n  pers:\n    filter: \"jud = 'MS'\"\n    columns: [marca, prenume]\n"
            + "steps: [sync]\n");
        assertFailsAt(result, 10, "opening node A: table pers: column subset names 'prenume'");
    }

    @Test
    void aResolverThatFailsIsRecordedAsAnErrorConflict() {
        // test-throws is registered by core's test jar, so it runs here but not from the command line
        ScenarioResult result = run(TWO_NODES + """
            tables:
              pers: {resolver: test-throws}
            initial:
              pers:
                - {marca: 1, nume: Ion, jud: MS}
            steps:
              - node: A
                sql: "UPDATE pers SET nume = 'Ana' WHERE marca = 1"
              - node: B
                sql: "UPDATE pers SET nume = 'Dan' WHERE marca = 1"
              - sync
            expect:
              converged: false
              conflicts:
                - {node: A, table: pers, key: {marca: 1}, type: error, outcome: parked, resolver: test-throws}
                - {node: B, table: pers, key: {marca: 1}, type: error, outcome: parked}
              nodes:
                A: {pers: [{marca: 1, nume: Ana, jud: MS}]}
                B: {pers: [{marca: 1, nume: Dan, jud: MS}]}
            """);
        assertTrue(result.passed(), result.report());
    }

    @Test
    void featuresNotSupportedYetFailRatherThanPass() {
        String yaml = TWO_NODES.replace("schema:", "topology: {reference: A}\ndefaults: {resolver: earliest}\nschema:")
            + "steps: [sync]\nexpect:\n  compensations: [{from: A, to: B}]\n";
        assertFails(run(yaml), "not supported yet: topology {reference: A}, resolver earliest (defaults.resolver), "
            + "expect.compensations");
    }

    @Test
    void aDocumentedResolverNotBuiltYetIsNotSupportedYetButATypoIsMalformed() {
        assertFails(run(TWO_NODES + "tables:\n  pers:\n    resolver: {name: timestamp, then: site-priority}\nsteps: [sync]\n"),
            "not supported yet: resolver timestamp then site-priority (tables.pers.resolver)");
        String typo = ScenarioParser.parse(Path.of("self-test.yaml"),
            TWO_NODES + "tables:\n  pers:\n    resolver: newest-wins\nsteps: [sync]\n").getLeft().toString();
        assertTrue(typo.startsWith("self-test.yaml:9: tables.pers.resolver: unknown resolver 'newest-wins' (known: timestamp, "),
            typo);
        assertFalse(typo.contains("not supported yet"), typo);
    }

    @Test
    void aDialectTheScenarioExcludesFails() {
        ScenarioResult result = RUNNER.run(scenario("dialects: [postgresql]\n" + TWO_NODES + "steps: [sync]\n"),
            Dialect.H2);
        assertFails(result, "the scenario does not run on h2 (dialects: postgresql)");
    }
}
