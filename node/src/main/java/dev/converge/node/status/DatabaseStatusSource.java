package dev.converge.node.status;

import dev.converge.ConvergeException;
import dev.converge.Node;
import dev.converge.NodeStatus;
import dev.converge.config.NodeConfig;
import io.vavr.control.Either;
import javax.sql.DataSource;

/**
 * A stopped node's status, read from its database ({@link Node#status}). Thread-safe if the data source is; each
 * {@link #read} takes one connection and only reads.
 */
public final class DatabaseStatusSource implements StatusSource {
    private final NodeConfig config;
    private final DataSource db;
    private final String where;

    /** @param where the database as it may be shown (a URL with its password masked) */
    public DatabaseStatusSource(NodeConfig config, DataSource db, String where) {
        this.config = config;
        this.db = db;
        this.where = where;
    }

    @Override
    public Either<String, NodeStatus> read() {
        try {
            return Node.status(config, db).mapLeft(Object::toString);
        } catch (ConvergeException e) {
            return Either.left(e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "the database " + where;
    }
}
