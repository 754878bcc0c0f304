package dev.converge.specs.run;

import dev.converge.conflict.ConflictRecord;
import dev.converge.conflict.ConflictStatus;
import dev.converge.decision.Decision;
import dev.converge.decision.DecisionResult;
import dev.converge.decision.Decisions;
import dev.converge.model.RowImage;
import dev.converge.specs.model.ResolveStep;
import dev.converge.specs.model.Take;

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
            } else if (step instanceof ResolveStep resolve) {
                resolve(resolve);
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

    /**
     * A person's decision, through the node's decision service as the workbench takes it: the newest conflict on the
     * step's table and key that is not resolved by hand yet, looked at and decided at once (or, with {@code seen}, as the
     * person saw the row then), by "scenario", without a comment.
     */
    private void resolve(ResolveStep step) {
        Cluster.Member member = cluster.member(step.node());
        List<ConflictRecord> all = member.node().conflicts();
        ConflictRecord target = all.stream()
            .filter(r -> r.table().equalsIgnoreCase(step.conflict().table()) && r.status() != ConflictStatus.RESOLVED_BY_HAND)
            .filter(r -> r.key().isPresent()
                && RowSets.same(RowSets.normalize(step.conflict().key().values()), RowSets.normalize(r.key().get().values())))
            .reduce((older, newer) -> newer)
            .orElseThrow(() -> new ScenarioFailure(step.label() + ": no conflict on " + step.conflict().table() + " "
                + step.conflict().key() + " waits for a decision at " + step.node() + "; recorded there: "
                + (all.isEmpty() ? "none" : all.stream().map(ConflictMatch::describe).toList())));
        Decisions decisions = member.node().decisions();
        Decision decision = decision(step.take());
        DecisionResult result = step.seen().isPresent()
            ? decisions.decide(target.id(), decision, "scenario", "", step.seen().map(r -> RowImage.of(r.values())))
            : decisions.decide(target.id(), decision, "scenario", "", decisions.review(target.id()).orElseThrow().asOf());
        if (result instanceof DecisionResult.Refused refused && !step.expectRefused()) {
            throw new ScenarioFailure(step.label() + ": the decision was refused: " + refused.reason());
        }
        if (result instanceof DecisionResult.Decided && step.expectRefused()) {
            throw new ScenarioFailure(step.label() + ": expected the decision to be refused (expect_refused: true), but it was taken");
        }
    }

    private static Decision decision(Take take) {
        if (take instanceof Take.Local) {
            return Decision.TAKE_LOCAL;
        }
        if (take instanceof Take.Remote) {
            return Decision.TAKE_REMOTE;
        }
        if (take instanceof Take.Delete) {
            return Decision.DELETE_ROW;
        }
        if (take instanceof Take.WithRow with) {
            return new Decision.MergedRow(RowImage.of(with.row().values()));
        }
        throw new IllegalStateException("a take this runner does not know: " + take);
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
