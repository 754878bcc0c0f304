package dev.converge.node.peer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Everything logged at INFO or above, by any logger, while it is open (Converge's loggers at every level). */
final class RootLogs implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger converge = (Logger) LoggerFactory.getLogger("dev.converge");
    private final Level rootLevel = root.getLevel();
    private final Level convergeLevel = converge.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    RootLogs() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        converge.setLevel(Level.ALL);
    }

    /** Every message so far, formatted, with its level and logger, and the text of any exception. */
    synchronized List<String> lines() {
        return List.copyOf(appender.list).stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(rootLevel);
        converge.setLevel(convergeLevel);
    }
}
