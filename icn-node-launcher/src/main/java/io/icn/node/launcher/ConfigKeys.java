package io.icn.node.launcher;

import static io.icn.node.launcher.ConfigKey.bool;
import static io.icn.node.launcher.ConfigKey.integer;
import static io.icn.node.launcher.ConfigKey.parsed;
import static io.icn.node.launcher.ConfigKey.port;
import static io.icn.node.launcher.ConfigKey.string;
import static io.icn.node.launcher.ConfigKey.stringList;

import io.icn.chain.Region;
import io.icn.node.ConfigException;
import io.icn.node.FsyncPolicy;
import io.icn.node.ServiceConfig;
import io.icn.node.TransportLimits;
import io.icn.transport.quic.CongestionControl;
import io.icn.p2p.PeerId;
import io.icn.p2p.gossip.MessageIdFunction;
import io.icn.p2p.HostLimits;
import io.icn.p2p.kad.KadConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of {@code super-node.toml}, one declaration each: name, type with bounds, default, doc line and where
 * the value goes. The original node's keys keep their names and meaning; docs/configuration.md lists exactly these
 * keys. To add a key, declare it here and document it there.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    private static final long MIB = 1L << 20;

    // ---------------------------------------------------------------- the original node's keys

    static final ConfigKey<String> CHAIN_ENDPOINT = new ConfigKey<>("chain_endpoint", string(ConfigKeys::endpoint),
            "local", "\"local\" (the embedded chain) or a ws:// / wss:// Substrate chain node",
            (c, v, all) -> c.withNode(n -> n.withChain(n.chain().withEndpoint(v))));

    static final ConfigKey<String> CHAIN_PALLET = new ConfigKey<>("chain_pallet", string(ConfigKeys::identifier),
            "IcnPinning", "on a ws:// chain, the pinning pallet's name in the runtime",
            (c, v, all) -> c.withSubstrate(s -> new LauncherConfig.SubstrateConfig(v, s.keyEnv(), s.connectTimeout())));

    static final ConfigKey<String> CHAIN_KEY_ENV = new ConfigKey<>("chain_key_env", string(ConfigKeys::identifierOrEmpty),
            "", "on a ws:// chain, the environment variable holding the node key's 32-byte seed (hex); empty = node-key.pk8",
            (c, v, all) -> c.withSubstrate(s -> new LauncherConfig.SubstrateConfig(s.pallet(), v, s.connectTimeout())));

    static final ConfigKey<Long> CHAIN_CONNECT_TIMEOUT_SECS = new ConfigKey<>("chain_connect_timeout_secs",
            integer(1, 3_600), 10L, "on a ws:// chain, bound on connecting and on each request, seconds",
            (c, v, all) -> c.withSubstrate(s -> new LauncherConfig.SubstrateConfig(s.pallet(), s.keyEnv(),
                    Duration.ofSeconds(v))));

    static final ConfigKey<Path> STORAGE_PATH = new ConfigKey<>("storage_path",
            parsed(ConfigKeys::path, Path::toString), LauncherConfig.DEFAULT_STORAGE,
            "directory of shards, index, chain state, keys and lock",
            (c, v, all) -> c.withNode(n -> n.withStoragePath(v)));

    static final ConfigKey<Long> QUIC_PORT = new ConfigKey<>("quic_port", port(), 9002L,
            "UDP port of the QUIC shard server",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withBind(n.quic().bind(), v.intValue()))));

    static final ConfigKey<Long> METRICS_PORT = new ConfigKey<>("metrics_port", port(), 9102L,
            "TCP port of /metrics and /health",
            (c, v, all) -> c.withHttp(h -> h.withPorts(v.intValue(), all.get(ConfigKeys.ADMIN_PORT).intValue())));

    static final ConfigKey<String> P2P_LISTEN_ADDR = new ConfigKey<>("p2p_listen_addr", string(ConfigKeys::multiaddr),
            "/ip4/0.0.0.0/tcp/30333", "libp2p listen multiaddr",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withListenAddress(v))));

    static final ConfigKey<List<String>> BOOTSTRAP_PEERS = new ConfigKey<>("bootstrap_peers",
            stringList(ConfigKeys::multiaddr), List.of(), "multiaddrs of peers to join the DHT through",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withBootstrapPeers(v))));

    static final ConfigKey<Region> REGION = new ConfigKey<>("region", parsed(ConfigKeys::region, Region::wireName),
            Region.NA_WEST, "the region this node registers in",
            (c, v, all) -> c.withNode(n -> n.withChain(n.chain().withRegion(v))));

    static final ConfigKey<Long> MAX_STORAGE_GB = new ConfigKey<>("max_storage_gb", integer(1, Long.MAX_VALUE >> 30),
            10_000L, "capacity of the shard store, GiB",
            (c, v, all) -> c.withNode(n -> n.withStore(n.store().withCapacityBytes(v << 30))));

    static final ConfigKey<Long> AUDIT_POLL_SECS = new ConfigKey<>("audit_poll_secs", integer(1, 86_400), 30L,
            "the audit service polls the chain this often, seconds",
            (c, v, all) -> c.withNode(n -> n.withAudits(new ServiceConfig.Audits(Duration.ofSeconds(v)))));

    static final ConfigKey<Long> CLEANUP_INTERVAL_BLOCKS = new ConfigKey<>("cleanup_interval_blocks",
            integer(1, Long.MAX_VALUE), 1_000L, "blocks between storage-cleanup passes",
            (c, v, all) -> c.withNode(n -> n.withCleanup(new ServiceConfig.Cleanup(v))));

    // ---------------------------------------------------------------- ours

    static final ConfigKey<String> QUIC_BIND = new ConfigKey<>("quic_bind", string(ConfigKeys::host), "0.0.0.0",
            "address the QUIC shard server listens on",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withBind(v, n.quic().port()))));

    static final ConfigKey<String> QUIC_ADVERTISE = new ConfigKey<>("quic_advertise", string(ConfigKeys::hostOrEmpty),
            "", "host other nodes reach the shard server at; empty = quic_bind, or 127.0.0.1 for a wildcard",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withAdvertise(v))));

    static final ConfigKey<List<String>> PEERS = new ConfigKey<>("peers", stringList(ConfigKey.StringCheck.ANY),
            List.of(), "other nodes' shard servers, host:port#fingerprint",
            (c, v, all) -> c.withNode(n -> n.withReplication(new ServiceConfig.Replication(v))));

    static final ConfigKey<List<String>> INGEST_CLIENTS = new ConfigKey<>("ingest_clients",
            stringList(ConfigKey.StringCheck.ANY), List.of(),
            "fingerprints of the directors' certificates allowed to PUT chunks over QUIC",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withIngestClients(new HashSet<>(v)))));

    static final ConfigKey<String> METRICS_BIND = new ConfigKey<>("metrics_bind", string(ConfigKeys::host), "0.0.0.0",
            "address /metrics and /health listen on",
            (c, v, all) -> c.withHttp(h -> h.withMetrics(v, h.metricsPort())));

    static final ConfigKey<String> ADMIN_BIND = new ConfigKey<>("admin_bind", string(ConfigKeys::host), "127.0.0.1",
            "address the admin endpoints listen on",
            (c, v, all) -> c.withHttp(h -> h.withAdmin(v, h.adminPort())));

    static final ConfigKey<Long> ADMIN_PORT = new ConfigKey<>("admin_port", port(), 9103L,
            "TCP port of the admin endpoints",
            (c, v, all) -> c.withHttp(h -> h.withPorts(all.get(ConfigKeys.METRICS_PORT).intValue(), v.intValue())));

    static final ConfigKey<String> ADMIN_TOKEN = new ConfigKey<>("admin_token", string(ConfigKey.StringCheck.ANY), "",
            "bearer token every admin request needs; empty = none",
            (c, v, all) -> c.withHttp(h -> h.withAdminToken(v)));

    static final ConfigKey<Long> CACHE_MB = new ConfigKey<>("cache_mb", integer(0, 1L << 20), 256L,
            "hot-shard cache, MiB; 0 = off",
            (c, v, all) -> c.withNode(n -> n.withStore(n.store().withCacheBytes(v * MIB))));

    static final ConfigKey<FsyncPolicy> FSYNC = new ConfigKey<>("fsync",
            parsed((key, s) -> FsyncPolicy.fromConfig(s), FsyncPolicy::configName), FsyncPolicy.ALWAYS,
            "\"always\" (survives power loss) or \"never\" (survives a process crash)",
            (c, v, all) -> c.withNode(n -> n.withStore(n.store().withFsync(v))));

    static final ConfigKey<Boolean> VERIFY_ON_READ = new ConfigKey<>("verify_on_read", bool(), false,
            "whole-shard reads check their SHA-256",
            (c, v, all) -> c.withNode(n -> n.withStore(n.store().withVerifyOnRead(v))));

    static final ConfigKey<Long> SCRUB_BYTES_PER_SEC = new ConfigKey<>("scrub_bytes_per_sec",
            integer(1, Long.MAX_VALUE), 64L << 20, "read budget of the scrubber and of verify, bytes per second",
            (c, v, all) -> c.withNode(n -> n.withStore(n.store().withScrub(v, n.store().scrubInterval()))));

    static final ConfigKey<Long> SCRUB_INTERVAL_SECS = new ConfigKey<>("scrub_interval_secs",
            integer(1, 365L * 86_400), 86_400L, "pause between background scrub passes, seconds",
            (c, v, all) -> c.withNode(n -> n.withStore(n.store().withScrub(n.store().scrubBytesPerSecond(),
                    Duration.ofSeconds(v)))));

    static final ConfigKey<Long> BLOCK_TIME_SECS = new ConfigKey<>("block_time_secs", integer(1, 3_600), 6L,
            "block time of the embedded chain, seconds",
            (c, v, all) -> c.withNode(n -> n.withChain(n.chain().withLocal(
                    n.chain().local().withBlockTime(Duration.ofSeconds(v))))));

    static final ConfigKey<Long> AUDIT_INTERVAL_BLOCKS = new ConfigKey<>("audit_interval_blocks",
            integer(1, Long.MAX_VALUE), 600L, "blocks between the embedded chain's audit draws",
            (c, v, all) -> c.withNode(n -> n.withChain(n.chain().withLocal(
                    n.chain().local().withAuditIntervalBlocks(v)))));

    static final ConfigKey<Long> CHAIN_RETENTION_BLOCKS = new ConfigKey<>("chain_retention_blocks",
            integer(100, Long.MAX_VALUE), 14_400L, "blocks the embedded chain keeps decided audits and ended deals",
            (c, v, all) -> c.withNode(n -> n.withChain(n.chain().withLocal(
                    n.chain().local().withRetentionBlocks(v)))));

    static final ConfigKey<Long> STAKE_ICN = new ConfigKey<>("stake_icn", integer(50, 1_000_000_000L), 50L,
            "stake this node registers with on the embedded chain, ICN",
            (c, v, all) -> c.withNode(n -> n.withChain(n.chain().withStakeIcn(v))));

    static final ConfigKey<Long> DEAL_BLOCKS = new ConfigKey<>("deal_blocks", integer(1, Long.MAX_VALUE / 2),
            100_800L, "life of the deal a put makes for each chunk, blocks",
            (c, v, all) -> c.withNode(n -> n.withIngest(n.ingest().withDealBlocks(v))));

    static final ConfigKey<Long> DEAL_GRACE_BLOCKS = new ConfigKey<>("deal_grace_blocks", integer(1, 1_000_000), 100L,
            "on a chain whose directors make the deals, blocks a stored chunk waits for its deal before it is dropped",
            (c, v, all) -> c.withNode(n -> n.withIngest(n.ingest().withDealGraceBlocks(v))));

    static final ConfigKey<LogFormat> LOG_FORMAT = new ConfigKey<>("log_format",
            parsed((key, s) -> LogFormat.fromConfig(s), LogFormat::configName), LogFormat.TEXT,
            "\"text\" or \"json\", one line per event",
            (c, v, all) -> c.withLog(new LogConfig(v, c.log().level())));

    static final ConfigKey<String> LOG_LEVEL = new ConfigKey<>("log_level",
            parsed((key, s) -> LogConfig.level(s), s -> s), "info", "trace, debug, info, warn or error",
            (c, v, all) -> c.withLog(new LogConfig(c.log().format(), v)));

    static final ConfigKey<Long> SHUTDOWN_GRACE_SECS = new ConfigKey<>("shutdown_grace_secs", integer(0, 3_600), 20L,
            "on SIGTERM, how long requests and transfers in flight may finish, seconds",
            (c, v, all) -> c.withNode(n -> n.withShutdownGrace(Duration.ofSeconds(v))));

    // ---------------------------------------------------------------- [limits]

    static final ConfigKey<Long> MAX_PUT_MB = new ConfigKey<>("limits.max_put_mb", integer(1, 1L << 30), 10_240L,
            "largest body POST /admin/put accepts, MiB",
            (c, v, all) -> c.withHttp(h -> h.withLimits(h.threads(), h.maxJsonBodyBytes(), v * MIB)));

    static final ConfigKey<Long> CHUNK_MB = new ConfigKey<>("limits.chunk_mb", integer(1, 1_024), 50L,
            "a put is cut into chunks of this size, MiB",
            (c, v, all) -> c.withNode(n -> n.withIngest(n.ingest().withChunkBytes(Math.toIntExact(v * MIB)))));

    static final ConfigKey<Long> MAX_JSON_BODY_KB = new ConfigKey<>("limits.max_json_body_kb", integer(1, 1 << 20),
            64L, "largest body of the other admin requests, KiB",
            (c, v, all) -> c.withHttp(h -> h.withLimits(h.threads(), Math.toIntExact(v << 10), h.maxPutBytes())));

    static final ConfigKey<Long> HTTP_THREADS = new ConfigKey<>("limits.http_threads", integer(1, 256), 4L,
            "threads serving HTTP requests",
            (c, v, all) -> c.withHttp(h -> h.withLimits(v.intValue(), h.maxJsonBodyBytes(), h.maxPutBytes())));

    static final ConfigKey<Long> MAX_QUIC_PUT_MB = new ConfigKey<>("limits.max_quic_put_mb", integer(1, 2_047), 64L,
            "longest chunk a QUIC PUT may carry, MiB",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withPutLimits(v * MIB,
                    all.get(ConfigKeys.QUIC_PUT_BUDGET_MB) * MIB))));

    static final ConfigKey<Long> QUIC_PUT_BUDGET_MB = new ConfigKey<>("limits.quic_put_budget_mb",
            integer(1, 1 << 20), 256L, "memory for QUIC PUT chunks held at once, MiB; at least max_quic_put_mb",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withPutLimits(
                    all.get(ConfigKeys.MAX_QUIC_PUT_MB) * MIB, v * MIB))));

    static final ConfigKey<Long> MAX_CLIENT_MBPS = new ConfigKey<>("transport.max_client_mbps", integer(0, 1_000_000), 0L,
            "hard cap per client, Mbit/s; 0 = none", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> MAX_EGRESS_MBPS = new ConfigKey<>("transport.max_egress_mbps", integer(0, 1_000_000), 0L,
            "node-wide egress for shards, Mbit/s; 0 = none", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> MAX_CONNECTIONS = new ConfigKey<>("transport.max_connections", integer(1, 1_000_000), 1024L,
            "QUIC connections open at once", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> MAX_STREAMS_PER_CONNECTION = new ConfigKey<>("transport.max_streams_per_connection", integer(1, 10_000), 64L,
            "requests at once on one connection", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> MAX_CONCURRENT_REQUESTS = new ConfigKey<>("transport.max_concurrent_requests", integer(1, 1_000_000), 256L,
            "requests at once, node-wide", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> CLIENT_REQUESTS_PER_SEC = new ConfigKey<>("transport.client_requests_per_sec", integer(1, 1_000_000), 200L,
            "sustained requests per second per client", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> CLIENT_REQUEST_BURST = new ConfigKey<>("transport.client_request_burst", integer(1, 1_000_000), 400L,
            "requests a client may make at once beyond its rate", (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    // ---- [transport]: the shard server's timeouts, sizes and threads (issue 16) ----------------------------

    static final ConfigKey<Long> TRANSPORT_BURST_KB = new ConfigKey<>("transport.burst_kb", integer(4, 1 << 20),
            1024L, "how far a client (max_client_mbps) or the node (max_egress_mbps) may run ahead of its rate, KiB",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Boolean> TRANSPORT_CLIENTS_BY_PORT = new ConfigKey<>("transport.clients_by_port", bool(),
            false, "a client is an address and port (each connection its own budget) rather than an address",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_IDLE_TIMEOUT_SECS = new ConfigKey<>("transport.idle_timeout_secs",
            integer(1, 86_400), 30L, "a QUIC connection with no traffic for this long is closed, seconds",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_REQUEST_HEADER_TIMEOUT_MS = new ConfigKey<>(
            "transport.request_header_timeout_ms", integer(1, 3_600_000), 5_000L,
            "a stream whose request is not complete by then gets TIMEOUT, ms",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_REQUEST_DEADLINE_SECS = new ConfigKey<>("transport.request_deadline_secs",
            integer(1, 86_400), 60L, "a request not finished this long after admission is cut off, seconds",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_BUSY_RETRY_AFTER_MS = new ConfigKey<>("transport.busy_retry_after_ms",
            integer(1, 3_600_000), 250L, "retry-after sent with BUSY when no rate dictates a longer one, ms",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_READ_CHUNK_KB = new ConfigKey<>("transport.read_chunk_kb",
            integer(4, 1024), 64L, "most bytes read from the store per disk step, KiB",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_MAX_UDP_PAYLOAD = new ConfigKey<>("transport.max_udp_payload",
            integer(1200, 65_527), 1350L,
            "largest UDP payload sent and accepted, bytes; unset with a loopback quic_bind: 32768",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_IO_THREADS = new ConfigKey<>("transport.io_threads", integer(0, 256), 0L,
            "event loops, one UDP socket each; 0 = one per processor",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_DISK_THREADS = new ConfigKey<>("transport.disk_threads", integer(1, 256),
            4L, "threads reading the store for the shard server",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_SOCKET_RECEIVE_KB = new ConfigKey<>("transport.socket_receive_kb",
            integer(64, 1 << 20), 8_192L, "requested SO_RCVBUF per UDP socket, KiB (capped by net.core.rmem_max)",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<Long> TRANSPORT_SOCKET_SEND_KB = new ConfigKey<>("transport.socket_send_kb",
            integer(64, 1 << 20), 8_192L, "requested SO_SNDBUF per UDP socket, KiB (capped by net.core.wmem_max)",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    static final ConfigKey<CongestionControl> TRANSPORT_CONGESTION_CONTROL = new ConfigKey<>(
            "transport.congestion_control", parsed(ConfigKeys::congestionControl, CongestionControl::toString),
            CongestionControl.CUBIC, "the congestion controller of the server's sending: bbr, cubic or reno",
            (c, v, all) -> c.withNode(n -> n.withQuic(n.quic().withLimits(transport(all)))));

    /**
     * The UDP payload of a node whose shard server listens on loopback only, unless {@code transport.max_udp_payload}
     * says otherwise, and the most {@code icn-node get} allows when every node it fetches from is on this host. Only
     * clients on this host can reach such a node, and loopback's MTU is 64 KiB: a 50 MB chunk then takes some 3,100
     * datagrams (the embedded quiche builds packets of at most 16,383 bytes) instead of 37,000 of 1,350 bytes, and
     * every datagram costs both ends the same work.
     */
    static final int LOOPBACK_UDP_PAYLOAD = 32 * 1024;

    /** Whether {@code host} (a {@code quic_bind}) names this host's loopback interface; no name is resolved. */
    static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.equals("::1") || host.matches("127(\\.[0-9]{1,3}){3}");
    }

    private static int udpPayload(ConfigValues all) {
        return !all.isSet(TRANSPORT_MAX_UDP_PAYLOAD) && isLoopback(all.get(QUIC_BIND)) ? LOOPBACK_UDP_PAYLOAD
                : all.get(TRANSPORT_MAX_UDP_PAYLOAD).intValue();
    }

    /** The {@code [transport]} table as the node's limits (every key of it applies the whole table). */
    private static TransportLimits transport(ConfigValues all) {
        return new TransportLimits(all.get(MAX_CLIENT_MBPS), all.get(MAX_EGRESS_MBPS),
                all.get(MAX_CONNECTIONS).intValue(), all.get(MAX_STREAMS_PER_CONNECTION).intValue(),
                all.get(MAX_CONCURRENT_REQUESTS).intValue(), all.get(CLIENT_REQUESTS_PER_SEC).intValue(),
                all.get(CLIENT_REQUEST_BURST).intValue(), all.get(TRANSPORT_BURST_KB) << 10,
                all.get(TRANSPORT_CLIENTS_BY_PORT), Duration.ofSeconds(all.get(TRANSPORT_IDLE_TIMEOUT_SECS)),
                Duration.ofMillis(all.get(TRANSPORT_REQUEST_HEADER_TIMEOUT_MS)),
                Duration.ofSeconds(all.get(TRANSPORT_REQUEST_DEADLINE_SECS)),
                Duration.ofMillis(all.get(TRANSPORT_BUSY_RETRY_AFTER_MS)),
                Math.toIntExact(all.get(TRANSPORT_READ_CHUNK_KB) << 10), udpPayload(all),
                all.get(TRANSPORT_IO_THREADS).intValue(), all.get(TRANSPORT_DISK_THREADS).intValue(),
                Math.toIntExact(all.get(TRANSPORT_SOCKET_RECEIVE_KB) << 10),
                Math.toIntExact(all.get(TRANSPORT_SOCKET_SEND_KB) << 10), all.get(TRANSPORT_CONGESTION_CONTROL));
    }

    static final ConfigKey<Boolean> P2P_ENABLED = new ConfigKey<>("p2p_enabled", bool(), true,
            "whether the node joins the libp2p network and its DHT",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withEnabled(v))));

    static final ConfigKey<String> DHT_PROTOCOL = new ConfigKey<>("dht_protocol", string(ConfigKey.StringCheck.ANY),
            "/ipfs/kad/1.0.0", "the Kademlia protocol id",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withDhtProtocol(v))));

    static final ConfigKey<Boolean> DHT_LEGACY_KEYS = new ConfigKey<>("dht_legacy_keys", bool(), true,
            "also put manifests under the bare CID, as the original nodes did",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withLegacyKeys(v))));

    static final ConfigKey<Long> DHT_RECORD_REPUBLISH_SECS = new ConfigKey<>("dht_record_republish_secs",
            integer(60, 7 * 86_400), 3_600L, "every held manifest is put again this often, seconds",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withRepublish(Duration.ofSeconds(v),
                    n.network().providerRepublish()))));

    static final ConfigKey<Long> DHT_PROVIDER_REPUBLISH_SECS = new ConfigKey<>("dht_provider_republish_secs",
            integer(60, 7 * 86_400), 43_200L, "every provider record is announced again this often, seconds",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withRepublish(n.network().recordRepublish(),
                    Duration.ofSeconds(v)))));

    static final ConfigKey<Long> P2P_MAX_PEERS = new ConfigKey<>("p2p_max_peers", integer(1, 65_535), 256L,
            "most libp2p connections open at once (inbound and outbound)",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withHostLimits(hostLimits(all)))));

    static final ConfigKey<Long> P2P_MAX_STREAMS_PER_PEER = new ConfigKey<>("p2p_max_streams_per_peer",
            integer(1, 10_000), 256L, "most streams per libp2p connection and direction",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withHostLimits(hostLimits(all)))));

    static final ConfigKey<Long> P2P_MAX_MESSAGE_KB = new ConfigKey<>("p2p_max_message_kb", integer(1, 16_384), 64L,
            "largest length-prefixed message accepted on a libp2p stream (identify and others), KiB",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withHostLimits(hostLimits(all)))));

    static final ConfigKey<Long> P2P_DIAL_TIMEOUT_SECS = new ConfigKey<>("p2p_dial_timeout_secs", integer(1, 600), 10L,
            "bound on a whole dial (TCP, Noise, Yamux, identify), seconds",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withHostLimits(hostLimits(all)))));

    static final ConfigKey<Long> P2P_MAX_STREAM_WINDOW_KB = new ConfigKey<>("p2p_max_stream_window_kb",
            integer(256, 16_384), 16_384L, "most a stream's Yamux receive window grows to from 256 KiB, KiB",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withHostLimits(hostLimits(all)))));

    static final ConfigKey<Long> P2P_CONNECTION_WINDOW_MB = new ConfigKey<>("p2p_connection_window_mb",
            integer(0, 4_096), 32L, "budget of one connection for growing its streams' windows, MiB; 0 = no growth",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withHostLimits(hostLimits(all)))));

    /** The p2p_* limits as the host's (every key of them applies them all). */
    private static HostLimits hostLimits(ConfigValues all) {
        return HostLimits.defaults().withMaxPeers(all.get(P2P_MAX_PEERS).intValue())
                .withMaxStreamsPerPeer(all.get(P2P_MAX_STREAMS_PER_PEER).intValue())
                .withDefaultMaxMessageBytes(Math.toIntExact(all.get(P2P_MAX_MESSAGE_KB) << 10))
                .withDialTimeout(Duration.ofSeconds(all.get(P2P_DIAL_TIMEOUT_SECS)))
                .withWindowGrowth(Math.toIntExact(all.get(P2P_MAX_STREAM_WINDOW_KB) << 10),
                        Math.toIntExact(all.get(P2P_CONNECTION_WINDOW_MB) * MIB));
    }

    static final ConfigKey<Long> DHT_REQUEST_TIMEOUT_SECS = new ConfigKey<>("dht_request_timeout_secs",
            integer(1, 300), 10L, "longest wait for one peer's DHT response, seconds",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withDht(dht(all)))));

    static final ConfigKey<Long> DHT_QUERY_TIMEOUT_SECS = new ConfigKey<>("dht_query_timeout_secs",
            integer(1, 3_600), 60L, "longest a whole DHT query (lookup, put, get) runs, seconds",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withDht(dht(all)))));

    static final ConfigKey<Long> DHT_MAX_RECORDS = new ConfigKey<>("dht_max_records", integer(1, 10_000_000), 1_024L,
            "DHT records held for other nodes",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withDht(dht(all)))));

    static final ConfigKey<Long> DHT_MAX_PROVIDER_KEYS = new ConfigKey<>("dht_max_provider_keys",
            integer(1, 10_000_000), 65_536L, "keys with provider records held for other nodes",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withDht(dht(all)))));

    static final ConfigKey<Long> DHT_MAX_MESSAGE_KB = new ConfigKey<>("dht_max_message_kb", integer(16, 1_024), 20L,
            "largest inbound DHT message, KiB; at least 16 (what rust-libp2p nodes send)",
            (c, v, all) -> c.withNode(n -> n.withNetwork(n.network().withDht(dht(all)))));

    /** The dht_* limits as the Kademlia settings (every key of them applies them all). */
    private static KadConfig dht(ConfigValues all) {
        return KadConfig.builder().protocolId(all.get(DHT_PROTOCOL))
                .requestTimeout(Duration.ofSeconds(all.get(DHT_REQUEST_TIMEOUT_SECS)))
                .queryTimeout(Duration.ofSeconds(all.get(DHT_QUERY_TIMEOUT_SECS)))
                .maxRecords(all.get(DHT_MAX_RECORDS).intValue())
                .maxProviderKeys(all.get(DHT_MAX_PROVIDER_KEYS).intValue())
                .maxInboundMessageBytes(Math.toIntExact(all.get(DHT_MAX_MESSAGE_KB) << 10)).build();
    }

    // ---------------------------------------------------------------- gossip ingest (every key applies them all)

    static final ConfigKey<List<String>> TRUSTED_DIRECTORS = new ConfigKey<>("trusted_directors",
            stringList(ConfigKeys::peerId), List.of(),
            "peer ids of the directors whose chunks on /icn/video/1.0.0 the node stores; empty = gossip ingest off",
            (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_MAX_MESSAGE_MB = new ConfigKey<>("gossip_max_message_mb", integer(1, 2_047), 64L,
            "largest gossip message received, relayed or published, MiB",
            (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<MessageIdFunction> GOSSIP_MESSAGE_ID = new ConfigKey<>("gossip_message_id",
            parsed(ConfigKeys::messageId, MessageIdFunction::configName), MessageIdFunction.BLAKE3_HEX,
            "\"blake3-hex\" (the original network's), \"rust-default\", \"js-default\" or \"sha256\"",
            (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_INGEST_QUEUE = new ConfigKey<>("gossip_ingest_queue", integer(1, 1_024), 4L,
            "accepted gossip chunks waiting for ingest at most; beyond, a chunk is dropped and counted",
            (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_MESH_N = new ConfigKey<>("gossip_mesh_n", integer(1, 100), 6L,
            "GossipSub mesh size aimed at (D)", (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_MESH_N_LOW = new ConfigKey<>("gossip_mesh_n_low", integer(0, 100), 4L,
            "below this many mesh peers the heartbeat grafts (Dlo)", (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_MESH_N_HIGH = new ConfigKey<>("gossip_mesh_n_high", integer(1, 1_000), 12L,
            "above this many mesh peers the heartbeat prunes (Dhi)", (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_HEARTBEAT_MS = new ConfigKey<>("gossip_heartbeat_ms", integer(50, 60_000), 1_000L,
            "GossipSub heartbeat interval, milliseconds", (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_HISTORY_LENGTH = new ConfigKey<>("gossip_history_length", integer(1, 1_000), 12L,
            "heartbeats a message stays answerable to IWANT", (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    static final ConfigKey<Long> GOSSIP_HISTORY_GOSSIP = new ConfigKey<>("gossip_history_gossip", integer(1, 1_000), 3L,
            "heartbeats of history announced in IHAVE", (c, v, all) -> c.withNode(n -> n.withGossip(gossip(all))));

    /** The gossip keys as the node's record (every gossip key applies the whole record, checked together). */
    private static ServiceConfig.Gossip gossip(ConfigValues all) {
        return new ServiceConfig.Gossip(all.get(TRUSTED_DIRECTORS), Math.toIntExact(all.get(GOSSIP_MAX_MESSAGE_MB) * MIB),
                all.get(GOSSIP_MESSAGE_ID), all.get(GOSSIP_INGEST_QUEUE).intValue(), all.get(GOSSIP_MESH_N).intValue(),
                all.get(GOSSIP_MESH_N_LOW).intValue(), all.get(GOSSIP_MESH_N_HIGH).intValue(),
                Duration.ofMillis(all.get(GOSSIP_HEARTBEAT_MS)), all.get(GOSSIP_HISTORY_LENGTH).intValue(),
                all.get(GOSSIP_HISTORY_GOSSIP).intValue());
    }

    private static final List<ConfigKey<?>> GOSSIP_KEYS = List.of(TRUSTED_DIRECTORS, GOSSIP_MAX_MESSAGE_MB,
            GOSSIP_MESSAGE_ID, GOSSIP_INGEST_QUEUE, GOSSIP_MESH_N, GOSSIP_MESH_N_LOW, GOSSIP_MESH_N_HIGH,
            GOSSIP_HEARTBEAT_MS, GOSSIP_HISTORY_LENGTH, GOSSIP_HISTORY_GOSSIP);

    /** Every key, in the order the effective configuration is logged. */
    public static final List<ConfigKey<?>> ALL = concat(List.of(CHAIN_ENDPOINT, CHAIN_PALLET, CHAIN_KEY_ENV,
            CHAIN_CONNECT_TIMEOUT_SECS, STORAGE_PATH, QUIC_PORT, QUIC_BIND,
            METRICS_PORT, METRICS_BIND, P2P_LISTEN_ADDR, BOOTSTRAP_PEERS, REGION, MAX_STORAGE_GB, AUDIT_POLL_SECS,
            CLEANUP_INTERVAL_BLOCKS, CACHE_MB, FSYNC, VERIFY_ON_READ, SCRUB_BYTES_PER_SEC, SCRUB_INTERVAL_SECS,
            ADMIN_TOKEN, ADMIN_BIND, ADMIN_PORT, BLOCK_TIME_SECS, AUDIT_INTERVAL_BLOCKS, CHAIN_RETENTION_BLOCKS,
            STAKE_ICN, DEAL_BLOCKS, DEAL_GRACE_BLOCKS, LOG_FORMAT, LOG_LEVEL, QUIC_ADVERTISE, PEERS, SHUTDOWN_GRACE_SECS, INGEST_CLIENTS,
            MAX_PUT_MB, CHUNK_MB, MAX_JSON_BODY_KB, HTTP_THREADS, MAX_QUIC_PUT_MB, QUIC_PUT_BUDGET_MB, P2P_ENABLED,
            DHT_PROTOCOL, DHT_LEGACY_KEYS, DHT_RECORD_REPUBLISH_SECS, DHT_PROVIDER_REPUBLISH_SECS,
            P2P_MAX_PEERS, P2P_MAX_STREAMS_PER_PEER, P2P_MAX_MESSAGE_KB, P2P_DIAL_TIMEOUT_SECS, P2P_MAX_STREAM_WINDOW_KB,
            P2P_CONNECTION_WINDOW_MB, DHT_REQUEST_TIMEOUT_SECS, DHT_QUERY_TIMEOUT_SECS, DHT_MAX_RECORDS,
            DHT_MAX_PROVIDER_KEYS, DHT_MAX_MESSAGE_KB,
            MAX_CLIENT_MBPS, MAX_EGRESS_MBPS, MAX_CONNECTIONS, MAX_STREAMS_PER_CONNECTION, MAX_CONCURRENT_REQUESTS,
            CLIENT_REQUESTS_PER_SEC, CLIENT_REQUEST_BURST,
            TRANSPORT_BURST_KB, TRANSPORT_CLIENTS_BY_PORT, TRANSPORT_IDLE_TIMEOUT_SECS,
            TRANSPORT_REQUEST_HEADER_TIMEOUT_MS, TRANSPORT_REQUEST_DEADLINE_SECS, TRANSPORT_BUSY_RETRY_AFTER_MS,
            TRANSPORT_READ_CHUNK_KB, TRANSPORT_MAX_UDP_PAYLOAD, TRANSPORT_IO_THREADS, TRANSPORT_DISK_THREADS,
            TRANSPORT_SOCKET_RECEIVE_KB, TRANSPORT_SOCKET_SEND_KB, TRANSPORT_CONGESTION_CONTROL), GOSSIP_KEYS);

    private static List<ConfigKey<?>> concat(List<ConfigKey<?>> a, List<ConfigKey<?>> b) {
        List<ConfigKey<?>> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /** The keys whose values are secrets: logged masked. */
    static final List<ConfigKey<?>> SECRET = List.of(ADMIN_TOKEN);

    /**
     * Checks between keys, after each key's own bounds and before the values go anywhere; each names both keys.
     *
     * @throws ConfigException at the first failure
     */
    static void checkTogether(ConfigValues values) {
        long maxQuicPut = values.get(MAX_QUIC_PUT_MB);
        long budget = values.get(QUIC_PUT_BUDGET_MB);
        if (budget < maxQuicPut) {
            throw new ConfigException(values.where(QUIC_PUT_BUDGET_MB) + QUIC_PUT_BUDGET_MB.name() + " = " + budget
                    + " is below " + MAX_QUIC_PUT_MB.name() + " = " + maxQuicPut + ", so the largest PUT could never"
                    + " be admitted; raise " + QUIC_PUT_BUDGET_MB.name() + " to at least " + maxQuicPut);
        }
    }

    /** The keys by name. */
    static Map<String, ConfigKey<?>> byName() {
        Map<String, ConfigKey<?>> m = new LinkedHashMap<>();
        for (ConfigKey<?> k : ALL) {
            m.put(k.name(), k);
        }
        return m;
    }

    // ---------------------------------------------------------------- checks and parsers of string values

    private static void endpoint(String key, String value) {
        if (!"local".equals(value) && !(value.startsWith("ws://") || value.startsWith("wss://"))) {
            throw new ConfigException(key + " = \"" + value + "\" is neither \"local\" (the embedded chain) nor a"
                    + " ws:// or wss:// URL such as \"ws://127.0.0.1:9944\"");
        }
    }

    private static void identifier(String key, String value) {
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(key + " = \"" + value + "\" is not a name (letters, digits and _, not starting"
                    + " with a digit)");
        }
    }

    private static void identifierOrEmpty(String key, String value) {
        if (!value.isEmpty()) {
            identifier(key, value);
        }
    }

    private static void host(String key, String host) {
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new ConfigException(key + " = \"" + host + "\" is not a host address; use e.g. \"127.0.0.1\","
                    + " \"0.0.0.0\" or \"::1\"");
        }
    }

    private static void hostOrEmpty(String key, String host) {
        if (!host.isEmpty()) {
            host(key, host);
        }
    }

    private static void multiaddr(String key, String addr) {
        if (!addr.startsWith("/") || addr.length() < 3 || addr.chars().anyMatch(c -> c <= ' ')) {
            throw new ConfigException(key + ": \"" + addr + "\" is not a multiaddr; write it like"
                    + " \"/ip4/0.0.0.0/tcp/30333\" or \"/ip4/203.0.113.7/tcp/30333/p2p/12D3KooW...\"");
        }
    }

    private static void peerId(String key, String value) {
        try {
            PeerId.parse(value);
        } catch (RuntimeException e) {
            throw new ConfigException(key + ": \"" + value + "\" is not a peer id; write it like"
                    + " \"12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5\" (" + e.getMessage() + ")");
        }
    }

    private static MessageIdFunction messageId(String key, String value) {
        try {
            return MessageIdFunction.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = \"" + value + "\" is not one of blake3-hex, rust-default, js-default,"
                    + " sha256", e);
        }
    }

    private static Path path(String key, String value) {
        if (value.isBlank()) {
            throw new ConfigException(key + " is empty; give the directory the node keeps its shards in,"
                    + " e.g. " + key + " = \"/var/lib/icn\"");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(key + " = \"" + value + "\" is not a valid path: " + e.getReason(), e);
        }
    }

    private static CongestionControl congestionControl(String key, String value) {
        try {
            return CongestionControl.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = \"" + value + "\" is not a congestion controller; use \"bbr\","
                    + " \"cubic\" or \"reno\"");
        }
    }

    private static Region region(String key, String value) {
        try {
            return Region.fromWireName(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = \"" + value + "\" is not a region; use one of NA-WEST, NA-EAST,"
                    + " EU-WEST, EU-EAST, APAC, LATAM, MENA");
        }
    }
}
