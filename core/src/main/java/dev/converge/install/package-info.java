/**
 * Converge's own tables in a node's database ({@code cv_*}), defined once as jOOQ tables and fields
 * ({@link dev.converge.install.MetaTables}) and used by the installer, the queues, the apply engine and the conflict
 * store alike, so that no table or column name is spelled twice; and how a running node follows changes to the
 * replicated tables' columns ({@link dev.converge.install.SchemaWatch}).
 *
 * <p><b>Internal</b>: not part of Converge's public API; its types are public only so that the engine's other packages
 * can use them, and may change without notice. Applications use {@link dev.converge.Node} and the SPI packages.
 */
package dev.converge.install;
