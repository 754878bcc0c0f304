/**
 * Net-effect evaluation: turns the row operations capture recorded inside one committed source transaction
 * ({@link dev.converge.neteffect.RawChange}) into the {@link dev.converge.model.Change}s that are shipped, one per
 * row at most, in an order that respects foreign keys ({@link dev.converge.neteffect.NetEffect}). It is the seed
 * article's Informix ER rule set, kept pure (no database, no clock) so that every rule can be tested on its own and
 * against a model, and so that capture, whether trigger- or log-based, only has to record faithfully.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.neteffect;
