/**
 * The {@code converge} command line: {@link dev.converge.node.cli.ConvergeCommand} and one class per subcommand.
 * Subcommands only parse their arguments and delegate; the work lives in the modules that own it ({@code spec} in
 * the specs module).
 */
package dev.converge.node.cli;
