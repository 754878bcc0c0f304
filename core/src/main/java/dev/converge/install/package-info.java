/**
 * Converge's own tables in a node's database ({@code cv_*}), defined once as jOOQ tables and fields
 * ({@link dev.converge.install.MetaTables}) and used by the installer, the queues, the apply engine and the conflict
 * store alike, so that no table or column name is spelled twice; and how a running node follows changes to the
 * replicated tables' columns ({@link dev.converge.install.SchemaWatch}).
 */
package dev.converge.install;
