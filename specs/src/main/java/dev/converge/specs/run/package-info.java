/**
 * Running scenarios. {@link dev.converge.specs.run.ScenarioRunner} runs one scenario on one dialect: a fresh database
 * per node, the schema and initial rows written with plain JDBC, then a {@link dev.converge.Node} per database on a
 * manual clock, all on one in-process transport; the steps move the scenario clock, write, deliver and sync; then the
 * expectations are checked against what the databases and nodes hold. The answer is a
 * {@link dev.converge.specs.run.ScenarioResult}: PASS, or FAIL with every difference found. The runner never passes a
 * scenario it could not run in full: a feature it does not support yet fails with "not supported yet".
 */
package dev.converge.specs.run;
