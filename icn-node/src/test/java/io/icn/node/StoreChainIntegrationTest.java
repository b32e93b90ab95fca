package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.AccountId;
import io.icn.chain.AuditProofs;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.ChainClient;
import io.icn.chain.local.LocalChain;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.erasure.ErasureCodec;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain module's audit monitor and storage cleanup on a real {@code FileShardStore} and the
 * embedded {@link LocalChain}: the store's recorded hashes are the chain's shard hashes, audits pass
 * with proofs built from disk, a lost shard is rebuilt from its chunk's survivors before the answer,
 * and cleanup deletes exactly what no active deal holds.
 */
@Timeout(120)
class StoreChainIntegrationTest {
    private static final AccountId DIRECTOR = account(100);
    private static final AccountId NODE = account(1);
    private static final ProofScheme SCHEME = ProofScheme.merkle();

    @TempDir
    Path tmp;

    private final long seed = new SplittableRandom().nextLong();
    private final SplittableRandom random = new SplittableRandom(seed);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ShardStore store;
    private LocalChain chain;

    @BeforeEach
    void start() {
        System.out.println("seed " + seed);
        store = closing(ShardStore.builder(tmp.resolve("store")).build());
        chain = closing(LocalChain.builder().random(new SplittableRandom(seed)).automaticAudits(false)
                .proofScheme(SCHEME).build());
        Region[] regions = {Region.NA_WEST, Region.EU_WEST, Region.APAC, Region.LATAM, Region.MENA};
        for (int i = 0; i < regions.length; i++) {
            chain.registerNode(account(i + 1), regions[i], Balance.ofIcn(50));
        }
        chain.endow(DIRECTOR, Balance.ofIcn(1_000_000));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void theStoresRecordedHashesAreTheChainsShardHashes() {
        Stored s = storeChunk(300_000, 5_000);
        for (ShardInfo info : s.meta.shards()) {
            byte[] bytes = store.readShard(s.meta.cid(), info.index());
            assertThat(StoreExpiredContent.chainHash(SCHEME, info))
                    .isEqualTo(AuditProofs.merkleRoot(bytes, SCHEME.merkleBlockSize()));
            assertThat(StoreExpiredContent.chainHash(ProofScheme.hash(), info))
                    .isEqualTo(AuditProofs.shardHash(ProofScheme.hash(), bytes));
        }
    }

    @Test
    void auditsAreAnsweredFromDiskAndALostShardIsRepairedFirst() throws Exception {
        Stored s = storeChunk(500_000, 5_000);
        ChainClient client = closing(chain.clientFor(NODE));
        AuditMonitor monitor = closing(AuditMonitor.builder(client, new StoreAuditProver(store, SCHEME))
                .meterRegistry(registry).executor(Runnable::run).nanoTime(System::nanoTime).build());
        monitor.start();

        List<PinningAudit> audits = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            audits.add(chain.initiateAudit(NODE, s.hashes.get(i)));
        }
        // Shard 12 vanishes from disk behind the store's back, as a failing disk would do.
        Path lost = tmp.resolve("store").resolve(s.meta.cid().toString()).resolve("shard_12.bin");
        Files.delete(lost);
        audits.add(chain.initiateAudit(NODE, s.hashes.get(12)));
        chain.produceBlocks(5);

        for (PinningAudit a : audits) {
            assertThat(chain.audit(a.id()).orElseThrow().status()).as("audit of %s", a.shardHash())
                    .isEqualTo(AuditStatus.PASSED);
        }
        assertThat(Files.exists(lost)).as("repaired onto disk").isTrue();
        assertThat(store.readShard(s.meta.cid(), 12)).isEqualTo(s.shards[12]);
        assertThat(count("icn_super_node_audit_failure")).isZero();
        assertThat(count("icn_super_node_audit_success")).isEqualTo(15);
    }

    @Test
    void aChunkWithFewerThanTenSurvivorsIsACleanRecordedFailure() throws Exception {
        Stored s = storeChunk(200_000, 5_000);
        for (int i = 0; i < 5; i++) {
            Files.delete(tmp.resolve("store").resolve(s.meta.cid().toString()).resolve(String.format("shard_%02d.bin", i)));
        }
        ChainClient client = closing(chain.clientFor(NODE));
        closing(AuditMonitor.builder(client, new StoreAuditProver(store, SCHEME)).meterRegistry(registry)
                .executor(Runnable::run).nanoTime(System::nanoTime).build()).start();
        PinningAudit doomed = chain.initiateAudit(NODE, s.hashes.get(0));
        PinningAudit fine = chain.initiateAudit(NODE, s.hashes.get(9));
        chain.produceBlocks(LocalChain.AUDIT_DEADLINE_BLOCKS + 2);

        assertThat(chain.audit(fine.id()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
        assertThat(chain.audit(doomed.id()).orElseThrow().status()).isEqualTo(AuditStatus.FAILED);
        assertThat(count("icn_super_node_audit_failure")).isEqualTo(1);
        assertThat(store.readShard(s.meta.cid(), 9)).isEqualTo(s.shards[9]); // still serving
    }

    @Test
    void cleanupDeletesWhatNoActiveDealHoldsAndNothingElse() {
        Stored expiring = storeChunk(100_000, 50);
        Stored shared = storeChunk(100_000, 50);
        Stored lasting = storeChunk(100_000, 5_000);
        // A second, longer deal on the same shards as `shared`.
        chain.createDeal(DIRECTOR, shared.hashes, shared.shards[0].length, 5_000, Balance.ofIcn(10));
        ChainClient client = closing(chain.clientFor(NODE));
        List<String> unpublished = new CopyOnWriteArrayList<>();
        StorageCleanup cleanup = closing(StorageCleanup.builder(client, new StoreExpiredContent(store, SCHEME),
                unpublished::add).meterRegistry(registry).executor(Runnable::run).build());
        chain.produceBlocks(60);

        CleanupReport dry = cleanup.runNow(true);
        assertThat(dry.deleted()).containsExactly(expiring.meta.cid().toString());
        assertThat(store.contains(expiring.meta.cid())).as("a dry run deletes nothing").isTrue();

        CleanupReport real = cleanup.runNow(false);
        assertThat(real.deleted()).containsExactly(expiring.meta.cid().toString());
        assertThat(real.bytesFreed()).isEqualTo(14L * expiring.shards[0].length);
        assertThat(unpublished).containsExactly(expiring.meta.cid().toString());
        assertThat(store.contains(expiring.meta.cid())).isFalse();
        assertThat(store.contains(shared.meta.cid())).isTrue();
        assertThat(store.contains(lasting.meta.cid())).isTrue();
        assertThat(store.meta(shared.meta.cid()).orElseThrow().expiryBlock())
                .as("kept for the longer deal, and not examined again until it ends").isEqualTo(5_000);
        assertThat(cleanup.runNow(false).deleted()).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private record Stored(ChunkMeta meta, byte[][] shards, List<ShardHash> hashes, PinningDeal deal) {
    }

    private Stored storeChunk(int length, long expiresAt) {
        byte[] chunk = new byte[length];
        random.nextBytes(chunk);
        byte[][] shards = codec.encode(chunk);
        Cid cid = Cid.ofRaw(chunk);
        ChunkMeta meta = store.putChunk(cid, shards, ChunkSpec.rs10x4(length, "", expiresAt));
        List<ShardHash> hashes = new StoreExpiredContent(store, SCHEME).shardHashes(cid.toString());
        PinningDeal deal = chain.createDeal(DIRECTOR, hashes, shards[0].length, expiresAt, Balance.ofIcn(10));
        return new Stored(meta, shards, hashes, deal);
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private static AccountId account(int n) {
        byte[] b = new byte[32];
        b[31] = (byte) n;
        b[0] = (byte) 0xAC;
        return new AccountId(b);
    }
}
