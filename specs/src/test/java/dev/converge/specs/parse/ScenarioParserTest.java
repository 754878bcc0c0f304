package dev.converge.specs.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.config.ConflictScope;
import dev.converge.config.ResolverSpec;
import dev.converge.config.TableConfig;
import dev.converge.conflict.ConflictType;
import dev.converge.dialect.Dialect;
import dev.converge.specs.model.DeliverStep;
import dev.converge.specs.model.Row;
import dev.converge.specs.model.Scenario;
import dev.converge.specs.model.SqlStep;
import dev.converge.specs.model.Step;
import dev.converge.specs.model.SyncStep;
import dev.converge.specs.model.Topology;
import dev.converge.specs.model.TxStep;
import io.vavr.control.Either;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScenarioParserTest {
    private static final Path FILE = Path.of("specs/pipeline/example.yaml");

    /** A valid scenario; each malformed case below changes one thing in it. */
    private static final String VALID = """
        name: example
        nodes:
          - id: A
          - id: B
        schema: "CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40))"
        steps:
          - node: A
            sql: "INSERT INTO pers VALUES (1, 'Ion')"
          - sync
        """;

    private static Scenario parse(String yaml) {
        Either<ScenarioError, Scenario> result = ScenarioParser.parse(FILE, yaml);
        assertTrue(result.isRight(), () -> "expected a valid scenario, got " + result.getLeft());
        return result.get();
    }

    private static ScenarioError error(String yaml) {
        Either<ScenarioError, Scenario> result = ScenarioParser.parse(FILE, yaml);
        assertTrue(result.isLeft(), "expected an error for:\n" + yaml);
        return result.getLeft();
    }

    /** The error names the file and the line, and says the problem in words. */
    private static void assertError(String yaml, int line, String problem) {
        ScenarioError e = error(yaml);
        assertEquals(FILE, e.file());
        assertTrue(e.problem().contains(problem), "'" + e + "' should say '" + problem + "'");
        assertEquals(line, e.line(), "wrong line in " + e);
        assertTrue(e.toString().startsWith("specs/pipeline/example.yaml:" + line + ": "), e.toString());
    }

    @Test
    void validScenarioParses() {
        Scenario s = parse(VALID);
        assertEquals("example", s.name());
        assertEquals(FILE, s.file());
        assertEquals(List.of("A", "B"), s.nodes().stream().map(n -> n.id()).toList());
    }

    @Test
    void unknownKeyIsAnErrorWithASuggestion() {
        assertError(VALID.replace("schema:", "shema:"), 5, "unknown key 'shema' (did you mean 'schema'?");
    }

    @Test
    void unknownKeyInANestedMapNamesItsPath() {
        assertError(VALID + "tables:\n  pers:\n    filtre: \"jud = 'MS'\"\n", 12,
            "unknown key 'filtre' in tables.pers (did you mean 'filter'?");
    }

    @Test
    void wrongTypeSaysWhatWasExpected() {
        assertError(VALID.replace("  - id: B", "  - id: B\n    priority: high"), 5,
            "nodes[1].priority: expected a whole number, found text 'high'");
        assertError(VALID.replace("nodes:\n  - id: A\n  - id: B", "nodes: A"), 2,
            "nodes: expected a list, found text 'A'");
    }

    @Test
    void missingRequiredKey() {
        assertError(VALID.replace("schema: \"CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40))\"\n", ""), 1,
            "missing required key 'schema'");
        assertError(VALID.replace("  - id: B", "  - priority: 3"), 4, "missing required key 'id' in nodes[1]");
    }

    @Test
    void badNodeId() {
        assertError(VALID.replace("id: B", "id: \"B 2\""), 4, "nodes[1].id: bad node id 'B 2'");
        assertError(VALID.replace("id: B", "id: a-name-longer-than-16"), 4, "bad node id 'a-name-longer-than-16'");
    }

    @Test
    void duplicateNodeIds() {
        assertError(VALID.replace("id: B", "id: A"), 4, "node id 'A' is declared twice");
    }

    @ParameterizedTest
    @CsvSource({"12:5x", "25:00", "12:60", "noon", "12"})
    void badTime(String time) {
        assertError(VALID.replace("    sql: \"INSERT", "    at: \"" + time + "\"\n    sql: \"INSERT"), 8,
            "steps[0].at: bad time '" + time + "' (expected HH:MM or HH:MM:SS");
    }

    @Test
    void badClockSkew() {
        assertError(VALID.replace("  - id: B", "  - id: B\n    clock_skew: 5 minutes"), 5,
            "nodes[1].clock_skew: bad clock skew '5 minutes'");
        assertError(VALID.replace("  - id: B", "  - id: B\n    clock_skew: 30"), 5, "bad clock skew '30'");
    }

    @Test
    void unknownDialect() {
        assertError("dialects: [h2, mysql]\n" + VALID, 1,
            "dialects[1]: unknown dialect 'mysql' (expected one of: h2, postgresql)");
    }

    @Test
    void unknownScope() {
        assertError(VALID + "defaults:\n  scope: rows\n", 11,
            "defaults.scope: unknown scope 'rows' (expected one of: row, transaction)");
    }

    @Test
    void anUnknownResolverIsAnErrorThatListsTheKnownNames() {
        assertError(VALID + "defaults:\n  resolver: newest-wins\n", 11, "defaults.resolver: unknown resolver 'newest-wins' "
            + "(known: timestamp, earliest, site-priority, keep-local, apply-remote, delete-wins, column-merge, delta, "
            + "manual, ignore, sql-function, test-");
        assertError(VALID + "tables:\n  pers:\n    resolver: {name: timestamp, then: newest-wins}\n", 12,
            "tables.pers.resolver.then: unknown resolver 'newest-wins' (known: timestamp, earliest");
    }

    @Test
    void documentedResolversAndRegisteredOnesAreNotTypos() {
        // test-sum is registered by core's test jar
        Scenario s = parse(VALID + "defaults:\n  resolver: {name: earliest, then: site-priority}\n"
            + "tables:\n  pers:\n    resolver: test-sum\n");
        assertEquals("earliest then site-priority", s.defaults().resolver().toString());
    }

    @Test
    void theKnownNamesListTheBuiltInsOnceEach() {
        ScenarioError e = error(VALID + "defaults:\n  resolver: newest-wins\n");
        for (String name : List.of("column-merge", "delta", "ignore")) {
            String listed = ", " + name + ",";
            assertTrue(e.problem().contains(listed), e.problem());
            assertEquals(e.problem().indexOf(listed), e.problem().lastIndexOf(listed), e.problem());
        }
    }

    @Test
    void aResolverMapsOtherKeysAreItsParameters() {
        Scenario s = parse(VALID + "tables:\n  pers:\n    resolver: {name: delta, columns: [marca, jud]}\n");
        ResolverSpec delta = s.tables().orElseThrow().get(0).resolver().orElseThrow();
        assertEquals(ResolverSpec.of("delta").withParameter("columns", List.of("marca", "jud")), delta);
        assertEquals(ResolverSpec.of("delta").withParameter("columns", List.of("marca")),
            parse(VALID + "defaults:\n  resolver: {name: delta, columns: marca}\n").defaults().resolver());
    }

    @Test
    void aParameterTheResolverRefusesIsAnErrorAtItsLine() {
        assertError(VALID + "tables:\n  pers:\n    resolver:\n      name: delta\n      colums: [marca]\n", 14,
            "tables.pers.resolver: resolver delta takes only the parameter columns");
        assertError(VALID + "defaults:\n  resolver: delta\n", 11, "defaults.resolver: resolver delta needs its counter columns");
        assertError(VALID + "defaults:\n  resolver: {name: earliest, thn: site-priority}\n", 11,
            "defaults.resolver: resolver earliest takes no parameters, found thn");
    }

    @Test
    void conflictTypesCanHaveTheirOwnResolvers() {
        Scenario s = parse(VALID + "defaults:\n  conflict_resolvers: {delete-missing-row: ignore}\n"
            + "tables:\n  pers:\n    resolver: timestamp\n    conflict_resolvers:\n      update-missing-row: ignore\n"
            + "      insert-exists: {name: timestamp, then: site-priority}\n");
        assertEquals(Map.of(ConflictType.DELETE_MISSING_ROW, ResolverSpec.of("ignore")), s.defaults().resolverByType());
        assertEquals(Map.of(ConflictType.UPDATE_MISSING_ROW, ResolverSpec.of("ignore"),
                ConflictType.INSERT_EXISTS, ResolverSpec.of("timestamp").thenOnTies(ResolverSpec.of("site-priority"))),
            s.tables().orElseThrow().get(0).resolverByType());
    }

    @Test
    void aConflictTypeResolverMustBeAKnownTypeAndAKnownName() {
        assertError(VALID + "tables:\n  pers:\n    conflict_resolvers:\n      update-missing: ignore\n", 13,
            "tables.pers.conflict_resolvers.update-missing: 'update-missing' is not a conflict type a resolver decides (known: "
                + "insert-exists, update-missing-row, delete-missing-row, update-changed-row, delete-changed-row, constraint)");
        assertError(VALID + "defaults:\n  conflict_resolvers: {transaction: ignore}\n", 11, "'transaction' is not a conflict type");
        assertError(VALID + "defaults:\n  conflict_resolvers: {insert-exists: newest}\n", 11,
            "defaults.conflict_resolvers.insert-exists: unknown resolver 'newest' (known: timestamp");
    }

    @Test
    void stepOnAnUndeclaredNode() {
        assertError(VALID.replace("  - node: A", "  - node: D"), 7,
            "steps[0].node: node 'D' is not declared in nodes (declared: A, B)");
        assertError(VALID.replace("  - sync", "  - deliver: {from: A, to: C}"), 9, "steps[1].deliver.to: node 'C' is not declared");
    }

    @Test
    void deliverToItself() {
        assertError(VALID.replace("  - sync", "  - deliver: {from: A, to: A}"), 9, "a node does not deliver to itself");
    }

    @Test
    void unknownStep() {
        assertError(VALID.replace("  - sync", "  - snyc"), 9, "steps[1]: unknown step 'snyc'");
        assertError(VALID.replace("    sql: \"INSERT", "    sqll: \"INSERT"), 8, "unknown key 'sqll' in steps[0] (did you mean 'sql'?");
        assertError(VALID.replace("  - sync", "  - node: A\n    sql: x\n    tx: [y]"), 9, "has sql and tx");
        assertError(VALID.replace("  - sync", "  - deliver: {from: A, to: B}\n    expect_error: true"), 10,
            "unknown key 'expect_error' in steps[1]");
    }

    @Test
    void aLaterStepMayCarryAnEarlierTime() {
        Scenario s = parse(VALID.replace("    sql: \"INSERT", "    at: \"12:07\"\n    sql: \"INSERT")
            .replace("  - sync", "  - node: B\n    at: \"12:05\"\n    sql: x\n  - sync"));
        assertEquals(List.of(LocalTime.of(12, 7), LocalTime.of(12, 5), LocalTime.of(12, 5, 1)),
            s.steps().stream().map(Step::at).toList());
    }

    @Test
    void duplicateKey() {
        assertError(VALID.replace("  - id: B", "  - id: B\n    id: C"), 5, "key 'id' appears twice (first at line 4)");
    }

    @Test
    void wordsOfTheVocabularyAreChecked() {
        assertError(VALID + "expect:\n  conflicts:\n    - {node: A, type: update-missing}\n", 12,
            "expect.conflicts[0].type: unknown conflict type 'update-missing' (expected one of: insert-exists,");
        assertError(VALID + "expect:\n  conflicts:\n    - node: A\n      outcome: won\n", 13,
            "unknown outcome 'won'");
        assertError(VALID + "expect:\n  nodes:\n    X: {pers: []}\n", 12, "expect.nodes: node 'X' is not declared");
    }

    @Test
    void contradictoryOrVacuousExpectations() {
        assertError(VALID + "expect:\n  no_conflicts: true\n  conflicts:\n    - {node: A}\n", 11,
            "no_conflicts: true contradicts");
        assertError(VALID.replace("  - sync\n", ""), 1, "the scenario checks nothing");
        assertError(VALID + "expect:\n  converged: false\n", 11, "the scenario checks nothing");
    }

    @Test
    void namesAreKebabCase() {
        assertError(VALID.replace("name: example", "name: My_Example"), 1, "name: 'My_Example' is not kebab-case");
    }

    @Test
    void rowValuesAreScalars() {
        assertError(VALID + "initial:\n  pers:\n    - {marca: 1, nume: {first: Ion}}\n", 12,
            "initial.pers[0].nume: expected a value (text, number, true/false or null), found a map");
        assertError(VALID + "initial:\n  pers:\n    - {}\n", 12, "initial.pers[0]: a row needs at least one column");
    }

    @Test
    void notYamlAtAll() {
        ScenarioError e = error("name: x\nnodes: [A, B\nschema: y\n");
        assertTrue(e.problem().startsWith("not valid YAML"), e.toString());
        assertTrue(e.line() >= 2, e.toString());
    }

    @Test
    void emptyFileAndSecondDocument() {
        assertError("", 1, "the file is empty");
        assertError(VALID + "---\nname: other\n", 11, "a second YAML document");
    }

    @Test
    void unreadableFile() {
        ScenarioError e = ScenarioParser.parse(Path.of("no/such/file.yaml")).getLeft();
        assertEquals("no/such/file.yaml:1: cannot read the file: java.nio.file.NoSuchFileException: no/such/file.yaml",
            e.toString());
    }

    @Test
    void stepTimesDefaultToOneSecondAfterThePreviousStep() {
        Scenario s = parse("""
            name: times
            nodes: [{id: A}, {id: B}]
            schema: x
            steps:
              - {node: A, sql: a}
              - {node: A, at: "12:05", sql: b}
              - {node: B, tx: [c, d]}
              - deliver: {from: A, to: B}
              - {node: B, at: "13:00:30", sql: e}
              - sync
            """);
        assertEquals(List.of(LocalTime.of(12, 0, 1), LocalTime.of(12, 5), LocalTime.of(12, 5, 1),
            LocalTime.of(12, 5, 2), LocalTime.of(13, 0, 30), LocalTime.of(13, 0, 31)),
            s.steps().stream().map(Step::at).toList());
        assertEquals(List.of(SqlStep.class, SqlStep.class, TxStep.class, DeliverStep.class, SqlStep.class, SyncStep.class),
            s.steps().stream().map(Object::getClass).toList());
        assertEquals(List.of(5, 6, 7, 8, 9, 10), s.steps().stream().map(Step::line).toList());
    }

    @Test
    void convergedIsCheckedByDefaultOnlyWhenTheLastStepIsSync() {
        assertTrue(parse(VALID).expect().converged());
        String deliverLast = VALID.replace("  - sync", "  - deliver: {from: A, to: B}");
        assertFalse(parse(deliverLast + "expect:\n  no_conflicts: true\n").expect().converged());
        assertTrue(parse(deliverLast + "expect:\n  converged: true\n").expect().converged());
        assertFalse(parse(VALID + "expect:\n  converged: false\n  tables: {pers: []}\n").expect().converged());
    }

    @Test
    void defaultsOfTheFormat() {
        Scenario s = parse(VALID);
        assertEquals(EnumSet.allOf(Dialect.class), s.dialects());
        assertEquals(new Topology.Mesh(), s.topology());
        assertEquals(ConflictScope.ROW, s.defaults().scope());
        assertEquals(ResolverSpec.TIMESTAMP, s.defaults().resolver());
        assertEquals(Optional.empty(), s.tables());
        assertEquals(0, s.nodes().get(0).priority());
        assertEquals(Duration.ZERO, s.nodes().get(0).clockSkew());
        assertFalse(s.expect().noConflicts());
        assertTrue(s.initial().isEmpty());
    }

    @Test
    void everyKeyOfTheFormatIsRead() {
        Scenario s = parse("""
            name: everything
            about: all keys
            dialects: [postgresql]
            nodes:
              - {id: A, priority: 30, clock_skew: "-5m"}
              - {id: B, clock_skew: "+1h30m"}
              - {id: C}
            topology: {reference: C}
            defaults: {scope: transaction, resolver: {name: timestamp, then: site-priority}}
            schema: |
              CREATE TABLE pers (marca INT PRIMARY KEY, nume VARCHAR(40), jud CHAR(2));
            tables:
              pers:
                filter: "jud = 'MS'"
                columns: [marca, nume, jud]
                scope: row
                resolver: earliest
              other:
            initial:
              pers:
                - {marca: 1325, nume: Vasile, jud: MS, rate: 1.50, ok: true, none: null}
            steps:
              - node: B
                at: "12:05"
                sql: "UPDATE pers SET jud = 'CJ' WHERE marca = 1325"
                expect_error: true
              - resolve:
                  node: A
                  conflict: {table: pers, key: {marca: 1325}}
                  take: {row: {marca: 1325, nume: X}}
              - sync
            expect:
              converged: false
              tables: {pers: []}
              nodes: {A: {pers: []}}
              conflicts:
                - {node: A, table: pers, key: {marca: 1325}, type: update-missing-row, outcome: kept-local,
                   status: auto-resolved, scope: row, resolver: timestamp}
              compensations:
                - {from: C, to: A}
            """);
        assertEquals(EnumSet.of(Dialect.POSTGRESQL), s.dialects());
        assertEquals(Duration.ofMinutes(-5), s.nodes().get(0).clockSkew());
        assertEquals(Duration.ofMinutes(90), s.nodes().get(1).clockSkew());
        assertEquals(30, s.nodes().get(0).priority());
        assertEquals(new Topology.Reference("C"), s.topology());
        assertEquals(new ResolverSpec("timestamp", Optional.of(ResolverSpec.of("site-priority"))), s.defaults().resolver());
        assertEquals(ConflictScope.TRANSACTION, s.defaults().scope());
        TableConfig pers = s.tables().orElseThrow().get(0);
        assertEquals(Optional.of("jud = 'MS'"), pers.filter());
        assertEquals(Optional.of(List.of("marca", "nume", "jud")), pers.columns());
        assertEquals(Optional.of(ResolverSpec.of("earliest")), pers.resolver());
        assertEquals(TableConfig.of("other"), s.tables().orElseThrow().get(1));
        Row row = s.initial().get("pers").get(0);
        assertEquals(1325L, row.values().get("marca"));
        assertEquals(new BigDecimal("1.50"), row.values().get("rate"));
        assertEquals(true, row.values().get("ok"));
        assertTrue(row.values().containsKey("none") && row.values().get("none") == null);
        assertTrue(((SqlStep) s.steps().get(0)).expectError());
        assertFalse(s.expect().converged());
        assertEquals(Optional.of(ConflictType.UPDATE_MISSING_ROW), s.expect().conflicts().get(0).type());
        assertEquals(Optional.of(Row.of("marca", 1325L)), s.expect().conflicts().get(0).key());
        assertEquals("C", s.expect().compensations().get(0).from());
    }

    @Test
    void aResolveStepMayGiveTheRowAsSeenAndExpectARefusal() {
        String steps = "  - resolve:\n      node: A\n      conflict: {table: pers, key: {marca: 1}}\n      take: local\n"
            + "      seen: {marca: 1, nume: Ion}\n      expect_refused: true\n  - sync\n";
        Scenario s = parse(VALID + steps);
        dev.converge.specs.model.ResolveStep r = (dev.converge.specs.model.ResolveStep) s.steps().get(2);
        assertEquals(dev.converge.specs.model.Row.of("marca", 1L, "nume", "Ion"), r.seen().orElseThrow());
        assertTrue(r.expectRefused());
        dev.converge.specs.model.ResolveStep plain = (dev.converge.specs.model.ResolveStep) parse(VALID
            + "  - resolve: {node: B, conflict: {table: pers, key: {marca: 1}}, take: remote}\n  - sync\n").steps().get(2);
        assertTrue(plain.seen().isEmpty() && !plain.expectRefused(), "Both keys are optional.");
        assertError(VALID + "  - resolve: {node: A, conflict: {table: pers, key: {marca: 1}}, take: local, sen: {marca: 1}}\n", 10,
            "sen");
    }
}
