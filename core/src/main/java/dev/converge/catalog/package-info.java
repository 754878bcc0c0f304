/**
 * What the database says about the replicated tables: their columns, types and primary keys, checked against the
 * configuration ({@link dev.converge.catalog.TableCatalog}) and bound to typed jOOQ fields
 * ({@link dev.converge.catalog.BoundTable}) so that values from row images bind with each column's own type.
 */
package dev.converge.catalog;
