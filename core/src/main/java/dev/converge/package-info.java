/**
 * The embeddable engine's front door: {@link dev.converge.Node} (the local peer) and Converge's small exception
 * hierarchy ({@link dev.converge.ConvergeException}, {@link dev.converge.InvalidConfigException}). Everything a Java
 * application needs to replicate its database starts here; the sub-packages are the engine's parts, one concept each.
 */
package dev.converge;
