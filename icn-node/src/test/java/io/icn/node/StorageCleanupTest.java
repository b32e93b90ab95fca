package io.icn.node;

import io.icn.chain.Fixtures;
import io.icn.chain.InMemoryShardStore;
import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainUnavailableException;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.chain.local.LocalChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StorageCleanupTest {
    private static final AccountId DIRECTOR = Fixtures.account(100);
    private static final AccountId NODE = Fixtures.account(1);

    private final long seed = Fixtures.seed(getClass().getSimpleName());
    private final SplittableRandom random = new SplittableRandom(seed ^ 0xC1EA);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryNodeStore store = new InMemoryNodeStore(ProofScheme.merkle());
    private final Set<String> unpublished = ConcurrentHashMap.newKeySet();
    private final LocalChain chain = LocalChain.builder().random(new SplittableRandom(seed)).automaticAudits(false)
            .build();
    private final FaultyChainClient client;

    StorageCleanupTest() {
        Region[] regions = {Region.NA_WEST, Region.EU_WEST, Region.APAC, Region.LATAM, Region.MENA};
        for (int i = 0; i < regions.length; i++) {
            chain.registerNode(Fixtures.account(i + 1), regions[i], Balance.ofIcn(50));
        }
        chain.endow(DIRECTOR, Balance.ofIcn(10_000_000));
        client = new FaultyChainClient(chain.clientFor(NODE));
    }

    @AfterEach
    void close() {
        client.close();
        chain.close();
    }

    private StorageCleanup.Builder cleanup() {
        return cleanup(client);
    }

    private StorageCleanup.Builder cleanup(ChainClient chainClient) {
        return StorageCleanup.builder(chainClient, store, unpublished::add).meterRegistry(registry).executor(Runnable::run);
    }

    private InMemoryShardStore.Chunk storeChunk(long recordedExpiry) {
        byte[] data = new byte[20_000];
        random.nextBytes(data);
        return store.put(data, recordedExpiry);
    }

    private PinningDeal deal(InMemoryShardStore.Chunk chunk, long expiresAt) {
        return chain.createDeal(DIRECTOR, chunk.shardHashes(), chunk.shardSize(), expiresAt, Balance.ofIcn(1));
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void deletesExpiredContentOnlyAndNeverContentAnActiveDealHolds() {
        InMemoryShardStore.Chunk expired = storeChunk(100);
        InMemoryShardStore.Chunk active = storeChunk(5_000);
        InMemoryShardStore.Chunk shared = storeChunk(100); // recorded with the earlier of its two deals
        InMemoryShardStore.Chunk recordedEarly = storeChunk(50); // index says expired, chain says active
        deal(expired, 100);
        deal(active, 5_000);
        deal(shared, 100);
        PinningDeal sharedActive = deal(shared, 3_000);
        deal(recordedEarly, 4_000);
        chain.produceBlocks(150);

        StorageCleanup cleanup = cleanup().build();
        CleanupReport dry = cleanup.runNow(true);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.deleted()).containsExactly(expired.cid());
        assertThat(dry.retained()).containsExactlyInAnyOrder(shared.cid(), recordedEarly.cid());
        assertThat(dry.bytesFreed()).isZero();
        assertThat(store.contains(expired.cid())).isTrue();
        assertThat(store.recordedExpiry(shared.cid())).isEqualTo(100);
        assertThat(unpublished).isEmpty();
        assertThat(count("icn_super_node_cleanup_deleted")).isZero();

        CleanupReport wet = cleanup.runNow(false);
        assertThat(wet.deleted()).containsExactly(expired.cid());
        assertThat(wet.bytesFreed()).isEqualTo(14L * expired.shardSize());
        assertThat(wet.complete()).isTrue();
        assertThat(store.contains(expired.cid())).isFalse();
        for (ShardHash h : expired.shardHashes()) {
            assertThat(store.holds(h)).isFalse();
        }
        assertThat(unpublished).containsExactly(expired.cid());
        for (InMemoryShardStore.Chunk kept : List.of(active, shared, recordedEarly)) {
            for (ShardHash h : kept.shardHashes()) {
                assertThat(store.read(h)).hasSize(kept.shardSize());
            }
        }
        assertThat(store.recordedExpiry(shared.cid())).isEqualTo(sharedActive.expiresAt());
        assertThat(store.recordedExpiry(recordedEarly.cid())).isEqualTo(4_000);
        assertThat(count("icn_super_node_cleanup_deleted")).isEqualTo(1);
        assertThat(count("icn_super_node_cleanup_bytes_freed")).isEqualTo(wet.bytesFreed());

        CleanupReport again = cleanup.runNow(false);
        assertThat(again.examined()).isZero(); // extended entries are no longer in the expired range

        chain.produceBlocks(3_000 - 150);
        CleanupReport later = cleanup.runNow(false);
        assertThat(later.deleted()).containsExactly(shared.cid());
        assertThat(store.contains(active.cid())).isTrue();
    }

    @Test
    void contentNoDealReferencesIsDeletedAndUnknownShardListsAreKept() {
        InMemoryShardStore.Chunk orphan = storeChunk(10);
        store.register(new InMemoryShardStore.Chunk("bafkreimanifestlost", List.of(), 1), 10);
        chain.produceBlocks(20);
        CleanupReport report = cleanup().build().runNow(false);
        assertThat(report.deleted()).containsExactly(orphan.cid());
        assertThat(report.skipped()).containsExactly("bafkreimanifestlost");
        assertThat(store.contains("bafkreimanifestlost")).isTrue();
    }

    @Test
    void runsEveryIntervalBlocksAndDryRunModeDeletesNothing() {
        InMemoryShardStore.Chunk a = storeChunk(30);
        InMemoryShardStore.Chunk b = storeChunk(130);
        deal(a, 30);
        deal(b, 130);
        try (StorageCleanup dry = cleanup().intervalBlocks(100).dryRun(true).build()) {
            dry.start();
            chain.produceBlocks(250);
        }
        assertThat(store.contains(a.cid())).isTrue();
        assertThat(store.contains(b.cid())).isTrue();
        assertThat(registry.find("icn_super_node_cleanup_runs").tag("dry_run", "true").counter().count())
                .isEqualTo(3); // blocks 1, 101, 201

        StorageCleanup wet = cleanup().intervalBlocks(100).build();
        try {
            wet.start();
            chain.produceBlock(); // block 251: first pass
            assertThat(store.contains(a.cid())).isFalse();
            assertThat(store.contains(b.cid())).isFalse();
        } finally {
            wet.close();
        }
        wet.close();
        assertThatThrownBy(() -> wet.runNow(false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnavailableChainDeletesNothing() {
        InMemoryShardStore.Chunk expired = storeChunk(10);
        deal(expired, 10);
        chain.produceBlocks(20);
        StorageCleanup cleanup = cleanup().build();
        client.down = true;
        assertThatThrownBy(() -> cleanup.runNow(false)).isInstanceOf(ChainUnavailableException.class);
        assertThat(store.contains(expired.cid())).isTrue();
        client.down = false;
        assertThat(cleanup.runNow(false).deleted()).containsExactly(expired.cid());
    }

    @Test
    void cleanupOfAHundredThousandDealsCostsWhatExpired() {
        int deals = 100_000;
        int expiring = 1_000;
        // One pinner keeps the chain's assignment index at a million entries instead of five.
        LocalChain big = LocalChain.builder().random(new SplittableRandom(seed)).automaticAudits(false).build();
        big.registerNode(NODE, Region.NA_WEST, Balance.ofIcn(50));
        big.endow(DIRECTOR, Balance.ofIcn(10_000_000));
        FaultyChainClient bigClient = new FaultyChainClient(big.clientFor(NODE));
        try {
            cleanUpHundredThousand(big, bigClient, deals, expiring);
        } finally {
            bigClient.close();
            big.close();
        }
    }

    private void cleanUpHundredThousand(LocalChain big, FaultyChainClient bigClient, int deals, int expiring) {
        long started = System.nanoTime();
        for (int i = 0; i < deals; i++) {
            List<ShardHash> shards = new ArrayList<>(10);
            for (int s = 0; s < 10; s++) {
                shards.add(new ShardHash(Fixtures.sha256(ByteBuffer.allocate(8).putInt(i).putInt(s).array())));
            }
            long expiry = i % (deals / expiring) == 0 ? 50 : 1_000_000;
            InMemoryShardStore.Chunk chunk = new InMemoryShardStore.Chunk("bafkreideal" + i, shards, 1024);
            store.register(chunk, expiry);
            big.createDeal(DIRECTOR, shards, 1024, expiry, Balance.ofIcn(1));
        }
        long setupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        big.produceBlocks(60);
        long chainCallsBefore = bigClient.calls.get();

        long t0 = System.nanoTime();
        CleanupReport report = cleanup(bigClient).build().runNow(false);
        long passMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);

        assertThat(report.deleted()).hasSize(expiring);
        assertThat(store.size()).isEqualTo(deals - expiring);
        long chainCalls = bigClient.calls.get() - chainCallsBefore;
        // One currentBlock, then one deal lookup per shard of each expired content: O(expired), not O(deals).
        assertThat(chainCalls).isEqualTo(1 + 10L * expiring);
        assertThat(store.indexEntriesVisited.get()).isEqualTo(expiring);
        assertThat(store.contentCalls.get()).isEqualTo(1 + 2L * expiring); // index read, shard list + delete each
        System.out.printf("cleanup of %d deals (%d expired): %d chain calls, %d index entries visited, "
                + "%d store calls, pass took %d us (setup %d ms)%n", deals, expiring, chainCalls,
                store.indexEntriesVisited.get(), store.contentCalls.get(), passMicros, setupMs);
    }
}
