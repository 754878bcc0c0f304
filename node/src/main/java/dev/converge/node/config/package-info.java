/**
 * A node's configuration file: one YAML file per node, read by {@link dev.converge.node.config.NodeFile} into a
 * validated {@link dev.converge.node.config.NodeSettings}, or into every {@link dev.converge.node.config.ConfigProblem}
 * the file has (each naming the file, line, column and key path). The file is read with the scenario format's YAML
 * tree and table-rule readers ({@code dev.converge.specs.parse.RuleSyntax}), so a resolver is written the same way in
 * both. Public: the records and {@code NodeFile}; the reading itself is package-private.
 */
package dev.converge.node.config;
