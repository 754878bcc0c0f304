/**
 * The node's connections to its own database: a pool built from the configuration's
 * {@link dev.converge.node.config.DatabaseSettings} ({@link dev.converge.node.database.ConnectionPool}).
 */
package dev.converge.node.database;
