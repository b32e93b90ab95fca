package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.Region;
import io.icn.node.ConfigException;
import io.icn.node.FsyncPolicy;
import io.icn.node.NodeConfig;
import io.icn.node.Preflight;
import java.time.Duration;
import java.util.Set;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** super-node.toml: the original node's file loads unchanged; every key of ours; every kind of mistake. */
@Timeout(30)
class NodeConfigFileTest {

    @TempDir
    Path tmp;

    /** The file's text as the launcher's configuration. */
    private static LauncherConfig parse(String text) {
        return NodeConfigFile.parse(text, "t.toml").build();
    }

    @Test
    void peersAndQuicAdvertise() {
        String fp = "ab".repeat(32);
        LauncherConfig c = parse("peers = [\"10.0.0.2:9002#" + fp + "\", \"[::1]:9003#" + fp.toUpperCase()
                + "\"]\nquic_advertise = \"203.0.113.7\"\n");
        assertThat(c.node().replication().peers()).containsExactly("10.0.0.2:9002#" + fp, "[::1]:9003#" + fp.toUpperCase());
        assertThat(c.node().quic().advertisedHost()).isEqualTo("203.0.113.7");
        LauncherConfig defaults = LauncherConfig.defaults();
        assertThat(defaults.node().replication().peers()).isEmpty();
        assertThat(defaults.node().quic().advertisedHost()).as("quic_bind 0.0.0.0").isEqualTo("127.0.0.1");
        assertThat(parse("quic_bind = \"192.0.2.5\"\n").node().quic().advertisedHost()).isEqualTo("192.0.2.5");
        assertThatThrownBy(() -> parse("peers = [\"10.0.0.2:9002\"]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("peers").hasMessageContaining("10.0.0.2:9002")
                .hasMessageContaining("t.toml:1");
        assertThatThrownBy(() -> parse("peers = [\"h:1#xyz\"]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'xyz'");
    }

    @Test
    void theOriginalNodesSampleConfigLoadsUnchanged() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/original-super-node.toml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ConfigValues values = NodeConfigFile.parse(text, "original-super-node.toml");
        NodeConfig c = values.build().node();
        assertThat(c.chain().endpoint()).isEqualTo("ws://127.0.0.1:9944");
        assertThat(c.storagePath()).isEqualTo(Path.of("/var/lib/icn/storage"));
        assertThat(c.quic().port()).isEqualTo(9002);
        assertThat(values.build().http().metricsPort()).isEqualTo(9102);
        assertThat(c.network().listenAddress()).isEqualTo("/ip4/0.0.0.0/tcp/30333");
        assertThat(c.network().bootstrapPeers()).containsExactly("/ip4/127.0.0.1/tcp/30334/p2p/12D3KooWA");
        assertThat(c.region()).isEqualTo(Region.NA_WEST);
        assertThat(c.store().capacityBytes()).isEqualTo(10_000L << 30);
        assertThat(c.audits().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.cleanup().intervalBlocks()).isEqualTo(1_000);
        // A chain node endpoint loads, but this version runs only the embedded chain: the start says so.
        assertThatThrownBy(() -> Preflight.check(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("chain_endpoint").hasMessageContaining("local");
    }

    @Test
    void defaultsWithoutAFile() {
        LauncherConfig all = new ConfigValues("defaults").build();
        assertThat(all).isEqualTo(LauncherConfig.defaults());
        NodeConfig c = all.node();
        assertThat(c.chain().endpoint()).isEqualTo("local");
        assertThat(c.storagePath()).isEqualTo(Path.of("./icn-data").toAbsolutePath().normalize());
        assertThat(c.quic().port()).isEqualTo(9002);
        assertThat(all.http().metricsPort()).isEqualTo(9102);
        assertThat(all.http().adminBind()).isEqualTo("127.0.0.1");
        assertThat(all.http().adminPort()).isEqualTo(9103);
        assertThat(c.audits().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.cleanup().intervalBlocks()).isEqualTo(1000);
        assertThat(c.store().fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(all.log()).isEqualTo(LogConfig.DEFAULT);
        assertThat(c.quic().ingestClients()).as("QUIC PUT is closed by default").isEmpty();
        assertThat(c.quic().maxPutBytes()).isEqualTo(64L << 20);
        assertThat(c.quic().putBudgetBytes()).isEqualTo(256L << 20);
        assertThat(c.quic().limits()).as("no bandwidth cap by default").isEqualTo(io.icn.node.TransportLimits.DEFAULT);
        assertThat(c.ingest().chunkBytes()).isEqualTo(50 << 20);
        assertThat(all.http().maxPutBytes()).isEqualTo(10_240L << 20);
        assertThat(all.http().maxJsonBodyBytes()).isEqualTo(64 << 10);
        assertThat(all.http().threads()).isEqualTo(4);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void everyKeyIsRead() {
        String text = """
                chain_endpoint = "local"
                storage_path = "/srv/icn"
                quic_port = 0
                quic_bind = "127.0.0.1"
                metrics_port = 19102
                metrics_bind = "127.0.0.1"
                p2p_listen_addr = "/ip4/0.0.0.0/tcp/4001"
                bootstrap_peers = []
                region = "eu-east"
                max_storage_gb = 12
                audit_poll_secs = 7
                cleanup_interval_blocks = 50
                cache_mb = 0
                fsync = "never"
                verify_on_read = true
                scrub_bytes_per_sec = 1048576
                scrub_interval_secs = 600
                admin_token = "0123456789abcdef0123"
                admin_bind = "::1"
                admin_port = 19103
                block_time_secs = 2
                audit_interval_blocks = 10
                chain_retention_blocks = 300
                stake_icn = 200
                deal_blocks = 1000
                deal_grace_blocks = 20
                log_format = "json"
                log_level = "DEBUG"
                quic_advertise = "192.0.2.9"
                shutdown_grace_secs = 3
                ingest_clients = ["AB:CD:%s", "%s"]
                chain_pallet = "OtherPinning"
                chain_key_env = "ICN_CHAIN_SEED"
                chain_connect_timeout_secs = 7
                p2p_enabled = false
                dht_protocol = "/icn/kad/1.0.0"
                dht_legacy_keys = false
                dht_record_republish_secs = 1800
                dht_provider_republish_secs = 21600
                trusted_directors = ["12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5"]
                gossip_max_message_mb = 60
                gossip_message_id = "rust-default"
                gossip_ingest_queue = 2
                gossip_mesh_n = 8
                gossip_mesh_n_low = 5
                gossip_mesh_n_high = 16
                gossip_heartbeat_ms = 700
                gossip_history_length = 10
                gossip_history_gossip = 4
                p2p_max_peers = 50
                p2p_max_streams_per_peer = 40
                p2p_max_message_kb = 128
                p2p_dial_timeout_secs = 5
                p2p_max_stream_window_kb = 4096
                p2p_connection_window_mb = 8
                dht_request_timeout_secs = 4
                dht_query_timeout_secs = 30
                dht_max_records = 5000
                dht_max_provider_keys = 200000
                dht_max_message_kb = 32

                [limits]
                max_put_mb = 100
                chunk_mb = 8
                max_json_body_kb = 4
                http_threads = 2
                max_quic_put_mb = 16
                quic_put_budget_mb = 48

                [transport]
                max_client_mbps = 100
                max_egress_mbps = 1000
                max_connections = 16
                max_streams_per_connection = 4
                max_concurrent_requests = 32
                client_requests_per_sec = 20
                client_request_burst = 30
                burst_kb = 512
                clients_by_port = true
                idle_timeout_secs = 20
                request_header_timeout_ms = 3000
                request_deadline_secs = 90
                busy_retry_after_ms = 500
                read_chunk_kb = 128
                max_udp_payload = 1452
                io_threads = 1
                disk_threads = 2
                socket_receive_kb = 4096
                socket_send_kb = 2048
                congestion_control = "reno"
                """.formatted("ef".repeat(30), "01".repeat(32));
        ConfigValues values = NodeConfigFile.parse(text, "full.toml");
        assertThat(ConfigKeys.ALL).as("this test sets every declared key but peers")
                .allMatch(k -> values.isSet(k) || k == ConfigKeys.PEERS);
        LauncherConfig all = values.build();
        assertThat(all.substrate()).isEqualTo(new LauncherConfig.SubstrateConfig("OtherPinning", "ICN_CHAIN_SEED",
                java.time.Duration.ofSeconds(7)));
        NodeConfig c = all.node();
        assertThat(c.storagePath()).isEqualTo(Path.of("/srv/icn"));
        assertThat(c.quic().port()).isZero();
        assertThat(c.quic().bind()).isEqualTo("127.0.0.1");
        assertThat(c.quic().advertisedHost()).isEqualTo("192.0.2.9");
        assertThat(c.quic().limits().congestionControl()).isEqualTo(io.icn.transport.quic.CongestionControl.RENO);
        assertThat(all.http()).isEqualTo(new HttpConfig("127.0.0.1", 19102, "::1", 19103, "0123456789abcdef0123", 2,
                4 << 10, 100L << 20));
        assertThat(c.network()).isEqualTo(new io.icn.node.ServiceConfig.Network(false, "/ip4/0.0.0.0/tcp/4001",
                List.of(), "/icn/kad/1.0.0", false, Duration.ofSeconds(1800), Duration.ofSeconds(21600),
                io.icn.p2p.HostLimits.defaults().withMaxPeers(50).withMaxStreamsPerPeer(40)
                        .withDefaultMaxMessageBytes(128 << 10).withDialTimeout(Duration.ofSeconds(5))
                        .withWindowGrowth(4 << 20, 8 << 20),
                io.icn.p2p.kad.KadConfig.builder().protocolId("/icn/kad/1.0.0").requestTimeout(Duration.ofSeconds(4))
                        .queryTimeout(Duration.ofSeconds(30)).maxRecords(5000).maxProviderKeys(200_000)
                        .maxInboundMessageBytes(32 << 10).build()));
        assertThat(c.gossip()).isEqualTo(new io.icn.node.ServiceConfig.Gossip(
                List.of("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5"), 60 << 20,
                io.icn.p2p.gossip.MessageIdFunction.RUST_DEFAULT, 2, 8, 5, 16, Duration.ofMillis(700), 10, 4));
        assertThat(c.region()).isEqualTo(Region.EU_EAST);
        assertThat(c.store().capacityBytes()).isEqualTo(12L << 30);
        assertThat(c.audits().pollInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.cleanup().intervalBlocks()).isEqualTo(50);
        assertThat(c.store().cacheBytes()).isZero();
        assertThat(c.store().fsync()).isEqualTo(FsyncPolicy.NEVER);
        assertThat(c.store().verifyOnRead()).isTrue();
        assertThat(c.store().scrubBytesPerSecond()).isEqualTo(1 << 20);
        assertThat(c.store().scrubInterval()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.chain().local().blockTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.chain().local().auditIntervalBlocks()).isEqualTo(10);
        assertThat(c.chain().local().retentionBlocks()).isEqualTo(300);
        assertThat(c.chain().stakeIcn()).isEqualTo(200);
        assertThat(c.ingest()).isEqualTo(new io.icn.node.ServiceConfig.Ingest(8 << 20, 1000, 20));
        assertThat(all.log()).isEqualTo(new LogConfig(LogFormat.JSON, "debug"));
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.quic().maxPutBytes()).isEqualTo(16L << 20);
        assertThat(c.quic().putBudgetBytes()).isEqualTo(48L << 20);
        assertThat(c.quic().ingestClients()).containsExactlyInAnyOrder("abcd" + "ef".repeat(30), "01".repeat(32));
        assertThat(values.describe()).containsEntry("admin_token", "(set)").doesNotContainValue("0123456789abcdef0123")
                .containsEntry("region", "\"EU-EAST\"").containsEntry("limits.chunk_mb", "8");
    }

    @Test
    void theOrderOfKeysThatGoIntoOneRecordDoesNotMatter() {
        // Each of these pairs is checked together by its record; either order of the keys must load.
        assertThat(parse("[limits]\nquic_put_budget_mb = 4096\nmax_quic_put_mb = 2000\n").node().quic().maxPutBytes())
                .isEqualTo(2000L << 20);
        assertThat(parse("[limits]\nmax_quic_put_mb = 2000\nquic_put_budget_mb = 4096\n").node().quic().putBudgetBytes())
                .isEqualTo(4096L << 20);
        HttpConfig h = parse("metrics_port = 9103\nadmin_port = 9104\n").http();
        assertThat(List.of(h.metricsPort(), h.adminPort())).containsExactly(9103, 9104);
        h = parse("admin_port = 9102\nmetrics_port = 9101\n").http();
        assertThat(List.of(h.metricsPort(), h.adminPort())).containsExactly(9101, 9102);
        assertThatThrownBy(() -> parse("metrics_port = 9200\nadmin_port = 9200\n"))
                .hasMessageContaining("metrics_port and admin_port are both 9200");
        // the mesh degrees are checked together, in either order
        assertThat(parse("gossip_mesh_n_high = 30\ngossip_mesh_n = 20\n").node().gossip().meshD()).isEqualTo(20);
        assertThat(parse("gossip_mesh_n = 20\ngossip_mesh_n_high = 30\n").node().gossip().meshDHi()).isEqualTo(30);
        assertThatThrownBy(() -> parse("gossip_mesh_n = 20\n")).hasMessageContaining("dHi 12");
    }

    @Test
    void gossipKeysRefuseWhatCannotWork() {
        assertThatThrownBy(() -> parse("trusted_directors = [\"not-a-peer\"]\n"))
                .hasMessageContaining("trusted_directors").hasMessageContaining("not-a-peer");
        assertThatThrownBy(() -> parse("gossip_message_id = \"md5\"\n"))
                .hasMessageContaining("gossip_message_id").hasMessageContaining("blake3-hex");
        assertThatThrownBy(() -> parse("gossip_history_gossip = 20\n")).hasMessageContaining("historyGossip");
        assertThat(parse("").node().gossip().enabled()).as("gossip ingest is off by default").isFalse();
    }

    @Test
    void commandLineOverridesNameTheFlag() {
        ConfigValues values = NodeConfigFile.parse("region = \"APAC\"\n", "o.toml")
                .override(ConfigKeys.REGION, "eu-west", "--region")
                .override(ConfigKeys.STORAGE_PATH, "/tmp/over", "--storage-path");
        assertThat(values.build().node().region()).isEqualTo(Region.EU_WEST);
        assertThat(values.build().node().storagePath()).isEqualTo(Path.of("/tmp/over"));
        assertThatThrownBy(() -> values.override(ConfigKeys.REGION, "ATLANTIS", "--region"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--region ATLANTIS")
                .hasMessageContaining("EU-WEST");
        ConfigValues ws = new ConfigValues("defaults").override(ConfigKeys.CHAIN_ENDPOINT, "ws://x:1", "--chain-endpoint");
        assertThat(ws.build().node().chain().isLocal()).isFalse();
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        assertThatThrownBy(() -> NodeConfigFile.parse("region = \"APAC\"\nstorage_pth = \"/x\"\n", "a.toml").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a.toml:2").hasMessageContaining("unknown key 'storage_pth'")
                .hasMessageContaining("storage_path");
        assertThatThrownBy(() -> NodeConfigFile.parse("[limits]\nchunks_mb = 3\n", "b.toml").build())
                .hasMessageContaining("unknown key 'limits.chunks_mb'").hasMessageContaining("chunk_mb");
    }

    @Test
    void aWrongTypeIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> NodeConfigFile.parse("quic_port = \"9002\"\n", "c.toml").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("c.toml:1").hasMessageContaining("quic_port")
                .hasMessageContaining("found a string \"9002\"").hasMessageContaining("whole number");
        assertThatThrownBy(() -> NodeConfigFile.parse("bootstrap_peers = \"/ip4/1.2.3.4/tcp/1\"\n", "c.toml").build())
                .hasMessageContaining("bootstrap_peers").hasMessageContaining("array of strings");
        assertThatThrownBy(() -> NodeConfigFile.parse("verify_on_read = \"yes\"\n", "c.toml").build())
                .hasMessageContaining("verify_on_read").hasMessageContaining("true or false");
        assertThatThrownBy(() -> NodeConfigFile.parse("limits = 3\n", "c.toml").build())
                .hasMessageContaining("limits").hasMessageContaining("[limits]");
        assertThatThrownBy(() -> NodeConfigFile.parse("region = NA-WEST\n", "d.toml").build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("d.toml:1").hasMessageContaining("TOML");
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> NodeConfigFile.parse("region = \"MARS\"\n", "e.toml").build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("region = \"MARS\"")
                .hasMessageContaining("EU-WEST");
        assertThatThrownBy(() -> NodeConfigFile.parse("metrics_port = 70000\n", "e.toml").build())
                .hasMessageContaining("metrics_port = 70000").hasMessageContaining("1..65535");
        assertThatThrownBy(() -> NodeConfigFile.parse("fsync = \"sometimes\"\n", "e.toml").build())
                .hasMessageContaining("fsync").hasMessageContaining("always");
        assertThatThrownBy(() -> NodeConfigFile.parse("chain_endpoint = \"http://x\"\n", "e.toml").build())
                .hasMessageContaining("chain_endpoint").hasMessageContaining("ws://");
        assertThatThrownBy(() -> NodeConfigFile.parse("max_storage_gb = 0\n", "e.toml").build())
                .hasMessageContaining("max_storage_gb = 0");
        assertThatThrownBy(() -> NodeConfigFile.parse("admin_token = \"short\"\n", "e.toml").build())
                .hasMessageContaining("admin_token").hasMessageContaining("16");
        assertThatThrownBy(() -> NodeConfigFile.parse("stake_icn = 10\n", "e.toml").build())
                .hasMessageContaining("stake_icn = 10");
        assertThatThrownBy(() -> NodeConfigFile.parse("\ningest_clients = [\"abc\"]\n", "e.toml").build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("e.toml:2")
                .hasMessageContaining("ingest_clients").hasMessageContaining("\"abc\"")
                .hasMessageContaining("icn-node director-cert");
        assertThatThrownBy(() -> NodeConfigFile.parse("[limits]\nmax_quic_put_mb = 100\nquic_put_budget_mb = 50\n",
                "e.toml").build())
                .hasMessageContaining("limits.quic_put_budget_mb = 50").hasMessageContaining("limits.max_quic_put_mb = 100");
        assertThatThrownBy(() -> NodeConfigFile.parse("[limits]\nmax_quic_put_mb = 4096\n", "e.toml").build())
                .hasMessageContaining("limits.max_quic_put_mb = 4096").hasMessageContaining("1..2047");
        assertThatThrownBy(() -> NodeConfigFile.parse("audit_interval_blocks = 0\n", "e.toml").build())
                .hasMessageContaining("audit_interval_blocks = 0");
        assertThatThrownBy(() -> NodeConfigFile.parse("chain_retention_blocks = 99\n", "e.toml").build())
                .hasMessageContaining("chain_retention_blocks = 99").hasMessageContaining("100..");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> NodeConfigFile.load(tmp.resolve("nope.toml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.toml").hasMessageContaining("does not exist");
    }

    @Test
    void anUnusableStoragePathIsRefusedWithoutTouchingAnything() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> Preflight.check(NodeConfig.defaults(file.resolve("data"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage_path").hasMessageContaining("not a directory");
        Path readOnly = Files.createDirectory(tmp.resolve("ro"));
        readOnly.toFile().setWritable(false, false);
        try {
            if (!Files.isWritable(readOnly)) { // root may write anywhere
                assertThatThrownBy(() -> Preflight.check(NodeConfig.defaults(readOnly.resolve("data"))))
                        .isInstanceOf(ConfigException.class).hasMessageContaining("not writable");
            }
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
        NodeConfig fresh = NodeConfig.defaults(tmp.resolve("new/nested/dir"));
        Preflight.check(fresh.withQuic(fresh.quic().withBind("127.0.0.1", 0)));
        assertThat(tmp.resolve("new")).doesNotExist();
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LauncherConfig c = parse("metrics_bind = \"127.0.0.1\"\nmetrics_port = " + taken.getLocalPort()
                    + "\nadmin_port = 0\nquic_port = 0\nstorage_path = \"" + tmp + "\"\n");
            try (NodeLauncher launcher = NodeLauncher.of(c)) {
                assertThatThrownBy(launcher::start).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("metrics_port = " + taken.getLocalPort());
            }
            assertThat(tmp.resolve("node.lock")).as("nothing touched").doesNotExist();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LauncherConfig c = parse("p2p_enabled = true\np2p_listen_addr = \"/ip4/127.0.0.1/tcp/" + taken.getLocalPort()
                    + "\"\nmetrics_port = 0\nadmin_port = 0\nquic_port = 0\nstorage_path = \"" + tmp + "\"\n");
            try (NodeLauncher launcher = NodeLauncher.of(c)) {
                assertThatThrownBy(launcher::start).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("p2p_listen_addr = " + taken.getLocalPort());
            }
            assertThat(tmp.resolve("node.lock")).as("nothing touched").doesNotExist();
        }
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(new InetSocketAddress(0))) {
            NodeConfig c = NodeConfig.defaults(tmp);
            NodeConfig taken = c.withQuic(c.quic().withBind("0.0.0.0", udp.getLocalPort()));
            assertThatThrownBy(() -> Preflight.check(taken)).hasMessageContaining("quic_port = " + udp.getLocalPort());
        }
    }

    @Test
    void theCliExitsOneOnAConfigurationErrorAndTouchesNothing() throws Exception {
        Path storage = tmp.resolve("never-created");
        Path config = Files.writeString(tmp.resolve("bad.toml"), "region = \"ATLANTIS\"\nstorage_path = \""
                + storage + "\"\n");
        assertThat(Main.execute("run", "--config", config.toString())).isEqualTo(1);
        Path good = Files.writeString(tmp.resolve("good.toml"), "storage_path = \"" + storage + "\"\n");
        assertThat(Main.execute("run", "--config", good.toString(), "--region", "ATLANTIS")).isEqualTo(1);
        assertThat(Main.execute("run", "--config", good.toString(), "--chain-endpoint", "http://127.0.0.1:9944"))
                .isEqualTo(1);
        assertThat(Main.execute("run", "--no-such-flag")).isEqualTo(1);
        assertThat(storage).doesNotExist();
        assertThat(List.of(Main.execute("--help"), Main.execute("run", "--help"), Main.execute("put", "--help")))
                .containsOnly(0);
    }

    @Test
    void aNodeOnLoopbackOnlySendsLargerDatagramsUnlessMaxUdpPayloadIsSet() {
        assertThat(parse("").node().quic().limits().maxUdpPayloadBytes()).as("0.0.0.0: the Internet's size")
                .isEqualTo(1350);
        for (String bind : List.of("127.0.0.1", "127.1.2.3", "::1", "localhost")) {
            assertThat(parse("quic_bind = \"" + bind + "\"\n").node().quic().limits().maxUdpPayloadBytes()).as(bind)
                    .isEqualTo(ConfigKeys.LOOPBACK_UDP_PAYLOAD);
        }
        assertThat(parse("quic_bind = \"192.0.2.1\"\n").node().quic().limits().maxUdpPayloadBytes()).isEqualTo(1350);
        assertThat(parse("quic_bind = \"127.0.0.1\"\n[transport]\nmax_udp_payload = 1350\n").node().quic().limits()
                .maxUdpPayloadBytes()).as("set explicitly").isEqualTo(1350);
    }

    @Test
    void transportTableSetsTheServerLimits() {
        io.icn.node.TransportLimits l = parse("[transport]\nmax_client_mbps = 300\nmax_egress_mbps = 900\n"
                + "max_connections = 10\nmax_streams_per_connection = 8\nmax_concurrent_requests = 20\n"
                + "client_requests_per_sec = 50\nclient_request_burst = 60\nburst_kb = 512\nclients_by_port = true\n"
                + "idle_timeout_secs = 20\nrequest_header_timeout_ms = 3000\nrequest_deadline_secs = 90\n"
                + "busy_retry_after_ms = 500\nread_chunk_kb = 128\nmax_udp_payload = 1452\nio_threads = 1\n"
                + "disk_threads = 2\nsocket_receive_kb = 4096\nsocket_send_kb = 2048\ncongestion_control = \"BBR\"\n")
                .node().quic().limits();
        assertThat(l).isEqualTo(new io.icn.node.TransportLimits(300, 900, 10, 8, 20, 50, 60, 512 << 10, true,
                java.time.Duration.ofSeconds(20), java.time.Duration.ofMillis(3000), java.time.Duration.ofSeconds(90),
                java.time.Duration.ofMillis(500), 128 << 10, 1452, 1, 2, 4096 << 10, 2048 << 10,
                io.icn.transport.quic.CongestionControl.BBR));
        assertThat(l.effectiveIoThreads()).isOne();
        assertThatThrownBy(() -> parse("[transport]\nmax_egress_mbps = -1\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_egress_mbps");
        assertThatThrownBy(() -> parse("[transport]\nread_chunk_kb = 2048\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("read_chunk_kb");
        assertThatThrownBy(() -> parse("[transport]\nmax_udp_payload = 1000\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_udp_payload");
        assertThatThrownBy(() -> parse("[transport]\ncongestion_control = \"vegas\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("congestion_control", "bbr");
        assertThat(parse("").node().quic().limits().congestionControl())
                .isEqualTo(io.icn.transport.quic.CongestionControl.CUBIC);
    }
}
