package dev.converge.resolvers.testkit;

import dev.converge.config.ResolverSpec;
import dev.converge.conflict.Conflict;
import dev.converge.conflict.ConflictResolver;
import dev.converge.conflict.Resolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run's resolver instance and every answer it gave. Nodes make resolvers from their configuration, so the
 * instance is registered here under a number and named in the configuration as {@link RecordingResolver} with that
 * number; the run unregisters it when it ends. Each question is asked twice in a row (a different second answer is
 * non-determinism: randomness, or state kept between calls), and {@link #replay} asks every question once more after
 * the run (later, on another thread: a wall clock or a thread's state shows there).
 *
 * <p>Thread-safe: peers apply on their own threads, and a user's resolver is called on a thread of its own.
 */
final class Answers {
    private static final Map<Long, Answers> REGISTERED = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final ConflictResolver delegate;
    private final List<Asked> asked = new ArrayList<>();
    private final List<String> unstable = new ArrayList<>();

    /** A question and the first answer: a resolution, or what the resolver threw. */
    private record Asked(Conflict conflict, Object answer) {
    }

    private Answers(long id, ConflictResolver delegate) {
        this.id = id;
        this.delegate = delegate;
    }

    static Answers register(ConflictResolver resolver) {
        Answers a = new Answers(IDS.incrementAndGet(), resolver);
        REGISTERED.put(a.id, a);
        return a;
    }

    /** The registered run {@code id} names, if it is still running. */
    static Answers of(long id) {
        Answers a = REGISTERED.get(id);
        if (a == null) {
            throw new IllegalArgumentException("no convergence-kit run " + id + " is in progress");
        }
        return a;
    }

    void unregister() {
        REGISTERED.remove(id);
    }

    /** How a node's configuration names this run's resolver. */
    ResolverSpec spec() {
        return ResolverSpec.of(RecordingResolver.class.getName()).withParameter(RecordingResolver.RUN, List.of(Long.toString(id)));
    }

    ConflictResolver delegate() {
        return delegate;
    }

    /** Asks the resolver twice, keeps the first answer, and notes a second that differs. */
    Resolution ask(Conflict c) {
        Object first = answer(c);
        Object second = answer(c);
        synchronized (this) {
            asked.add(new Asked(c, first));
            if (!first.equals(second)) {
                unstable.add("asked twice in a row about " + c + ", it answered " + first + ", then " + second);
            }
        }
        if (first instanceof Threw t) {
            throw t.error();
        }
        return first == NULL ? null : (Resolution) first;
    }

    /** Every question asked once more; the answers that differ from the first, and those that differed at once. */
    synchronized List<String> replay() {
        List<String> out = new ArrayList<>(unstable);
        for (Asked a : asked) {
            Object again = answer(a.conflict());
            if (!again.equals(a.answer())) {
                out.add("asked again after the run about " + a.conflict() + ", it answered " + again + " instead of " + a.answer());
            }
        }
        return out;
    }

    /** What the resolver threw, compared by class and message. */
    private record Threw(RuntimeException error) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Threw t && t.error.getClass().equals(error.getClass()) && String.valueOf(t.error.getMessage()).equals(String.valueOf(error.getMessage()));
        }

        @Override
        public int hashCode() {
            return error.getClass().hashCode();
        }

        @Override
        public String toString() {
            return "threw " + error;
        }
    }

    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private Object answer(Conflict c) {
        try {
            Resolution r = delegate.resolve(c);
            return r == null ? NULL : r;
        } catch (RuntimeException e) {
            return new Threw(e);
        }
    }
}
