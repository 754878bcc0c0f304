package dev.converge.capture;

import static dev.converge.install.MetaTables.*;
import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.converge.catalog.BoundTable;
import dev.converge.catalog.GeneratedNames;
import dev.converge.dialect.Dialect;
import dev.converge.install.MetaTables;
import dev.converge.model.ChangeSetCodec;
import dev.converge.model.NodeId;
import dev.converge.shadow.JdbcShadowStore;
import dev.converge.shadow.ShadowTable;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and uninstalls Converge in one database: its {@code cv_*} tables, a shadow table per replicated table and
 * the capture triggers. Installing again is harmless (everything is created only if missing, triggers are replaced),
 * and removes what was installed for tables the configuration no longer names;
 * uninstalling removes exactly what installing created: the triggers and functions it named, the shadow tables it
 * registered in {@code cv_table}, and the {@code cv_*} tables, nothing else.
 *
 * <p>Confined to the transaction of the {@link org.jooq.DSLContext} it is given; not to be shared between threads.
 */
public final class Installer {
    private static final Logger LOG = LoggerFactory.getLogger(Installer.class);
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
            java.util.OptionalInt before = dev.converge.install.MetadataSchema.installed(cfg.dsl());
            dev.converge.install.MetadataSchema.requireKnown(before);
            in.lockReplicatedTables(tables);
            in.createMetaTables();
            in.initClock(node, initialTimestamp);
            in.removeUnconfigured(node, tables);
            for (BoundTable t : tables) {
                in.installTable(t, tables);
            }
            in.dropUnusedFunctions();
            if (dialect == Dialect.POSTGRESQL) {
                cfg.dsl().execute(new PostgresCapture(cfg.dsl()).dropStampFunction()); // every trigger was replaced above
                in.compressCheaply();
            }
            dev.converge.install.MetadataSchema.record(cfg.dsl());
            if (before.isPresent() && before.getAsInt() < dev.converge.install.MetadataSchema.CURRENT) {
                LOG.info("node {}: metadata upgraded from version {} to {}", node, before.getAsInt(), dev.converge.install.MetadataSchema.CURRENT);
            }
        });
    }

    /**
     * PostgreSQL: how Converge's own tables store large values. PostgreSQL compresses a value past about 2 kB with pglz
     * unless told otherwise, and capture writes a statement's row images as one value per outbox row, in the
     * application's transaction: pglz took 1.2 ms for a 1,000-row statement's 70 kB, lz4 0.13 ms, no compression 0.19
     * ms (PostgreSQL 15, psql) — pglz was most of what capture added to a bulk write. So every compressible column of
     * a {@code cv_} table uses lz4 where the server was built with it; where it was not (the embedded test server,
     * among others), the columns of the tables whose values live only seconds — the outbox, the inbox and its parts —
     * are stored uncompressed ({@code STORAGE EXTERNAL}) and the rest keep pglz. Only columns not yet so are altered,
     * so an open of an install that has them changes nothing; the replicated tables are locked already, so the short
     * exclusive lock each change takes cannot wait for a writer that waits for this transaction.
     */
    private void compressCheaply() {
        boolean lz4 = ctx.fetchExists(DSL.selectOne().from(DSL.table(DSL.name("pg_catalog", "pg_settings")))
            .where("name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"));
        // a column's compression method (and pg_attribute.attcompression) came with PostgreSQL 14
        if (ctx.fetchValue(DSL.field("current_setting('server_version_num')::int", Integer.class)) < 140000) {
            return;
        }
        List<String> transientTables = List.of(OUTBOX.getName(), INBOX.getName(), INBOX_PARTS.getName());
        for (org.jooq.Record2<String, String> c : ctx.resultQuery(
                "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'cv\\_%'"
                    + " AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage = 'x' AND a.attcompression IS DISTINCT FROM 'l'")
                .coerce(DSL.field("relname", String.class), DSL.field("attname", String.class)).fetch()) {
            if (lz4) {
                ctx.execute("ALTER TABLE {0} ALTER COLUMN {1} SET COMPRESSION lz4", DSL.name(c.value1()), DSL.name(c.value2()));
            } else if (transientTables.contains(c.value1())) {
                ctx.execute("ALTER TABLE {0} ALTER COLUMN {1} SET STORAGE EXTERNAL", DSL.name(c.value1()), DSL.name(c.value2()));
            }
        }
    }

    /**
     * On PostgreSQL, takes each replicated table's lock for replacing its triggers (SHARE ROW EXCLUSIVE, in name order)
     * before the metadata tables are touched. An application writing meanwhile locks its table, then, through the
     * capture trigger, {@code cv_outbox}; installing would otherwise lock {@code cv_outbox} (its index) first and then
     * the table, and a node (re)started under load would deadlock with a writer. Taken first, the install waits for
     * open writes to commit and new ones wait for the install: both in the same order. H2 needs nothing of the kind
     * (its DDL commits and waits by itself).
     */
    private void lockReplicatedTables(List<BoundTable> tables) {
        if (dialect != Dialect.POSTGRESQL) {
            return;
        }
        tables.stream().sorted(java.util.Comparator.comparing(BoundTable::name))
            .forEach(t -> ctx.execute("LOCK TABLE {0} IN SHARE ROW EXCLUSIVE MODE", t.table()));
    }

    /**
     * Installs capture again for tables whose columns changed under a running node (in one transaction): on
     * PostgreSQL the trigger functions name json columns and the filter may name any, and {@code cv_table} lists the
     * columns.
     */
    public void reinstall(List<BoundTable> tables) {
        ctx.transaction(cfg -> {
            Installer in = new Installer(cfg.dsl(), dialect);
            for (BoundTable t : tables) {
                in.installTable(t, tables);
            }
        });
    }

    public void uninstall() {
        ctx.transaction(cfg -> {
            DSLContext tx = cfg.dsl();
            Installer in = new Installer(tx, dialect);
            List<Record2<String, String>> registered = exists(tx, TABLES)
                ? tx.select(TABLES_NAME, TABLES_SHADOW).from(TABLES).fetch() : List.of();
            for (Record2<String, String> table : registered) {
                in.removeTriggers(table.value1());
                tx.dropTableIfExists(name(in.installedShadow(table.value1(), table.value2()))).execute();
            }
            in.dropUnusedFunctions();
            if (dialect == Dialect.POSTGRESQL) {
                tx.execute(new PostgresCapture(tx).dropStampFunction());
                tx.execute("DROP FUNCTION IF EXISTS " + tx.render(name(PostgresCapture.REFUSE_TRUNCATE)) + "()");
            }
            List<Table<Record>> all = new ArrayList<>(MetaTables.all());
            java.util.Collections.reverse(all);
            for (Table<Record> t : all) {
                tx.dropTableIfExists(t).execute();
            }
        });
    }

    private static boolean exists(DSLContext ctx, Table<?> table) {
        return exists(ctx, table.getName());
    }

    private void createMetaTables() {
        ctx.createTableIfNotExists(CLOCK).columns(CLOCK_ID, CLOCK_NODE, CLOCK_WALL_OVERRIDE, CLOCK_FLOOR, CLOCK_APPLIED_N, CLOCK_INITIAL)
            .constraints(constraint(name("cv_clock_pk")).primaryKey(CLOCK_ID)).execute();
        ctx.createTableIfNotExists(TABLES).columns(TABLES_NAME, TABLES_KEY, TABLES_COLUMNS, TABLES_FILTER, TABLES_SHADOW)
            .constraints(constraint(name("cv_table_pk")).primaryKey(TABLES_NAME)).execute();
        ctx.alterTable(TABLES).addColumnIfNotExists(TABLES_SHADOW).execute(); // installs made before the column existed
        ctx.createTableIfNotExists(OUTBOX).columns(OUTBOX_ID, OUTBOX_TX, OUTBOX_TABLE, OUTBOX_OP, OUTBOX_WALL, OUTBOX_APPLIED_N,
                outboxBefore(ctx.dialect()), outboxAfter(ctx.dialect()), outboxBeforeMatch(ctx.dialect()), outboxAfterMatch(ctx.dialect()))
            .constraints(constraint(name("cv_outbox_pk")).primaryKey(OUTBOX_ID)).execute();
        ctx.createIndexIfNotExists(name("cv_outbox_tx_idx")).on(OUTBOX, OUTBOX_TX).execute();
        ctx.createTableIfNotExists(OUTBOX_TX_TABLE).columns(OTX_SEQ, OTX_TX, OTX_TS, OTX_DEPS, OTX_ROWS, OTX_ROWS_THROUGH)
            .constraints(constraint(name("cv_outbox_tx_pk")).primaryKey(OTX_SEQ), constraint(name("cv_outbox_tx_key")).unique(OTX_TX)).execute();
        ctx.createTableIfNotExists(PEERS).columns(PEER_ID, PEER_ACKED)
            .constraints(constraint(name("cv_peer_pk")).primaryKey(PEER_ID)).execute();
        // metadata version 3: backlog in rows, peers marked for resync, peers removed; added to older installs
        for (var column : List.of(OTX_ROWS, OTX_ROWS_THROUGH)) {
            ctx.alterTable(OUTBOX_TX_TABLE).addColumnIfNotExists(column).execute();
        }
        for (var column : List.of(PEER_RESYNC_SINCE, PEER_RESYNC_REASON, PEER_TOLD_SINCE, PEER_TOLD_REASON, PEER_DEPARTED)) {
            ctx.alterTable(PEERS).addColumnIfNotExists(column).execute();
        }
        ctx.createTableIfNotExists(HEARTBEATS).columns(HB_PEER, HB_SEQ, HB_APPLIED)
            .constraints(constraint(name("cv_heartbeat_pk")).primaryKey(HB_PEER)).execute();
        ctx.createTableIfNotExists(APPLIED).columns(APPLIED_ORIGIN, APPLIED_SEQ, APPLIED_TS, APPLIED_DEPS)
            .constraints(constraint(name("cv_applied_pk")).primaryKey(APPLIED_ORIGIN)).execute();
        ctx.alterTable(APPLIED).addColumnIfNotExists(APPLIED_DEPS).execute(); // installs made before the column existed
        ctx.createTableIfNotExists(APPLIED_LOG).columns(ALOG_ORIGIN, ALOG_SEQ, ALOG_N)
            .constraints(constraint(name("cv_applied_log_pk")).primaryKey(ALOG_ORIGIN, ALOG_SEQ)).execute();
        ctx.createTableIfNotExists(INBOX).columns(INBOX_ORIGIN, INBOX_SEQ, INBOX_PAYLOAD)
            .constraints(constraint(name("cv_inbox_pk")).primaryKey(INBOX_ORIGIN, INBOX_SEQ)).execute();
        // metadata version 4: other origins' ChangeSets kept for relaying (package relay); created in older installs
        ctx.createTableIfNotExists(RELAY).columns(RELAY_ORIGIN, RELAY_SEQ, RELAY_PART, RELAY_TS, RELAY_CHANGES, RELAY_PAYLOAD)
            .constraints(constraint(name("cv_relay_pk")).primaryKey(RELAY_ORIGIN, RELAY_SEQ, RELAY_PART)).execute();
        // metadata version 5: the transactions waiting for the sequencer (filled for an older install by its first pass)
        ctx.createTableIfNotExists(UNSEQUENCED).columns(UNSEQ_TX)
            .constraints(constraint(name("cv_unsequenced_pk")).primaryKey(UNSEQ_TX)).execute();
        // metadata version 6: the sequencer's lock and floor, apart from the clock row that applies hold
        ctx.createTableIfNotExists(SEQUENCER).columns(SEQUENCER_ID, SEQUENCER_FLOOR)
            .constraints(constraint(name("cv_sequencer_pk")).primaryKey(SEQUENCER_ID)).execute();
        ctx.createTableIfNotExists(CONFLICTS).columns(C_ID, C_DETECTED, C_TYPE, C_TABLE, C_KEY, C_LOCAL, C_REMOTE, C_SHADOW,
                C_LOCAL_TS, C_LOCAL_ORIGIN, C_REMOTE_TS, C_REMOTE_ORIGIN, C_CS_SEQ, C_SCOPE, C_RESOLVER, C_OUTCOME, C_STATUS, C_DETAIL)
            .constraints(constraint(name("cv_conflict_pk")).primaryKey(C_ID)).execute();
        // manual decisions (package decision); the columns are added to installs made before they existed
        for (var column : List.of(C_LOCAL_SEQ, C_DECIDED_BY, C_DECIDED_TIME, C_DECIDED_AT, C_DECISION, C_DECISION_COMMENT)) {
            ctx.alterTable(CONFLICTS).addColumnIfNotExists(column).execute();
        }
        ctx.createTableIfNotExists(DECISIONS).columns(D_TX, D_CONFLICT, D_METADATA, D_ROWS)
            .constraints(constraint(name("cv_decision_pk")).primaryKey(D_TX)).execute();
        dev.converge.install.Bookkeeping.create(ctx);
        if (dialect == Dialect.POSTGRESQL) {
            ctx.execute(new PostgresCapture(ctx).refuseTruncate());
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
        if (!ctx.fetchExists(SEQUENCER)) {
            // new, or upgraded from before version 6: until then the sequencer kept its floor on the clock row, so that
            // floor holds every timestamp given out so far, and the next one is stamped after it
            ctx.insertInto(SEQUENCER).columns(SEQUENCER_ID, SEQUENCER_FLOOR)
                .select(DSL.select(DSL.inline(1), CLOCK_FLOOR).from(CLOCK).where(CLOCK_ID.eq(1))).execute();
        }
    }

    /**
     * Removes what an earlier configuration installed for tables {@code tables} no longer names: their capture
     * triggers (first, so nothing more is captured), their captured changes still in the outbox, their shadow tables
     * and their {@code cv_table} rows. The table and its data stay.
     *
     * <p>Captured changes are discarded, not shipped: a ChangeSet naming the table would be refused by every peer that
     * no longer replicates it, and the table's net effect can no longer be computed without its configuration. A
     * ChangeSet that also changed replicated tables keeps those changes. How many were discarded is logged.
     */
    private void removeUnconfigured(NodeId node, List<BoundTable> tables) {
        for (Record2<String, String> row : ctx.select(TABLES_NAME, TABLES_SHADOW).from(TABLES).fetch()) {
            String table = row.value1();
            if (tables.stream().anyMatch(t -> t.name().equals(table))) {
                continue;
            }
            removeTriggers(table);
            long discarded = capturedRows(table);
            ctx.deleteFrom(OUTBOX).where(OUTBOX_TABLE.eq(table)).execute();
            String shadow = installedShadow(table, row.value2());
            if (tables.stream().noneMatch(t -> t.shadow().name().equals(shadow))) {
                ctx.dropTableIfExists(name(shadow)).execute();
            }
            ctx.deleteFrom(TABLES).where(TABLES_NAME.eq(table)).execute();
            LOG.warn("node {}: table {} is no longer in the configuration; its capture triggers and shadow table {} were removed, and"
                + " {} captured row changes of it that not every peer had acknowledged were discarded", node, table, shadow, discarded);
        }
    }

    /** How many row changes of {@code table} the outbox holds (an outbox row holds a statement's rows on PostgreSQL). */
    private long capturedRows(String table) {
        org.jooq.SQLDialect d = ctx.dialect();
        Field<Long> rows = dialect == Dialect.POSTGRESQL
            ? org.jooq.impl.DSL.sum(org.jooq.impl.DSL.field("json_array_length(coalesce({0}, {1}))", Long.class, outboxAfter(d), outboxBefore(d)))
                .cast(Long.class)
            : org.jooq.impl.DSL.count().cast(Long.class);
        Long n = ctx.select(rows).from(OUTBOX).where(OUTBOX_TABLE.eq(table)).fetchOne(0, Long.class);
        return n == null ? 0 : n;
    }

    private void installTable(BoundTable t, List<BoundTable> all) {
        adoptLegacyShadow(t, all);
        shadows.create(ctx, t.shadow());
        String keys = ChangeSetCodec.mapper().valueToTree(t.spec().keyColumns()).toString();
        ctx.deleteFrom(TABLES).where(TABLES_NAME.eq(t.name())).execute();
        String columns = ChangeSetCodec.mapper().valueToTree(t.spec().columns()).toString();
        ctx.insertInto(TABLES).columns(TABLES_NAME, TABLES_KEY, TABLES_COLUMNS, TABLES_FILTER, TABLES_SHADOW)
            .values(t.name(), keys, columns, t.spec().filter().orElse(null), t.shadow().name()).execute();
        if (dialect == Dialect.POSTGRESQL) {
            for (String sql : new PostgresCapture(ctx).install(t)) {
                ctx.execute(sql);
            }
        } else {
            String trigger = GeneratedNames.h2Trigger(t.name());
            String statement = GeneratedNames.h2StatementTrigger(t.name());
            h2Triggers(t.name()).stream().filter(n -> !n.equals(trigger) && !n.equals(statement)).forEach(this::dropH2Trigger); // named by an earlier version
            ctx.execute("DROP TRIGGER IF EXISTS " + ctx.render(name(trigger)));
            ctx.execute("DROP TRIGGER IF EXISTS " + ctx.render(name(statement)));
            ctx.execute("CREATE TRIGGER " + ctx.render(name(statement)) + " BEFORE INSERT, UPDATE, DELETE ON "
                + ctx.render(name(t.name())) + " FOR EACH STATEMENT CALL " + ctx.render(org.jooq.impl.DSL.inline(H2StatementStart.class.getName())));
            ctx.execute("CREATE TRIGGER " + ctx.render(name(trigger)) + " AFTER INSERT, UPDATE, DELETE ON "
                + ctx.render(name(t.name())) + " FOR EACH ROW CALL " + ctx.render(org.jooq.impl.DSL.inline(H2CaptureTrigger.class.getName())));
            TruncateGuard.install(ctx, t);
        }
    }

    /**
     * An installation made before shadow names were recorded named the shadow table {@code cv_shadow_<table in lower
     * case>}. If the table's name is now formed otherwise (it is not plain), that shadow table is renamed, so its
     * versions and tombstones are kept; unless another replicated table now owns that name.
     */
    private void adoptLegacyShadow(BoundTable t, List<BoundTable> all) {
        Record2<String, String> row = ctx.select(TABLES_NAME, TABLES_SHADOW).from(TABLES).where(TABLES_NAME.eq(t.name())).fetchOne();
        if (row == null || row.value2() != null) {
            return;
        }
        String legacy = installedShadow(t.name(), null);
        boolean ownedByAnother = all.stream().anyMatch(other -> other.shadow().name().equals(legacy));
        if (!legacy.equals(t.shadow().name()) && !ownedByAnother && exists(ctx, legacy) && !exists(ctx, t.shadow().name())) {
            ctx.alterTable(name(legacy)).renameTo(name(t.shadow().name())).execute();
        }
    }

    /** The shadow table installed for {@code table}: as recorded, or as installations that did not record it named it. */
    private String installedShadow(String table, String recorded) {
        return recorded != null ? recorded : ShadowTable.PREFIX + table.toLowerCase(java.util.Locale.ROOT);
    }

    /** Removes the capture triggers of {@code table}, whatever they were named; nothing if the table is gone (and they with it). */
    private void removeTriggers(String table) {
        if (dialect == Dialect.POSTGRESQL) {
            if (exists(ctx, table)) {
                for (String sql : new PostgresCapture(ctx).uninstall(table)) {
                    ctx.execute(sql);
                }
            }
        } else {
            h2Triggers(table).forEach(this::dropH2Trigger);
            TruncateGuard.remove(ctx, table);
        }
    }

    /** PostgreSQL: the capture functions no trigger calls any more. */
    private void dropUnusedFunctions() {
        if (dialect == Dialect.POSTGRESQL) {
            new PostgresCapture(ctx).dropUnusedFunctions();
        }
    }

    /** H2: the names of the triggers on {@code table} that run Converge's capture classes, from the catalog. */
    private List<String> h2Triggers(String table) {
        return ctx.selectDistinct(field(name("TRIGGER_NAME"), String.class)).from(table(name("INFORMATION_SCHEMA", "TRIGGERS")))
            .where(field(name("EVENT_OBJECT_SCHEMA"), String.class).eq(field("CURRENT_SCHEMA", String.class)))
            .and(field(name("EVENT_OBJECT_TABLE"), String.class).eq(table))
            .and(field(name("JAVA_CLASS"), String.class).in(H2CaptureTrigger.class.getName(), H2StatementStart.class.getName()))
            .fetch(0, String.class);
    }

    private void dropH2Trigger(String trigger) {
        ctx.execute("DROP TRIGGER IF EXISTS " + ctx.render(name(trigger)));
    }

    private static boolean exists(DSLContext ctx, String table) {
        return ctx.meta().getTables(table).stream().anyMatch(t -> t.getName().equals(table));
    }
}
