package io.icn.node.launcher;

import io.icn.node.ConfigException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the launcher logs: {@code log_format} and {@code log_level}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param format one line per event, text or JSON
 * @param level the root level, lower case
 */
public record LogConfig(LogFormat format, String level) {

    /** The levels {@code log_level} accepts. */
    public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    /** Text at info. */
    public static final LogConfig DEFAULT = new LogConfig(LogFormat.TEXT, "info");

    public LogConfig {
        Objects.requireNonNull(format, "format");
        level = level(Objects.requireNonNull(level, "level"));
    }

    /** {@code value} in lower case if it is a level. @throws ConfigException naming the key and the levels */
    static String level(String value) {
        String lower = value.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(lower)) {
            throw new ConfigException("log_level = \"" + value + "\" is not a level; use one of trace, debug,"
                    + " info, warn, error");
        }
        return lower;
    }
}
