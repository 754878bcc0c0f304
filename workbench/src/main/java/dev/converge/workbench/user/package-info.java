/**
 * The people who may use the workbench: {@link dev.converge.workbench.user.WorkbenchUser} (name, role, password hash,
 * as the node's configuration lists them) and {@link dev.converge.workbench.user.PasswordHash} (PBKDF2-HMAC-SHA256;
 * a clear password is never stored). The node's configuration reader builds these; the workbench's web pages and JSON
 * API check logins against them.
 */
package dev.converge.workbench.user;
