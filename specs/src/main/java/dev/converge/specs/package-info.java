/**
 * Executable scenarios: the entry point the command line uses ({@link dev.converge.specs.SpecCommand}) and the
 * scenario files it finds. The format is in {@code model} and {@code parse}, running in {@code run}.
 */
package dev.converge.specs;
