package dev.converge.node.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the configuration, as it does for PostgreSQL and most daemons. Uses {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}); where it is missing or the signal cannot be handled (Windows, {@code -Xrs}), says so and
 * leaves {@code converge reload} as the way. Stateless.
 */
public final class ReloadSignal {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    /**
     * Runs {@code onHangup} on every SIGHUP (on the JVM's signal thread, one at a time). Returns whether the handler
     * is installed; if not, why is logged: no {@code sun.misc.Signal}, {@code -Xrs}, or SIGHUP ignored by whoever
     * started the process ({@code nohup}), which the JVM then leaves ignored.
     */
    public static boolean install(Runnable onHangup) {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                try {
                    onHangup.run();
                } catch (RuntimeException e) {
                    LOG.warn("reload on SIGHUP failed: {}", e.toString()); // the node runs on as before
                }
            });
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // a process started with SIGHUP ignored (nohup, some supervisors): the JVM keeps it ignored and installs
                // nothing, without an error, so the signal would be lost in silence
                LOG.warn("SIGHUP cannot reload the configuration: this process was started with SIGHUP ignored (as under nohup);"
                    + " use converge reload");
                return false;
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.warn("SIGHUP cannot reload the configuration here ({}); use converge reload", e.toString());
            return false;
        }
    }
}
