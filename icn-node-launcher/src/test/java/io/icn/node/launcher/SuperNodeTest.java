package io.icn.node.launcher;

import io.icn.node.*;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.icn.chain.ChainClient;
import io.icn.chain.ChainStateException;
import io.icn.storage.Cid;
import io.icn.transport.quic.ShardClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node in this JVM on loopback ports chosen by the system: lifecycle, the storage lock, the HTTP
 * endpoints, admin authentication and limits, put → status/usage, and the CLI's client commands.
 */
@Timeout(90)
class SuperNodeTest {
    private static final String TOKEN = "test-token-0123456789";

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    static NodeConfig.Builder testConfig(Path storage) {
        return NodeConfig.builder().storagePath(storage).quicPort(0).metricsPort(0).adminPort(0)
                .quicBind("127.0.0.1").metricsBind("127.0.0.1").adminBind("127.0.0.1").fsync(FsyncPolicy.NEVER).cacheMb(16)
                .blockTimeSecs(1).auditPollSecs(1).chunkMb(1);
    }

    private static SuperNode node(NodeConfig config) {
        return SuperNode.builder(config).random(new SplittableRandom(42)).calibrateKernels(false).build();
    }

    @Test
    void lifecycleFromNewToStoppedAndStateSurvivesARestart() throws Exception {
        Path storage = tmp.resolve("data");
        SuperNode node = node(testConfig(storage).build());
        String account;
        try {
            assertThat(node.state()).isEqualTo(SuperNode.State.NEW);
            node.start();
            assertThat(node.state()).isEqualTo(SuperNode.State.RUNNING);
            account = node.identity().accountHex();
            assertThat(storage.resolve(StorageLock.FILE_NAME)).exists();
            assertThat(Files.getPosixFilePermissions(node.identity().privateKeyFile()))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class);
        } finally {
            node.close();
        }
        assertThat(node.state()).isEqualTo(SuperNode.State.STOPPED);
        node.close(); // idempotent
        assertThat(storage.resolve(SuperNode.CHAIN_STATE_FILE)).exists();

        SuperNode again = node(testConfig(storage).build());
        try {
            again.start();
            assertThat(again.identity().accountHex()).as("the key persists").isEqualTo(account);
        } finally {
            again.close();
        }
    }

    @Test
    void aSecondNodeOnTheSameStorageIsRefused() {
        Path storage = tmp.resolve("shared");
        SuperNode first = node(testConfig(storage).build());
        SuperNode second = node(testConfig(storage).build());
        try {
            first.start();
            assertThatThrownBy(second::start).isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining(storage.toString()).hasMessageContaining("in use");
            assertThat(second.state()).isEqualTo(SuperNode.State.FAILED);
            assertThat(first.state()).isEqualTo(SuperNode.State.RUNNING);
        } finally {
            second.close();
            first.close();
        }
    }

    @Test
    void aCorruptChainStateFailsTheStartAndReleasesTheStore() throws Exception {
        Path storage = tmp.resolve("corrupt-chain");
        SuperNode first = node(testConfig(storage).build());
        first.start();
        first.close();
        Path state = storage.resolve(SuperNode.CHAIN_STATE_FILE);
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 1;
        Files.write(state, bytes);

        // The chain loads beside the store's open: its failure must still close the store and the lock.
        SuperNode broken = node(testConfig(storage).build());
        assertThatThrownBy(broken::start).isInstanceOf(ChainStateException.class)
                .hasMessageContaining("CRC32C");
        assertThat(broken.state()).isEqualTo(SuperNode.State.FAILED);
        broken.close();

        Files.delete(state);
        SuperNode again = node(testConfig(storage).build());
        try {
            again.start();
            assertThat(again.state()).isEqualTo(SuperNode.State.RUNNING);
        } finally {
            again.close();
        }
    }

    @Test
    void aNonLocalChainIsRefusedBeforeAnythingIsTouched() {
        Path storage = tmp.resolve("untouched");
        SuperNode node = node(testConfig(storage).chainEndpoint("ws://127.0.0.1:9944").build());
        try {
            assertThatThrownBy(node::start).isInstanceOf(ConfigException.class).hasMessageContaining("chain_endpoint");
            assertThat(storage).doesNotExist();
        } finally {
            node.close();
        }
    }

    @Test
    void healthAndMetrics() throws Exception {
        SuperNode node = node(testConfig(tmp.resolve("m")).build());
        try {
            node.start();
            HttpResponse<String> health = get(node.metricsUrl().replace("/metrics", "/health"), null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"state\":\"RUNNING\"");
            HttpResponse<String> metrics = get(node.metricsUrl(), null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("icn_super_node_shard_count", "icn_super_node_bytes_stored",
                    "icn_super_node_audit_success_total", "jvm_memory_used_bytes", "jvm_threads_live_threads",
                    "process_uptime_seconds", "system_cpu_count", "process_files_open_files",
                    "icn_super_node_replication_restored_total{source=\"local\"} 0.0",
                    "icn_super_node_replication_restored_total{source=\"peer\"} 0.0");
            Matcher block = Pattern.compile("(?m)^icn_super_node_chain_block (\\S+)$").matcher(metrics.body());
            assertThat(block.find()).as("icn_super_node_chain_block in%n%s", metrics.body()).isTrue();
            assertThat(Double.parseDouble(block.group(1))).isEqualTo(node.chain().currentBlock(), within(1.0));
            if (Files.isReadable(Path.of("/proc/self/status"))) {
                Matcher rss = Pattern.compile("(?m)^process_resident_memory_bytes (\\S+)$").matcher(metrics.body());
                assertThat(rss.find()).as("process_resident_memory_bytes in%n%s", metrics.body()).isTrue();
                assertThat(Double.parseDouble(rss.group(1))).as("RSS above the used heap")
                        .isGreaterThan(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
            }
            assertThat(get(node.metricsUrl().replace("/metrics", "/admin/status"), null).statusCode())
                    .as("admin endpoints are not on the metrics listener").isEqualTo(404);
        } finally {
            node.close();
        }
    }

    @Test
    void blocksKeepComingWhileASlowScrubPassRunsOnItsOwnThread() throws Exception {
        // 1 KiB/s: the pass over one chunk's 14 shards of 6.5 KiB takes about 90 s.
        SuperNode node = node(testConfig(tmp.resolve("scrub")).scrubIntervalSecs(1).scrubBytesPerSec(1024).build());
        Set<String> producers = ConcurrentHashMap.newKeySet();
        try {
            node.start();
            try (ChainClient observer = node.chain().clientFor(node.identity().account())) {
                observer.subscribeBlocks(b -> producers.add(Thread.currentThread().getName()));
                byte[] file = new byte[65_536];
                new SplittableRandom(9).nextBytes(file);
                HttpResponse<String> put = post("http://" + SuperNode.hostPort(node.adminAddress()) + "/admin/put",
                        null, file);
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

                Thread scrub = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while ((scrub = threadIn("io.icn.storage.FileShardStore", "scrub")) == null) {
                    assertThat(System.nanoTime()).as("no scrub pass started in 20 s").isLessThan(deadline);
                    Thread.sleep(50);
                }
                long from = node.chain().currentBlock();
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (node.chain().currentBlock() < from + 3) {
                    assertThat(System.nanoTime()).as("blocks stalled at %d during the scrub", node.chain().currentBlock())
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
                assertThat(threadIn("io.icn.storage.FileShardStore", "scrub")).as("the slow pass still runs")
                        .isSameAs(scrub);
                assertThat(scrub.getName()).startsWith("icn-node-scrub");
                assertThat(producers).as("threads that produced blocks").isNotEmpty().doesNotContain(scrub.getName());
            }
        } finally {
            node.close(); // ends the slow pass: the store's close stops its pacing
        }
    }

    /** The live thread with a frame in {@code className.method}, or null. */
    private static Thread threadIn(String className, String method) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : e.getValue()) {
                if (f.getClassName().equals(className) && f.getMethodName().equals(method)) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    @Test
    void adminRequiresTheTokenAndBoundsBodies() throws Exception {
        SuperNode node = node(testConfig(tmp.resolve("a")).adminToken(TOKEN).maxPutMb(1).maxJsonBodyKb(1).build());
        try {
            node.start();
            String base = "http://" + SuperNode.hostPort(node.adminAddress());
            HttpResponse<String> none = get(base + "/admin/status", null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("Bearer");
            assertThat(get(base + "/admin/status", "wrong-token-0000000000").statusCode()).isEqualTo(401);
            assertThat(get(base + "/admin/status", TOKEN).statusCode()).isEqualTo(200);
            assertThat(get(base + "/health", null).statusCode()).as("health needs no token").isEqualTo(200);

            assertThat(post(base + "/admin/put", TOKEN, new byte[(1 << 20) + 1]).statusCode()).isEqualTo(413);
            HttpResponse<String> bigJson = post(base + "/admin/cleanup", TOKEN, new byte[2048]);
            assertThat(bigJson.statusCode()).isEqualTo(413);
            assertThat(bigJson.body()).contains("limits.max_json_body_kb");
            assertThat(get(base + "/admin/cleanup", TOKEN).statusCode()).isEqualTo(405);
            assertThat(get(base + "/admin/nothing", TOKEN).statusCode()).isEqualTo(404);
            HttpResponse<String> badCid = post(base + "/admin/repair?cid=not-a-cid", TOKEN, new byte[0]);
            assertThat(badCid.statusCode()).isEqualTo(400);
            assertThat(badCid.body()).contains("not-a-cid");
            assertThat(post(base + "/admin/repair?cid=" + Cid.ofRaw(new byte[] {1}), TOKEN, new byte[0]).statusCode())
                    .isEqualTo(404);
        } finally {
            node.close();
        }
    }

    @Test
    void aNodeOnAChainOfTheFormerBlockSizeKeepsUsingIt() throws Exception {
        // A chain made when 1 KiB was the default Merkle block size: the node reopens it with that scheme and
        // gives new shards 1 KiB leaves, so that their recorded roots are the shard hashes the chain checks.
        Path storage = tmp.resolve("older-chain");
        Files.createDirectories(storage);
        io.icn.chain.local.LocalChain.builder().random(new SplittableRandom(1))
                .stateFile(storage.resolve(SuperNode.CHAIN_STATE_FILE))
                .proofScheme(io.icn.chain.ProofScheme.merkle(1024)).build().close();
        SuperNode older = node(testConfig(storage).adminToken(TOKEN).build());
        try {
            older.start();
            assertThat(older.chain().proofScheme()).isEqualTo(io.icn.chain.ProofScheme.merkle(1024));
            byte[] file = new byte[300_000];
            new SplittableRandom(3).nextBytes(file);
            HttpResponse<String> put = post("http://" + SuperNode.hostPort(older.adminAddress()) + "/admin/put", TOKEN,
                    file);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            Cid cid = Cid.parse(cids(put.body()).get(0));
            assertThat(older.store().meta(cid).orElseThrow().merkleLeafSize()).isEqualTo(1024);
        } finally {
            older.close();
        }

        Path fresh = tmp.resolve("new-chain");
        SuperNode node = node(testConfig(fresh).build());
        try {
            node.start();
            assertThat(node.chain().proofScheme()).isEqualTo(io.icn.chain.ProofScheme.merkle());
            assertThat(node.chain().proofScheme().merkleBlockSize()).isEqualTo(io.icn.storage.MerkleProof.DEFAULT_LEAF_SIZE);
        } finally {
            node.close();
        }
    }

    @Test
    void putThenStatusUsageVerifyRepairCleanupAndTheCli() throws Exception {
        Path storage = tmp.resolve("p");
        Path configFile = tmp.resolve("node.toml");
        SuperNode node = node(testConfig(storage).adminToken(TOKEN).build());
        try {
            node.start();
            String base = "http://" + SuperNode.hostPort(node.adminAddress());
            byte[] file = new byte[(5 << 19) + 123]; // 2.5 MiB + 123: three 1 MiB chunks
            new SplittableRandom(7).nextBytes(file);
            HttpResponse<String> put = post(base + "/admin/put", TOKEN, file);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            List<String> cids = cids(put.body());
            assertThat(cids).hasSize(3);
            assertThat(cids.get(0)).isEqualTo(Cid.ofRaw(java.util.Arrays.copyOf(file, 1 << 20)).toString());
            assertThat(node.chain().pinnersOf(io.icn.chain.DealId.fromHex(deal(put.body()))))
                    .containsExactly(node.identity().account());

            // What was put is served over QUIC to a relay that pins the node's certificate.
            try (ShardClient relay = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint())).build()) {
                Cid first = Cid.parse(cids.get(0));
                byte[] fetched = relay.fetchChunk(List.of(node.quicAddress()), first).get(30, TimeUnit.SECONDS);
                assertThat(fetched).isEqualTo(java.util.Arrays.copyOf(file, 1 << 20));
            }

            String usage = get(base + "/admin/usage", TOKEN).body();
            assertThat(usage).contains("\"chunks\":3", "\"shards\":42");
            String status = get(base + "/admin/status", TOKEN).body();
            assertThat(status).contains("\"state\":\"RUNNING\"", "\"region\":\"NA-WEST\"", "\"chunks\":3",
                    "\"kernel\"", "\"current_block\"", "\"quic_fingerprint\":\"" + node.quicFingerprint() + "\"");

            Files.delete(storage.resolve(cids.get(1)).resolve("shard_03.bin"));
            HttpResponse<String> verify = post(base + "/admin/verify", TOKEN, new byte[0]);
            assertThat(verify.body()).contains("\"shards_scanned\":4").contains("\"repaired_shards\":1");
            assertThat(storage.resolve(cids.get(1)).resolve("shard_03.bin")).exists();
            assertThat(post(base + "/admin/repair?cid=" + cids.get(2), TOKEN, new byte[0]).body())
                    .contains("\"regenerated\":[]");
            HttpResponse<String> dry = post(base + "/admin/cleanup?dry_run=true", TOKEN, new byte[0]);
            assertThat(dry.body()).contains("\"dry_run\":true", "\"deleted\":[]");
            Files.createDirectories(storage.resolve("lost+found")); // storage_path as a mount point
            HttpResponse<String> rebuilt = post(base + "/admin/index/rebuild", TOKEN, new byte[0]);
            assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
            assertThat(rebuilt.body()).contains("\"chunks\":3", "\"skipped\":[{\"name\":\"lost+found\"");
            assertThat(storage.resolve("lost+found")).isDirectory();

            // The CLI's client commands, with the same configuration file as the node.
            Files.writeString(configFile, "admin_bind = \"127.0.0.1\"\nadmin_port = " + node.adminAddress().getPort()
                    + "\nadmin_token = \"" + TOKEN + "\"\n");
            byte[] smallBytes = new byte[65_536];
            new SplittableRandom(8).nextBytes(smallBytes);
            Path small = Files.write(tmp.resolve("small.bin"), smallBytes);
            assertThat(cli("put", "--config", configFile.toString(), small.toString()))
                    .contains(Cid.ofRaw(smallBytes).toString());
            Path tiny = Files.write(tmp.resolve("tiny.bin"), new byte[] {1, 2, 3, 4, 5});
            assertThat(Main.execute("put", "--config", configFile.toString(), tiny.toString()))
                    .as("a chunk with repeated shards cannot be pinned").isEqualTo(3);
            assertThat(cli("status", "--config", configFile.toString())).contains("\"chunks\":4");
            assertThat(cli("usage", "--config", configFile.toString())).contains("\"shards\":56");
            assertThat(cli("keys", "--config", configFile.toString())).contains(node.identity().accountHex());
            assertThat(cli("cleanup", "--config", configFile.toString(), "--dry-run")).contains("\"dry_run\":true");
            assertThat(cli("index", "rebuild", "--config", configFile.toString())).contains("\"chunks\":4");
            assertThat(Main.execute("repair", "--config", configFile.toString(), "bafkreinotacid")).isEqualTo(3);

            // get: the file back over QUIC, from the configured node, or from --from with --pin.
            Path back = tmp.resolve("back.bin");
            String[] all = cids.toArray(String[]::new);
            List<String> getArgs = new ArrayList<>(List.of("get", "--config", configFile.toString(), "-o", back.toString()));
            getArgs.addAll(List.of(all));
            assertThat(Main.execute(getArgs.toArray(String[]::new))).isZero();
            assertThat(Files.readAllBytes(back)).isEqualTo(file);
            Path small2 = tmp.resolve("small2.bin");
            assertThat(Main.execute("get", "--from", SuperNode.hostPort(node.quicAddress()), "--pin",
                    node.quicFingerprint(), "-o", small2.toString(), Cid.ofRaw(smallBytes).toString())).isZero();
            assertThat(Files.readAllBytes(small2)).isEqualTo(smallBytes);
            assertThat(Main.execute("get", "--from", SuperNode.hostPort(node.quicAddress()), "--pin", "00".repeat(32),
                    "--timeout", "20", "-o", tmp.resolve("never.bin").toString(), Cid.ofRaw(smallBytes).toString()))
                    .as("an unpinned certificate is refused").isEqualTo(3);
            assertThat(tmp.resolve("never.bin")).doesNotExist();
            assertThat(tmp.resolve("never.bin.part")).doesNotExist();
            assertThat(Main.execute("get", "--from", "127.0.0.1:1", "-o", tmp.resolve("x").toString(),
                    Cid.ofRaw(smallBytes).toString())).as("--from without --pin").isEqualTo(1);
            assertThat(Main.execute("get", "-o", tmp.resolve("x").toString(), "not-a-cid")).isEqualTo(1);
            Files.writeString(configFile, "admin_port = " + node.adminAddress().getPort() + "\n");
            assertThat(Main.execute("status", "--config", configFile.toString())).as("no token").isEqualTo(3);
        } finally {
            node.close();
        }
        assertThat(Main.execute("status", "--config", configFile.toString())).as("node gone").isEqualTo(2);
    }

    // ---------------------------------------------------------------- helpers

    /** Runs the CLI in this JVM; asserts exit code 0 and returns what it printed. */
    static String cli(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code of %s: %s", String.join(" ", args), text).isZero();
        return text;
    }

    private static List<String> cids(String json) {
        Matcher m = Pattern.compile("\"cids\":\\[([^\\]]*)\\]").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        List<String> out = new ArrayList<>();
        for (String s : m.group(1).split(",")) {
            out.add(s.replace("\"", ""));
        }
        return out;
    }

    private static String deal(String json) {
        Matcher m = Pattern.compile("\"deal\":\"([0-9a-f]{64})\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
