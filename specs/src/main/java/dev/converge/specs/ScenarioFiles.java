package dev.converge.specs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds scenario files: a file named on the command line is taken as it is; a folder is searched for {@code *.yaml}
 * and {@code *.yml}, in sorted order, skipping {@code src}, {@code target} and hidden folders beneath it (the
 * project's {@code specs/} folder is also the specs Maven module, whose sources and build output are not scenarios).
 */
final class ScenarioFiles {
    private ScenarioFiles() {
    }

    /** The scenario files under {@code root} (a folder), sorted by path. */
    static List<Path> under(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                .filter(ScenarioFiles::isYaml)
                .filter(p -> !inSkippedFolder(root.relativize(p)))
                .sorted()
                .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** Whether a path below the root passes through a folder that holds no scenarios. */
    private static boolean inSkippedFolder(Path relative) {
        List<String> folders = new ArrayList<>();
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            folders.add(relative.getName(i).toString());
        }
        return folders.stream().anyMatch(f -> f.equals("src") || f.equals("target") || f.startsWith("."));
    }
}
