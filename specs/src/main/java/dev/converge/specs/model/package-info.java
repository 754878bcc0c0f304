/**
 * The scenario format as immutable values: a {@link dev.converge.specs.model.Scenario} is what one YAML file says,
 * already validated and with every default filled in (step times, conflict scope, resolver, whether convergence is
 * checked). The parser builds these; the runner only reads them. The YAML contract itself is
 * {@code scenario-format.md}; these records follow it key by key.
 */
package dev.converge.specs.model;
