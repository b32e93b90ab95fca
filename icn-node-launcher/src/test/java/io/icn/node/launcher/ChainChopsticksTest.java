package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icn.chain.substrate.ChainKey;
import io.icn.chain.substrate.SubstrateChain;
import io.icn.chain.substrate.Ss58;
import io.icn.node.SuperNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's chain commands and {@code icn-node run} on a {@code ws://} endpoint, against chopsticks (a real
 * Substrate runtime, offline, on loopback) started from the repository's harness {@code interop/chain} (installed
 * by icn-chain's build) and killed after the class.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ChainChopsticksTest {
    private static final Path HARNESS = Path.of("..", "interop", "chain").toAbsolutePath().normalize();
    private static String url;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startChopsticks() throws Exception {
        assertThat(HARNESS.resolve("node_modules/@acala-network/chopsticks")).as("the chain harness is installed by"
                + " icn-chain's build (npm ci in interop/chain)").isDirectory();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "run-chopsticks.sh", String.valueOf(port), "280")
                .directory(HARNESS.toFile()).redirectErrorStream(true);
        pb.environment().put("CHOPSTICKS_ARGS", "--build-block-mode Instant");
        Process starter = pb.start();
        boolean done = starter.waitFor(120, TimeUnit.SECONDS);
        String out = new String(starter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long pid = Long.parseLong(Files.readString(HARNESS.resolve("chopsticks-" + port + ".pid")).strip());
        pidOfChopsticks = pid;
        assertThat(done && starter.exitValue() == 0).as("chopsticks started: %s", out).isTrue();
        url = "ws://127.0.0.1:" + port;
    }

    private static long pidOfChopsticks = -1;

    @AfterAll
    static void stopChopsticks() {
        ProcessHandle.of(pidOfChopsticks).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        });
    }

    /** Gives {@code key}'s account a balance (chopsticks' dev_setStorage) so it can pay fees. */
    private static void fund(ChainKey key) {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (SubstrateChain c = SubstrateChain.connect(RemoteChain.config(URI.create(url), "IcnPinning",
                Duration.ofSeconds(30)), Optional.empty(), HttpClient.newHttpClient(), scheduler)) {
            c.rpc().request("dev_setStorage", Map.of("System", Map.of("Account", List.of(List.of(
                    List.of(Ss58.encode(key.publicKey(), 42)), Map.of("providers", 1, "data",
                            Map.of("free", "1000000000000000")))))));
            c.rpc().request("dev_newBlock");
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static Map.Entry<Integer, String> cli(String... args) {
        return NodeHttpTest.cliResult(args);
    }

    @Test
    void infoRemarkAndAuditsAgainstTheEndpoint() throws IOException {
        Path storage = Files.createDirectories(tmp.resolve("node"));
        ChainKey key = ChainKey.fromPkcs8File(io.icn.node.NodeIdentity.loadOrCreate(storage).privateKeyFile());
        fund(key);

        Map.Entry<Integer, String> info = cli("chain", "info", "--chain-endpoint", url, "--storage-path", storage.toString());
        assertThat(info.getKey()).as(info.getValue()).isZero();
        assertThat(info.getValue()).contains("chain          asset-hub-rococo").contains("pallet         IcnPinning ABSENT")
                .contains(key.accountHex()).contains("free           1000000000000000")
                .containsPattern("best           #\\d+ 0x[0-9a-f]{64}");

        Map.Entry<Integer, String> remark = cli("chain", "remark", "hello from icn", "--chain-endpoint", url,
                "--storage-path", storage.toString());
        assertThat(remark.getKey()).as(remark.getValue()).isZero();
        assertThat(remark.getValue()).containsPattern("included in block #\\d+ 0x[0-9a-f]{64}");

        // this runtime has no pinning pallet: the command says so and fails
        Map.Entry<Integer, String> audits = cli("chain", "audits", "--chain-endpoint", url, "--storage-path", storage.toString());
        assertThat(audits.getKey()).isEqualTo(Main.FAILED);
    }

    /** Runs {@code node seed-pinning.mjs} (polkadot.js encodes the pallet's entries, dev_setStorage writes them). */
    private static JsonNode seedPinning(String pinnerHex, int deals, int audits, String pallet) throws Exception {
        Process p = new ProcessBuilder("node", "seed-pinning.mjs", url, "0x" + pinnerHex, String.valueOf(deals),
                String.valueOf(audits), pallet, "0x51ab").directory(HARNESS.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("seed-pinning.mjs finished").isTrue();
            assertThat(p.exitValue()).as("seed-pinning.mjs exit").isZero();
            return new ObjectMapper().readTree(out.join());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void auditsDecodesThePalletEntriesSeededByPolkadotJs() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("auditor"));
        ChainKey key = ChainKey.fromPkcs8File(io.icn.node.NodeIdentity.loadOrCreate(storage).privateKeyFile());
        // A pallet name of its own, so the other tests' "no pallet" case stays true on the shared chain.
        String pallet = "IcnPinningSeeded";
        JsonNode seeded = seedPinning(key.accountHex(), 2, 4, pallet);

        Map.Entry<Integer, String> mine = cli("chain", "audits", "--deals", "--pallet", pallet, "--chain-endpoint", url,
                "--storage-path", storage.toString());
        assertThat(mine.getKey()).as(mine.getValue()).isZero();
        String out = mine.getValue();
        for (int i = 0; i < 4; i++) {
            JsonNode a = seeded.get("audits").get(i);
            String line = out.lines().filter(l -> l.startsWith("audit " + a.get("audit_id").asText())).findFirst()
                    .orElse(null);
            if (i % 2 == 1) { // seed-pinning.mjs addresses audits 0 and 2 to the given pinner, 1 and 3 to others
                assertThat(line).as(out).isNull();
                continue;
            }
            JsonNode ch = a.get("challenge");
            assertThat(line).as(out).isNotNull()
                    .contains("pinner 0x" + key.accountHex())
                    .contains("shard " + a.get("shard_hash").asText())
                    .contains("bytes " + ch.get("byte_offset").asLong() + "+64")
                    .contains("nonce " + ch.get("nonce").asText())
                    .contains("deadline #" + a.get("deadline").asLong())
                    .contains("status PENDING")
                    .contains("assigned yes (2 pinner(s))")
                    .contains("root " + seeded.get("roots").get(0).get("root").asText());
        }
        assertThat(out).contains("2 pending audit(s) for this node at block #");
        for (JsonNode d : seeded.get("deals")) {
            assertThat(out).as(out).contains("deal " + d.get("deal_id").asText() + " creator " + d.get("creator").asText()
                    + " shards 14 (1 assigned to this node) blocks #" + d.get("created_at").asLong() + "..#"
                    + d.get("expires_at").asLong() + " status ACTIVE reward 1000000000000");
        }
        assertThat(out).contains("2 deal(s) with shards assigned to this node, of 2 at block #");

        Map.Entry<Integer, String> every = cli("chain", "audits", "--all", "--pallet", pallet, "--chain-endpoint", url);
        assertThat(every.getKey()).as(every.getValue()).isZero();
        assertThat(every.getValue()).contains("4 pending audit(s) at block #");
        for (JsonNode a : seeded.get("audits")) {
            assertThat(every.getValue()).contains("audit " + a.get("audit_id").asText());
        }
    }

    @Test
    void clearErrorsForAMissingKeyAndAnUnreachableEndpoint() {
        assertThat(cli("chain", "remark", "x", "--chain-endpoint", url, "--storage-path",
                tmp.resolve("empty").toString()).getKey()).isEqualTo(Main.USAGE);
        assertThat(cli("chain", "info", "--chain-endpoint", "ws://127.0.0.1:1", "--timeout", "3").getKey())
                .isEqualTo(Main.UNREACHABLE);
        assertThat(cli("chain", "info", "--chain-endpoint", "http://127.0.0.1:1").getKey()).isEqualTo(Main.USAGE);
    }

    @Test
    void theLauncherRunsANodeOnAWsEndpoint() throws Exception {
        Path storage = tmp.resolve("run");
        LauncherConfig config = NodeHttpTest.testConfig(storage, "chain_endpoint = \"" + url + "\"",
                "chain_connect_timeout_secs = 30");
        NodeLauncher launcher = NodeLauncher.of(config,
                c -> SuperNode.builder(c).random(new SplittableRandom(42)).calibrateKernels(false));
        try {
            launcher.start();
            assertThat(launcher.state()).isEqualTo(SuperNode.State.RUNNING);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(launcher.metricsUrl().replace("/metrics", "/health"))).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        } finally {
            launcher.close();
        }
        assertThat(launcher.state()).isEqualTo(SuperNode.State.STOPPED);
    }
}
