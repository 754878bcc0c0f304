/**
 * Conflict review and manual resolution: the web UI, its JSON API and the resolution service that turns a person's
 * decision into a ChangeSet every peer applies. Builds on the conflict records and read API of the core's
 * {@code dev.converge.conflict} package. Arrives with the workbench issue.
 */
package dev.converge.workbench;
