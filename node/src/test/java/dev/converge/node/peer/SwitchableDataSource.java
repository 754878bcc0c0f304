package dev.converge.node.peer;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A database that a test can make stop answering: every new connection fails once it is {@link #cut}. */
final class SwitchableDataSource extends dev.converge.testkit.DelegatingDataSource {
    private volatile boolean cut;

    SwitchableDataSource(DataSource db) {
        super(db);
    }

    void cut() {
        cut = true;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (cut) {
            throw new SQLException("the test cut this database off");
        }
        return target.getConnection();
    }
}
