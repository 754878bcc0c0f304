package dev.converge.capture;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.name;

import dev.converge.catalog.BoundTable;
import dev.converge.dialect.Dialect;
import dev.converge.install.MetaTables;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.ShadowTable;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;

/**
 * Installs and uninstalls Converge in one database: its {@code cv_*} tables, a shadow table per replicated table and
 * the capture triggers. Installing again is harmless (everything is created only if missing, triggers are replaced);
 * uninstalling removes exactly what installing created: the triggers and functions it named, the shadow tables it
 * registered in {@code cv_table}, and the {@code cv_*} tables, nothing else.
 *
 * <p>Confined to the transaction of the {@link org.jooq.DSLContext} it is given; not to be shared between threads.
 */
public final class Installer {
    private final DSLContext ctx;
    private final Dialect dialect;
    private final JdbcShadowStore shadows = new JdbcShadowStore();

    public Installer(DSLContext ctx, Dialect dialect) {
        this.ctx = ctx;
        this.dialect = dialect;
    }

    /** Installs for {@code node} in one transaction; {@code initialTimestamp} stamps rows present before replication. */
    public void install(NodeId node, List<BoundTable> tables, long initialTimestamp) {
        ctx.transaction(cfg -> {
            Installer in = new Installer(cfg.dsl(), dialect);
            in.createMetaTables();
            in.initClock(node, initialTimestamp);
            for (BoundTable t : tables) {
                in.installTable(t);
            }
        });
    }

    public void uninstall() {
        ctx.transaction(cfg -> {
            DSLContext tx = cfg.dsl();
            List<String> registered = exists(tx, TABLES) ? tx.select(TABLES_NAME).from(TABLES).fetch(TABLES_NAME) : List.of();
            for (String table : registered) {
                new Installer(tx, dialect).removeTriggers(table);
                tx.dropTableIfExists(name(ShadowTable.of(table, List.of(), tx.dialect()).name())).execute();
            }
            if (dialect == Dialect.POSTGRESQL) {
                tx.execute("DROP FUNCTION IF EXISTS " + tx.render(name(PostgresCapture.STAMP_FUNCTION)) + "()");
            }
            List<Table<Record>> all = new ArrayList<>(MetaTables.all());
            java.util.Collections.reverse(all);
            for (Table<Record> t : all) {
                tx.dropTableIfExists(t).execute();
            }
        });
    }

    private static boolean exists(DSLContext ctx, Table<?> table) {
        return ctx.meta().getTables(table.getName()).stream().anyMatch(t -> t.getName().equals(table.getName()));
    }

    private void createMetaTables() {
        ctx.createTableIfNotExists(CLOCK).columns(CLOCK_ID, CLOCK_NODE, CLOCK_WALL_OVERRIDE, CLOCK_FLOOR, CLOCK_APPLIED_N, CLOCK_INITIAL)
            .constraints(constraint(name("cv_clock_pk")).primaryKey(CLOCK_ID)).execute();
        ctx.createTableIfNotExists(TABLES).columns(TABLES_NAME, TABLES_KEY, TABLES_COLUMNS, TABLES_FILTER)
            .constraints(constraint(name("cv_table_pk")).primaryKey(TABLES_NAME)).execute();
        ctx.createTableIfNotExists(OUTBOX).columns(OUTBOX_ID, OUTBOX_TX, OUTBOX_TABLE, OUTBOX_OP, OUTBOX_WALL, OUTBOX_APPLIED_N,
                outboxBefore(ctx.dialect()), outboxAfter(ctx.dialect()), outboxBeforeMatch(ctx.dialect()), outboxAfterMatch(ctx.dialect()))
            .constraints(constraint(name("cv_outbox_pk")).primaryKey(OUTBOX_ID)).execute();
        ctx.createIndexIfNotExists(name("cv_outbox_tx_idx")).on(OUTBOX, OUTBOX_TX).execute();
        ctx.createTableIfNotExists(OUTBOX_TX_TABLE).columns(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS)
            .constraints(constraint(name("cv_outbox_tx_pk")).primaryKey(OTX_SEQ), constraint(name("cv_outbox_tx_key")).unique(OTX_TX)).execute();
        ctx.createTableIfNotExists(PEERS).columns(PEER_ID, PEER_ACKED)
            .constraints(constraint(name("cv_peer_pk")).primaryKey(PEER_ID)).execute();
        ctx.createTableIfNotExists(APPLIED).columns(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS)
            .constraints(constraint(name("cv_applied_pk")).primaryKey(APPLIED_ORIGIN)).execute();
        ctx.alterTable(APPLIED).addColumnIfNotExists(APPLIED_DEPS).execute(); // installs made before the column existed
        ctx.createTableIfNotExists(APPLIED_LOG).columns(ALOG_ORIGIN, ALOG_SEQ, ALOG_N)
            .constraints(constraint(name("cv_applied_log_pk")).primaryKey(ALOG_ORIGIN, ALOG_SEQ)).execute();
        ctx.createTableIfNotExists(INBOX).columns(INBOX_ORIGIN, INBOX_SEQ, INBOX_PAYLOAD)
            .constraints(constraint(name("cv_inbox_pk")).primaryKey(INBOX_ORIGIN, INBOX_SEQ)).execute();
        ctx.createTableIfNotExists(CONFLICTS).columns(C_ID, C_DETECTED, C_TYPE, C_TABLE, C_KEY, C_LOCAL, C_REMOTE, C_SHADOW,
                C_LOCAL_TS, C_LOCAL_ORIGIN, C_REMOTE_TS, C_REMOTE_ORIGIN, C_CS_SEQ, C_SCOPE, C_RESOLVER, C_OUTCOME, C_STATUS, C_DETAIL)
            .constraints(constraint(name("cv_conflict_pk")).primaryKey(C_ID)).execute();
        dev.converge.install.Bookkeeping.create(ctx);
        if (dialect == Dialect.POSTGRESQL) {
            ctx.execute(new PostgresCapture(ctx).stampFunction());
        }
    }

    private void initClock(NodeId node, long initialTimestamp) {
        String existing = ctx.select(CLOCK_NODE).from(CLOCK).where(CLOCK_ID.eq(1)).fetchOne(CLOCK_NODE);
        if (existing == null) {
            ctx.insertInto(CLOCK).columns(CLOCK_ID, CLOCK_NODE, CLOCK_WALL_OVERRIDE, CLOCK_FLOOR, CLOCK_APPLIED_N, CLOCK_INITIAL)
                .values(1, node.value(), null, initialTimestamp, 0L, initialTimestamp).execute();
        } else if (!existing.equals(node.value())) {
            throw new IllegalStateException("this database is installed for node " + existing + ", not " + node
                + "; uninstall it first or open it as " + existing);
        }
    }

    private void installTable(BoundTable t) {
        shadows.create(ctx, t.shadow());
        String keys = ChangeSetCodec.mapper().valueToTree(t.spec().keyColumns()).toString();
        ctx.deleteFrom(TABLES).where(TABLES_NAME.eq(t.name())).execute();
        String columns = ChangeSetCodec.mapper().valueToTree(t.spec().columns()).toString();
        ctx.insertInto(TABLES).columns(TABLES_NAME, TABLES_KEY, TABLES_COLUMNS, TABLES_FILTER)
            .values(t.name(), keys, columns, t.spec().filter().orElse(null)).execute();
        if (dialect == Dialect.POSTGRESQL) {
            for (String sql : new PostgresCapture(ctx).install(t)) {
                ctx.execute(sql);
            }
        } else {
            ctx.execute("DROP TRIGGER IF EXISTS " + ctx.render(name(h2TriggerName(t.name()))));
            ctx.execute("CREATE TRIGGER " + ctx.render(name(h2TriggerName(t.name()))) + " AFTER INSERT, UPDATE, DELETE ON "
                + ctx.render(name(t.name())) + " FOR EACH ROW CALL " + ctx.render(org.jooq.impl.DSL.inline(H2CaptureTrigger.class.getName())));
        }
    }

    private void removeTriggers(String table) {
        if (dialect == Dialect.POSTGRESQL) {
            for (String sql : new PostgresCapture(ctx).uninstall(table)) {
                ctx.execute(sql);
            }
        } else {
            ctx.execute("DROP TRIGGER IF EXISTS " + ctx.render(name(h2TriggerName(table))));
        }
    }

    private static String h2TriggerName(String table) {
        return "cv_capture_" + table.toLowerCase(java.util.Locale.ROOT);
    }
}
