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

    @Test
    void aBrokenSchemaFailsBeforeAnyNodeOpens() {
        ScenarioResult result = run(TWO_NODES.replace("VARCHAR(40)", "VARCHAR(40") + "steps: [sync]\n");
        assertFails(result, "setting up node A: schema statement failed: CREATE TABLE pers");
    }

    @Test
    void initialRowsMustFitTheSchema() {
        ScenarioResult result = run(TWO_NODES + "initial:\n  pers:\n    - {marca: 1, name: Ion}\nsteps: [sync]\n");
        assertFails(result, "setting up node A: initial: table pers has no column name");
    }

    @Test
    void featuresNotSupportedYetFailRatherThanPass() {
        String yaml = TWO_NODES.replace("schema:", "topology: {reference: A}\ndefaults: {resolver: earliest}\nschema:")
            + "steps: [sync]\nexpect:\n  compensations: [{from: A, to: B}]\n";
        assertFails(run(yaml), "not supported yet: topology {reference: A}, resolver earliest (defaults.resolver), "
            + "expect.compensations");
    }

    @Test
    void aDialectTheScenarioExcludesFails() {
        ScenarioResult result = RUNNER.run(scenario("dialects: [postgresql]\n" + TWO_NODES + "steps: [sync]\n"),
            Dialect.H2);
        assertFails(result, "the scenario does not run on h2 (dialects: postgresql)");
    }
}
