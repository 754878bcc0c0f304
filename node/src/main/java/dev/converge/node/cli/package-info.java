/**
 * The {@code converge} command line: {@link dev.converge.node.cli.ConvergeCommand} and one class per subcommand.
 * Subcommands only parse their arguments and delegate; the work lives in the modules that own it ({@code spec} in
 * the specs module, the configuration file in {@code dev.converge.node.config}, the status in
 * {@code dev.converge.node.status}, installing and checking against the database in the core's {@code Node}).
 */
package dev.converge.node.cli;
