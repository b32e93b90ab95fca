package io.icn.node;

import io.icn.chain.Region;
import io.icn.transport.quic.NodeCertificate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The node's effective configuration: the keys of {@code super-node.toml} (those of the original node,
 * unchanged, plus ours), after defaults and command-line overrides. Every value is checked here, and a
 * bad one is reported as a {@link ConfigException} naming its key and the fix. docs/configuration.md
 * lists every key.
 *
 * <p>Ports may be 0 (the system picks a free one; for tests). Checks that look at the machine (ports
 * free, storage writable, chain endpoint supported) are {@link Preflight}'s, not this record's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param chainEndpoint {@code chain_endpoint}: {@code local} (the embedded chain) or a {@code ws://} /
 *     {@code wss://} URL of a chain node (accepted here, refused at start until the Substrate adapter exists)
 * @param storagePath {@code storage_path}, absolute and normalised
 * @param quicPort {@code quic_port}, the shard-transfer port (UDP)
 * @param quicBind {@code quic_bind}: the address the shard server listens on
 * @param metricsPort {@code metrics_port}: {@code /metrics} and {@code /health}
 * @param metricsBind {@code metrics_bind}: the address {@code /metrics} and {@code /health} listen on
 * @param p2pListenAddr {@code p2p_listen_addr}, a multiaddr
 * @param bootstrapPeers {@code bootstrap_peers}, multiaddrs
 * @param region {@code region}
 * @param maxStorageGb {@code max_storage_gb}: the shard store's capacity in GiB
 * @param auditPollSecs {@code audit_poll_secs}: the audit monitor's poll timer
 * @param cleanupIntervalBlocks {@code cleanup_interval_blocks}
 * @param cacheMb {@code cache_mb}: hot-shard cache in MiB, 0 = off
 * @param fsync {@code fsync}
 * @param verifyOnRead {@code verify_on_read}: whole-shard reads check their SHA-256
 * @param scrubBytesPerSec {@code scrub_bytes_per_sec}: the background scrubber's read budget
 * @param scrubIntervalSecs {@code scrub_interval_secs}: pause between scrub passes
 * @param adminToken {@code admin_token}: bearer token the admin endpoints require; empty = none
 * @param adminBind {@code admin_bind}: the address the admin endpoints listen on
 * @param adminPort {@code admin_port}
 * @param blockTimeSecs {@code block_time_secs}: the local chain's block time
 * @param auditIntervalBlocks {@code audit_interval_blocks}: blocks between the local chain's stake-weighted audit
 *     draws (600, an hour of 6 s blocks, as the pallet; lower on test and soak nodes to see audits often)
 * @param chainRetentionBlocks {@code chain_retention_blocks}: how long the local chain keeps decided audits and
 *     expired deals before it forgets them
 * @param stakeIcn {@code stake_icn}: the stake this node registers with on the local chain
 * @param dealBlocks {@code deal_blocks}: the default life of a deal made by {@code put}, in blocks
 * @param logFormat {@code log_format}
 * @param logLevel {@code log_level}: {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}
 * @param quicAdvertise {@code quic_advertise}: the QUIC host other nodes reach this one at, registered on the
 *     chain; empty = {@code quic_bind} unless it is a wildcard, then {@code 127.0.0.1}
 * @param peers {@code peers}: other nodes' shard servers, {@code host:port#fingerprint}, asked for shards
 *     besides the chain's node registry
 * @param shutdownGraceSecs {@code shutdown_grace_secs}: on SIGTERM, how long the node waits for admin requests
 *     and QUIC transfers in flight before it cuts them off; 0 = not at all
 * @param ingestClients {@code ingest_clients}: SHA-256 fingerprints of the directors' client certificates allowed
 *     to PUT chunks over QUIC, normalised to 64 lower-case hex digits; empty = PUT refused to everybody
 * @param limits the {@code [limits]} table
 */
public record NodeConfig(String chainEndpoint, Path storagePath, int quicPort, String quicBind, int metricsPort,
        String metricsBind,
        String p2pListenAddr, List<String> bootstrapPeers, Region region, long maxStorageGb, long auditPollSecs,
        long cleanupIntervalBlocks, long cacheMb, FsyncPolicy fsync, boolean verifyOnRead, long scrubBytesPerSec,
        long scrubIntervalSecs, String adminToken, String adminBind, int adminPort, long blockTimeSecs,
        long auditIntervalBlocks, long chainRetentionBlocks, long stakeIcn, long dealBlocks, LogFormat logFormat,
        String logLevel, String quicAdvertise, List<String> peers, long shutdownGraceSecs, List<String> ingestClients,
        Limits limits) {

    /** The {@code chain_endpoint} value that selects the embedded local chain. */
    public static final String LOCAL_CHAIN = "local";

    /** The log levels {@code log_level} accepts. */
    public static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    public NodeConfig {
        Objects.requireNonNull(chainEndpoint, "chainEndpoint");
        Objects.requireNonNull(storagePath, "storagePath");
        Objects.requireNonNull(quicBind, "quicBind");
        Objects.requireNonNull(metricsBind, "metricsBind");
        Objects.requireNonNull(p2pListenAddr, "p2pListenAddr");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(adminBind, "adminBind");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(quicAdvertise, "quicAdvertise");
        bootstrapPeers = List.copyOf(bootstrapPeers);
        peers = List.copyOf(peers);
        ingestClients = ingestClients.stream().map(NodeConfig::fingerprint).distinct().toList();
        storagePath = storagePath.toAbsolutePath().normalize();
        logLevel = logLevel.toLowerCase(Locale.ROOT);

        checkChainEndpoint(chainEndpoint);
        checkPort("quic_port", quicPort);
        checkPort("metrics_port", metricsPort);
        checkPort("admin_port", adminPort);
        if (metricsPort != 0 && metricsPort == adminPort) {
            throw new ConfigException("metrics_port and admin_port are both " + metricsPort
                    + "; give the admin endpoints a port of their own (admin_port, default 9103)");
        }
        checkHost("quic_bind", quicBind);
        checkHost("metrics_bind", metricsBind);
        checkHost("admin_bind", adminBind);
        if (!quicAdvertise.isEmpty()) {
            checkHost("quic_advertise", quicAdvertise);
        }
        for (String peer : peers) {
            try {
                QuicPeer.parse(peer);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("peers: " + e.getMessage(), e);
            }
        }
        checkMultiaddr("p2p_listen_addr", p2pListenAddr);
        for (String peer : bootstrapPeers) {
            checkMultiaddr("bootstrap_peers", peer);
        }
        checkPositive("max_storage_gb", maxStorageGb, Long.MAX_VALUE >> 30);
        checkPositive("audit_poll_secs", auditPollSecs, 86_400);
        checkPositive("cleanup_interval_blocks", cleanupIntervalBlocks, Long.MAX_VALUE);
        checkRange("cache_mb", cacheMb, 0, 1L << 20);
        checkPositive("scrub_bytes_per_sec", scrubBytesPerSec, Long.MAX_VALUE);
        checkPositive("scrub_interval_secs", scrubIntervalSecs, 365L * 86_400);
        checkPositive("block_time_secs", blockTimeSecs, 3_600);
        checkPositive("audit_interval_blocks", auditIntervalBlocks, Long.MAX_VALUE);
        checkRange("chain_retention_blocks", chainRetentionBlocks, 100, Long.MAX_VALUE); // an audit's deadline
        checkRange("stake_icn", stakeIcn, 50, 1_000_000_000L);
        checkPositive("deal_blocks", dealBlocks, Long.MAX_VALUE / 2);
        checkRange("shutdown_grace_secs", shutdownGraceSecs, 0, 3_600);
        if (!adminToken.isEmpty() && (adminToken.length() < 16 || adminToken.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new ConfigException("admin_token must be at least 16 printable ASCII characters without spaces"
                    + " (got " + adminToken.length() + " characters); generate one with: openssl rand -hex 24");
        }
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new ConfigException("log_level = \"" + logLevel + "\" is not a level; use one of trace, debug,"
                    + " info, warn, error");
        }
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, e.g. to apply command-line overrides. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether {@code chain_endpoint} selects the embedded chain. */
    public boolean localChain() {
        return LOCAL_CHAIN.equals(chainEndpoint);
    }

    /** {@code max_storage_gb} in bytes. */
    public long capacityBytes() {
        return maxStorageGb << 30;
    }

    /**
     * The host this node registers as its QUIC address: {@code quic_advertise} if set, else {@code quic_bind}
     * unless that is a wildcard ({@code 0.0.0.0}, {@code ::}), else {@code 127.0.0.1}.
     */
    public String advertisedQuicHost() {
        if (!quicAdvertise.isEmpty()) {
            return quicAdvertise;
        }
        boolean wildcard = quicBind.equals("0.0.0.0") || quicBind.equals("::") || quicBind.equals("0:0:0:0:0:0:0:0");
        return wildcard ? "127.0.0.1" : quicBind;
    }

    /** {@code peers}, parsed. */
    List<QuicPeer> quicPeers() {
        return peers.stream().map(QuicPeer::parse).toList();
    }

    /** {@code shutdown_grace_secs} as a duration. */
    public Duration shutdownGrace() {
        return Duration.ofSeconds(shutdownGraceSecs);
    }

    private static String fingerprint(String value) {
        try {
            return NodeCertificate.normaliseFingerprint(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ingest_clients: \"" + value + "\" is not a certificate fingerprint; write the 64"
                    + " hex digits of a director's certificate (colons allowed), as 'icn-node director-cert' prints them");
        }
    }

    /** Whether the admin endpoints require a bearer token. */
    public boolean adminTokenRequired() {
        return !adminToken.isEmpty();
    }

    /** The effective configuration as key/value pairs for the start-up log; the admin token is masked. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chain_endpoint", chainEndpoint);
        m.put("storage_path", storagePath.toString());
        m.put("quic_port", quicPort);
        m.put("quic_bind", quicBind);
        m.put("metrics_port", metricsPort);
        m.put("metrics_bind", metricsBind);
        m.put("p2p_listen_addr", p2pListenAddr);
        m.put("bootstrap_peers", bootstrapPeers);
        m.put("region", region.wireName());
        m.put("max_storage_gb", maxStorageGb);
        m.put("audit_poll_secs", auditPollSecs);
        m.put("cleanup_interval_blocks", cleanupIntervalBlocks);
        m.put("cache_mb", cacheMb);
        m.put("fsync", fsync.configName());
        m.put("verify_on_read", verifyOnRead);
        m.put("scrub_bytes_per_sec", scrubBytesPerSec);
        m.put("scrub_interval_secs", scrubIntervalSecs);
        m.put("admin_token", adminTokenRequired() ? "(set)" : "(none)");
        m.put("admin_bind", adminBind);
        m.put("admin_port", adminPort);
        m.put("block_time_secs", blockTimeSecs);
        m.put("audit_interval_blocks", auditIntervalBlocks);
        m.put("chain_retention_blocks", chainRetentionBlocks);
        m.put("stake_icn", stakeIcn);
        m.put("deal_blocks", dealBlocks);
        m.put("log_format", logFormat.configName());
        m.put("log_level", logLevel);
        m.put("quic_advertise", advertisedQuicHost());
        m.put("peers", peers);
        m.put("shutdown_grace_secs", shutdownGraceSecs);
        m.put("ingest_clients", ingestClients);
        m.put("limits.max_put_mb", limits.maxPutMb());
        m.put("limits.chunk_mb", limits.chunkMb());
        m.put("limits.max_json_body_kb", limits.maxJsonBodyKb());
        m.put("limits.http_threads", limits.httpThreads());
        m.put("limits.max_quic_put_mb", limits.maxQuicPutMb());
        m.put("limits.quic_put_budget_mb", limits.quicPutBudgetMb());
        return m;
    }

    private static void checkChainEndpoint(String endpoint) {
        if (LOCAL_CHAIN.equals(endpoint)) {
            return;
        }
        try {
            URI uri = new URI(endpoint);
            if (("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new ConfigException("chain_endpoint = \"" + endpoint + "\" is neither \"local\" (the embedded chain)"
                + " nor a ws:// or wss:// URL such as \"ws://127.0.0.1:9944\"");
    }

    static void checkPort(String key, int port) {
        if (port < 0 || port > 65_535) {
            throw new ConfigException(key + " = " + port + " is not a port; use 1..65535 (or 0 to let the system pick)");
        }
    }

    private static void checkHost(String key, String host) {
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new ConfigException(key + " = \"" + host + "\" is not a host address; use e.g. \"127.0.0.1\","
                    + " \"0.0.0.0\" or \"::1\"");
        }
    }

    private static void checkMultiaddr(String key, String addr) {
        if (!addr.startsWith("/") || addr.length() < 3 || addr.chars().anyMatch(c -> c <= ' ')) {
            throw new ConfigException(key + ": \"" + addr + "\" is not a multiaddr; write it like"
                    + " \"/ip4/0.0.0.0/tcp/30333\" or \"/ip4/203.0.113.7/tcp/30333/p2p/12D3KooW...\"");
        }
    }

    private static void checkPositive(String key, long value, long max) {
        checkRange(key, value, 1, max);
    }

    private static void checkRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigException(key + " = " + value + " is out of range; use " + min + ".." + max);
        }
    }

    /**
     * The {@code [limits]} table.
     *
     * @param maxPutMb {@code max_put_mb}: the largest body {@code POST /admin/put} accepts, MiB
     * @param chunkMb {@code chunk_mb}: a put is cut into chunks of this size, each its own CID, MiB
     * @param maxJsonBodyKb {@code max_json_body_kb}: the largest body of the other admin requests, KiB
     * @param httpThreads {@code http_threads}: threads serving HTTP requests
     * @param maxQuicPutMb {@code max_quic_put_mb}: the longest chunk a QUIC PUT may carry, MiB
     * @param quicPutBudgetMb {@code quic_put_budget_mb}: memory for QUIC PUT chunks held at once (receiving or being
     *     stored), MiB; a PUT beyond it is answered BUSY
     */
    public record Limits(long maxPutMb, int chunkMb, int maxJsonBodyKb, int httpThreads, int maxQuicPutMb,
            int quicPutBudgetMb) {

        /** The defaults: 10 GiB puts, 50 MiB chunks, 64 KiB JSON bodies, 4 threads, 64 MiB QUIC chunks, 256 MiB for them. */
        public static final Limits DEFAULT = new Limits(10_240, 50, 64, 4, 64, 256);

        public Limits {
            checkPositive("limits.max_put_mb", maxPutMb, 1L << 30);
            checkPositive("limits.chunk_mb", chunkMb, 1_024);
            checkPositive("limits.max_json_body_kb", maxJsonBodyKb, 1 << 20);
            checkPositive("limits.http_threads", httpThreads, 256);
            checkPositive("limits.max_quic_put_mb", maxQuicPutMb, 2_047);
            checkPositive("limits.quic_put_budget_mb", quicPutBudgetMb, 1 << 20);
            if (quicPutBudgetMb < maxQuicPutMb) {
                throw new ConfigException("limits.quic_put_budget_mb = " + quicPutBudgetMb + " is below"
                        + " limits.max_quic_put_mb = " + maxQuicPutMb + ", so the largest PUT could never be admitted;"
                        + " raise limits.quic_put_budget_mb to at least " + maxQuicPutMb);
            }
        }

        /** {@code max_quic_put_mb} in bytes. */
        public long maxQuicPutBytes() {
            return (long) maxQuicPutMb << 20;
        }

        /** {@code quic_put_budget_mb} in bytes. */
        public long quicPutBudgetBytes() {
            return (long) quicPutBudgetMb << 20;
        }

        /** {@code chunk_mb} in bytes. */
        public int chunkBytes() {
            return chunkMb << 20;
        }

        /** {@code max_put_mb} in bytes. */
        public long maxPutBytes() {
            return maxPutMb << 20;
        }

        /** {@code max_json_body_kb} in bytes. */
        public int maxJsonBodyBytes() {
            return maxJsonBodyKb << 10;
        }
    }

    /**
     * Collects values; {@link #build()} checks them all. Starts from the defaults of docs/configuration.md.
     * Not thread-safe.
     */
    public static final class Builder {
        private String chainEndpoint = LOCAL_CHAIN;
        private Path storagePath = Path.of("./icn-data");
        private int quicPort = 9002;
        private String quicBind = "0.0.0.0";
        private int metricsPort = 9102;
        private String metricsBind = "0.0.0.0";
        private String p2pListenAddr = "/ip4/0.0.0.0/tcp/30333";
        private List<String> bootstrapPeers = List.of();
        private Region region = Region.NA_WEST;
        private long maxStorageGb = 10_000;
        private long auditPollSecs = 30;
        private long cleanupIntervalBlocks = 1_000;
        private long cacheMb = 256;
        private FsyncPolicy fsync = FsyncPolicy.ALWAYS;
        private boolean verifyOnRead;
        private long scrubBytesPerSec = 64L << 20;
        private long scrubIntervalSecs = 86_400;
        private String adminToken = "";
        private String adminBind = "127.0.0.1";
        private int adminPort = 9103;
        private long blockTimeSecs = 6;
        private long auditIntervalBlocks = 600;
        private long chainRetentionBlocks = 14_400;
        private long stakeIcn = 50;
        private long dealBlocks = 100_800;
        private LogFormat logFormat = LogFormat.TEXT;
        private String logLevel = "info";
        private String quicAdvertise = "";
        private List<String> peers = List.of();
        private long shutdownGraceSecs = 20;
        private long maxPutMb = Limits.DEFAULT.maxPutMb();
        private int chunkMb = Limits.DEFAULT.chunkMb();
        private int maxJsonBodyKb = Limits.DEFAULT.maxJsonBodyKb();
        private int httpThreads = Limits.DEFAULT.httpThreads();
        private int maxQuicPutMb = Limits.DEFAULT.maxQuicPutMb();
        private int quicPutBudgetMb = Limits.DEFAULT.quicPutBudgetMb();
        private List<String> ingestClients = List.of();

        private Builder() {
        }

        private Builder(NodeConfig c) {
            chainEndpoint = c.chainEndpoint;
            storagePath = c.storagePath;
            quicPort = c.quicPort;
            quicBind = c.quicBind;
            metricsPort = c.metricsPort;
            metricsBind = c.metricsBind;
            p2pListenAddr = c.p2pListenAddr;
            bootstrapPeers = c.bootstrapPeers;
            region = c.region;
            maxStorageGb = c.maxStorageGb;
            auditPollSecs = c.auditPollSecs;
            cleanupIntervalBlocks = c.cleanupIntervalBlocks;
            cacheMb = c.cacheMb;
            fsync = c.fsync;
            verifyOnRead = c.verifyOnRead;
            scrubBytesPerSec = c.scrubBytesPerSec;
            scrubIntervalSecs = c.scrubIntervalSecs;
            adminToken = c.adminToken;
            adminBind = c.adminBind;
            adminPort = c.adminPort;
            blockTimeSecs = c.blockTimeSecs;
            auditIntervalBlocks = c.auditIntervalBlocks;
            chainRetentionBlocks = c.chainRetentionBlocks;
            stakeIcn = c.stakeIcn;
            dealBlocks = c.dealBlocks;
            logFormat = c.logFormat;
            logLevel = c.logLevel;
            quicAdvertise = c.quicAdvertise;
            peers = c.peers;
            shutdownGraceSecs = c.shutdownGraceSecs;
            maxPutMb = c.limits.maxPutMb;
            chunkMb = c.limits.chunkMb;
            maxJsonBodyKb = c.limits.maxJsonBodyKb;
            httpThreads = c.limits.httpThreads;
            maxQuicPutMb = c.limits.maxQuicPutMb;
            quicPutBudgetMb = c.limits.quicPutBudgetMb;
            ingestClients = c.ingestClients;
        }

        public Builder chainEndpoint(String v) {
            chainEndpoint = Objects.requireNonNull(v, "chain_endpoint");
            return this;
        }

        public Builder storagePath(Path v) {
            storagePath = Objects.requireNonNull(v, "storage_path");
            return this;
        }

        public Builder quicPort(int v) {
            quicPort = v;
            return this;
        }

        public Builder metricsPort(int v) {
            metricsPort = v;
            return this;
        }

        public Builder quicBind(String v) {
            quicBind = Objects.requireNonNull(v, "quic_bind");
            return this;
        }

        public Builder metricsBind(String v) {
            metricsBind = Objects.requireNonNull(v, "metrics_bind");
            return this;
        }

        public Builder p2pListenAddr(String v) {
            p2pListenAddr = Objects.requireNonNull(v, "p2p_listen_addr");
            return this;
        }

        public Builder bootstrapPeers(List<String> v) {
            bootstrapPeers = new ArrayList<>(Objects.requireNonNull(v, "bootstrap_peers"));
            return this;
        }

        public Builder region(Region v) {
            region = Objects.requireNonNull(v, "region");
            return this;
        }

        public Builder maxStorageGb(long v) {
            maxStorageGb = v;
            return this;
        }

        public Builder auditPollSecs(long v) {
            auditPollSecs = v;
            return this;
        }

        public Builder cleanupIntervalBlocks(long v) {
            cleanupIntervalBlocks = v;
            return this;
        }

        public Builder cacheMb(long v) {
            cacheMb = v;
            return this;
        }

        public Builder fsync(FsyncPolicy v) {
            fsync = Objects.requireNonNull(v, "fsync");
            return this;
        }

        public Builder verifyOnRead(boolean v) {
            verifyOnRead = v;
            return this;
        }

        public Builder scrubBytesPerSec(long v) {
            scrubBytesPerSec = v;
            return this;
        }

        public Builder scrubIntervalSecs(long v) {
            scrubIntervalSecs = v;
            return this;
        }

        public Builder adminToken(String v) {
            adminToken = Objects.requireNonNull(v, "admin_token");
            return this;
        }

        public Builder adminBind(String v) {
            adminBind = Objects.requireNonNull(v, "admin_bind");
            return this;
        }

        public Builder adminPort(int v) {
            adminPort = v;
            return this;
        }

        public Builder blockTimeSecs(long v) {
            blockTimeSecs = v;
            return this;
        }

        public Builder auditIntervalBlocks(long v) {
            auditIntervalBlocks = v;
            return this;
        }

        public Builder chainRetentionBlocks(long v) {
            chainRetentionBlocks = v;
            return this;
        }

        public Builder stakeIcn(long v) {
            stakeIcn = v;
            return this;
        }

        public Builder dealBlocks(long v) {
            dealBlocks = v;
            return this;
        }

        public Builder logFormat(LogFormat v) {
            logFormat = Objects.requireNonNull(v, "log_format");
            return this;
        }

        public Builder logLevel(String v) {
            logLevel = Objects.requireNonNull(v, "log_level");
            return this;
        }

        public Builder quicAdvertise(String v) {
            quicAdvertise = Objects.requireNonNull(v, "quic_advertise");
            return this;
        }

        public Builder peers(List<String> v) {
            peers = new ArrayList<>(Objects.requireNonNull(v, "peers"));
            return this;
        }

        public Builder shutdownGraceSecs(long v) {
            shutdownGraceSecs = v;
            return this;
        }

        public Builder maxPutMb(long v) {
            maxPutMb = v;
            return this;
        }

        public Builder chunkMb(int v) {
            chunkMb = v;
            return this;
        }

        public Builder maxJsonBodyKb(int v) {
            maxJsonBodyKb = v;
            return this;
        }

        public Builder httpThreads(int v) {
            httpThreads = v;
            return this;
        }

        public Builder maxQuicPutMb(int v) {
            maxQuicPutMb = v;
            return this;
        }

        public Builder quicPutBudgetMb(int v) {
            quicPutBudgetMb = v;
            return this;
        }

        /** @throws ConfigException naming an entry that is not a fingerprint */
        public Builder ingestClients(List<String> v) {
            ingestClients = Objects.requireNonNull(v, "ingest_clients").stream().map(NodeConfig::fingerprint).toList();
            return this;
        }

        /** @throws ConfigException naming the first bad key */
        public NodeConfig build() {
            return new NodeConfig(chainEndpoint, storagePath, quicPort, quicBind, metricsPort, metricsBind, p2pListenAddr,
                    bootstrapPeers, region, maxStorageGb, auditPollSecs, cleanupIntervalBlocks, cacheMb, fsync,
                    verifyOnRead, scrubBytesPerSec, scrubIntervalSecs, adminToken, adminBind, adminPort,
                    blockTimeSecs, auditIntervalBlocks, chainRetentionBlocks, stakeIcn, dealBlocks, logFormat, logLevel,
                    quicAdvertise, peers, shutdownGraceSecs, ingestClients,
                    new Limits(maxPutMb, chunkMb, maxJsonBodyKb, httpThreads, maxQuicPutMb, quicPutBudgetMb));
        }
    }
}
