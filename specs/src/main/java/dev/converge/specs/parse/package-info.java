/**
 * Reading scenario files. {@link dev.converge.specs.parse.ScenarioParser} is the entry point; it returns either a
 * {@link dev.converge.specs.model.Scenario} or a {@link dev.converge.specs.parse.ScenarioError} that names the file,
 * the line and the problem. Jackson's tree model forgets where a value came from, so the YAML is first read from
 * Jackson's streaming parser into a small tree that keeps each node's line ({@code YamlTree}); the readers then map
 * that tree to the model, rejecting unknown keys (listed once, in {@code Keys}) so that typos never pass silently.
 */
package dev.converge.specs.parse;
