/**
 * Moving ChangeSets between peers: the {@link dev.converge.transport.Transport} SPI (send a batch, get a
 * {@link dev.converge.transport.Receipt} saying what the receiver stored durably), and the in-process transport used
 * by tests and embedded set-ups, whose delivery order the caller controls. HTTP between peers comes with the node
 * module. A transport never decides anything: the sender forgets only what the receipt acknowledges.
 */
package dev.converge.transport;
