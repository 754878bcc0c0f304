/**
 * What the workbench's pages show, as records the templates ({@code src/main/jte}) read: every value already turned
 * into the text a person reads, so templates only lay out and escape. Immutable.
 */
package dev.converge.workbench.web.view;
