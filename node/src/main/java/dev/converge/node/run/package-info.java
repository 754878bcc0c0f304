/**
 * Running a node: {@link dev.converge.node.run.RunningNode} puts the HTTP server, the peer links and the monitoring
 * endpoints together around an opened core {@link dev.converge.Node}.
 */
package dev.converge.node.run;
