package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditProofs;
import io.icn.chain.BlockSubscription;
import io.icn.chain.DealId;
import io.icn.chain.PalletMerkleTree;
import io.icn.chain.ProofScheme;
import io.icn.chain.substrate.ChainKey;
import io.icn.chain.substrate.DynamicDecoder;
import io.icn.chain.substrate.EventRecord;
import io.icn.chain.substrate.EndpointProxy;
import io.icn.chain.substrate.Hashing;
import io.icn.chain.substrate.Head;
import io.icn.chain.substrate.InteropHarness;
import io.icn.chain.substrate.JsonRpcClient;
import io.icn.chain.substrate.RuntimeCalls;
import io.icn.chain.substrate.SubstrateChain;
import io.icn.chain.substrate.SubstrateChainClient;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.transport.quic.ShardClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole {@link SuperNode} on a real Substrate runtime (chopsticks, offline, blocks made by the test) through
 * {@link SubstrateChainClient}: the pinning pallet's deals, assignments, Merkle roots and pending audits are written
 * with {@code dev_setStorage}, SCALE-encoded by polkadot.js ({@code interop/chain/seed-entries.mjs}). The runtime has
 * no pinning pallet, so a proof travels in a stand-in call, {@code System.remark_with_event(audit id ++ proof)}, and
 * the test finds it by its {@code System.Remarked} hash in the block's events.
 *
 * <ul>
 * <li>The chain process killed mid-run and another started behind the same endpoint address (a loopback forwarder,
 * {@link EndpointProxy}): shards are served over QUIC throughout, the adapter reconnects and delivers every finalized
 * block once, in order; an audit issued during the outage is answered when the chain returns while within its
 * deadline, one whose deadline passed meanwhile is not. (chopsticks keeps its state in memory, and this harness has
 * no sqlite binding for its {@code --db}, so the returning chain is a new process whose state the test writes again,
 * building blocks past the old head, before the endpoint leads to it.)</li>
 * <li>Cleanup follows finality: with finalized heads held back by a proxy while best blocks pass a deal's expiry,
 * the expired content stays; once the expiry block is finalized it is deleted.</li>
 * </ul>
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class SubstrateChainNodeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SEED = filled(0x3c);
    private static final ChainKey KEY = ChainKey.fromSeed(SEED);
    private static final String OTHER = "0x" + "ab".repeat(32);
    private static final long FAR = 1_000_000;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private static byte[] filled(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    private static String hex(byte[] b) {
        return "0x" + HEX.formatHex(b);
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    /** A chunk stored on the node, with what the pallet records of it. */
    private record Chunk(Cid cid, byte[] data, byte[] dealId, List<byte[]> shards) {
        byte[] shardHash(int i) {
            return AuditProofs.shardHash(ProofScheme.pallet(), shards.get(i)).bytes();
        }
    }

    private static Chunk store(SuperNode node, int size, int seed, long expiresAt) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        Cid cid = Cid.ofRaw(data);
        byte[] dealId = filled(seed);
        node.store().encodeAndPut(cid, data, ChunkSpec.rs10x4(size, HEX.formatHex(dealId), expiresAt));
        List<byte[]> shards = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            shards.add(node.store().readShard(cid, i));
        }
        return new Chunk(cid, data, dealId, shards);
    }

    /** The deal, each shard's assignment to this node and its pallet Merkle root, as seed-entries.mjs takes them. */
    private static void addDeal(ObjectNode spec, Chunk c, long expiresAt) {
        ArrayNode hashes = JSON.createArrayNode();
        ArrayNode roots = JSON.createArrayNode();
        for (int i = 0; i < c.shards().size(); i++) {
            String h = hex(c.shardHash(i));
            String root = hex(PalletMerkleTree.of(c.shards().get(i)).root());
            hashes.add(h);
            roots.add(root);
            spec.withArray("assignments").addObject().put("shard", h).set("pinners",
                    JSON.createArrayNode().add("0x" + KEY.accountHex()).add(OTHER));
            spec.withArray("roots").addObject().put("shard", h).put("root", root);
        }
        ObjectNode deal = spec.withArray("deals").addObject();
        deal.put("deal_id", hex(c.dealId())).put("creator", OTHER);
        deal.set("shards", hashes);
        deal.set("merkle_roots", roots);
        deal.put("created_at", 1).put("expires_at", expiresAt).put("total_reward", "1000000000000").put("status", "Active");
    }

    private static AuditChallenge challenge(int offset, int nonceByte) {
        byte[] nonce = new byte[16];
        Arrays.fill(nonce, (byte) nonceByte);
        return new AuditChallenge(offset, 64, nonce);
    }

    private static void addAudit(ObjectNode spec, byte[] auditId, String pinner, byte[] shardHash, AuditChallenge ch,
            long deadline) {
        ObjectNode a = spec.withArray("audits").addObject();
        a.put("audit_id", hex(auditId)).put("pinner", pinner).put("shard_hash", hex(shardHash));
        a.putObject("challenge").put("byte_offset", ch.byteOffset()).put("byte_length", ch.byteLength())
                .put("nonce", hex(ch.nonce()));
        a.put("deadline", deadline).put("status", "Pending");
    }

    private static ObjectNode spec(int newBlocks) {
        ObjectNode spec = JSON.createObjectNode();
        spec.withArray("accounts").addObject().put("id", "0x" + KEY.accountHex()).put("free", "1000000000000000");
        spec.put("newBlocks", newBlocks);
        return spec;
    }

    private static void seed(String url, ObjectNode spec) throws Exception {
        InteropHarness.runNodeWithInput(300, JSON.writeValueAsString(spec), "seed-entries.mjs", url);
    }

    private SubstrateChain connect(String url, Optional<ChainKey> key) {
        URI uri = URI.create(url);
        JsonRpcClient.Config d = JsonRpcClient.Config.defaults(uri);
        // Reconnection backoff capped at 2 s, so the return of the chain is noticed soon; requests bounded by 120 s
        // (chopsticks builds a block in seconds on a loaded machine).
        JsonRpcClient.Config rpc = new JsonRpcClient.Config(uri, Duration.ofSeconds(120), Duration.ofSeconds(10),
                Duration.ofMillis(200), Duration.ofSeconds(2), d.maxPendingRequests(), d.maxQueuedNotifications(),
                d.maxMessageBytes());
        SubstrateChain.Config c = SubstrateChain.Config.defaults(uri);
        return SubstrateChain.connect(new SubstrateChain.Config(rpc, c.palletName(), c.mortalityBlocks(), c.pageSize(),
                c.maxCatchUpBlocks()), key, HttpClient.newHttpClient(), scheduler);
    }

    /** The node on {@code url}, its client rescanning deals every finalized block, proofs in the stand-in call. */
    private SuperNode startNode(String url) {
        scheduler = InteropHarness.scheduler("node-on-substrate");
        SubstrateChain chain = connect(url, Optional.of(KEY));
        RuntimeCalls calls = chain.runtime().calls();
        SubstrateChainClient client = closing(new SubstrateChainClient(chain, true, new SubstrateChainClient.Options(1,
                Optional.of((auditId, proof) -> calls.remarkWithEvent(concat(auditId, proof))))));
        NodeConfig config = TestNodes.config(tmp.resolve("node")).withCleanup(new ServiceConfig.Cleanup(1_000_000));
        SuperNode node = SuperNode.builder(config).chainClient(client).identitySeed(SEED)
                .random(new SplittableRandom(3)).calibrateKernels(false).build();
        closing(node::close);
        node.start();
        assertThat(node.identity().account().bytes()).isEqualTo(KEY.publicKey());
        return node;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The hash the stand-in call's {@code System.Remarked} event carries for this node's proof of an audit. */
    private static String remarkOf(byte[] auditId, byte[] shard, AuditChallenge ch) {
        byte[] proof = AuditProofs.prove(ProofScheme.pallet(), shard, ch);
        return HEX.formatHex(Hashing.blake2b256(concat(auditId, proof)));
    }

    private static Set<String> remarks(SubstrateChain observer, String blockHash) {
        Set<String> out = ConcurrentHashMap.newKeySet();
        for (EventRecord e : observer.events(blockHash)) {
            if (e.qualifiedName().equals("System.Remarked")) {
                out.add(HEX.formatHex((byte[]) DynamicDecoder.field(e.event().value(), "hash")));
            }
        }
        return out;
    }

    private static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("within %d s: %s", seconds, what).isNegative();
            Thread.sleep(100);
        }
    }

    private static byte[] fetch(SuperNode node, Cid cid) throws Exception {
        try (ShardClient client = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint())).build()) {
            return client.fetchChunk(List.of(node.quicAddress()), cid).get(60, TimeUnit.SECONDS);
        }
    }

    private static double expiredAudits(SuperNode node) {
        io.micrometer.core.instrument.Counter c = node.meterRegistry().find("icn_super_node_audit_failure")
                .tag("reason", "expired").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theChainProcessKilledAndRestartedShardsStayServedAndAuditsWithinTheirDeadlineAreAnswered() throws Exception {
        InteropHarness.Chopsticks first = InteropHarness.Chopsticks.start(0);
        boolean firstClosed = false;
        try {
            EndpointProxy endpoint = closing(new EndpointProxy(first.port()));
            SuperNode node = startNode(endpoint.url());
            SubstrateChainClient client = (SubstrateChainClient) node.chainClient();
            Chunk a = store(node, 200_000, 41, FAR);
            ObjectNode spec = spec(1);
            addDeal(spec, a, FAR);
            seed(first.url(), spec);
            List<Long> blocks = new CopyOnWriteArrayList<>();
            closing(client.subscribeBlocks(blocks::add));
            try (SubstrateChain observer = connect(first.url(), Optional.empty())) {
                observer.rpc().request("dev_newBlock", Map.of("count", 2));
                long head = observer.bestHead().number();
                waitFor(() -> client.currentBlock() >= head, 60, "the node's client at the head #" + head);
                waitFor(() -> client.deal(new DealId(a.dealId())).isPresent(), 60, "deal A indexed");
            }
            assertThat(fetch(node, a.cid())).isEqualTo(a.data());
            long before = client.currentBlock();

            // The chain process dies.
            first.close();
            firstClosed = true;
            waitFor(() -> !client.chain().rpc().isConnected(), 30, "the adapter sees the endpoint gone");
            node.monitor().pollNow(); // fails quietly and backs off
            assertThat(fetch(node, a.cid())).as("served during the outage").isEqualTo(a.data());
            assertThat(node.state()).isEqualTo(SuperNode.State.RUNNING);

            // Another chain process starts; its state is written again, with the audits issued meanwhile, and it
            // builds blocks past the old head (chopsticks keeps no state across a restart without its sqlite --db).
            // Then the endpoint leads to it: answered is the audit still within its deadline, not the one past it.
            InteropHarness.Chopsticks second = closing(InteropHarness.Chopsticks.start(0));
            long back = before + 3;
            byte[] inTime = filled(0xa1);
            byte[] tooLate = filled(0xa2);
            byte[] notOurs = filled(0xa3);
            AuditChallenge ch1 = challenge(1_000, 1);
            AuditChallenge ch2 = challenge(2_048, 2);
            AuditChallenge ch3 = challenge(64, 3);
            String expected = remarkOf(inTime, a.shards().get(2), ch1);
            Set<String> unexpected = Set.of(remarkOf(tooLate, a.shards().get(5), ch2),
                    remarkOf(notOurs, a.shards().get(7), ch3));
            try (SubstrateChain observer = connect(second.url(), Optional.empty())) {
                long restartedAt = observer.bestHead().number();
                assertThat(restartedAt).isLessThan(back);
                ObjectNode again = spec((int) (back - restartedAt));
                addDeal(again, a, FAR);
                addAudit(again, inTime, "0x" + KEY.accountHex(), a.shardHash(2), ch1, back + 1_000);
                addAudit(again, tooLate, "0x" + KEY.accountHex(), a.shardHash(5), ch2, before + 1);
                addAudit(again, notOurs, OTHER, a.shardHash(7), ch3, back + 1_000);
                seed(second.url(), again);
                assertThat(observer.bestHead().number()).isEqualTo(back);
                assertThat(client.chain().rpc().isConnected()).as("still down until the endpoint leads somewhere").isFalse();
                endpoint.retarget(second.port());

                waitFor(() -> client.chain().rpc().isConnected() && client.currentBlock() >= back, 90,
                        "the adapter reconnects and catches up to #" + back);
                Set<String> seen = ConcurrentHashMap.newKeySet();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!seen.contains(expected)) {
                    assertThat(System.nanoTime() - deadline).as("the in-time audit answered within 120 s").isNegative();
                    node.monitor().pollNow();
                    Thread.sleep(1_000); // the monitor may be backing off (up to 30 s) from the outage
                    observer.rpc().request("dev_newBlock");
                    seen.addAll(remarks(observer, observer.bestHead().hash()));
                }
                long answeredAt = observer.bestHead().number();
                assertThat(answeredAt).as("answered before its deadline").isLessThanOrEqualTo(back + 1_000);
                for (int i = 0; i < 3; i++) { // later passes submit nothing for the others
                    node.monitor().pollNow();
                    Thread.sleep(300);
                    observer.rpc().request("dev_newBlock");
                    seen.addAll(remarks(observer, observer.bestHead().hash()));
                }
                assertThat(seen).doesNotContainAnyElementsOf(unexpected);
                long last = observer.bestHead().number();
                waitFor(() -> client.currentBlock() >= last, 60, "the client follows to #" + last);
            }
            assertThat(expiredAudits(node)).as("the audit past its deadline is counted, unanswered").isEqualTo(1);
            assertThat(fetch(node, a.cid())).isEqualTo(a.data());

            // Every finalized block once, in order, across the outage.
            List<Long> got = List.copyOf(blocks);
            assertThat(got).contains(before, before + 1, back);
            for (int i = 1; i < got.size(); i++) {
                assertThat(got.get(i)).as("blocks %s", got).isEqualTo(got.get(i - 1) + 1);
            }
        } finally {
            if (!firstClosed) {
                first.close();
            }
        }
    }

    @Test
    void expiredContentIsDeletedOnlyOnceTheExpiryBlockIsFinalized() throws Exception {
        InteropHarness.Chopsticks chopsticks = closing(InteropHarness.Chopsticks.start(0));
        EndpointProxy proxy = closing(new EndpointProxy(chopsticks.port()));
        SuperNode node = startNode(proxy.url());
        SubstrateChainClient client = (SubstrateChainClient) node.chainClient();
        try (SubstrateChain observer = connect(chopsticks.url(), Optional.empty())) {
            long expiry = observer.bestHead().number() + 4;
            Chunk kept = store(node, 150_000, 51, FAR);
            Chunk expiring = store(node, 150_000, 52, expiry);
            ObjectNode spec = spec(1);
            addDeal(spec, kept, FAR);
            addDeal(spec, expiring, expiry);
            seed(chopsticks.url(), spec);
            waitFor(() -> client.deal(new DealId(expiring.dealId())).isPresent()
                    && client.deal(new DealId(kept.dealId())).isPresent(), 60, "both deals indexed");
            long finalized = client.currentBlock();
            assertThat(finalized).isLessThan(expiry);

            // Best blocks pass the expiry; finality stays behind it.
            proxy.hold(true);
            observer.rpc().request("dev_newBlock", Map.of("count", (int) (expiry + 2 - observer.bestHead().number())));
            waitFor(() -> client.chain().bestHead().number() >= expiry + 2, 60, "best past the expiry");
            waitFor(() -> proxy.dropped() > 0, 30, "finalized heads held back");
            assertThat(client.currentBlock()).as("the client's view is the finalized one").isLessThan(expiry);
            CleanupReport held = node.cleanup().runNow(false);
            assertThat(held.deleted()).as("nothing deleted on a best-but-unfinalized view").isEmpty();
            assertThat(node.store().contains(expiring.cid())).isTrue();
            assertThat(fetch(node, expiring.cid())).isEqualTo(expiring.data());

            // The expiry block is finalized.
            proxy.hold(false);
            observer.rpc().request("dev_newBlock");
            long head = observer.bestHead().number();
            waitFor(() -> client.currentBlock() >= head, 60, "finalized caught up to #" + head);
            CleanupReport after = node.cleanup().runNow(false);
            assertThat(after.deleted()).containsExactly(expiring.cid().toString());
            assertThat(node.store().contains(expiring.cid())).isFalse();
            assertThat(node.store().contains(kept.cid())).isTrue();
        }
    }
}
