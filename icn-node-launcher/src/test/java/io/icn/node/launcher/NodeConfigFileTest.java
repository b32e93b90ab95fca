package io.icn.node.launcher;

import io.icn.node.*;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.Region;
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

    @Test
    void peersAndQuicAdvertise() {
        String fp = "ab".repeat(32);
        NodeConfig c = NodeConfigFile.parse("peers = [\"10.0.0.2:9002#" + fp + "\", \"[::1]:9003#" + fp.toUpperCase()
                + "\"]\nquic_advertise = \"203.0.113.7\"\n", "p.toml", null).build();
        assertThat(c.quicPeers()).containsExactly(new QuicPeer("10.0.0.2", 9002, fp), new QuicPeer("::1", 9003, fp));
        assertThat(c.advertisedQuicHost()).isEqualTo("203.0.113.7");
        NodeConfig defaults = NodeConfig.builder().build();
        assertThat(defaults.peers()).isEmpty();
        assertThat(defaults.advertisedQuicHost()).as("quic_bind 0.0.0.0").isEqualTo("127.0.0.1");
        assertThat(NodeConfig.builder().quicBind("192.0.2.5").build().advertisedQuicHost()).isEqualTo("192.0.2.5");
        assertThatThrownBy(() -> NodeConfigFile.parse("peers = [\"10.0.0.2:9002\"]\n", "p.toml", null).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("peers").hasMessageContaining("10.0.0.2:9002");
        assertThatThrownBy(() -> NodeConfigFile.parse("peers = [\"h:1#xyz\"]\n", "p.toml", null).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("'xyz'");
    }

    @Test
    void theOriginalNodesSampleConfigLoadsUnchanged() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/original-super-node.toml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        NodeConfig c = NodeConfigFile.parse(text, "original-super-node.toml", null).build();
        assertThat(c.chainEndpoint()).isEqualTo("ws://127.0.0.1:9944");
        assertThat(c.storagePath()).isEqualTo(Path.of("/var/lib/icn/storage"));
        assertThat(c.quicPort()).isEqualTo(9002);
        assertThat(c.metricsPort()).isEqualTo(9102);
        assertThat(c.p2pListenAddr()).isEqualTo("/ip4/0.0.0.0/tcp/30333");
        assertThat(c.bootstrapPeers()).containsExactly("/ip4/127.0.0.1/tcp/30334/p2p/12D3KooWA");
        assertThat(c.region()).isEqualTo(Region.NA_WEST);
        assertThat(c.maxStorageGb()).isEqualTo(10_000);
        assertThat(c.auditPollSecs()).isEqualTo(30);
        assertThat(c.cleanupIntervalBlocks()).isEqualTo(1_000);
        // A chain node endpoint loads, but this version runs only the embedded chain: the start says so.
        assertThatThrownBy(() -> Preflight.checkChainSupported(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("chain_endpoint").hasMessageContaining("local");
    }

    @Test
    void defaultsWithoutAFile() {
        NodeConfig c = NodeConfig.builder().build();
        assertThat(c.chainEndpoint()).isEqualTo("local");
        assertThat(c.storagePath()).isEqualTo(Path.of("./icn-data").toAbsolutePath().normalize());
        assertThat(c.quicPort()).isEqualTo(9002);
        assertThat(c.metricsPort()).isEqualTo(9102);
        assertThat(c.adminBind()).isEqualTo("127.0.0.1");
        assertThat(c.auditPollSecs()).isEqualTo(30);
        assertThat(c.cleanupIntervalBlocks()).isEqualTo(1000);
        assertThat(c.fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(c.limits()).isEqualTo(NodeConfig.Limits.DEFAULT);
        assertThat(c.ingestClients()).as("QUIC PUT is closed by default").isEmpty();
        assertThat(c.limits().maxQuicPutMb()).isEqualTo(64);
        assertThat(c.limits().quicPutBudgetMb()).isEqualTo(256);
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
                log_format = "json"
                log_level = "DEBUG"
                ingest_clients = ["AB:CD:%s", "%s"]

                [limits]
                max_put_mb = 100
                chunk_mb = 8
                max_json_body_kb = 4
                http_threads = 2
                max_quic_put_mb = 16
                quic_put_budget_mb = 48
                """.formatted("ef".repeat(30), "01".repeat(32));
        NodeConfig c = NodeConfigFile.parse(text, "full.toml", null).build();
        assertThat(c.storagePath()).isEqualTo(Path.of("/srv/icn"));
        assertThat(c.quicPort()).isZero();
        assertThat(c.quicBind()).isEqualTo("127.0.0.1");
        assertThat(c.metricsPort()).isEqualTo(19102);
        assertThat(c.metricsBind()).isEqualTo("127.0.0.1");
        assertThat(c.p2pListenAddr()).isEqualTo("/ip4/0.0.0.0/tcp/4001");
        assertThat(c.bootstrapPeers()).isEmpty();
        assertThat(c.region()).isEqualTo(Region.EU_EAST);
        assertThat(c.capacityBytes()).isEqualTo(12L << 30);
        assertThat(c.auditPollSecs()).isEqualTo(7);
        assertThat(c.cleanupIntervalBlocks()).isEqualTo(50);
        assertThat(c.cacheMb()).isZero();
        assertThat(c.fsync()).isEqualTo(FsyncPolicy.NEVER);
        assertThat(c.verifyOnRead()).isTrue();
        assertThat(c.scrubBytesPerSec()).isEqualTo(1 << 20);
        assertThat(c.scrubIntervalSecs()).isEqualTo(600);
        assertThat(c.adminTokenRequired()).isTrue();
        assertThat(c.adminBind()).isEqualTo("::1");
        assertThat(c.adminPort()).isEqualTo(19103);
        assertThat(c.blockTimeSecs()).isEqualTo(2);
        assertThat(c.auditIntervalBlocks()).isEqualTo(10);
        assertThat(c.chainRetentionBlocks()).isEqualTo(300);
        assertThat(c.stakeIcn()).isEqualTo(200);
        assertThat(c.dealBlocks()).isEqualTo(1000);
        assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.limits()).isEqualTo(new NodeConfig.Limits(100, 8, 4, 2, 16, 48));
        assertThat(c.limits().maxQuicPutBytes()).isEqualTo(16L << 20);
        assertThat(c.ingestClients()).containsExactly("abcd" + "ef".repeat(30), "01".repeat(32));
        assertThat(c.describe()).containsEntry("admin_token", "(set)").doesNotContainValue("0123456789abcdef0123");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        assertThatThrownBy(() -> NodeConfigFile.parse("region = \"APAC\"\nstorage_pth = \"/x\"\n", "a.toml", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a.toml:2").hasMessageContaining("unknown key 'storage_pth'")
                .hasMessageContaining("storage_path");
        assertThatThrownBy(() -> NodeConfigFile.parse("[limits]\nchunks_mb = 3\n", "b.toml", null))
                .hasMessageContaining("unknown key 'limits.chunks_mb'").hasMessageContaining("chunk_mb");
    }

    @Test
    void aWrongTypeIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> NodeConfigFile.parse("quic_port = \"9002\"\n", "c.toml", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("c.toml:1").hasMessageContaining("quic_port")
                .hasMessageContaining("found a string \"9002\"").hasMessageContaining("whole number");
        assertThatThrownBy(() -> NodeConfigFile.parse("bootstrap_peers = \"/ip4/1.2.3.4/tcp/1\"\n", "c.toml", null))
                .hasMessageContaining("bootstrap_peers").hasMessageContaining("array of strings");
        assertThatThrownBy(() -> NodeConfigFile.parse("verify_on_read = \"yes\"\n", "c.toml", null))
                .hasMessageContaining("verify_on_read").hasMessageContaining("true or false");
        assertThatThrownBy(() -> NodeConfigFile.parse("limits = 3\n", "c.toml", null))
                .hasMessageContaining("limits").hasMessageContaining("[limits]");
        assertThatThrownBy(() -> NodeConfigFile.parse("region = NA-WEST\n", "d.toml", null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("d.toml:1").hasMessageContaining("TOML");
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> NodeConfigFile.parse("region = \"MARS\"\n", "e.toml", null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("region = \"MARS\"")
                .hasMessageContaining("EU-WEST");
        assertThatThrownBy(() -> NodeConfigFile.parse("metrics_port = 70000\n", "e.toml", null))
                .hasMessageContaining("metrics_port = 70000").hasMessageContaining("1..65535");
        assertThatThrownBy(() -> NodeConfigFile.parse("fsync = \"sometimes\"\n", "e.toml", null))
                .hasMessageContaining("fsync").hasMessageContaining("always");
        assertThatThrownBy(() -> NodeConfigFile.parse("chain_endpoint = \"http://x\"\n", "e.toml", null).build())
                .hasMessageContaining("chain_endpoint").hasMessageContaining("ws://");
        assertThatThrownBy(() -> NodeConfigFile.parse("max_storage_gb = 0\n", "e.toml", null).build())
                .hasMessageContaining("max_storage_gb = 0");
        assertThatThrownBy(() -> NodeConfigFile.parse("admin_token = \"short\"\n", "e.toml", null).build())
                .hasMessageContaining("admin_token").hasMessageContaining("16");
        assertThatThrownBy(() -> NodeConfigFile.parse("stake_icn = 10\n", "e.toml", null).build())
                .hasMessageContaining("stake_icn = 10");
        assertThatThrownBy(() -> NodeConfigFile.parse("\ningest_clients = [\"abc\"]\n", "e.toml", null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("e.toml:2")
                .hasMessageContaining("ingest_clients").hasMessageContaining("\"abc\"")
                .hasMessageContaining("icn-node director-cert");
        assertThatThrownBy(() -> NodeConfigFile.parse("[limits]\nmax_quic_put_mb = 100\nquic_put_budget_mb = 50\n",
                "e.toml", null).build())
                .hasMessageContaining("limits.quic_put_budget_mb = 50").hasMessageContaining("limits.max_quic_put_mb = 100");
        assertThatThrownBy(() -> NodeConfigFile.parse("[limits]\nmax_quic_put_mb = 4096\n", "e.toml", null).build())
                .hasMessageContaining("limits.max_quic_put_mb = 4096").hasMessageContaining("1..2047");
        assertThatThrownBy(() -> NodeConfigFile.parse("audit_interval_blocks = 0\n", "e.toml", null).build())
                .hasMessageContaining("audit_interval_blocks = 0");
        assertThatThrownBy(() -> NodeConfigFile.parse("chain_retention_blocks = 99\n", "e.toml", null).build())
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
        assertThatThrownBy(() -> Preflight.checkStorageWritable(file.resolve("data")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage_path").hasMessageContaining("not a directory");
        Path readOnly = Files.createDirectory(tmp.resolve("ro"));
        readOnly.toFile().setWritable(false, false);
        try {
            if (!Files.isWritable(readOnly)) { // root may write anywhere
                assertThatThrownBy(() -> Preflight.checkStorageWritable(readOnly.resolve("data")))
                        .isInstanceOf(ConfigException.class).hasMessageContaining("not writable");
            }
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
        Preflight.checkStorageWritable(tmp.resolve("new/nested/dir"));
        assertThat(tmp.resolve("new")).doesNotExist();
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            NodeConfig c = NodeConfig.builder().metricsBind("127.0.0.1").metricsPort(taken.getLocalPort())
                    .adminPort(0).quicPort(0).storagePath(tmp).build();
            assertThatThrownBy(() -> Preflight.check(c)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("metrics_port = " + taken.getLocalPort());
        }
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(new InetSocketAddress(0))) {
            NodeConfig c = NodeConfig.builder().metricsPort(0).adminPort(0).quicPort(udp.getLocalPort())
                    .storagePath(tmp).build();
            assertThatThrownBy(() -> Preflight.check(c)).hasMessageContaining("quic_port = " + udp.getLocalPort());
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
        assertThat(Main.execute("run", "--config", good.toString(), "--chain-endpoint", "ws://127.0.0.1:9944"))
                .isEqualTo(1);
        assertThat(Main.execute("run", "--no-such-flag")).isEqualTo(1);
        assertThat(storage).doesNotExist();
        assertThat(List.of(Main.execute("--help"), Main.execute("run", "--help"), Main.execute("put", "--help")))
                .containsOnly(0);
    }
}
