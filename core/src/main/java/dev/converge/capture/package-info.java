/**
 * Capture: how every committed INSERT, UPDATE and DELETE on a replicated table lands in the outbound queue in the
 * same transaction as the user's change (a transactional outbox), with before and after images, the row filter's
 * verdict on each image and the wall clock's reading at the statement (the sequencer turns it into the transaction's
 * hybrid timestamp, see {@link dev.converge.clock.HybridClock}); and how Converge's own tables and triggers are
 * installed and removed ({@link dev.converge.capture.Installer}). PostgreSQL uses statement-level triggers with
 * transition tables, H2 a Java row trigger. Writes of the apply engine are never captured (no echo).
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.capture;
