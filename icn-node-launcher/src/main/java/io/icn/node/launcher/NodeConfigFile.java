package io.icn.node.launcher;

import io.icn.node.*;

import io.icn.chain.Region;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads {@code super-node.toml} (TOML 1.0) into a {@link NodeConfig.Builder}: every key of the original
 * node loads unchanged, every key of ours is recognised, and anything else (an unknown key, a value of the
 * wrong type) is a {@link ConfigException} that names the file, the line, the key and the fix. Keys that
 * are absent keep their defaults.
 *
 * <p>Stateless; thread-safe.
 */
public final class NodeConfigFile {

    /** The top-level keys this file format accepts. */
    public static final Set<String> KEYS = Set.of("chain_endpoint", "storage_path", "quic_port", "metrics_port",
            "quic_bind", "metrics_bind", "p2p_listen_addr", "bootstrap_peers", "region", "max_storage_gb", "audit_poll_secs",
            "cleanup_interval_blocks", "cache_mb", "fsync", "verify_on_read", "scrub_bytes_per_sec",
            "scrub_interval_secs", "admin_token", "admin_bind", "admin_port", "block_time_secs", "audit_interval_blocks",
            "chain_retention_blocks", "stake_icn", "deal_blocks", "log_format", "log_level", "quic_advertise", "peers",
            "shutdown_grace_secs", "ingest_clients", "limits");

    /** The keys of the {@code [limits]} table. */
    public static final Set<String> LIMIT_KEYS = Set.of("max_put_mb", "chunk_mb", "max_json_body_kb", "http_threads",
            "max_quic_put_mb", "quic_put_budget_mb");

    private NodeConfigFile() {
    }

    /**
     * Reads the file at {@code file} onto a builder of defaults.
     *
     * @throws ConfigException if the file is missing, unreadable, not TOML, or holds a bad key or value
     */
    public static NodeConfig.Builder load(Path file) {
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
        return parse(text, file.toAbsolutePath().toString(), file.toAbsolutePath().getParent());
    }

    /**
     * Parses TOML text onto a builder of defaults.
     *
     * @param source the file name for messages
     * @param baseDir relative {@code storage_path}s are taken relative to the working directory, as the
     *     original node did; {@code baseDir} is kept for messages only and may be {@code null}
     */
    public static NodeConfig.Builder parse(String text, String source, Path baseDir) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().get(0);
            throw new ConfigException(source + ":" + first.position().line() + ":" + first.position().column()
                    + ": not valid TOML: " + first.getMessage() + " (" + toml.errors().size()
                    + " error(s) in all; strings need double quotes, e.g. region = \"EU-WEST\")");
        }
        Reader r = new Reader(toml, source, "");
        r.rejectUnknown(KEYS);
        NodeConfig.Builder b = NodeConfig.builder();
        try {
            r.string("chain_endpoint", b::chainEndpoint);
            r.string("storage_path", v -> b.storagePath(path(v)));
            r.port("quic_port", b::quicPort);
            r.port("metrics_port", b::metricsPort);
            r.string("quic_bind", b::quicBind);
            r.string("metrics_bind", b::metricsBind);
            r.string("p2p_listen_addr", b::p2pListenAddr);
            r.stringList("bootstrap_peers", b::bootstrapPeers);
            r.string("region", v -> b.region(region(v)));
            r.integer("max_storage_gb", b::maxStorageGb);
            r.integer("audit_poll_secs", b::auditPollSecs);
            r.integer("cleanup_interval_blocks", b::cleanupIntervalBlocks);
            r.integer("cache_mb", b::cacheMb);
            r.string("fsync", v -> b.fsync(FsyncPolicy.fromConfig(v)));
            r.bool("verify_on_read", b::verifyOnRead);
            r.integer("scrub_bytes_per_sec", b::scrubBytesPerSec);
            r.integer("scrub_interval_secs", b::scrubIntervalSecs);
            r.string("admin_token", b::adminToken);
            r.string("admin_bind", b::adminBind);
            r.port("admin_port", b::adminPort);
            r.integer("block_time_secs", b::blockTimeSecs);
            r.integer("audit_interval_blocks", b::auditIntervalBlocks);
            r.integer("chain_retention_blocks", b::chainRetentionBlocks);
            r.integer("stake_icn", b::stakeIcn);
            r.integer("deal_blocks", b::dealBlocks);
            r.string("log_format", v -> b.logFormat(LogFormat.fromConfig(v)));
            r.string("log_level", b::logLevel);
            r.string("quic_advertise", b::quicAdvertise);
            r.stringList("peers", b::peers);
            r.integer("shutdown_grace_secs", b::shutdownGraceSecs);
            r.stringList("ingest_clients", b::ingestClients);
            Object limits = toml.get(List.of("limits"));
            if (limits != null) {
                if (!(limits instanceof TomlTable table)) {
                    throw r.wrongType("limits", limits, "a table: a [limits] section");
                }
                Reader l = new Reader(table, source, "limits.");
                l.rejectUnknown(LIMIT_KEYS);
                l.integer("max_put_mb", b::maxPutMb);
                l.intValue("chunk_mb", b::chunkMb);
                l.intValue("max_json_body_kb", b::maxJsonBodyKb);
                l.intValue("http_threads", b::httpThreads);
                l.intValue("max_quic_put_mb", b::maxQuicPutMb);
                l.intValue("quic_put_budget_mb", b::quicPutBudgetMb);
            }
        } catch (ConfigException e) {
            if (e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        return b;
    }

    private static Path path(String value) {
        if (value.isBlank()) {
            throw new ConfigException("storage_path is empty; give the directory the node keeps its shards in,"
                    + " e.g. storage_path = \"/var/lib/icn\"");
        }
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("storage_path = \"" + value + "\" is not a valid path: " + e.getReason(), e);
        }
    }

    private static Region region(String value) {
        try {
            return Region.fromWireName(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("region = \"" + value + "\" is not a region; use one of NA-WEST, NA-EAST,"
                    + " EU-WEST, EU-EAST, APAC, LATAM, MENA");
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

        void string(String key, java.util.function.Consumer<String> to) {
            Object v = table.get(List.of(key));
            if (v == null) {
                return;
            }
            if (!(v instanceof String s)) {
                throw wrongType(key, v, "a string in double quotes");
            }
            apply(key, () -> to.accept(s));
        }

        void integer(String key, java.util.function.LongConsumer to) {
            Object v = table.get(List.of(key));
            if (v == null) {
                return;
            }
            if (!(v instanceof Long n)) {
                throw wrongType(key, v, "a whole number without quotes");
            }
            apply(key, () -> to.accept(n));
        }

        void intValue(String key, java.util.function.IntConsumer to) {
            integer(key, n -> {
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw new ConfigException(prefix + key + " = " + n + " is out of range");
                }
                to.accept((int) n);
            });
        }

        void port(String key, java.util.function.IntConsumer to) {
            integer(key, n -> {
                if (n < 0 || n > 65_535) {
                    throw new ConfigException(prefix + key + " = " + n
                            + " is not a port; use 1..65535 (or 0 to let the system pick)");
                }
                to.accept((int) n);
            });
        }

        void bool(String key, java.util.function.Consumer<Boolean> to) {
            Object v = table.get(List.of(key));
            if (v == null) {
                return;
            }
            if (!(v instanceof Boolean flag)) {
                throw wrongType(key, v, "true or false without quotes");
            }
            apply(key, () -> to.accept(flag));
        }

        void stringList(String key, java.util.function.Consumer<List<String>> to) {
            Object v = table.get(List.of(key));
            if (v == null) {
                return;
            }
            if (!(v instanceof TomlArray array)) {
                throw wrongType(key, v, "an array of strings, e.g. [\"/ip4/203.0.113.7/tcp/30333\"]");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                if (!(array.get(i) instanceof String s)) {
                    throw wrongType(key, array.get(i), "an array of strings; element " + i + " is not a string");
                }
                out.add(s);
            }
            apply(key, () -> to.accept(out));
        }

        private void apply(String key, Runnable r) {
            try {
                r.run();
            } catch (ConfigException e) {
                throw new ConfigException(where(key) + e.getMessage(), e);
            }
        }

        ConfigException wrongType(String key, Object value, String expected) {
            return new ConfigException(where(key) + prefix + key + " has the wrong type: found " + typeName(value)
                    + " " + render(value) + ", expected " + expected);
        }

        private String where(String key) {
            TomlPosition at = table.inputPositionOf(List.of(key));
            return source + (at == null ? "" : ":" + at.line()) + ": ";
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
