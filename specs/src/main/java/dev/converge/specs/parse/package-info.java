/**
 * Reading scenario files. {@link dev.converge.specs.parse.ScenarioParser} is the entry point; it returns either a
 * {@link dev.converge.specs.model.Scenario} or a {@link dev.converge.specs.parse.ScenarioError} that names the file,
 * the line and the problem. Jackson's tree model forgets where a value came from, so the YAML is first read from
 * Jackson's streaming parser into a small tree that keeps each node's line ({@code YamlTree}); the readers then map
 * that tree to the model, rejecting unknown keys (listed once, in {@code Keys}) so that typos never pass silently.
 *
 * <p>The node module reads its configuration file with the same tree ({@link dev.converge.specs.parse.YamlTree},
 * {@link dev.converge.specs.parse.YamlNode}, {@link dev.converge.specs.parse.Malformed}) and the same table-rule readers
 * ({@link dev.converge.specs.parse.RuleSyntax}): a resolver is written the same way in both files.
 */
package dev.converge.specs.parse;
