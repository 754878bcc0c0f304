/**
 * Web sessions of the workbench's pages: {@link dev.converge.workbench.web.session.Sessions} opens, finds and ends
 * them (idle and absolute expiry), {@link dev.converge.workbench.web.session.WebSession} is one, with the CSRF token
 * its forms carry.
 */
package dev.converge.workbench.web.session;
