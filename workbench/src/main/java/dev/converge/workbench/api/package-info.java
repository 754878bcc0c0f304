/**
 * The workbench's JSON API ({@link dev.converge.workbench.api.ConflictApi}): list, show and decide conflicts over HTTP
 * with the same rules as the web pages (a login, the resolver role to decide, the staleness check), so resolution can
 * be scripted; {@code converge conflicts} is its command-line client. {@link dev.converge.workbench.api.ConflictFilter}
 * reads a conflict list's parameters for both.
 */
package dev.converge.workbench.api;
