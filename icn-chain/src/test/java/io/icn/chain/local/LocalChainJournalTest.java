package io.icn.chain.local;

import io.icn.chain.Fixtures;
import io.icn.chain.InMemoryShardStore;
import io.icn.chain.AccountId;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.ChainException;
import io.icn.chain.ChainStateException;
import io.icn.chain.DealId;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LocalChain} with its journal: what a crash (a chain abandoned without {@code close()}) keeps, checkpoints
 * and the journal together, concurrent {@code persist()} callers, the upgrade from a version 2 state file, and a
 * seeded random sequence of operations.
 */
class LocalChainJournalTest {
    private static final AccountId DIRECTOR = Fixtures.account(100);
    private static final Region[] REGIONS = {Region.NA_WEST, Region.EU_WEST, Region.APAC, Region.LATAM, Region.MENA,
        Region.NA_EAST};

    private final long seed = Fixtures.seed(getClass().getSimpleName());
    private final SplittableRandom data = new SplittableRandom(seed ^ 0x5DEECE66DL);

    private LocalChain.Builder chainBuilder(Path file) {
        return LocalChain.builder().random(new SplittableRandom(seed)).automaticAudits(false).stateFile(file);
    }

    private static void genesis(LocalChain chain) {
        for (int i = 0; i < 5; i++) {
            chain.registerNode(Fixtures.account(i + 1), REGIONS[i], Balance.ofIcn(100));
        }
        chain.endow(DIRECTOR, Balance.ofIcn(1_000_000));
    }

    private List<ShardHash> shards(int n) {
        List<ShardHash> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] h = new byte[32];
            data.nextBytes(h);
            out.add(new ShardHash(h));
        }
        return out;
    }

    private PinningDeal deal(LocalChain chain) {
        return chain.createDeal(DIRECTOR, shards(14), 4096, chain.currentBlock() + 500, Balance.ofIcn(3),
                "bafk" + Long.toHexString(data.nextLong()));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".journal.")).sorted().toList();
        }
    }

    @Test
    void everyPersistedChangeSurvivesACrashAndNothingIsAppliedTwice(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("local-chain.state");
        LocalChain crashed = chainBuilder(file).build();
        byte[] atCreation = Files.readAllBytes(file); // a new chain records its (empty) state and scheme at once
        genesis(crashed);
        PinningDeal d = deal(crashed);
        PinningAudit audit = crashed.initiateAudit(Fixtures.account(1), d.shards().get(2));
        crashed.clientFor(Fixtures.account(1)).submitAuditProof(audit.id(), new byte[32]); // fails at inclusion
        crashed.registerEndpoint(Fixtures.account(2), "10.0.0.2:9002", "ab".repeat(32));
        crashed.produceBlocks(3);
        crashed.persist();
        byte[] persisted = crashed.stateBytes();
        assertThat(Files.readAllBytes(file)).isEqualTo(atCreation); // no checkpoint since: all of it is in the journal
        // abandoned: no close()

        try (LocalChain chain = chainBuilder(file).build()) {
            assertThat(chain.stateBytes()).isEqualTo(persisted);
            assertThat(chain.audit(audit.id()).orElseThrow().status()).isEqualTo(AuditStatus.FAILED);
            assertThat(chain.standing(Fixtures.account(1)).stake()).isEqualTo(Balance.ofIcn(90));
            assertThat(chain.clientFor(Fixtures.account(3)).shardAssignments())
                    .containsExactlyInAnyOrderElementsOf(d.shards());
            chain.produceBlock();
            deal(chain);
            persisted = chain.stateBytes();
        }
        assertThat(names(dir)).containsExactly("local-chain.state"); // a clean close leaves the checkpoint only
        try (LocalChain chain = chainBuilder(file).build()) {
            assertThat(chain.stateBytes()).isEqualTo(persisted);
        }
    }

    @Test
    void changesNotPersistedAreLostInACrashButBlocksAreSyncedEveryInterval(@TempDir Path dir) {
        Path file = dir.resolve("local-chain.state");
        LocalChain crashed = chainBuilder(file).persistEveryBlocks(5).build();
        genesis(crashed);
        crashed.produceBlocks(5); // synced at block 5
        byte[] atBlock5 = crashed.stateBytes();
        crashed.produceBlocks(2);
        deal(crashed);
        try (LocalChain chain = chainBuilder(file).build()) {
            assertThat(chain.stateBytes()).isEqualTo(atBlock5);
        }
    }

    /** A chain after genesis, persisted; its journal segment and where the next record will start in it. */
    private record Persisted(LocalChain chain, Path segment, long nextRecordAt) {
    }

    private Persisted genesisPersisted(Path file) throws IOException {
        LocalChain chain = chainBuilder(file).build();
        genesis(chain);
        chain.persist();
        Path segment = segments(file.getParent()).get(0);
        return new Persisted(chain, segment, Files.size(segment));
    }

    @Test
    void aTornLastRecordAtEveryOffsetLeavesTheStateBeforeIt(@TempDir Path dir) throws IOException {
        Persisted p = genesisPersisted(dir.resolve("local-chain.state"));
        LocalChain crashed = p.chain();
        byte[] before = crashed.stateBytes();
        Path segment = p.segment();
        long lastStart = p.nextRecordAt();
        deal(crashed);
        crashed.persist();
        byte[] after = crashed.stateBytes();
        byte[] whole = Files.readAllBytes(segment);
        for (long cut = lastStart; cut <= whole.length; cut++) {
            Path copy = Files.createDirectories(dir.resolve("cut-" + cut));
            Files.write(copy.resolve(segment.getFileName()), java.util.Arrays.copyOf(whole, (int) cut));
            try (LocalChain chain = chainBuilder(copy.resolve("local-chain.state")).build()) {
                assertThat(chain.stateBytes()).as("cut at %d of %d", cut, whole.length)
                        .isEqualTo(cut == whole.length ? after : before);
            }
        }
    }

    @Test
    void aCorruptRecordInTheMiddleIsRefusedNamingTheSegmentAndOffset(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("local-chain.state");
        Persisted p = genesisPersisted(file);
        LocalChain crashed = p.chain();
        Path segment = p.segment();
        long dealStart = p.nextRecordAt();
        deal(crashed);
        deal(crashed);
        crashed.persist();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) dealStart + 100] ^= 0x20;
        Files.write(segment, bytes);
        assertThatThrownBy(() -> chainBuilder(file).build()).isInstanceOf(ChainStateException.class)
                .hasMessageContaining(segment.toString()).hasMessageContaining("byte offset " + dealStart)
                .hasMessageContaining("record 7"); // after genesis's six
    }

    @Test
    void aJournalThatDoesNotBelongToTheStateFileIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("local-chain.state");
        LocalChain crashed = chainBuilder(file).build();
        genesis(crashed);
        deal(crashed);
        crashed.persist();
        Path other = Files.createDirectories(dir.resolve("other")).resolve("local-chain.state");
        try (LocalChain chain = chainBuilder(other).build()) { // its state file includes its records 1 and 2
            chain.registerNode(Fixtures.account(3), Region.APAC, Balance.ofIcn(100));
            chain.registerNode(Fixtures.account(4), Region.LATAM, Balance.ofIcn(100));
        }
        Path segment = segments(dir).get(0);
        Files.copy(other, file, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> chainBuilder(file).build()).isInstanceOf(ChainStateException.class)
                .hasMessageContaining(segment.toString()).hasMessageContaining("record 3 cannot be applied")
                .hasMessageContaining("already registered");
    }

    /** Where a crash can stop a checkpoint that a block started. */
    enum CrashPoint {
        /** The temp file written, not renamed: the old state file, every segment, a leftover {@code .tmp}. */
        BEFORE_RENAME,
        /** Renamed, but the segments it covers not yet deleted: they must be skipped, not applied again. */
        BEFORE_JOURNAL_DELETE
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(CrashPoint.class)
    void aCrashDuringACheckpointLosesNothingAndAppliesNothingTwice(CrashPoint point, @TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("local-chain.state");
        Path saved = Files.createDirectories(dir.resolve("saved"));
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        StateJournal.Force copyingAfterEachForce = f -> { // the last copy: as the checkpoint's rename began
            f.getFD().sync();
            if (armed.get()) {
                for (Path p : segments(dir)) {
                    Files.copy(p, saved.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                Files.copy(file, saved.resolve("local-chain.state"), StandardCopyOption.REPLACE_EXISTING);
            }
        };
        LocalChain crashed = chainBuilder(file).checkpointEveryBlocks(10).journalForce(copyingAfterEachForce).build();
        genesis(crashed);
        crashed.produceBlocks(10); // the first checkpoint
        deal(crashed);
        crashed.produceBlocks(5);
        deal(crashed);
        crashed.persist();
        armed.set(true);
        crashed.produceBlocks(5); // block 20: a checkpoint, then its segments deleted
        armed.set(false);
        assertThat(segments(dir)).hasSize(1);
        assertThat(segments(saved)).hasSize(2);
        deal(crashed);
        crashed.persist();
        byte[] live = crashed.stateBytes();

        for (Path p : segments(saved)) { // the deletion never happened
            if (!Files.exists(dir.resolve(p.getFileName()))) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        if (point == CrashPoint.BEFORE_RENAME) {
            Files.move(file, dir.resolve("local-chain.state.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(saved.resolve("local-chain.state"), file);
        }
        try (LocalChain chain = chainBuilder(file).checkpointEveryBlocks(10).build()) {
            assertThat(chain.stateBytes()).isEqualTo(live);
            assertThat(chain.currentBlock()).isEqualTo(20);
            assertThat(names(dir)).doesNotContain("local-chain.state.tmp");
        }
    }

    @Test
    void theJournalSizeTriggersACheckpointAtTheNextBlock(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("local-chain.state");
        try (LocalChain chain = chainBuilder(file).checkpointJournalBytes(4_000).build()) {
            byte[] atCreation = Files.readAllBytes(file);
            genesis(chain);
            for (int i = 0; i < 5; i++) {
                deal(chain);
            }
            chain.persist();
            assertThat(Files.readAllBytes(file)).isEqualTo(atCreation);
            Path before = segments(dir).get(0);
            chain.produceBlock();
            assertThat(Files.readAllBytes(file)).isNotEqualTo(atCreation);
            assertThat(segments(dir)).hasSize(1).doesNotContain(before);
        }
    }

    @Test
    @Timeout(120)
    void concurrentPersistCallersAllSurviveACrash(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("local-chain.state");
        LocalChain crashed = chainBuilder(file).build();
        genesis(crashed);
        int threads = 8;
        int perThread = 25;
        ConcurrentLinkedQueue<DealId> acknowledged = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long threadSeed = seed + t;
                futures.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(threadSeed);
                    for (int i = 0; i < perThread; i++) {
                        List<ShardHash> hashes = new ArrayList<>();
                        for (int s = 0; s < 10; s++) {
                            byte[] h = new byte[32];
                            r.nextBytes(h);
                            hashes.add(new ShardHash(h));
                        }
                        PinningDeal d = crashed.createDeal(DIRECTOR, hashes, 1024, 1_000, Balance.ofIcn(1));
                        crashed.persist();
                        acknowledged.add(d.id());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (LocalChain chain = chainBuilder(file).build()) {
            assertThat(acknowledged).hasSize(threads * perThread);
            for (DealId id : acknowledged) {
                assertThat(chain.deal(id)).as("deal %s", id).isPresent();
            }
            assertThat(chain.stateBytes()).isEqualTo(crashed.stateBytes());
        }
    }

    @Test
    void aVersion2StateFileFromBeforeTheJournalIsLoadedAndUpgraded(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("local-chain.state");
        try (InputStream in = getClass().getResourceAsStream("local-chain-v2.state")) {
            Files.copy(in, file);
        }
        ShardHash shard3 = new ShardHash(Fixtures.sha256(new byte[] {3}));
        // written when 1 KiB was the default block size: reopened with the scheme it recorded
        ProofScheme recorded = LocalChain.recordedProofScheme(file).orElseThrow();
        assertThat(recorded).isEqualTo(ProofScheme.merkle(1024));
        LocalChain crashed = chainBuilder(file).proofScheme(recorded).build();
        assertThat(crashed.currentBlock()).isEqualTo(12);
        PinningDeal old = crashed.clientFor(Fixtures.account(1)).dealsForShard(shard3).get(0);
        assertThat(old.createdAt()).isEqualTo(5);
        assertThat(old.expiresAt()).isEqualTo(500);
        assertThat(crashed.dealContent(old.id())).contains(Fixtures.cidOf(new byte[] {1}));
        assertThat(crashed.pinnersOf(old.id())).containsExactly(Fixtures.account(2), Fixtures.account(1));
        assertThat(crashed.freeBalance(DIRECTOR)).isEqualTo(Balance.ofIcn(993));
        assertThat(crashed.standing(Fixtures.account(2)).reputation()).isEqualTo(30);
        assertThat(crashed.endpoint(Fixtures.account(1)).orElseThrow().quicAddress()).isEqualTo("127.0.0.1:9002");
        assertThat(crashed.clientFor(Fixtures.account(1)).pendingAudits()).singleElement()
                .satisfies(a -> assertThat(a.challenge().byteOffset()).isEqualTo(3221));

        PinningDeal added = crashed.createDeal(DIRECTOR, shards(10), 4096, 800, Balance.ofIcn(1));
        crashed.persist();
        byte[] live = crashed.stateBytes();
        try (LocalChain chain = chainBuilder(file).proofScheme(recorded).build()) { // the v2 file plus the journal after it
            assertThat(chain.stateBytes()).isEqualTo(live);
            assertThat(chain.deal(added.id())).isPresent();
        }
        try (var in = new java.io.DataInputStream(Files.newInputStream(file))) {
            in.readInt();
            assertThat(in.readInt()).as("version after a close").isEqualTo(3);
        }
        assertThat(LocalChain.recordedProofScheme(file)).contains(recorded); // the upgraded file keeps it
        try (LocalChain chain = chainBuilder(file).proofScheme(recorded).build()) {
            assertThat(chain.stateBytes()).isEqualTo(live);
        }
    }

    // ---------------------------------------------------------------- property: random operations, crashes

    static LongStream seeds() {
        long base = Fixtures.seed(LocalChainJournalTest.class.getSimpleName() + ".randomOperations");
        return LongStream.range(0, 8).map(i -> base + i * 0x9E3779B97F4A7C15L);
    }

    /**
     * A seeded random sequence of every kind of change (deals, audits by hand and by draw, valid and invalid proofs,
     * endowments, nodes, endpoints, blocks with expiries, rewards and pruning, checkpoints by interval and by journal
     * size), crashing right after a {@code persist()} or closing, then reopening: the reopened chain must equal the
     * one it replaces, and go on equal to a chain that never stopped.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aRandomSequenceOfChangesSurvivesCrashesAndRestarts(long caseSeed, @TempDir Path dir) {
        System.out.println("aRandomSequenceOfChangesSurvivesCrashesAndRestarts seed=" + caseSeed);
        SplittableRandom r = new SplittableRandom(caseSeed);
        Path file = dir.resolve("local-chain.state");
        ProofScheme scheme = ProofScheme.merkle();
        InMemoryShardStore store = new InMemoryShardStore(scheme);
        LocalChain.Builder builder = LocalChain.builder().random(new SplittableRandom(caseSeed)).stateFile(file)
                .automaticAudits(true).auditIntervalBlocks(1 + r.nextInt(30)).auditRetentionBlocks(100 + r.nextInt(100))
                .dealRetentionBlocks(r.nextInt(80)).checkpointEveryBlocks(1 + r.nextInt(60))
                .checkpointJournalBytes(2_000 + r.nextInt(20_000)).persistEveryBlocks(1 + r.nextInt(10));
        LocalChain chain = builder.build();
        chain.endow(DIRECTOR, Balance.ofIcn(1_000_000));
        int restarts = 0;
        for (int step = 0; step < 250; step++) {
            int op = r.nextInt(100);
            AccountId node = Fixtures.account(1 + r.nextInt(REGIONS.length));
            try {
                if (op < 6) {
                    chain.registerNode(node, REGIONS[r.nextInt(REGIONS.length)], Balance.ofIcn(50 + r.nextInt(600)),
                            r.nextInt(50));
                } else if (op < 10) {
                    chain.endow(Fixtures.account(1 + r.nextInt(200)), Balance.ofUnits(1 + r.nextInt(1_000_000)));
                } else if (op < 13) {
                    chain.registerEndpoint(node, "10.0.0." + r.nextInt(250) + ":" + (1024 + r.nextInt(60_000)),
                            String.format("%016x", r.nextLong()).repeat(4));
                } else if (op < 35) {
                    byte[] bytes = new byte[2_000 + r.nextInt(20_000)];
                    r.nextBytes(bytes);
                    InMemoryShardStore.Chunk c = store.put(bytes, 1_000_000);
                    chain.createDeal(DIRECTOR, c.shardHashes(), c.shardSize(), chain.currentBlock() + 1 + r.nextInt(300),
                            Balance.ofUnits(1 + r.nextLong(1_000_000_000_000L)), Fixtures.cidOf(bytes));
                } else if (op < 45) {
                    List<ShardHash> held = chain.assignmentsOf(node);
                    if (!held.isEmpty()) {
                        chain.initiateAudit(node, held.get(r.nextInt(held.size())));
                    }
                } else if (op < 60) {
                    List<PinningAudit> pending = chain.pendingAuditsOf(node);
                    if (!pending.isEmpty()) {
                        List<AuditProofSubmission> proofs = new ArrayList<>();
                        for (PinningAudit a : pending) {
                            byte[] proof = r.nextBoolean() ? store.prove(scheme, a.shardHash(), a.challenge())
                                    : new byte[1 + r.nextInt(64)];
                            proofs.add(new AuditProofSubmission(a.id(), proof));
                        }
                        chain.submit(node, proofs);
                    }
                } else if (op < 85) {
                    chain.produceBlocks(1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 15));
                } else if (op < 95) {
                    chain.persist();
                    View live = View.of(chain);
                    // crash: abandoned without close
                    chain = builder.random(new SplittableRandom(r.nextLong())).build();
                    live.assertSame(View.of(chain), "seed " + caseSeed + " step " + step + ": after a crash");
                    restarts++;
                } else {
                    View live = View.of(chain);
                    chain.close();
                    chain = builder.random(new SplittableRandom(r.nextLong())).build();
                    live.assertSame(View.of(chain), "seed " + caseSeed + " step " + step + ": after a close");
                    restarts++;
                }
            } catch (ChainStateException e) {
                throw e;
            } catch (IllegalArgumentException | ChainException e) {
                // a refused call (node registered twice, no eligible pinner, audit no longer pending): no change
            }
        }
        System.out.println("seed=" + caseSeed + ": block " + chain.currentBlock() + ", " + restarts + " restarts");
        chain.close();
        assertThat(restarts).isPositive();
    }

    /** What a chain is, facts and derived indexes: equal views, equal chains. */
    private record View(byte[] facts, Map<AccountId, Set<ShardHash>> assignments,
            Map<AccountId, List<PinningAudit>> pending) {

        static View of(LocalChain chain) {
            Map<AccountId, Set<ShardHash>> assignments = new HashMap<>();
            Map<AccountId, List<PinningAudit>> pending = new HashMap<>();
            for (int i = 1; i <= REGIONS.length; i++) {
                AccountId node = Fixtures.account(i);
                assignments.put(node, Set.copyOf(chain.assignmentsOf(node)));
                pending.put(node, chain.pendingAuditsOf(node));
            }
            return new View(chain.stateBytes(), assignments, pending);
        }

        void assertSame(View other, String what) {
            assertThat(other.facts).as(what).isEqualTo(facts);
            assertThat(other.assignments).as(what).isEqualTo(assignments);
            assertThat(other.pending).as(what).isEqualTo(pending);
        }
    }
}
