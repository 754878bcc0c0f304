package dev.converge.node.peer;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A database that a test can make stop answering: every new connection fails once it is {@link #cut}. */
final class SwitchableDataSource implements DataSource {
    private final DataSource db;
    private volatile boolean cut;

    SwitchableDataSource(DataSource db) {
        this.db = db;
    }

    void cut() {
        cut = true;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (cut) {
            throw new SQLException("the test cut this database off");
        }
        return db.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return db.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        db.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        db.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return db.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return db.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return db.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return db.isWrapperFor(iface);
    }
}
