package io.icn.node.launcher;

import io.icn.node.*;

import java.util.Locale;

/** The {@code log_format} key: one line per event, as text for people or JSON for log shippers. */
public enum LogFormat {
    /** {@code time level logger - message key=value}. The default. */
    TEXT,
    /** One JSON object per line (logstash layout). */
    JSON;

    /** The configuration spelling, {@code text} or {@code json}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code text} or {@code json}. @throws ConfigException naming the key and the accepted values */
    public static LogFormat fromConfig(String value) {
        for (LogFormat f : values()) {
            if (f.configName().equalsIgnoreCase(value.trim())) {
                return f;
            }
        }
        throw new ConfigException("log_format = \"" + value + "\" is not a format; use \"text\" or \"json\"");
    }
}
