package io.icn.chain.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.AuditProofs;
import io.icn.chain.BlockSubscription;
import io.icn.chain.DealId;
import io.icn.chain.PalletMerkleTree;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SubstrateChainClient} against chopsticks: pinning-pallet storage seeded by polkadot.js, read through the
 * SPI; proofs built in the pallet's format and submitted as signed extrinsics. The runtime has no pinning pallet,
 * so each proof travels in a stand-in call ({@code System.remark_with_event(audit id ++ proof)}) batched with
 * {@code Utility.batch_all}, and the test reads the remarks back from the block's events.
 */
@Timeout(180)
class SubstrateChainClientTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ChainKey KEY = ChainKey.fromSeed(HEX.parseHex("5151515151515151515151515151515151515151515151515151515151515151"));
    private static InteropHarness.Chopsticks chain;
    private static ScheduledExecutorService scheduler;

    @BeforeAll
    static void start() throws Exception {
        chain = InteropHarness.Chopsticks.start(0);
        scheduler = InteropHarness.scheduler("substrate-client-test");
    }

    @AfterAll
    static void stop() {
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

    private static SubstrateChain connect() {
        SubstrateChain.Config defaults = SubstrateChain.Config.defaults(URI.create(chain.url()));
        return SubstrateChain.connect(new SubstrateChain.Config(defaults.rpc(), defaults.palletName(), 64, 100, 4096),
                Optional.of(KEY), HttpClient.newHttpClient(), scheduler);
    }

    @Test
    void theSpiReadsSeededDealsAndAuditsAndSubmitsPalletProofsInOneBatch() throws Exception {
        JsonNode seeded = new ObjectMapper().readTree(InteropHarness.runNode(120, "seed-pinning.mjs", chain.url(),
                "0x" + KEY.accountHex(), "3", "6", "IcnPinning", "0x1234abcd"));
        SubstrateChain sc = connect();
        ChopsticksInteropTest.fund(sc, KEY);
        RuntimeCalls calls = sc.runtime().calls();
        SubstrateChainClient.Options options = new SubstrateChainClient.Options(3, Optional.of((auditId, proof) ->
                calls.remarkWithEvent(StorageHasher.concat(auditId, proof))));
        try (SubstrateChainClient client = new SubstrateChainClient(sc, true, options)) {
            assertThat(client.proofScheme().mode()).isEqualTo(ProofScheme.Mode.PALLET);
            assertThat(client.account().bytes()).isEqualTo(KEY.publicKey());

            for (JsonNode d : seeded.get("deals")) {
                DealId id = new DealId(PolkadotJsVectorsTest.hex(d.get("deal_id")));
                PinningDeal deal = client.deal(id).orElseThrow();
                assertThat(deal.shards()).hasSize(14);
                assertThat(deal.expiresAt()).isEqualTo(d.get("expires_at").asLong());
                assertThat(client.dealsForShard(deal.shards().get(0))).extracting(PinningDeal::id).containsExactly(id);
                assertThatThrownBy(() -> client.dealContent(id)).isInstanceOf(io.icn.chain.UnsupportedChainCallException.class);
            }
            List<ShardHash> assigned = client.shardAssignments();
            for (JsonNode a : seeded.get("assignments")) {
                assertThat(assigned).contains(new ShardHash(PolkadotJsVectorsTest.hex(a.get("shard"))));
            }
            assertThat(assigned).hasSize(3);

            List<PinningAudit> mine = client.pendingAudits();
            assertThat(mine).hasSize(3); // audits 0, 2, 4 of six name this node
            assertThat(mine).isSortedAccordingTo((x, y) -> Long.compare(x.deadline(), y.deadline()));
            assertThat(client.audit(mine.get(0).id())).contains(mine.get(0));

            // The node's side: the pallet's proof over the shard, as AuditProofs builds it for the PALLET scheme.
            byte[] shard = new byte[12_000];
            new Random(42).nextBytes(shard);
            byte[] root = PalletMerkleTree.of(shard).root();
            List<AuditProofSubmission> proofs = new ArrayList<>();
            for (PinningAudit a : mine) {
                byte[] proof = AuditProofs.prove(client.proofScheme(), shard, a.challenge());
                PalletMerkleTree.verify(root, a.challenge(), proof);
                proofs.add(new AuditProofSubmission(a.id(), proof));
            }
            long nonce = sc.nextNonce();
            client.submitAuditProofs(proofs);
            sc.rpc().request("dev_newBlock");
            Head head = sc.bestHead();
            List<EventRecord> events = sc.events(head.hash());
            List<byte[]> remarks = new ArrayList<>();
            events.stream().filter(e -> e.qualifiedName().equals("System.Remarked"))
                    .forEach(e -> remarks.add((byte[]) DynamicDecoder.field(e.event().value(), "hash")));
            assertThat(remarks).hasSize(3);
            for (AuditProofSubmission p : proofs) {
                byte[] expected = Hashing.blake2b256(StorageHasher.concat(p.auditId().bytes(), p.proof()));
                assertThat(remarks).anySatisfy(r -> assertThat(r).isEqualTo(expected));
            }
            assertThat(events).extracting(EventRecord::qualifiedName).contains("Utility.BatchCompleted");
            assertThat(sc.account(KEY.publicKey(), head.hash()).nonce()).isEqualTo(nonce + 1);

            assertThatThrownBy(() -> client.submitAuditProof(new io.icn.chain.AuditId(new byte[32]), proofs.get(0).proof()))
                    .isInstanceOf(io.icn.chain.AuditNotFoundException.class);
            assertThat(client.capabilities()).isEmpty();
            assertThatThrownBy(() -> client.registerEndpoint("127.0.0.1:9002", "00".repeat(32)))
                    .isInstanceOf(io.icn.chain.UnsupportedChainCallException.class).hasMessageContaining("ENDPOINT_REGISTRY");
            assertThatThrownBy(client::nodeEndpoints).isInstanceOf(io.icn.chain.UnsupportedChainCallException.class);
            assertThatThrownBy(client::standing).isInstanceOf(io.icn.chain.UnsupportedChainCallException.class)
                    .hasMessageContaining("STANDING");
        }
    }

    @Test
    void finalizedBlocksDriveTheListenersAndTheDealIndexCatchesUpOnRescan() throws Exception {
        SubstrateChain sc = connect();
        try (SubstrateChainClient client = new SubstrateChainClient(sc, true,
                new SubstrateChainClient.Options(3, Optional.empty()))) {
            List<Long> blocks = new CopyOnWriteArrayList<>();
            long start = client.currentBlock();
            JsonNode seeded = new ObjectMapper().readTree(InteropHarness.runNode(120, "seed-pinning.mjs", chain.url(),
                    "0x" + KEY.accountHex(), "1", "0", "IcnPinning", "0x77665544"));
            DealId late = new DealId(PolkadotJsVectorsTest.hex(seeded.get("deals").get(0).get("deal_id")));
            try (BlockSubscription sub = client.subscribeBlocks(blocks::add)) {
                sc.rpc().request("dev_newBlock", java.util.Map.of("count", 4));
                ChopsticksInteropTest.waitFor(() -> client.currentBlock() >= start + 5, 30);
            }
            assertThat(blocks).isNotEmpty();
            for (int i = 1; i < blocks.size(); i++) {
                assertThat(blocks.get(i)).isEqualTo(blocks.get(i - 1) + 1);
            }
            ChopsticksInteropTest.waitFor(() -> client.deal(late).isPresent(), 30);
            assertThat(client.deal(late).orElseThrow().shards()).hasSize(14);
            assertThat(client.deal(late).orElseThrow().shardSize()).isEmpty(); // the pallet records none
            client.close();
            client.close();
            assertThatThrownBy(client::currentBlock).isInstanceOf(IllegalStateException.class);
            assertThat(sc.rpc().isConnected()).isFalse();
        }
    }
}
