package dev.converge.node.config;

import dev.converge.specs.parse.Malformed;
import dev.converge.specs.parse.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The problems found in one file so far: the reader notes each and carries on, so that a person sees every problem at
 * once. Confined to the thread reading the file.
 */
final class Problems {
    private final Path file;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    void add(YamlNode where, String key, String message) {
        add(new ConfigProblem(file, where.line(), where.column(), key, message));
    }

    void add(YamlNode.Entry where, String key, String message) {
        add(new ConfigProblem(file, where.line(), where.column(), key, message));
    }

    /** A problem from the shared readers; {@code key} names it if the reader did not say which key it is about. */
    void add(Malformed m, String key) {
        add(new ConfigProblem(file, m.line(), m.column(), m.key().orElse(key), m.key().isPresent() ? m.problem()
            : m.getMessage()));
    }

    /**
     * One problem per key: the first said is the cause (an unset variable), later ones its consequences (the value
     * it left empty is too short), which would only confuse.
     */
    private void add(ConfigProblem problem) {
        if (problem.key().isEmpty() || found.stream().noneMatch(p -> p.key().equals(problem.key()))) {
            found.add(problem);
        }
    }

    /** Runs a shared reader; its problem, if any, is noted and the value is empty. */
    <T> Optional<T> attempt(String key, Supplier<T> read) {
        try {
            return Optional.of(read.get());
        } catch (Malformed m) {
            add(m, key);
            return Optional.empty();
        }
    }

    boolean any() {
        return !found.isEmpty();
    }

    /** In file order, as a person reads them. */
    List<ConfigProblem> all() {
        return found.stream().sorted(java.util.Comparator.comparingInt(ConfigProblem::line)
            .thenComparingInt(ConfigProblem::column)).toList();
    }
}
