package io.icn.node.launcher;

import io.icn.node.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.tomlj.TomlArray;

/**
 * One key of {@code super-node.toml}: its name (a key of the {@code [limits]} table as {@code limits.NAME}), its
 * {@link Type} (which TOML value it takes and which values are in bounds), its default, a one-line doc, and where
 * its value goes ({@link Target}). The declarations are {@link ConfigKeys#ALL}; docs/configuration.md lists the
 * same keys (a test compares them).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the key as written in the file ({@code quic_port}, {@code limits.chunk_mb})
 * @param type what the key takes, with its bounds
 * @param defaultValue the value when the file and the command line leave the key out
 * @param doc one line for the operator: what the key does
 * @param target where the value goes
 * @param <T> the value's Java type
 */
public record ConfigKey<T>(String name, Type<T> type, T defaultValue, String doc, Target<T> target) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(target, "target");
        type.check(name, defaultValue); // a default out of its own bounds is a bug of the table
    }

    /** The table the key sits in ({@code limits}), or "" for a top-level key. */
    public String table() {
        int dot = name.indexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    /** The key's name inside its table. */
    public String simpleName() {
        return name.substring(name.indexOf('.') + 1);
    }

    /**
     * Where a value goes once every key has its value: onto the launcher configuration being assembled. A key whose
     * record takes a second key's value at once (a port beside a bind address, a limit beside a budget) reads that
     * value from {@code all}, so that the order of the keys never matters.
     *
     * @param <T> the value's type
     */
    @FunctionalInterface
    public interface Target<T> {
        LauncherConfig apply(LauncherConfig config, T value, ConfigValues all);
    }

    /**
     * A kind of value: how it is read from TOML (or from a command-line flag), its bounds, and how it is written
     * back (for the effective configuration). Every failure is a {@link ConfigException} naming the key.
     *
     * @param <T> the Java type
     */
    public interface Type<T> {
        /** What a value of this type looks like, for the wrong-type message: "a whole number without quotes". */
        String expected();

        /**
         * The value of a TOML value, or null if it is of the wrong kind.
         *
         * @throws ConfigException naming {@code key} if it is of the right kind but not a value of this type
         */
        T fromToml(String key, Object raw);

        /** The value of a command-line flag's text. */
        T fromText(String key, String text);

        /** @throws ConfigException naming {@code key} if {@code value} is out of bounds */
        void check(String key, T value);

        /** The value as TOML writes it. */
        String render(T value);
    }

    // ---------------------------------------------------------------- the types

    /** A whole number in {@code min..max}. */
    static Type<Long> integer(long min, long max) {
        return new WholeNumber(min, max, " is out of range; use " + min + ".." + max);
    }

    /** A TCP or UDP port, 0 = chosen by the system. */
    static Type<Long> port() {
        return new WholeNumber(0, 65_535, " is not a port; use 1..65535 (or 0 to let the system pick)");
    }

    /** A whole number in {@code min..max}; out of it, {@code key = value} and {@code outOfRange}. */
    private record WholeNumber(long min, long max, String outOfRange) implements Type<Long> {
        @Override
        public String expected() {
            return "a whole number without quotes";
        }

        @Override
        public Long fromToml(String key, Object raw) {
            return raw instanceof Long n ? n : null;
        }

        @Override
        public Long fromText(String key, String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " = " + text + " is not a whole number");
            }
        }

        @Override
        public void check(String key, Long value) {
            if (value < min || value > max) {
                throw new ConfigException(key + " = " + value + outOfRange);
            }
        }

        @Override
        public String render(Long value) {
            return value.toString();
        }
    }

    /** {@code true} or {@code false}. */
    static Type<Boolean> bool() {
        return new Type<>() {
            @Override
            public String expected() {
                return "true or false without quotes";
            }

            @Override
            public Boolean fromToml(String key, Object raw) {
                return raw instanceof Boolean b ? b : null;
            }

            @Override
            public Boolean fromText(String key, String text) {
                return switch (text.trim()) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new ConfigException(key + " = " + text + " is not true or false");
                };
            }

            @Override
            public void check(String key, Boolean value) {
                // both values are in bounds
            }

            @Override
            public String render(Boolean value) {
                return value.toString();
            }
        };
    }

    /** A string checked by {@code check}, which throws naming the key. */
    static Type<String> string(StringCheck check) {
        return parsed((key, s) -> {
            check.check(key, s);
            return s;
        }, Function.identity());
    }

    /** A string parsed into a {@code T} ({@code parse} throws naming the key), written back by {@code render}. */
    static <T> Type<T> parsed(StringParser<T> parse, Function<T, String> render) {
        return new Type<>() {
            @Override
            public String expected() {
                return "a string in double quotes";
            }

            @Override
            public T fromToml(String key, Object raw) {
                return raw instanceof String s ? parse.parse(key, s) : null;
            }

            @Override
            public T fromText(String key, String text) {
                return parse.parse(key, text);
            }

            @Override
            public void check(String key, T value) {
                parse.parse(key, render.apply(value));
            }

            @Override
            public String render(T value) {
                return quote(render.apply(value));
            }
        };
    }

    /** An array of strings, each checked by {@code element}. */
    static Type<List<String>> stringList(StringCheck element) {
        return new Type<>() {
            @Override
            public String expected() {
                return "an array of strings, e.g. [\"/ip4/203.0.113.7/tcp/30333\"]";
            }

            @Override
            public List<String> fromToml(String key, Object raw) {
                if (!(raw instanceof TomlArray array)) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (int i = 0; i < array.size(); i++) {
                    if (!(array.get(i) instanceof String s)) {
                        return null;
                    }
                    out.add(s);
                }
                return List.copyOf(out);
            }

            @Override
            public List<String> fromText(String key, String text) {
                List<String> out = text.isBlank() ? List.of() : List.of(text.split(","));
                check(key, out);
                return out;
            }

            @Override
            public void check(String key, List<String> value) {
                for (String s : value) {
                    element.check(key, s);
                }
            }

            @Override
            public String render(List<String> value) {
                return value.stream().map(ConfigKey::quote).toList().toString();
            }
        };
    }

    /** Checks one string value; throws a {@link ConfigException} naming {@code key}. */
    @FunctionalInterface
    interface StringCheck {
        void check(String key, String value);

        /** Any string. */
        StringCheck ANY = (key, value) -> { };
    }

    /** Parses one string value; throws a {@link ConfigException} naming {@code key}. */
    @FunctionalInterface
    interface StringParser<T> {
        T parse(String key, String value);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
