package io.icn.chain.substrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adapter against a real Substrate runtime: chopsticks running Rococo Asset Hub offline (blocks made on
 * demand with {@code dev_newBlock}), started and ended by this class, on 127.0.0.1.
 */
@Timeout(180)
class ChopsticksInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    private static InteropHarness.Chopsticks chain;
    private static ScheduledExecutorService scheduler;
    private static HttpClient http;
    private static final ChainKey KEY = ChainKey.fromSeed(HEX.parseHex("4242424242424242424242424242424242424242424242424242424242424201"));

    @BeforeAll
    static void startChain() throws Exception {
        chain = InteropHarness.Chopsticks.start(0);
        scheduler = InteropHarness.scheduler("substrate-test");
        http = HttpClient.newHttpClient();
        try (SubstrateChain c = connect(chain.url())) {
            fund(c, KEY);
        }
    }

    @AfterAll
    static void stopChain() {
        try {
            if (chain != null) {
                chain.close();
            }
        } finally {
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
        }
    }

    static SubstrateChain connect(String url) {
        SubstrateChain.Config defaults = SubstrateChain.Config.defaults(URI.create(url));
        JsonRpcClient.Config rpc = new JsonRpcClient.Config(URI.create(url), Duration.ofSeconds(120), Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofMillis(500), 1024, 4096, 64 << 20);
        return SubstrateChain.connect(new SubstrateChain.Config(rpc, defaults.palletName(), 64, 100, 4096),
                Optional.of(KEY), http, scheduler);
    }

    static void fund(SubstrateChain c, ChainKey key) {
        fund(c, key, "1000000000000000");
    }

    static void fund(SubstrateChain c, ChainKey key, String free) {
        String address = Ss58.encode(key.publicKey(), 42);
        c.rpc().request("dev_setStorage", Map.of("System", Map.of("Account",
                List.of(List.of(List.of(address), Map.of("providers", 1, "data", Map.of("free", free)))))));
        c.rpc().request("dev_newBlock");
    }

    @Test
    void readsSystemNumberAndAccount() {
        try (SubstrateChain c = connect(chain.url())) {
            ChainKey other = ChainKey.fromSeed(HEX.parseHex("77".repeat(32)));
            assertThat(c.account(other.publicKey(), null).free()).isZero();
            fund(c, other, "123456789012345");
            Head best = c.bestHead();
            assertThat(c.systemNumber(best.hash())).isEqualTo(best.number());
            assertThat(c.blockHash(best.number())).contains(best.hash());
            ChainInfo.Account account = c.account(other.publicKey(), best.hash());
            assertThat(account.free()).isEqualTo(new BigInteger("123456789012345"));
            assertThat(account.nonce()).isZero();
            ChainInfo info = c.info();
            assertThat(info.specName()).isEqualTo("statemine");
            assertThat(info.metadataVersion()).isEqualTo(14);
            assertThat(info.pinningPalletPresent()).isFalse();
            assertThat(info.account()).isPresent();
            assertThat(info.account().get().ss58()).isEqualTo(Ss58.encode(KEY.publicKey(), 42));
            assertThat(info.genesisHash()).isEqualTo(c.blockHash(0).orElseThrow());
        }
    }

    @Test
    void followsNewHeadsInOrderWithTheirHashes() throws Exception {
        try (SubstrateChain c = connect(chain.url())) {
            List<Head> seen = new CopyOnWriteArrayList<>();
            long start = c.bestHead().number();
            try (JsonRpcClient.Subscription sub = c.followHeads(false, seen::add)) {
                c.rpc().request("dev_newBlock", Map.of("count", 3));
                waitFor(() -> seen.stream().anyMatch(h -> h.number() >= start + 3), 120);
            }
            List<Long> numbers = new ArrayList<>();
            seen.forEach(h -> numbers.add(h.number()));
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
            }
            for (Head h : seen) {
                assertThat(c.blockHash(h.number())).contains(h.hash());
            }
        }
    }

    @Test
    void signedRemarkAndBatchAreIncludedWithTheirEventsAndNonces() throws Exception {
        try (SubstrateChain c = connect(chain.url())) {
            long nonceBefore = c.account(KEY.publicKey(), null).nonce();
            assertThat(c.nextNonce()).isEqualTo(nonceBefore);
            assertThat(c.estimateFee(c.runtime().calls().remarkWithEvent(new byte[] {1}))).isPositive();

            SubstrateChain.Submission remark = c.submit(c.runtime().calls().remarkWithEvent("icn hello".getBytes(StandardCharsets.UTF_8)));
            c.rpc().request("dev_newBlock");
            SubstrateChain.Inclusion inc = remark.included().get(30, TimeUnit.SECONDS);
            assertThat(inc.success()).isTrue();
            assertThat(inc.events()).extracting(EventRecord::qualifiedName).contains("System.Remarked", "System.ExtrinsicSuccess");
            EventRecord remarked = inc.events().stream().filter(e -> e.name().equals("Remarked")).findFirst().orElseThrow();
            assertThat((byte[]) DynamicDecoder.field(remarked.event().value(), "sender")).isEqualTo(KEY.publicKey());
            assertThat(remark.finalized().get(30, TimeUnit.SECONDS)).isEqualTo(inc.block().hash());
            assertThat(c.account(KEY.publicKey(), inc.block().hash()).nonce()).isEqualTo(nonceBefore + 1);

            RuntimeCalls calls = c.runtime().calls();
            SubstrateChain.Submission batch = c.submit(calls.batchAll(List.of(calls.remarkWithEvent(new byte[] {1}),
                    calls.remarkWithEvent(new byte[] {2, 2}))));
            assertThat(batch.nonce()).isEqualTo(nonceBefore + 1);
            c.rpc().request("dev_newBlock");
            SubstrateChain.Inclusion binc = batch.included().get(30, TimeUnit.SECONDS);
            assertThat(binc.success()).isTrue();
            assertThat(binc.events().stream().filter(e -> e.qualifiedName().equals("System.Remarked"))).hasSize(2);
            assertThat(binc.events()).extracting(EventRecord::qualifiedName).contains("Utility.BatchCompleted");
            assertThat(c.account(KEY.publicKey(), binc.block().hash()).nonce()).isEqualTo(nonceBefore + 2);
            assertThat(c.nextNonce()).isEqualTo(nonceBefore + 2);
        }
    }

    @Test
    void remarkOperationWaitsForInclusion() throws Exception {
        try (SubstrateChain c = connect(chain.url())) {
            var producer = scheduler.scheduleAtFixedRate(() -> c.rpc().call("dev_newBlock"), 500, 700, TimeUnit.MILLISECONDS);
            try {
                SubstrateChain.Inclusion inc = c.remark("icn-node chain remark", Duration.ofSeconds(60));
                assertThat(inc.block().hash()).startsWith("0x").hasSize(66);
                assertThat(inc.events()).extracting(EventRecord::qualifiedName).contains("System.Remarked");
            } finally {
                producer.cancel(false);
            }
        }
    }

    @Test
    void decodesPinningStorageSeededByPolkadotJs() throws Exception {
        String out = InteropHarness.runNode(120, "seed-pinning.mjs", chain.url(), "0x" + KEY.accountHex(), "3", "4");
        JsonNode seeded = new ObjectMapper().readTree(out);
        try (SubstrateChain c = connect(chain.url())) {
            Map<String, PinningPallet.Audit> audits = c.pendingAudits(null);
            assertThat(audits).hasSizeGreaterThanOrEqualTo(4);
            for (JsonNode a : seeded.get("audits")) {
                PinningPallet.Audit expected = PolkadotJsVectorsTest.audit(a);
                assertThat(audits.get(HEX.formatHex(expected.auditId()))).usingRecursiveComparison().isEqualTo(expected);
                assertThat(c.pendingAudit(expected.auditId(), null).orElseThrow()).usingRecursiveComparison().isEqualTo(expected);
            }
            List<PinningPallet.Deal> deals = new ArrayList<>();
            c.forEachDeal(null, deals::add);
            for (JsonNode d : seeded.get("deals")) {
                PinningPallet.Deal expected = PolkadotJsVectorsTest.deal(d);
                assertThat(c.deal(expected.dealId(), null).orElseThrow()).usingRecursiveComparison().isEqualTo(expected);
                assertThat(deals).anySatisfy(x -> assertThat(x.dealId()).isEqualTo(expected.dealId()));
            }
            for (JsonNode as : seeded.get("assignments")) {
                List<byte[]> pinners = c.shardAssignments(PolkadotJsVectorsTest.hex(as.get("shard")), null);
                assertThat(pinners).hasSize(2);
                assertThat(pinners.get(0)).isEqualTo(KEY.publicKey());
            }
            for (JsonNode r : seeded.get("roots")) {
                assertThat(c.shardMerkleRoot(PolkadotJsVectorsTest.hex(r.get("shard")), null))
                        .hasValueSatisfying(v -> assertThat(v).isEqualTo(PolkadotJsVectorsTest.hex(r.get("root"))));
            }
        }
    }

    @Test
    void reconnectsAndCatchesUpTheBlocksMadeWhileTheEndpointWasDown() throws Exception {
        try (TcpProxy proxy = new TcpProxy(chain.port);
                SubstrateChain direct = connect(chain.url());
                SubstrateChain viaProxy = connect("ws://127.0.0.1:" + proxy.port())) {
            List<Head> seen = new CopyOnWriteArrayList<>();
            try (JsonRpcClient.Subscription sub = viaProxy.followHeads(false, seen::add)) {
                direct.rpc().request("dev_newBlock");
                long before = direct.bestHead().number();
                waitFor(() -> seen.stream().anyMatch(h -> h.number() == before), 30);
                proxy.down();
                waitFor(() -> !viaProxy.rpc().isConnected(), 30);
                direct.rpc().request("dev_newBlock", Map.of("count", 4));
                long target = direct.bestHead().number();
                assertThat(target).isEqualTo(before + 4);
                proxy.up();
                waitFor(() -> seen.stream().anyMatch(h -> h.number() >= target), 60);
                assertThat(viaProxy.rpc().connects()).isGreaterThanOrEqualTo(2);
                List<Long> numbers = new ArrayList<>();
                seen.forEach(h -> numbers.add(h.number()));
                for (long n = before; n <= target; n++) {
                    assertThat(numbers).contains(n);
                }
                for (int i = 1; i < numbers.size(); i++) {
                    assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
                }
                for (Head h : seen) {
                    assertThat(direct.blockHash(h.number())).contains(h.hash());
                }
            }
        }
    }

    @Test
    void aRuntimeUpgradeNoticeRereadsTheMetadata() throws Exception {
        try (SubstrateChain c = connect(chain.url())) {
            SubstrateChain.Runtime before = c.runtime();
            c.onRuntimeVersion(new ObjectMapper().readTree("{\"specVersion\": " + before.specVersion()
                    + ", \"transactionVersion\": " + before.transactionVersion() + "}"));
            Thread.sleep(300);
            assertThat(c.runtime()).isSameAs(before);
            c.onRuntimeVersion(new ObjectMapper().readTree("{\"specVersion\": " + (before.specVersion() + 1)
                    + ", \"transactionVersion\": " + before.transactionVersion() + "}"));
            waitFor(() -> c.runtime() != before, 30);
            assertThat(c.runtime().metadata().pallet("System").index()).isZero();
            assertThat(c.runtime().calls().remarkWithEvent(new byte[0])).isEqualTo(before.calls().remarkWithEvent(new byte[0]));
        }
    }

    @Test
    void aRequestToADeadEndpointTimesOutNamingTheMethod() throws Exception {
        try (TcpProxy proxy = new TcpProxy(chain.port)) {
            URI url = URI.create("ws://127.0.0.1:" + proxy.port());
            JsonRpcClient.Config cfg = new JsonRpcClient.Config(url, Duration.ofMillis(800), Duration.ofSeconds(2),
                    Duration.ofMillis(100), Duration.ofMillis(400), 4, 16, 1 << 20);
            try (JsonRpcClient rpc = new JsonRpcClient(cfg, http, scheduler)) {
                assertThat(rpc.request("system_chain").asText()).isNotBlank();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> rpc.request("no_such_method"))
                        .isInstanceOf(RpcErrorException.class).hasMessageContaining("no_such_method");
                proxy.down();
                // Lost on the cut socket, or waiting for a connection that does not come: either way the request
                // ends within its timeout, naming its method.
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> rpc.request("system_chain"))
                        .isInstanceOf(io.icn.chain.ChainUnavailableException.class).hasMessageContaining("system_chain");
                proxy.up();
                waitFor(() -> {
                    try {
                        return !rpc.request("system_chain").asText().isBlank();
                    } catch (io.icn.chain.ChainUnavailableException stillDown) {
                        return false;
                    }
                }, 60);
                assertThat(rpc.request("system_chain").asText()).isNotBlank();
            }
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            Thread.sleep(50);
        }
    }
}
