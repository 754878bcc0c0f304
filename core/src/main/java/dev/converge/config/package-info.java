/**
 * A node's configuration as immutable records: identity and priority, peers, replicated tables with their row filter,
 * column subset, conflict scope and resolver. Problems are values ({@link dev.converge.config.ConfigError}) that name
 * the table or key at fault; checking against a live database is {@code dev.converge.catalog}'s job.
 */
package dev.converge.config;
