/**
 * Running a node: {@link dev.converge.node.run.RunningNode} puts the HTTP server, the peer links and the monitoring
 * endpoints together around an opened core {@link dev.converge.Node}; {@link dev.converge.node.run.ConfigReload}
 * re-reads its configuration file and changes its peers while it runs, on SIGHUP ({@link dev.converge.node.run.ReloadSignal})
 * or on {@code converge reload}; {@link dev.converge.node.run.AdminEndpoint} takes the requests of the node's own commands
 * ({@code converge reload}, and {@code converge resync} while the node runs), authenticated by the
 * {@link dev.converge.node.run.AdminKey} the node writes for its own user.
 */
package dev.converge.node.run;
