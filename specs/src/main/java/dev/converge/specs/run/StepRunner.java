package dev.converge.specs.run;

import dev.converge.specs.model.DeliverStep;
import dev.converge.specs.model.Step;
import dev.converge.specs.model.SyncStep;
import dev.converge.specs.model.WriteStep;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Runs steps on a {@link Cluster}: each step first moves every node's clock to the step's time, then writes, delivers
 * or syncs. A step that cannot do what it says ends the run with a {@link ScenarioFailure} naming the step.
 */
final class StepRunner {
    /** Mesh delivery settles in two rounds; the bound only turns a runaway loop into a clear failure. */
    static final int MAX_SYNC_ROUNDS = 20;

    private final Cluster cluster;

    StepRunner(Cluster cluster) {
        this.cluster = cluster;
    }

    void run(Step step) {
        cluster.moveTo(step.at());
        try {
            if (step instanceof WriteStep write) {
                write(write);
            } else if (step instanceof DeliverStep deliver) {
                deliver(deliver);
            } else if (step instanceof SyncStep) {
                sync(step);
            } else {
                throw new ScenarioFailure(step.label() + ": not supported yet: " + step.getClass().getSimpleName());
            }
        } catch (ScenarioFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ScenarioFailure(step.label() + ": " + ScenarioFailure.describe(e), e);
        }
    }

    /**
     * One local transaction: committed, or rolled back at its first failing statement. With expect_error it must fail;
     * a deferred constraint fails only at commit, which counts as failing too.
     */
    private void write(WriteStep step) {
        Cluster.Member member = cluster.member(step.node());
        member.node().publishWallClock();
        Optional<String> failure;
        try (Connection c = member.db().getConnection()) {
            c.setAutoCommit(false);
            failure = execute(c, step.statements());
            if (failure.isPresent()) {
                c.rollback();
            } else {
                failure = commit(c);
            }
        } catch (SQLException e) {
            throw new ScenarioFailure(step.label() + ": " + Database.firstLine(e.getMessage()), e);
        }
        if (failure.isPresent() && !step.expectError()) {
            throw new ScenarioFailure(step.label() + ": " + failure.get());
        }
        if (failure.isEmpty() && step.expectError()) {
            throw new ScenarioFailure(step.label() + ": expected an error (expect_error: true), but "
                + (step.statements().size() == 1 ? "the statement" : "the transaction") + " succeeded");
        }
    }

    private static Optional<String> commit(Connection c) throws SQLException {
        try {
            c.commit();
            return Optional.empty();
        } catch (SQLException e) {
            c.rollback();
            return Optional.of("commit failed: " + Database.firstLine(e.getMessage()));
        }
    }

    /** The first failing statement, in words; the rest of the transaction is not run. */
    private static Optional<String> execute(Connection c, List<String> statements) {
        for (String sql : statements) {
            try (Statement s = c.createStatement()) {
                s.execute(withoutTrailingSemicolon(sql));
            } catch (SQLException e) {
                return Optional.of("'" + sql.strip() + "' failed: " + Database.firstLine(e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static String withoutTrailingSemicolon(String sql) {
        String s = sql.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    private void deliver(DeliverStep step) {
        Cluster.Member from = cluster.member(step.from());
        Cluster.Member to = cluster.member(step.to());
        from.node().publishWallClock();
        to.node().publishWallClock();
        from.node().deliverTo(to.id(), cluster.transport());
    }

    /** Every node delivers to every other node, round after round, until a whole round moves nothing. */
    private void sync(Step step) {
        List<Cluster.Member> members = cluster.members();
        members.forEach(m -> m.node().publishWallClock());
        int moved = 0;
        for (int round = 1; round <= MAX_SYNC_ROUNDS; round++) {
            moved = 0;
            for (Cluster.Member from : members) {
                for (Cluster.Member to : members) {
                    if (from != to) {
                        moved += from.node().deliverTo(to.id(), cluster.transport());
                    }
                }
            }
            if (moved == 0) {
                return;
            }
        }
        throw new ScenarioFailure(step.label() + ": sync did not settle: after " + MAX_SYNC_ROUNDS
            + " rounds the last round still moved " + moved + " ChangeSets");
    }
}
