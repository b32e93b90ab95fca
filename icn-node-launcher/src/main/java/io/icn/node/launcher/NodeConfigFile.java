package io.icn.node.launcher;

import io.icn.node.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads {@code super-node.toml} (TOML 1.0) into {@link ConfigValues}, key by key as {@link ConfigKeys} declares
 * them: every key of the original node loads unchanged, every key of ours is recognised, and anything else (an
 * unknown key, a value of the wrong type or out of bounds) is a {@link ConfigException} that names the file, the
 * line, the key and the fix. Keys that are absent keep their defaults.
 *
 * <p>Stateless; thread-safe.
 */
public final class NodeConfigFile {

    private NodeConfigFile() {
    }

    /**
     * Reads the file at {@code file}.
     *
     * @throws ConfigException if the file is missing, unreadable, not TOML, or holds a bad key or value
     */
    public static ConfigValues load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file.toAbsolutePath() + " does not exist; pass an"
                    + " existing file with --config, or leave --config out to run with the defaults");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file.toAbsolutePath() + ": " + e
                    + "; check its permissions", e);
        }
        return parse(text, file.toAbsolutePath().toString());
    }

    /**
     * Parses TOML text. Relative {@code storage_path}s are taken relative to the working directory, as the original
     * node did.
     *
     * @param source the file name for messages
     * @throws ConfigException if the text is not TOML or holds a bad key or value
     */
    public static ConfigValues parse(String text, String source) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().get(0);
            throw new ConfigException(source + ":" + first.position().line() + ":" + first.position().column()
                    + ": not valid TOML: " + first.getMessage() + " (" + toml.errors().size()
                    + " error(s) in all; strings need double quotes, e.g. region = \"EU-WEST\")");
        }
        ConfigValues values = new ConfigValues(source);
        Map<String, List<ConfigKey<?>>> byTable = ConfigKeys.ALL.stream()
                .collect(Collectors.groupingBy(ConfigKey::table));
        read(new Reader(toml, source, ""), byTable, values);
        return values;
    }

    /** Reads the keys of one table (and, at the top, the tables it holds) onto {@code values}. */
    private static void read(Reader r, Map<String, List<ConfigKey<?>>> byTable, ConfigValues values) {
        String table = r.prefix.isEmpty() ? "" : r.prefix.substring(0, r.prefix.length() - 1);
        List<ConfigKey<?>> keys = byTable.getOrDefault(table, List.of());
        Set<String> known = new TreeSet<>();
        keys.forEach(k -> known.add(k.simpleName()));
        if (table.isEmpty()) {
            byTable.keySet().stream().filter(t -> !t.isEmpty()).forEach(known::add);
        }
        r.rejectUnknown(known);
        for (ConfigKey<?> key : keys) {
            r.read(key, values);
        }
        if (!table.isEmpty()) {
            return;
        }
        for (String sub : byTable.keySet()) {
            if (sub.isEmpty()) {
                continue;
            }
            Object t = r.table.get(List.of(sub));
            if (t == null) {
                continue;
            }
            if (!(t instanceof TomlTable inner)) {
                throw r.wrongType(sub, t, "a table: a [" + sub + "] section");
            }
            read(new Reader(inner, r.source, sub + "."), byTable, values);
        }
    }

    /** Typed access to one table, with messages that name the key and its line. */
    private static final class Reader {
        private final TomlTable table;
        private final String source;
        private final String prefix;

        Reader(TomlTable table, String source, String prefix) {
            this.table = table;
            this.source = source;
            this.prefix = prefix;
        }

        void rejectUnknown(Set<String> known) {
            for (String key : table.keySet()) {
                if (!known.contains(key)) {
                    throw new ConfigException(where(key) + "unknown key '" + prefix + key + "'; check its spelling"
                            + " or remove it. Known keys" + (prefix.isEmpty() ? "" : " of [" + prefix.substring(0,
                                    prefix.length() - 1) + "]") + ": " + String.join(", ", new TreeSet<>(known)));
                }
            }
        }

        /** Reads {@code key} onto {@code values} when the table has it. */
        <T> void read(ConfigKey<T> key, ConfigValues values) {
            String name = key.simpleName();
            Object raw = table.get(List.of(name));
            if (raw == null) {
                return;
            }
            T value;
            try {
                value = key.type().fromToml(key.name(), raw);
            } catch (ConfigException e) {
                throw new ConfigException(where(name) + e.getMessage(), e);
            }
            if (value == null) {
                throw wrongType(name, raw, key.type().expected());
            }
            values.set(key, value, origin(name));
        }

        ConfigException wrongType(String key, Object value, String expected) {
            return new ConfigException(where(key) + prefix + key + " has the wrong type: found " + typeName(value)
                    + " " + render(value) + ", expected " + expected);
        }

        private String where(String key) {
            return origin(key) + ": ";
        }

        private String origin(String key) {
            TomlPosition at = table.inputPositionOf(List.of(key));
            return source + (at == null ? "" : ":" + at.line());
        }

        private static String typeName(Object value) {
            if (value instanceof String) {
                return "a string";
            } else if (value instanceof Long) {
                return "an integer";
            } else if (value instanceof Double) {
                return "a decimal number";
            } else if (value instanceof Boolean) {
                return "a boolean";
            } else if (value instanceof TomlArray) {
                return "an array";
            } else if (value instanceof TomlTable) {
                return "a table";
            }
            return "a " + value.getClass().getSimpleName();
        }

        private static String render(Object value) {
            if (value instanceof String s) {
                return "\"" + s + "\"";
            } else if (value instanceof TomlArray a) {
                return a.toJson().replaceAll("\\s+", " ").trim();
            } else if (value instanceof TomlTable) {
                return "{...}";
            }
            return String.valueOf(value);
        }
    }
}
