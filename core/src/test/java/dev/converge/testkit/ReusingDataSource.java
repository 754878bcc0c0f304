package dev.converge.testkit;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Keeps closed connections open for the next caller, as a pool would: a new PostgreSQL connection costs about 5 ms, a
 * transaction on an open one a fraction of that, and a node opens a connection for every step of a delivery. A
 * connection handed back is rolled back if a transaction was left open and put back in auto-commit mode, so the next
 * caller finds it as fresh. For tests; {@link #close} closes every connection it made.
 */
public final class ReusingDataSource extends DelegatingDataSource implements AutoCloseable {
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all = new ArrayList<>();

    public ReusingDataSource(DataSource target) {
        super(target);
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        Connection raw = idle.poll();
        if (raw == null) {
            raw = target.getConnection();
            all.add(raw);
        }
        Connection real = raw;
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "close":
                    if (!closed[0]) {
                        closed[0] = true;
                        giveBack(real);
                    }
                    return null;
                case "isClosed":
                    return closed[0] || real.isClosed();
                default:
                    if (closed[0]) {
                        throw new SQLException("connection already closed");
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
    }

    private synchronized void giveBack(Connection c) throws SQLException {
        if (c.isClosed()) {
            all.remove(c);
            return;
        }
        if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
        }
        idle.push(c);
    }

    @Override
    public synchronized void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        all.clear();
        idle.clear();
    }
}
