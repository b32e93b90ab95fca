package io.icn.chain.local;

import io.icn.chain.Fixtures;
import io.icn.chain.InMemoryShardStore;
import io.icn.chain.AccountId;
import io.icn.chain.AuditNotFoundException;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainStateException;
import io.icn.chain.DealId;
import io.icn.chain.DealNotFoundException;
import io.icn.chain.DealStatus;
import io.icn.chain.InsufficientBalanceException;
import io.icn.chain.InvalidDealException;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.NodeNotRegisteredException;
import io.icn.chain.NodeStanding;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LocalChainTest {
    private static final AccountId DIRECTOR = Fixtures.account(100);
    private static final AccountId NODE = Fixtures.account(1);

    private final long seed = Fixtures.seed(getClass().getSimpleName());
    private final SplittableRandom data = new SplittableRandom(seed ^ 0x5DEECE66DL);

    private LocalChain.Builder chainBuilder() {
        return LocalChain.builder().random(new SplittableRandom(seed)).automaticAudits(false);
    }

    /** Five nodes in five regions, a funded director. */
    private static void genesis(LocalChain chain) {
        Region[] regions = {Region.NA_WEST, Region.EU_WEST, Region.APAC, Region.LATAM, Region.MENA};
        for (int i = 0; i < regions.length; i++) {
            chain.registerNode(Fixtures.account(i + 1), regions[i], Balance.ofIcn(100));
        }
        chain.endow(DIRECTOR, Balance.ofIcn(1_000_000));
    }

    private record StoredDeal(PinningDeal deal, InMemoryShardStore store, InMemoryShardStore.Chunk chunk) {
    }

    private StoredDeal deal(LocalChain chain, ProofScheme scheme, long expiresAt, Balance payment) {
        InMemoryShardStore store = new InMemoryShardStore(scheme);
        byte[] bytes = new byte[30_000];
        data.nextBytes(bytes);
        InMemoryShardStore.Chunk chunk = store.put(bytes, expiresAt);
        PinningDeal deal = chain.createDeal(DIRECTOR, chunk.shardHashes(), chunk.shardSize(), expiresAt, payment);
        return new StoredDeal(deal, store, chunk);
    }

    @Test
    void aDealOfARepeatedShardKeepsAndAuditsItOnceAndForgetsItWhenItEnds() {
        try (LocalChain chain = chainBuilder().build()) {
            genesis(chain);
            // A 1-byte chunk: data shards 1..9 are the same zero byte, so their hashes repeat.
            InMemoryShardStore store = new InMemoryShardStore(ProofScheme.merkle());
            InMemoryShardStore.Chunk chunk = store.put(new byte[] {42}, 50);
            List<ShardHash> shards = chunk.shardHashes();
            assertThat(new java.util.HashSet<>(shards)).hasSizeLessThan(shards.size());
            PinningDeal deal = chain.createDeal(DIRECTOR, shards, chunk.shardSize(), 50, Balance.ofIcn(1));
            assertThat(deal.shards()).isEqualTo(shards);
            assertThat(deal.distinctShards()).doesNotHaveDuplicates().containsExactlyElementsOf(
                    new java.util.LinkedHashSet<>(shards));
            AccountId pinner = chain.pinnersOf(deal.id()).get(0);
            try (ChainClient client = chain.clientFor(pinner)) {
                assertThat(client.shardAssignments()).containsExactlyInAnyOrderElementsOf(deal.distinctShards());
                assertThat(client.dealsForShard(shards.get(1))).extracting(PinningDeal::id).containsExactly(deal.id());
                PinningAudit audit = chain.initiateAudit(pinner, shards.get(5));
                client.submitAuditProof(audit.id(), store.prove(ProofScheme.merkle(), shards.get(5), audit.challenge()));
                chain.produceBlock();
                assertThat(client.audit(audit.id()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
                chain.produceBlocks(60);
                assertThat(client.shardAssignments()).isEmpty();
            }
        }
    }

    @Test
    void createDealValidatesShardsExpiryPaymentAndBalance() {
        try (LocalChain chain = chainBuilder().build()) {
            genesis(chain);
            chain.produceBlocks(5);
            List<ShardHash> nine = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                nine.add(new ShardHash(Fixtures.sha256(new byte[] {(byte) i})));
            }
            assertThatThrownBy(() -> chain.createDeal(DIRECTOR, nine, 100, 1000, Balance.ofIcn(1)))
                    .isInstanceOf(InvalidDealException.class).hasMessageContaining("got 9");
            List<ShardHash> ten = new ArrayList<>(nine);
            ten.add(new ShardHash(Fixtures.sha256(new byte[] {9})));
            assertThatThrownBy(() -> chain.createDeal(DIRECTOR, ten, 100, 5, Balance.ofIcn(1)))
                    .isInstanceOf(InvalidDealException.class).hasMessageContaining("expiry block 5");
            assertThatThrownBy(() -> chain.createDeal(DIRECTOR, ten, 100, 1000, Balance.ZERO))
                    .isInstanceOf(InvalidDealException.class).hasMessageContaining("payment");
            assertThatThrownBy(() -> chain.createDeal(Fixtures.account(77), ten, 100, 1000, Balance.ofIcn(1)))
                    .isInstanceOf(InsufficientBalanceException.class).hasMessageContaining("needs 1 ICN");
            PinningDeal deal = chain.createDeal(DIRECTOR, ten, 100, 1000, Balance.ofIcn(7));
            assertThat(deal.status()).isEqualTo(DealStatus.ACTIVE);
            assertThat(deal.createdAt()).isEqualTo(5);
            assertThat(chain.freeBalance(DIRECTOR)).isEqualTo(Balance.ofIcn(1_000_000 - 7));
        }
    }

    @Test
    void shardsGoToFiveDistinctRegionsHighestReputationFirst() {
        try (LocalChain chain = chainBuilder().build()) {
            chain.registerNode(Fixtures.account(1), Region.NA_WEST, Balance.ofIcn(50), 10);
            chain.registerNode(Fixtures.account(2), Region.NA_WEST, Balance.ofIcn(50), 90); // best of NA-WEST
            chain.registerNode(Fixtures.account(3), Region.EU_WEST, Balance.ofIcn(50), 80);
            chain.registerNode(Fixtures.account(4), Region.EU_EAST, Balance.ofIcn(50), 5);
            chain.registerNode(Fixtures.account(5), Region.APAC, Balance.ofIcn(50), 70);
            chain.registerNode(Fixtures.account(6), Region.LATAM, Balance.ofIcn(50), 60);
            chain.registerNode(Fixtures.account(7), Region.MENA, Balance.ofIcn(50), 50);
            chain.registerNode(Fixtures.account(8), Region.NA_EAST, Balance.ofIcn(50), 1);
            chain.endow(DIRECTOR, Balance.ofIcn(100));
            StoredDeal d = deal(chain, ProofScheme.merkle(), 1000, Balance.ofIcn(10));

            List<AccountId> pinners = chain.pinnersOf(d.deal().id());
            assertThat(pinners).containsExactly(Fixtures.account(2), Fixtures.account(3), Fixtures.account(5),
                    Fixtures.account(6), Fixtures.account(7));
            try (ChainClient best = chain.clientFor(Fixtures.account(2));
                    ChainClient unlucky = chain.clientFor(Fixtures.account(1))) {
                assertThat(best.shardAssignments()).containsExactlyInAnyOrderElementsOf(d.chunk().shardHashes());
                assertThat(unlucky.shardAssignments()).isEmpty();
            }
        }
    }

    @Test
    void auditProbabilityFollowsStake() {
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(50))).isEqualTo(20_000);
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(125))).isEqualTo(12_500);
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(200))).isEqualTo(5_000);
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(350))).isEqualTo(3_750);
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(500))).isEqualTo(2_500);
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(10_000))).isEqualTo(2_500);
        assertThat(ChainState.auditProbabilityPpm(Balance.ofIcn(10))).isEqualTo(20_000);
    }

    @Test
    void hourlyAuditsHitLowStakeNodesMoreOften() {
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(seed)).build()) {
            chain.registerNode(Fixtures.account(1), Region.NA_WEST, Balance.ofIcn(50));
            chain.registerNode(Fixtures.account(2), Region.EU_WEST, Balance.ofIcn(500));
            chain.endow(DIRECTOR, Balance.ofIcn(100));
            deal(chain, ProofScheme.merkle(), 10_000_000, Balance.ofIcn(10));
            int[] counts = new int[2];
            try (ChainClient low = chain.clientFor(Fixtures.account(1));
                    ChainClient high = chain.clientFor(Fixtures.account(2))) {
                low.subscribeBlocks(b -> counts[0] += newAudits(low, b));
                high.subscribeBlocks(b -> counts[1] += newAudits(high, b));
                chain.produceBlocks(600L * 2000); // 2,000 hours
            }
            // Expected 40 and 5; the bounds are many standard deviations wide.
            assertThat(counts[0]).isBetween(15, 75);
            assertThat(counts[1]).isBetween(0, 20);
            assertThat(counts[0]).isGreaterThan(counts[1]);
        }
    }

    @Test
    void aShorterAuditIntervalDrawsOnlyOnItsBlocks() {
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(seed)).auditIntervalBlocks(10).build()) {
            chain.registerNode(NODE, Region.NA_WEST, Balance.ofIcn(50));
            chain.endow(DIRECTOR, Balance.ofIcn(100));
            deal(chain, ProofScheme.merkle(), 10_000_000, Balance.ofIcn(10));
            List<Long> issued = new ArrayList<>();
            try (ChainClient node = chain.clientFor(NODE)) {
                node.subscribeBlocks(b -> {
                    if (newAudits(node, b) > 0) {
                        issued.add(b);
                    }
                });
                chain.produceBlocks(10L * 2000); // 2,000 draws at 2 %, as in 2,000 hours of the default interval
            }
            // Expected 40; the bounds are many standard deviations wide.
            assertThat(issued).hasSizeBetween(15, 75).allMatch(b -> b % 10 == 0);
        }
        assertThatThrownBy(() -> LocalChain.builder().auditIntervalBlocks(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auditIntervalBlocks");
    }

    private static int newAudits(ChainClient client, long block) {
        return (int) client.pendingAudits().stream().filter(a -> a.issuedAt() == block).count();
    }

    @Test
    void validProofPassesInvalidFailsMissingTimesOut() {
        try (LocalChain chain = chainBuilder().build()) {
            genesis(chain);
            StoredDeal d = deal(chain, ProofScheme.merkle(), 100_000, Balance.ofIcn(10));
            ShardHash shard = d.chunk().shardHashes().get(3);
            try (ChainClient client = chain.clientFor(NODE)) {
                PinningAudit good = chain.initiateAudit(NODE, shard);
                assertThat(good.deadline()).isEqualTo(good.issuedAt() + 100);
                assertThat(good.challenge().byteLength()).isEqualTo(64);
                assertThat(good.challenge().endOffset()).isLessThanOrEqualTo(d.chunk().shardSize());
                client.submitAuditProof(good.id(), d.store().prove(ProofScheme.merkle(), shard, good.challenge()));
                assertThat(client.audit(good.id()).orElseThrow().status()).isEqualTo(AuditStatus.PENDING);
                chain.produceBlock();
                assertThat(client.audit(good.id()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
                assertThat(client.standing().reputation()).isEqualTo(10);

                PinningAudit bad = chain.initiateAudit(NODE, shard);
                byte[] proof = d.store().prove(ProofScheme.merkle(), shard, bad.challenge());
                proof[40] ^= 1; // one revealed byte wrong
                client.submitAuditProof(bad.id(), proof);
                chain.produceBlock();
                assertThat(client.audit(bad.id()).orElseThrow().status()).isEqualTo(AuditStatus.FAILED);
                NodeStanding afterBad = client.standing();
                assertThat(afterBad.reputation()).isZero();
                assertThat(afterBad.stake()).isEqualTo(Balance.ofIcn(90));

                PinningAudit ignored = chain.initiateAudit(NODE, shard);
                chain.produceBlocks(100);
                assertThat(client.audit(ignored.id()).orElseThrow().status()).isEqualTo(AuditStatus.PENDING);
                chain.produceBlock();
                assertThat(client.audit(ignored.id()).orElseThrow().status()).isEqualTo(AuditStatus.FAILED);
                assertThat(client.standing().stake()).isEqualTo(Balance.ofIcn(80));
                assertThat(client.pendingAudits()).isEmpty();

                PinningAudit late = chain.initiateAudit(NODE, shard);
                chain.produceBlocks(101);
                client.submitAuditProof(late.id(), d.store().prove(ProofScheme.merkle(), shard, late.challenge()));
                chain.produceBlock();
                assertThat(client.audit(late.id()).orElseThrow().status()).isEqualTo(AuditStatus.FAILED);
            }
        }
    }

    @Test
    void hashModeVerifiesAgainstOracleBytes() {
        InMemoryShardStore creatorCopy = new InMemoryShardStore(ProofScheme.hash());
        try (LocalChain chain = chainBuilder().proofScheme(ProofScheme.hash()).shardOracle(creatorCopy::shardBytes)
                .build()) {
            genesis(chain);
            byte[] bytes = new byte[20_000];
            data.nextBytes(bytes);
            InMemoryShardStore.Chunk chunk = creatorCopy.put(bytes, 10_000);
            chain.createDeal(DIRECTOR, chunk.shardHashes(), chunk.shardSize(), 10_000, Balance.ofIcn(5));
            ShardHash shard = chunk.shardHashes().get(11);
            assertThat(shard.bytes()).isEqualTo(Fixtures.sha256(creatorCopy.read(shard)));
            try (ChainClient client = chain.clientFor(NODE)) {
                PinningAudit a1 = chain.initiateAudit(NODE, shard);
                client.submitAuditProof(a1.id(), creatorCopy.prove(ProofScheme.hash(), shard, a1.challenge()));
                PinningAudit a2 = chain.initiateAudit(NODE, shard);
                byte[] wrong = creatorCopy.prove(ProofScheme.hash(), shard, a1.challenge()); // stale nonce
                client.submitAuditProof(a2.id(), wrong);
                chain.produceBlock();
                assertThat(client.audit(a1.id()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
                assertThat(client.audit(a2.id()).orElseThrow().status()).isEqualTo(AuditStatus.FAILED);
            }
        }
        assertThatThrownBy(() -> chainBuilder().proofScheme(ProofScheme.hash()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("oracle");
    }

    @Test
    void submissionsAreCheckedForOwnershipAndBatchesAreAllOrNothing() {
        try (LocalChain chain = chainBuilder().build()) {
            genesis(chain);
            StoredDeal d = deal(chain, ProofScheme.merkle(), 100_000, Balance.ofIcn(10));
            ShardHash shard = d.chunk().shardHashes().get(0);
            PinningAudit mine = chain.initiateAudit(NODE, shard);
            PinningAudit theirs = chain.initiateAudit(Fixtures.account(2), shard);
            byte[] proof = d.store().prove(ProofScheme.merkle(), shard, mine.challenge());
            try (ChainClient client = chain.clientFor(NODE)) {
                assertThatThrownBy(() -> client.submitAuditProofs(List.of(new AuditProofSubmission(mine.id(), proof),
                        new AuditProofSubmission(theirs.id(), proof))))
                        .isInstanceOf(AuditNotFoundException.class).hasMessageContaining(theirs.id().toHex());
                assertThat(client.audit(theirs.id())).isEmpty();
                chain.produceBlock();
                assertThat(client.audit(mine.id()).orElseThrow().status()).isEqualTo(AuditStatus.PENDING);
                assertThatThrownBy(() -> client.submitAuditProofs(List.of()))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void rewardsArePaidEveryHundredBlocksAndTheRestRefundedAtExpiry() {
        try (LocalChain chain = chainBuilder().build()) {
            genesis(chain);
            chain.produceBlocks(50);
            StoredDeal d = deal(chain, ProofScheme.merkle(), 1050, Balance.ofIcn(700)); // reward blocks 100..1000
            Balance before = chain.freeBalance(NODE);
            chain.produceBlocks(49);
            assertThat(chain.freeBalance(NODE)).isEqualTo(before);
            chain.produceBlock(); // block 100
            Balance perInterval = chain.freeBalance(NODE).minus(before);
            assertThat(perInterval).isEqualTo(Balance.ofIcn(14)); // 700 / 10 intervals / 5 pinners
            chain.produceBlocks(1000);
            assertThat(chain.deal(d.deal().id()).orElseThrow().status()).isEqualTo(DealStatus.EXPIRED);
            Balance totalToPinners = Balance.ZERO;
            for (int i = 1; i <= 5; i++) {
                totalToPinners = totalToPinners.plus(chain.freeBalance(Fixtures.account(i)));
            }
            assertThat(totalToPinners).isEqualTo(Balance.ofIcn(700));
            assertThat(chain.freeBalance(DIRECTOR)).isEqualTo(Balance.ofIcn(1_000_000 - 700));
            try (ChainClient client = chain.clientFor(NODE)) {
                assertThat(client.shardAssignments()).isEmpty();
                assertThat(client.dealsForShard(d.chunk().shardHashes().get(0)))
                        .extracting(PinningDeal::status).containsExactly(DealStatus.EXPIRED);
            }
        }
    }

    @Test
    void roundingRemainderGoesBackToTheCreator() {
        try (LocalChain chain = chainBuilder().build()) {
            genesis(chain);
            Balance payment = Balance.ofUnits(1_000_003);
            StoredDeal d = deal(chain, ProofScheme.merkle(), 250, payment); // reward blocks 100, 200
            chain.produceBlocks(250);
            Balance pinners = Balance.ZERO;
            for (int i = 1; i <= 5; i++) {
                pinners = pinners.plus(chain.freeBalance(Fixtures.account(i)));
            }
            long slots = 14 * 5;
            long perSlot = 1_000_003 / (2 * slots);
            assertThat(pinners).isEqualTo(Balance.ofUnits(perSlot * 2 * slots));
            assertThat(chain.freeBalance(DIRECTOR).plus(pinners)).isEqualTo(Balance.ofIcn(1_000_000));
            assertThat(chain.deal(d.deal().id()).orElseThrow().status()).isEqualTo(DealStatus.EXPIRED);
        }
    }

    @Test
    void stateSurvivesARestart(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("chain/local-chain.state");
        PinningAudit open;
        StoredDeal d;
        NodeStanding standing;
        try (LocalChain chain = chainBuilder().stateFile(file).persistEveryBlocks(7).build()) {
            genesis(chain);
            d = deal(chain, ProofScheme.merkle(), 5_000, Balance.ofIcn(100));
            ShardHash shard = d.chunk().shardHashes().get(5);
            PinningAudit passed = chain.initiateAudit(NODE, shard);
            try (ChainClient client = chain.clientFor(NODE)) {
                client.submitAuditProof(passed.id(), d.store().prove(ProofScheme.merkle(), shard, passed.challenge()));
            }
            chain.produceBlocks(123);
            open = chain.initiateAudit(NODE, shard);
            standing = chain.standing(NODE);
        }
        assertThat(Files.exists(file)).isTrue();
        try (LocalChain chain = chainBuilder().stateFile(file).build(); ChainClient client = chain.clientFor(NODE)) {
            assertThat(chain.currentBlock()).isEqualTo(123);
            assertThat(chain.deal(d.deal().id())).contains(d.deal());
            assertThat(chain.standing(NODE)).isEqualTo(standing);
            assertThat(standing.reputation()).isEqualTo(10);
            assertThat(client.pendingAudits()).containsExactly(open);
            assertThat(client.shardAssignments()).containsExactlyInAnyOrderElementsOf(d.chunk().shardHashes());
            client.submitAuditProof(open.id(), d.store().prove(ProofScheme.merkle(), open.shardHash(),
                    open.challenge()));
            chain.produceBlock();
            assertThat(client.audit(open.id()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
        }
    }

    @Test
    void aShardPinnedByTwoDealsListsBothAndStaysAssignedUntilTheLastEnds(@TempDir Path dir) {
        Path file = dir.resolve("local-chain.state");
        StoredDeal first;
        PinningDeal second;
        try (LocalChain chain = chainBuilder().stateFile(file).build()) {
            genesis(chain);
            first = deal(chain, ProofScheme.merkle(), 100, Balance.ofIcn(10));
            second = chain.createDeal(DIRECTOR, first.chunk().shardHashes(), first.chunk().shardSize(), 300,
                    Balance.ofIcn(10)); // the same content pinned again, for longer
        }
        ShardHash shard = first.chunk().shardHashes().get(3);
        try (LocalChain chain = chainBuilder().stateFile(file).build(); ChainClient client = chain.clientFor(NODE)) {
            assertThat(client.dealsForShard(shard)).extracting(PinningDeal::id)
                    .containsExactly(first.deal().id(), second.id());
            chain.produceBlocks(150);
            assertThat(client.dealsForShard(shard)).extracting(PinningDeal::status)
                    .containsExactly(DealStatus.EXPIRED, DealStatus.ACTIVE);
            assertThat(client.shardAssignments()).containsExactlyInAnyOrderElementsOf(first.chunk().shardHashes());
            chain.produceBlocks(150);
            assertThat(client.shardAssignments()).isEmpty();
            assertThat(client.dealsForShard(shard)).hasSize(2);
        }
    }

    @Test
    void anExpiredDealIsForgottenAfterTheRetentionAlsoAcrossARestart(@TempDir Path dir) {
        Path file = dir.resolve("local-chain.state");
        StoredDeal first;
        PinningDeal second;
        try (LocalChain chain = chainBuilder().stateFile(file).dealRetentionBlocks(50).build()) {
            genesis(chain);
            first = deal(chain, ProofScheme.merkle(), 100, Balance.ofIcn(10));
            second = chain.createDeal(DIRECTOR, first.chunk().shardHashes(), first.chunk().shardSize(), 300,
                    Balance.ofIcn(10));
            chain.produceBlocks(120); // the first expired at 100, still within its retention
            assertThat(chain.deal(first.deal().id())).map(PinningDeal::status).contains(DealStatus.EXPIRED);
        }
        ShardHash shard = first.chunk().shardHashes().get(0);
        try (LocalChain chain = chainBuilder().stateFile(file).dealRetentionBlocks(50).build();
                ChainClient client = chain.clientFor(NODE)) {
            assertThat(client.dealsForShard(shard)).extracting(PinningDeal::id)
                    .containsExactly(first.deal().id(), second.id());
            chain.produceBlocks(40); // block 160: more than 50 blocks after the first's expiry
            assertThat(chain.deal(first.deal().id())).isEmpty();
            assertThat(client.dealsForShard(shard)).extracting(PinningDeal::id).containsExactly(second.id());
            assertThat(client.shardAssignments()).containsExactlyInAnyOrderElementsOf(first.chunk().shardHashes());
            chain.produceBlocks(200); // the second expired at 300 and is forgotten at 351
            assertThat(chain.deal(second.id())).isEmpty();
            assertThat(client.dealsForShard(shard)).isEmpty();
            assertThat(client.shardAssignments()).isEmpty();
        }
    }

    @Test
    void endpointsAndDealContentAreRecordedReadByClientsAndSurviveARestart(@TempDir Path dir) {
        Path file = dir.resolve("local-chain.state");
        String fingerprint = "AB:".repeat(31) + "CD";
        PinningDeal withContent;
        PinningDeal without;
        try (LocalChain chain = chainBuilder().stateFile(file).build(); ChainClient client = chain.clientFor(NODE)) {
            genesis(chain);
            assertThatThrownBy(() -> chain.registerEndpoint(DIRECTOR, "127.0.0.1:9002", "ab".repeat(32)))
                    .isInstanceOf(NodeNotRegisteredException.class);
            assertThatThrownBy(() -> client.registerEndpoint("127.0.0.1", "ab".repeat(32)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'127.0.0.1'");
            assertThatThrownBy(() -> client.registerEndpoint("127.0.0.1:70000", "ab".repeat(32)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
            assertThatThrownBy(() -> client.registerEndpoint("127.0.0.1:9002", "xyz"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'xyz'");
            client.registerEndpoint("127.0.0.1:9002", "ab".repeat(32));
            NodeEndpoint moved = client.registerEndpoint("[::1]:9003", fingerprint);
            assertThat(moved.certificateFingerprint()).isEqualTo("ab".repeat(31) + "cd");
            assertThat(moved.host()).isEqualTo("::1");
            assertThat(moved.port()).isEqualTo(9003);
            NodeEndpoint other = chain.registerEndpoint(Fixtures.account(2), "10.0.0.2:9002", "cd".repeat(32));
            assertThat(client.nodeEndpoints()).containsExactly(moved, other);
            assertThat(client.endpoint(Fixtures.account(2))).contains(other);
            assertThat(client.endpoint(Fixtures.account(3))).isEmpty();

            InMemoryShardStore store = new InMemoryShardStore(ProofScheme.merkle());
            byte[] bytes = new byte[30_000];
            data.nextBytes(bytes);
            InMemoryShardStore.Chunk chunk = store.put(bytes, 500);
            String cid = Fixtures.cidOf(bytes);
            assertThatThrownBy(() -> chain.createDeal(DIRECTOR, chunk.shardHashes(), chunk.shardSize(), 500,
                    Balance.ofIcn(1), "not a cid")).isInstanceOf(InvalidDealException.class)
                    .hasMessageContaining("'not a cid'");
            withContent = chain.createDeal(DIRECTOR, chunk.shardHashes(), chunk.shardSize(), 500, Balance.ofIcn(1), cid);
            without = chain.createDeal(DIRECTOR, chunk.shardHashes(), chunk.shardSize(), 500, Balance.ofIcn(1));
            assertThat(client.dealContent(withContent.id())).contains(cid);
            assertThat(client.dealContent(without.id())).isEmpty();
            assertThatThrownBy(() -> client.dealContent(new DealId(new byte[32])))
                    .isInstanceOf(DealNotFoundException.class);
        }
        try (LocalChain chain = chainBuilder().stateFile(file).build()) {
            assertThat(chain.nodeEndpoints()).extracting(NodeEndpoint::quicAddress)
                    .containsExactly("[::1]:9003", "10.0.0.2:9002");
            assertThat(chain.dealContent(withContent.id())).isPresent();
            assertThat(chain.dealContent(without.id())).isEmpty();
            assertThat(chain.deal(withContent.id())).contains(withContent);
        }
    }

    @Test
    void aLeftoverTempFileIsDiscardedAndACorruptStateIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("local-chain.state");
        try (LocalChain chain = chainBuilder().stateFile(file).build()) {
            genesis(chain);
            chain.produceBlocks(3);
        }
        Path temp = dir.resolve("local-chain.state.tmp");
        Files.write(temp, new byte[] {1, 2, 3});
        try (LocalChain chain = chainBuilder().stateFile(file).build()) {
            assertThat(chain.currentBlock()).isEqualTo(3);
        }
        assertThat(Files.exists(temp)).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                    .isEqualTo(Set.of("local-chain.state"));
        }

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        assertThatThrownBy(() -> chainBuilder().stateFile(file).build())
                .isInstanceOf(ChainStateException.class).hasMessageContaining(file.toString());

        Files.write(file, java.util.Arrays.copyOf(bytes, 20));
        assertThatThrownBy(() -> chainBuilder().stateFile(file).build())
                .isInstanceOf(ChainStateException.class).hasMessageContaining("truncated");
    }

    @Test
    void aStateFileOfAnotherProofSchemeIsRefused(@TempDir Path dir) {
        Path file = dir.resolve("s");
        assertThat(LocalChain.recordedProofScheme(file)).isEmpty();
        chainBuilder().stateFile(file).build().close();
        assertThat(LocalChain.recordedProofScheme(file)).contains(ProofScheme.merkle());
        assertThatThrownBy(() -> chainBuilder().stateFile(file).proofScheme(ProofScheme.merkle(2048)).build())
                .isInstanceOf(ChainStateException.class).hasMessageContaining("2048")
                .hasMessageContaining("recordedProofScheme");
        chainBuilder().stateFile(file).proofScheme(LocalChain.recordedProofScheme(file).orElseThrow()).build().close();
    }

    @Test
    void aNewChainRecordsItsSchemeAtOnceAndAnOlderOneKeepsItsOwn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s");
        LocalChain fresh = chainBuilder().stateFile(file).proofScheme(ProofScheme.merkle(2048)).build();
        // abandoned, never persisted nor closed: the state file written at creation still tells the scheme
        assertThat(Files.exists(file)).isTrue();
        assertThat(LocalChain.recordedProofScheme(file)).contains(ProofScheme.merkle(2048));
        fresh.close();

        // a chain of a build before schemes were recorded at creation: a journal and no state file yet
        Path older = dir.resolve("older");
        LocalChain chain = chainBuilder().stateFile(older).proofScheme(ProofScheme.merkle(1024)).build();
        chain.endow(Fixtures.account(1), Balance.ofIcn(5));
        chain.persist();
        byte[] persisted = chain.stateBytes();
        Files.delete(older); // as that build left it before its first checkpoint
        assertThat(LocalChain.recordedProofScheme(older)).contains(ProofScheme.merkle(1024));
        try (LocalChain reopened = chainBuilder().stateFile(older)
                .proofScheme(LocalChain.recordedProofScheme(older).orElseThrow()).build()) {
            assertThat(reopened.proofScheme()).isEqualTo(ProofScheme.merkle(1024));
            assertThat(reopened.stateBytes()).isEqualTo(persisted);
        }

        // hash mode has no blocks: a hash-mode state file loads whatever block size the builder names
        Path hash = dir.resolve("hash");
        chainBuilder().stateFile(hash).proofScheme(new ProofScheme(ProofScheme.Mode.HASH, 1024)).shardOracle(s -> java.util.Optional.empty()).build().close();
        chainBuilder().stateFile(hash).proofScheme(ProofScheme.hash()).shardOracle(s -> java.util.Optional.empty()).build().close();

        Files.write(dir.resolve("junk"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> LocalChain.recordedProofScheme(dir.resolve("junk")))
                .isInstanceOf(ChainStateException.class).hasMessageContaining("junk");
    }

    @Test
    @Timeout(20)
    void producesBlocksOnATimerUntilClosed() throws InterruptedException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            LocalChain chain = chainBuilder().scheduler(scheduler).blockTime(Duration.ofMillis(5)).build();
            java.util.concurrent.CountDownLatch five = new java.util.concurrent.CountDownLatch(5);
            List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ChainClient client = chain.clientFor(NODE)) {
                client.subscribeBlocks(b -> {
                    seen.add(b);
                    five.countDown();
                });
                chain.start();
                assertThatThrownBy(chain::start).isInstanceOf(IllegalStateException.class);
                assertThat(five.await(10, TimeUnit.SECONDS)).isTrue();
            }
            chain.close();
            chain.close();
            long after = seen.size();
            Thread.sleep(50);
            assertThat(seen).hasSize((int) after);
            assertThat(seen.subList(0, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThatThrownBy(chain::produceBlock).isInstanceOf(IllegalStateException.class);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void registrationNeedsTheMinimumStake() {
        try (LocalChain chain = chainBuilder().build()) {
            assertThatThrownBy(() -> chain.registerNode(NODE, Region.APAC, Balance.ofIcn(49)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("49 ICN");
            try (ChainClient client = chain.clientFor(NODE)) {
                assertThatThrownBy(client::standing).isInstanceOf(NodeNotRegisteredException.class)
                        .hasMessageContaining(NODE.toHex());
            }
            assertThatThrownBy(() -> chain.createDeal(DIRECTOR, List.of(), 1, 10, Balance.ofIcn(1)))
                    .isInstanceOf(InvalidDealException.class);
        }
    }
}
