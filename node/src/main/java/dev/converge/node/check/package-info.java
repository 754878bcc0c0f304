/**
 * {@code converge check} between two live peers over their authenticated HTTP link: the questions a node answers
 * about its replicated rows ({@link dev.converge.node.check.CheckAnswers}), the other side of a comparison asked over
 * the network ({@link dev.converge.node.check.PeerDigests}), their JSON ({@link dev.converge.node.check.CheckWire}),
 * and the report as a person reads it ({@link dev.converge.node.check.CheckText}). The comparison itself is the core's
 * ({@link dev.converge.check.Comparison}).
 */
package dev.converge.node.check;
