/**
 * What the database says about the replicated tables: their columns, types and primary keys, checked against the
 * configuration ({@link dev.converge.catalog.TableCatalog}) and bound to typed jOOQ fields
 * ({@link dev.converge.catalog.BoundTable}) so that values from row images bind with each column's own type.
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.catalog;
