/**
 * The workbench's web pages ({@link dev.converge.workbench.web.WebPages}): login, the conflict list, one conflict with
 * its rows side by side, decisions (one side, delete, a merge previewed before it is written, one rule in bulk) and the
 * dashboard, as server-rendered HTML from JTE templates ({@code src/main/jte}) without scripts. Sessions are in
 * {@code session}, the merge form's reading in {@code merge}, the dashboard's data in {@code dashboard}, and what the
 * templates show in {@code view}.
 */
package dev.converge.workbench.web;
