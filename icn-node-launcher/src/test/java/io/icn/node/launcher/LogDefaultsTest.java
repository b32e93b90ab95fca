package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class LogDefaultsTest {

    @Test
    void infoAndAboveAsTextOnStandardErrorWithoutAnXmlFile() {
        LoggerContext context = new LoggerContext();
        assertThat(new LogDefaults().configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("console")).isInstanceOfSatisfying(ConsoleAppender.class, c -> {
            assertThat(c.isStarted()).isTrue();
            assertThat(c.getTarget()).isEqualTo("System.err");
        });
        context.stop();
    }

    @Test
    void stepsAsideForAConfigurationFileTheEmbedderNames() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "embedder-logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertThat(new LogDefaults().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
