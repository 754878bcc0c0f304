package dev.converge.capture;

import dev.converge.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;

/**
 * The key capture files the current transaction's rows under in {@code cv_outbox.tx_key}: for a writer that must put
 * something beside its captured rows (a decision's metadata) and find it again when the transaction is sequenced.
 * Call it inside the transaction, after its first captured write (H2 has no transaction before that). Stateless.
 */
public final class TransactionKeys {
    private TransactionKeys() {
    }

    public static String current(Connection connection, DSLContext ctx, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            return ctx.fetchSingle("SELECT pg_current_xact_id()::text").get(0, String.class);
        }
        return H2CaptureTrigger.txKey(connection);
    }
}
