package dev.converge.node.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.converge.model.NodeId;
import dev.converge.node.config.ConfigProblem;
import dev.converge.node.database.ConnectionPool;
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

    /** Work on the node's database, given its settings, a pool on it and the database's URL as it may be shown. */
    interface DatabaseWork {
        int run(NodeSettings settings, HikariDataSource pool, String where);
    }

    /**
     * Reads the file and runs {@code work} on a pool on the node's database, closed afterwards; a failure of the database
     * is printed as {@code failure where: message} and exits 1, as every problem in the file does.
     */
    static int withDatabase(Path file, PrintStream out, String failure, DatabaseWork work) {
        Optional<NodeSettings> settings = read(file, out);
        return settings.isEmpty() ? 1 : withDatabase(settings.get(), out, failure, work);
    }

    static int withDatabase(NodeSettings s, PrintStream out, String failure, DatabaseWork work) {
        String where = s.database().safeUrl();
        try (HikariDataSource pool = ConnectionPool.open(s.id(), s.database())) {
            return work.run(s, pool, where);
        } catch (RuntimeException e) {
            out.println(failure + " " + where + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Whether the database may be acted on for this node: not installed for another node id (else says so, ending with
     * {@code consequence}).
     */
    static boolean notAnotherNodes(NodeSettings s, Optional<NodeId> installed, String where, PrintStream out, String consequence) {
        if (installed.isPresent() && !installed.get().equals(s.id())) {
            out.println(where + " is installed for node " + installed.get() + ", not " + s.id() + ": " + consequence);
            return false;
        }
        return true;
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
