package io.icn.node.launcher;

import io.icn.node.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Configures logback for the CLI: one line per event on standard output (text or logstash JSON, per
 * {@code log_format}), the modules' {@code System.Logger} output routed through java.util.logging into
 * the same appender. Only the CLI calls this; an embedder keeps its own logging.
 *
 * <p>Call from the main thread before the node starts; not thread-safe.
 */
final class LogSetup {

    private LogSetup() {
    }

    /** Logs for a running node: {@code format} at {@code level} to standard output. */
    static void forNode(LogFormat format, String level) {
        configure(format, Level.toLevel(level, Level.INFO), false);
    }

    /** Logs for a client command: warnings and errors only, as text on standard error. */
    static void forClient() {
        configure(LogFormat.TEXT, Level.WARN, true);
    }

    private static void configure(LogFormat format, Level level, boolean stderr) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding is in charge
        }
        context.reset();
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        propagator.start();
        context.addListener(propagator);

        Encoder<ILoggingEvent> encoder;
        if (format == LogFormat.JSON) {
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(context);
            json.start();
            encoder = json;
        } else {
            // Timestamps in UTC, ISO-8601 with a Z: one clock for every node of a fleet.
            encoder = pattern(context, "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{24} - %msg%n");
        }
        console(context, encoder, level, stderr);

        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /** A text encoder of {@code pattern}, started. */
    static Encoder<ILoggingEvent> pattern(LoggerContext context, String pattern) {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(pattern);
        text.start();
        return text;
    }

    /** Sends the root logger's events at {@code level} and above through {@code encoder} to stderr or stdout. */
    static void console(LoggerContext context, Encoder<ILoggingEvent> encoder, Level level, boolean stderr) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget(stderr ? "System.err" : "System.out");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(console);
    }

    /** Flushes and stops the appenders; for the end of the process. */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
