package io.icn.node.launcher;

import io.icn.node.ConfigException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The value of every key of {@link ConfigKeys#ALL}: what the file said, what a command-line flag overrode, else the
 * default; and for each, where it came from, for messages ({@code super-node.toml:12}, {@code --region}). Each value
 * is in its key's bounds. {@link #build()} assembles the {@link LauncherConfig}.
 *
 * <p>Not thread-safe: fill it on one thread, then build.
 */
public final class ConfigValues {
    private final String source;
    private final Map<ConfigKey<?>, Object> values = new HashMap<>();
    private final Map<ConfigKey<?>, String> origins = new HashMap<>();

    /** Every key at its default; {@code source} names the file (or "defaults") in messages. */
    public ConfigValues(String source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Where the values come from: a file's path, or {@code defaults}. */
    public String source() {
        return source;
    }

    /** The key's value: set, or its default. */
    public <T> T get(ConfigKey<T> key) {
        Object v = values.get(key);
        return v == null ? key.defaultValue() : castTo(key, v);
    }

    @SuppressWarnings("unchecked")
    private static <T> T castTo(ConfigKey<T> key, Object v) {
        return (T) v; // put only stores values of the key's own type
    }

    /** Whether the key was set (by the file or a flag). */
    public boolean isSet(ConfigKey<?> key) {
        return values.containsKey(key);
    }

    /**
     * Sets a key, checked against its bounds.
     *
     * @param origin where the value came from, for messages: {@code file.toml:3}, {@code --region}
     * @throws ConfigException naming the origin and the key if the value is out of bounds
     */
    public <T> ConfigValues set(ConfigKey<T> key, T value, String origin) {
        Objects.requireNonNull(value, key.name());
        try {
            key.type().check(key.name(), value);
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage(), e);
        }
        values.put(key, value);
        origins.put(key, origin);
        return this;
    }

    /**
     * Sets a key from a command-line flag's text.
     *
     * @throws ConfigException naming the flag if the text is not a value of the key
     */
    public <T> ConfigValues override(ConfigKey<T> key, String text, String flag) {
        T value;
        try {
            value = key.type().fromText(key.name(), text);
        } catch (ConfigException e) {
            throw new ConfigException(flag + " " + text + ": " + e.getMessage(), e);
        }
        return set(key, value, flag);
    }

    /** {@code "<origin>: "} of a set key (for messages), or {@code "<source>: "}. */
    String where(ConfigKey<?> key) {
        return origins.getOrDefault(key, source) + ": ";
    }

    /**
     * The launcher configuration of these values: the checks between keys, then each key's value onto the defaults.
     *
     * @throws ConfigException naming the key (and its line) whose value a configuration record refuses
     */
    public LauncherConfig build() {
        ConfigKeys.checkTogether(this);
        LauncherConfig config = LauncherConfig.defaults();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            config = apply(config, key);
        }
        return config;
    }

    private <T> LauncherConfig apply(LauncherConfig config, ConfigKey<T> key) {
        try {
            return key.target().apply(config, get(key), this);
        } catch (ConfigException | IllegalArgumentException e) {
            String message = e.getMessage();
            throw new ConfigException(where(key) + (message.contains(key.name()) ? "" : key.name() + ": ") + message,
                    e);
        }
    }

    /** Every key and its value as TOML writes it, secrets masked: the effective configuration for the log. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            m.put(key.name(), render(key));
        }
        return m;
    }

    private <T> String render(ConfigKey<T> key) {
        T value = get(key);
        if (ConfigKeys.SECRET.contains(key)) {
            return value.toString().isEmpty() ? "(none)" : "(set)";
        }
        return key.type().render(value);
    }
}
