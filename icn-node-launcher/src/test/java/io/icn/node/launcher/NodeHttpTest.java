package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.icn.node.SuperNode;
import io.icn.storage.Cid;
import io.icn.transport.quic.ShardClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher in this JVM ({@link NodeLauncher}: a node, its Prometheus registry and its HTTP interface) on
 * loopback ports chosen by the system: {@code /health} and {@code /metrics}, admin authentication and limits, put →
 * status/usage, the long operations as jobs, the drain's STOPPING, and the CLI's client commands.
 */
@Timeout(120)
class NodeHttpTest {
    static final String TOKEN = "test-token-0123456789";

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A node on loopback, ports 0, no fsync, 1 s blocks and polls, 1 MiB chunks; {@code moreToml} lines after. */
    static LauncherConfig testConfig(Path storage, String... moreToml) {
        List<String> lines = new ArrayList<>(List.of("storage_path = \"" + storage + "\"", "quic_port = 0",
                "metrics_port = 0", "admin_port = 0", "quic_bind = \"127.0.0.1\"", "metrics_bind = \"127.0.0.1\"",
                "admin_bind = \"127.0.0.1\"", "fsync = \"never\"", "cache_mb = 16", "block_time_secs = 1",
                "audit_poll_secs = 1", "p2p_listen_addr = \"/ip4/127.0.0.1/tcp/0\""));
        List<String> limits = new ArrayList<>(List.of("[limits]", "chunk_mb = 1"));
        for (String line : moreToml) {
            (line.startsWith("limits.") ? limits : lines).add(line.replace("limits.", ""));
        }
        lines.addAll(limits);
        return NodeConfigFile.parse(String.join("\n", lines) + "\n", "test.toml").build();
    }

    private static NodeLauncher launcher(LauncherConfig config) {
        return new NodeLauncher(config, c -> SuperNode.builder(c).random(new SplittableRandom(42)).calibrateKernels(false));
    }

    private static String base(NodeLauncher launcher) {
        return "http://" + SuperNode.hostPort(launcher.adminAddress());
    }

    @Test
    void healthAndMetrics() throws Exception {
        NodeLauncher launcher = launcher(testConfig(tmp.resolve("m")));
        try {
            launcher.start();
            HttpResponse<String> health = get(launcher.metricsUrl().replace("/metrics", "/health"), null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"state\":\"RUNNING\"", "\"storage\":{\"healthy\":true",
                    "\"checkpoint_failures\":0");
            HttpResponse<String> metrics = get(launcher.metricsUrl(), null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("icn_super_node_shard_count", "icn_super_node_bytes_stored",
                    "icn_super_node_audit_success_total", "jvm_memory_used_bytes", "jvm_threads_live_threads",
                    "process_uptime_seconds", "system_cpu_count", "process_files_open_files",
                    "icn_super_node_replication_restored_total{source=\"local\"} 0.0",
                    "icn_super_node_replication_restored_total{source=\"peer\"} 0.0");
            Matcher block = Pattern.compile("(?m)^icn_super_node_chain_block (\\S+)$").matcher(metrics.body());
            assertThat(block.find()).as("icn_super_node_chain_block in%n%s", metrics.body()).isTrue();
            assertThat(Double.parseDouble(block.group(1))).isEqualTo(launcher.node().chain().currentBlock(),
                    within(1.0));
            if (Files.isReadable(Path.of("/proc/self/status"))) {
                Matcher rss = Pattern.compile("(?m)^process_resident_memory_bytes (\\S+)$").matcher(metrics.body());
                assertThat(rss.find()).as("process_resident_memory_bytes in%n%s", metrics.body()).isTrue();
                assertThat(Double.parseDouble(rss.group(1))).as("RSS above the used heap")
                        .isGreaterThan(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
            }
            assertThat(get(launcher.metricsUrl().replace("/metrics", "/admin/status"), null).statusCode())
                    .as("admin endpoints are not on the metrics listener").isEqualTo(404);
            assertThat(get(base(launcher) + "/metrics", null).statusCode())
                    .as("metrics are not on the admin listener").isEqualTo(404);
        } finally {
            launcher.close();
        }
        assertThat(launcher.node().state()).isEqualTo(SuperNode.State.STOPPED);
        launcher.close(); // idempotent
    }

    @Test
    void aNodeThatCannotStartLeavesNothingRunning() {
        Path storage = tmp.resolve("locked");
        NodeLauncher first = launcher(testConfig(storage));
        NodeLauncher second = launcher(testConfig(storage));
        try {
            first.start();
            assertThatThrownBy(second::start).isInstanceOf(io.icn.node.StorageLockedException.class);
            assertThat(second.node().state()).isEqualTo(SuperNode.State.FAILED);
            assertThat(second.state()).isEqualTo(SuperNode.State.FAILED);
            assertThatThrownBy(second::metricsAddress).as("HTTP never started").isInstanceOf(IllegalStateException.class);
            assertThat(first.state()).isEqualTo(SuperNode.State.RUNNING);
        } finally {
            second.close();
            first.close();
        }
    }

    @Test
    void adminRequiresTheTokenAndBoundsBodies() throws Exception {
        NodeLauncher launcher = launcher(testConfig(tmp.resolve("a"), "admin_token = \"" + TOKEN + "\"",
                "limits.max_put_mb = 1", "limits.max_json_body_kb = 1"));
        try {
            launcher.start();
            String base = base(launcher);
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
                    .as("a chunk not stored").isEqualTo(404);
            assertThat(post(base + "/admin/repair", TOKEN, "{\"cids\": 3}".getBytes(StandardCharsets.UTF_8))
                    .body()).contains("\\\"cids\\\"");
            assertThat(get(base + "/admin/jobs/job-999", TOKEN).statusCode()).isEqualTo(404);
            assertThat(get(base + "/admin/jobs", TOKEN).body()).isEqualTo("{\"jobs\":[]}\n");
        } finally {
            launcher.close();
        }
    }

    @Test
    void healthReportsStoppingWhileAPutDrainsAndAdminIsRefused() throws Exception {
        NodeLauncher launcher = launcher(testConfig(tmp.resolve("drain"), "shutdown_grace_secs = 30"));
        Socket socket = new Socket();
        try {
            launcher.start();
            String base = base(launcher);
            String health = launcher.metricsUrl().replace("/metrics", "/health");
            // A put whose body stalls halfway: in flight on an HTTP thread while the launcher stops.
            byte[] file = new byte[8192];
            new SplittableRandom(5).nextBytes(file);
            socket.connect(launcher.adminAddress(), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /admin/put HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + file.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(file, 0, file.length / 2);
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (launcher.httpInFlight() == 0) {
                assertThat(System.nanoTime()).as("the put never reached the node").isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread closer = new Thread(launcher::close, "test-closer");
            closer.start();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            HttpResponse<String> h;
            while (!(h = get(health, null)).body().contains("STOPPING")) {
                assertThat(System.nanoTime()).as("health never said STOPPING: %s", h.body()).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(h.statusCode()).isEqualTo(503);
            HttpResponse<String> refused = get(base + "/admin/status", null);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("shutting down");
            out.write(file, file.length / 2, file.length - file.length / 2); // the put ends: the drain lets it finish
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"cids\":[\"" + Cid.ofRaw(file) + "\"]");
            closer.join(30_000);
            assertThat(closer.isAlive()).isFalse();
            assertThat(launcher.node().state()).isEqualTo(SuperNode.State.STOPPED);
        } finally {
            socket.close();
            launcher.close();
        }
    }

    @Test
    void putThenStatusUsageJobsCleanupAndTheCli() throws Exception {
        Path storage = tmp.resolve("p");
        Path configFile = tmp.resolve("node.toml");
        NodeLauncher launcher = launcher(testConfig(storage, "admin_token = \"" + TOKEN + "\""));
        try {
            launcher.start();
            SuperNode node = launcher.node();
            String base = base(launcher);
            byte[] file = new byte[(5 << 19) + 123]; // 2.5 MiB + 123: three 1 MiB chunks
            new SplittableRandom(7).nextBytes(file);
            HttpResponse<String> put = post(base + "/admin/put", TOKEN, file);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            List<String> cids = cids(put.body());
            assertThat(cids).hasSize(3);
            assertThat(cids.get(0)).isEqualTo(Cid.ofRaw(Arrays.copyOf(file, 1 << 20)).toString());
            assertThat(node.chain().pinnersOf(io.icn.chain.DealId.fromHex(deal(put.body()))))
                    .containsExactly(node.identity().account());

            // What was put is served over QUIC to a relay that pins the node's certificate.
            try (ShardClient relay = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint())).build()) {
                Cid first = Cid.parse(cids.get(0));
                byte[] fetched = relay.fetchChunk(List.of(node.quicAddress()), first).get(30, TimeUnit.SECONDS);
                assertThat(fetched).isEqualTo(Arrays.copyOf(file, 1 << 20));
            }

            String usage = get(base + "/admin/usage", TOKEN).body();
            assertThat(usage).contains("\"chunks\":3", "\"shards\":42");
            String status = get(base + "/admin/status", TOKEN).body();
            assertThat(status).contains("\"state\":\"RUNNING\"", "\"region\":\"NA-WEST\"", "\"chunks\":3",
                    "\"kernel\"", "\"current_block\"", "\"quic_fingerprint\":\"" + node.quicFingerprint() + "\"",
                    "\"admin\":\"" + launcher.adminUrl() + "\"");

            // verify, repair and index rebuild answer 202 with a job; the job's result is the report.
            Files.delete(storage.resolve(cids.get(1)).resolve("shard_03.bin"));
            HttpResponse<String> verify = post(base + "/admin/verify", TOKEN, new byte[0]);
            assertThat(verify.statusCode()).as(verify.body()).isEqualTo(202);
            String verified = awaitJob(base, verify.body());
            assertThat(verified).contains("\"state\":\"SUCCEEDED\"", "\"shards_scanned\":4", "\"repaired_shards\":1",
                    "\"unit\":\"bytes\"", "\"fraction\":1.0");
            assertThat(storage.resolve(cids.get(1)).resolve("shard_03.bin")).exists();
            HttpResponse<String> repair = post(base + "/admin/repair?cid=" + cids.get(2), TOKEN, new byte[0]);
            assertThat(awaitJob(base, repair.body())).contains("\"regenerated\":[]", "\"done\":1,\"total\":1");
            String many = "{\"cids\":[\"" + cids.get(0) + "\",\"" + cids.get(1) + "\"]}";
            HttpResponse<String> repairMany = post(base + "/admin/repair", TOKEN, many.getBytes(StandardCharsets.UTF_8));
            assertThat(awaitJob(base, repairMany.body())).contains("\"repaired\":[{\"cid\":\"" + cids.get(0),
                    "\"failed\":[]", "\"done\":2,\"total\":2");
            HttpResponse<String> dry = post(base + "/admin/cleanup?dry_run=true", TOKEN, new byte[0]);
            assertThat(dry.body()).contains("\"dry_run\":true", "\"deleted\":[]");
            Files.createDirectories(storage.resolve("lost+found")); // storage_path as a mount point
            HttpResponse<String> rebuild = post(base + "/admin/index/rebuild", TOKEN, new byte[0]);
            assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
            assertThat(awaitJob(base, rebuild.body())).contains("\"chunks\":3",
                    "\"skipped\":[{\"name\":\"lost+found\"", "\"unit\":\"chunks\"");
            assertThat(storage.resolve("lost+found")).isDirectory();
            assertThat(get(base + "/admin/jobs", TOKEN).body()).contains("\"kind\":\"verify\"",
                    "\"kind\":\"index_rebuild\"", "\"kind\":\"repair\"");

            // The CLI's client commands, with the same configuration file as the node.
            Files.writeString(configFile, "admin_bind = \"127.0.0.1\"\nadmin_port = " + launcher.adminAddress().getPort()
                    + "\nadmin_token = \"" + TOKEN + "\"\n");
            byte[] smallBytes = new byte[65_536];
            new SplittableRandom(8).nextBytes(smallBytes);
            Path small = Files.write(tmp.resolve("small.bin"), smallBytes);
            assertThat(cli("put", "--config", configFile.toString(), small.toString()))
                    .contains(Cid.ofRaw(smallBytes).toString());
            Path tiny = Files.write(tmp.resolve("tiny.bin"), new byte[] {1, 2, 3, 4, 5});
            assertThat(cli("put", "--config", configFile.toString(), tiny.toString()))
                    .as("a file shorter than k bytes").contains(Cid.ofRaw(new byte[] {1, 2, 3, 4, 5}).toString());
            assertThat(cli("status", "--config", configFile.toString())).contains("\"chunks\":5");
            assertThat(cli("usage", "--config", configFile.toString())).contains("\"shards\":70");
            assertThat(cli("keys", "--config", configFile.toString())).contains(node.identity().accountHex());
            assertThat(cli("cleanup", "--config", configFile.toString(), "--dry-run")).contains("\"dry_run\":true");
            assertThat(cli("index", "rebuild", "--config", configFile.toString())).contains("\"chunks\":5");
            assertThat(cli("verify", "--config", configFile.toString())).contains("\"shards_scanned\":70");
            assertThat(cli("repair", "--config", configFile.toString(), cids.get(0), cids.get(1)))
                    .contains("\"repaired\":[", "\"failed\":[]");
            assertThat(cli("jobs", "--config", configFile.toString())).contains("\"kind\":\"verify\"");
            assertThat(Main.execute("repair", "--config", configFile.toString(), "bafkreinotacid")).isEqualTo(3);

            // get: the file back over QUIC, from the configured node, or from --from with --pin.
            Path back = tmp.resolve("back.bin");
            List<String> getArgs = new ArrayList<>(List.of("get", "--config", configFile.toString(), "-o", back.toString()));
            getArgs.addAll(cids);
            // A data shard the node no longer has is rebuilt from the shards already in the file and parity.
            Files.delete(storage.resolve(cids.get(0)).resolve("shard_02.bin"));
            // A data shard served wrong (same length, other bytes): the raw chunk does not hash to its CID, so its
            // shards are checked against the manifest, and the wrong one is rebuilt as a missing one is.
            Path served = storage.resolve(cids.get(1)).resolve("shard_01.bin");
            byte[] flipped = Files.readAllBytes(served);
            flipped[flipped.length / 2] ^= 0x5a;
            Files.write(served, flipped);
            assertThat(cli(getArgs.toArray(String[]::new))).contains("2 data shard(s) rebuilt from parity");
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
            Files.writeString(configFile, "admin_port = " + launcher.adminAddress().getPort() + "\n");
            assertThat(Main.execute("status", "--config", configFile.toString())).as("no token").isEqualTo(3);
        } finally {
            launcher.close();
        }
        assertThat(Main.execute("status", "--config", configFile.toString())).as("node gone").isEqualTo(2);
    }

    @Test
    void theConfigCommandPrintsEveryKeyAndRefusesABadFile() throws Exception {
        Path good = Files.writeString(tmp.resolve("good.toml"), "region = \"APAC\"\nadmin_token = \"" + TOKEN
                + "\"\n[limits]\nchunk_mb = 8\n");
        String out = cli("config", "--config", good.toString());
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(out).contains("\n" + key.simpleName() + " = ");
        }
        assertThat(out).contains("region = \"APAC\"", "chunk_mb = 8", "admin_token = (set)", "[limits]")
                .doesNotContain(TOKEN);
        Path bad = Files.writeString(tmp.resolve("bad.toml"), "stake_icn = 1\n");
        assertThat(Main.execute("config", "--config", bad.toString())).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    /** Polls the job of a 202 answer until it ends; returns its final JSON. */
    private String awaitJob(String base, String accepted) throws Exception {
        Matcher m = Pattern.compile("\"poll\":\"([^\"]+)\"").matcher(accepted);
        assertThat(m.find()).as("a job in %s", accepted).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String job = get(base + m.group(1), TOKEN).body();
            if (job.contains("\"state\":\"SUCCEEDED\"") || job.contains("\"state\":\"FAILED\"")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job still unfinished: %s", job).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Runs the CLI in this JVM; asserts exit code 0 and returns what it printed. */
    static String cli(String... args) {
        Map.Entry<Integer, String> r = cliResult(args);
        assertThat(r.getKey()).as("exit code of %s: %s", String.join(" ", args), r.getValue()).isZero();
        return r.getValue();
    }

    /** Runs the CLI in this JVM; returns its exit code and what it printed to stdout. */
    static Map.Entry<Integer, String> cliResult(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(saved);
        }
        return Map.entry(code, out.toString(StandardCharsets.UTF_8));
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
