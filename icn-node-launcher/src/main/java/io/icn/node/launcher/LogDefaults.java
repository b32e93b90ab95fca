package io.icn.node.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the CLI applies {@code log_format} and {@code log_level} ({@link LogSetup}), and the
 * tests' logging: INFO and above as text on standard error. Found by logback through {@code META-INF/services} and
 * applied in code, in place of a {@code logback.xml}: parsing XML cost every command, {@code icn-node get} too,
 * some 40 ms of a cold JVM's time. An embedder's own configuration wins: with {@code logback.configurationFile} set, or
 * a {@code logback-test.xml} or {@code logback.xml} on the class path, this steps aside and logback reads that.
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {

    /** For logback's service loader. */
    public LogDefaults() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogDefaults.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogSetup.console(context, LogSetup.pattern(context,
                "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n"), Level.INFO, true);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
