/**
 * Progress of long work on the console: a line rewritten in place on a terminal and plain lines now and then elsewhere
 * ({@link dev.converge.node.progress.LiveLine}), and a bar with rows per second and the time left
 * ({@link dev.converge.node.progress.ProgressBar}). Used by {@code converge check} and the demo's live line.
 */
package dev.converge.node.progress;
