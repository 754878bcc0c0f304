package dev.converge.node.progress;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * A line that shows how long work is going: on a terminal, rewritten in place ({@code \r}) twice a second; elsewhere (a
 * pipe, a log, a test) printed as a plain line every {@code plainEvery} milliseconds, so a log is not flooded.
 *
 * <p>Threading: {@link #start} starts a daemon thread that prints until {@link #stop}, which joins it, prints a last
 * line and ends it. {@link #print} may be called from any thread (printing is synchronized).
 */
public final class LiveLine {
    private final Supplier<String> line;
    private final PrintStream out;
    private final boolean terminal;
    private final long plainEvery;
    private Thread thread;
    private int lastWidth;

    /**
     * @param line what to show, asked each time the line is printed
     * @param terminal whether {@code out} is a terminal that understands {@code \r}
     * @param plainEvery milliseconds between plain lines, when not on a terminal
     */
    public LiveLine(Supplier<String> line, PrintStream out, boolean terminal, long plainEvery) {
        this.line = line;
        this.out = out;
        this.terminal = terminal;
        this.plainEvery = plainEvery;
    }

    /** Whether standard output is a terminal (and so a line can be rewritten in place). */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    public boolean terminal() {
        return terminal;
    }

    public synchronized LiveLine start(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Prints a last line, ends it, and stops. */
    public void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            t.join(10_000);
        }
        print();
        if (terminal) {
            out.println();
        }
    }

    /**
     * Stops without a last line, and clears the line on a terminal: for a report that is to replace it.
     */
    public void clear() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            t.join(10_000);
        }
        synchronized (this) {
            if (terminal && lastWidth > 0) {
                out.print("\r" + " ".repeat(lastWidth) + "\r");
                out.flush();
            }
        }
    }

    private void loop() {
        long every = terminal ? 500 : plainEvery;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            print();
        }
    }

    /**
     * Prints {@code text} as a line of its own: on a terminal over the live line, which the next tick draws again
     * below it.
     */
    public synchronized void println(String text) {
        if (terminal && lastWidth > 0) {
            out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())) + System.lineSeparator());
            lastWidth = 0;
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Prints the line now. */
    public synchronized void print() {
        String now = line.get();
        if (terminal) {
            // pad over the rest of a longer previous line
            out.print("\r" + now + " ".repeat(Math.max(0, lastWidth - now.length())));
            lastWidth = now.length();
        } else {
            out.println(now);
        }
        out.flush();
    }
}
