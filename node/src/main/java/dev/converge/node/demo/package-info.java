/**
 * {@code converge demo}: three real peers A, B and C in one JVM, each with its own H2 file database and HTTP port on
 * 127.0.0.1, configured by node files written for the run and read back as a user's would be; concurrent writers on
 * all three that produce real conflicts; then a check, in SQL, that the three databases hold the same rows, and a
 * summary of what was replicated and how each conflict was decided.
 *
 * <p>{@link dev.converge.node.demo.Demo} runs it; the parts are the {@link dev.converge.node.demo.DemoSettings}, the
 * sample {@link dev.converge.node.demo.SampleSchema}, the {@link dev.converge.node.demo.DemoFolder} with the node
 * files, the {@link dev.converge.node.demo.DemoMesh} of running nodes, the {@link dev.converge.node.demo.Writers} and
 * the {@link dev.converge.node.demo.SkuClash}, the {@link dev.converge.node.demo.ProgressLine}, and the
 * {@link dev.converge.node.demo.Convergence} check with the {@link dev.converge.node.demo.Summary}. Internal to the
 * command line; nothing here is public API.
 */
package dev.converge.node.demo;
