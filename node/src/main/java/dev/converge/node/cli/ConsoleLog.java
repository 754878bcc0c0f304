package dev.converge.node.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * The log of a long-running command ({@code run}): every line on stdout with its time, at the level asked for
 * (Converge's own loggers; the libraries stay at WARN, they are chatty at INFO). Other commands keep the quiet default
 * of {@code logback.xml} (warnings on stderr), so their stdout holds their output only. Called once, at the start of
 * such a command, before other threads log.
 */
final class ConsoleLog {
    private ConsoleLog() {
    }

    static void toStdout(Level level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setTarget("System.out");
        stdout.setEncoder(encoder);
        stdout.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(stdout);
        root.setLevel(Level.WARN);
        context.getLogger("dev.converge").setLevel(level);
    }
}
