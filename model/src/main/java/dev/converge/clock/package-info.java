/**
 * Time for ordering changes across peers: the {@link dev.converge.clock.HybridTimestamp} value type (what conflict
 * resolution by "last update wins" compares), the {@link dev.converge.clock.HybridClock} rule that issues it (applied
 * by the outbound sequencer to each local transaction, see there), and the injected {@link dev.converge.clock.TimeSource}
 * it reads. A hybrid logical clock, rather than the bare wall clock the
 * seed article warns about ("clocks must be synchronised"), keeps timestamps increasing when a node's clock goes back
 * and orders a change after every change its node had seen, even when that node's clock is behind.
 */
package dev.converge.clock;
