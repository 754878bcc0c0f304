package dev.converge.node.demo;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code converge demo} was asked for. Immutable; the constructor refuses values the demo cannot run with.
 *
 * @param seconds how long the writers write
 * @param writersPerNode writer threads on each node
 * @param seed the seed of the writers' random choices (the interleaving of threads still varies between runs)
 * @param exitAfterSummary stop after the summary instead of keeping the peers running until Ctrl-C
 * @param folder where to keep the node files and databases; empty: a fresh temporary folder, removed at the end
 */
public record DemoSettings(int seconds, int writersPerNode, long seed, boolean exitAfterSummary, Optional<Path> folder) {
    public DemoSettings {
        Objects.requireNonNull(folder);
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("--seconds must be from 1 to 3600, not " + seconds);
        }
        if (writersPerNode < 1 || writersPerNode > 32) {
            throw new IllegalArgumentException("--writers must be from 1 to 32, not " + writersPerNode);
        }
    }
}
