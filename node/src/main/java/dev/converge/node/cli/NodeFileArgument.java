package dev.converge.node.cli;

import dev.converge.node.config.ConfigProblem;
import dev.converge.node.config.NodeFile;
import dev.converge.node.config.NodeSettings;
import io.vavr.control.Either;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The configuration file a command acts on: read, or every problem printed (one per line). Stateless. */
final class NodeFileArgument {
    private NodeFileArgument() {
    }

    static Optional<NodeSettings> read(Path file, PrintStream out) {
        Either<List<ConfigProblem>, NodeSettings> read = NodeFile.read(file);
        if (read.isLeft()) {
            read.getLeft().forEach(out::println);
            out.println(read.getLeft().size() + (read.getLeft().size() == 1 ? " problem" : " problems") + " in " + file);
            return Optional.empty();
        }
        return Optional.of(read.get());
    }
}
