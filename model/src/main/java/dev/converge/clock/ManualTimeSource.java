package dev.converge.clock;

import java.util.concurrent.atomic.AtomicLong;

/** A wall clock that only moves when told to; thread-safe. */
public final class ManualTimeSource implements TimeSource {
    private final AtomicLong millis;

    public ManualTimeSource(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    @Override
    public long currentTimeMillis() {
        return millis.get();
    }

    public void set(long newMillis) {
        millis.set(newMillis);
    }

    public void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }
}
