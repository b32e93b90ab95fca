package io.icn.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StoreIndex}'s shard hash lookup against a model (a scan of every entry), through random puts,
 * replacements, quarantines and deletes. The hashes share their first bytes often (few distinct
 * buckets), so runs of the linear probing are long, wrap around the table and are shifted back on delete.
 */
class ShardHashIndexTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 20261206})
    void lookupsMatchAScanThroughRandomChanges(long seed) {
        System.out.println("ShardHashIndexTest seed " + seed);
        Random rnd = new Random(seed);
        StoreIndex index = new StoreIndex();
        List<Cid> cids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cids.add(Cid.ofRaw(new byte[] {(byte) i, (byte) seed}));
        }
        List<byte[]> hashes = new ArrayList<>(); // a small pool, so equal shards are common
        for (int i = 0; i < 60; i++) {
            byte[] h = new byte[32];
            rnd.nextBytes(h);
            h[0] = (byte) rnd.nextInt(3); // few buckets: long probe runs
            h[1] = 0;
            h[2] = 0;
            h[3] = (byte) (rnd.nextInt(4) * 64);
            hashes.add(h);
        }
        for (int step = 0; step < 3000; step++) {
            Cid cid = cids.get(rnd.nextInt(cids.size()));
            ChunkEntry current = index.get(cid);
            int op = rnd.nextInt(10);
            if (op == 0) {
                index.put(cid, null);
            } else if (op < 3 && current != null) {
                int slot = rnd.nextInt(current.slots());
                if (current.state(slot) != ChunkEntry.ABSENT) {
                    index.put(cid, current.withState(slot, ChunkEntry.QUARANTINED));
                }
            } else if (op == 3 && current != null) {
                index.put(cid, current.withSpec(current.spec.withExpiryBlock(step)));
            } else {
                ChunkEntry e = current != null ? current
                        : ChunkEntry.empty(cid, new ChunkSpec(100, 3, 2, "", 1), 8, 0);
                int slot = rnd.nextInt(e.slots());
                byte[] sha = hashes.get(rnd.nextInt(hashes.size()));
                byte[] root = rnd.nextInt(4) == 0 ? sha : hashes.get(rnd.nextInt(hashes.size()));
                index.put(cid, e.withHealthy(slot, sha, root));
            }
            if (step % 7 == 0 || step < 50) {
                for (byte[] h : hashes) {
                    checkLookup(index, h);
                }
            }
        }
        assertThat(index.shardHashSlots()).isPositive();
        for (Cid cid : cids) {
            index.put(cid, null);
        }
        for (byte[] h : hashes) {
            assertThat(index.locate(h)).isNull();
        }
        assertThat(index.shardHashSlots()).isEqualTo(32); // shrunk back to two 16-slot tables
    }

    private static void checkLookup(StoreIndex index, byte[] hash) {
        Set<ShardLocation> healthy = new HashSet<>();
        Set<ShardLocation> quarantined = new HashSet<>();
        for (ChunkEntry e : index.entries()) {
            for (int i = 0; i < e.slots(); i++) {
                if (e.state(i) != ChunkEntry.ABSENT && (e.hashEquals(i, 0, hash) || e.hashEquals(i, 32, hash))) {
                    (e.healthy(i) ? healthy : quarantined).add(new ShardLocation(e.cid, i));
                }
            }
        }
        ShardLocation got = index.locate(hash);
        if (!healthy.isEmpty()) {
            assertThat(healthy).contains(got);
        } else if (!quarantined.isEmpty()) {
            assertThat(quarantined).contains(got);
        } else {
            assertThat(got).isNull();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7})
    void aReplaceAllDropsTheIndexAndTheNextLookupRebuildsIt(long seed) {
        Random rnd = new Random(seed);
        StoreIndex index = new StoreIndex();
        Map<Cid, ChunkEntry> entries = new HashMap<>();
        for (int c = 0; c < 1000; c++) {
            Cid cid = Cid.ofRaw(new byte[] {(byte) c, (byte) (c >> 8)});
            ChunkEntry e = ChunkEntry.empty(cid, new ChunkSpec(10_000, 10, 4, "", 1), 8, 0);
            for (int i = 0; i < 14; i++) {
                byte[] sha = new byte[32];
                byte[] root = new byte[32];
                rnd.nextBytes(sha);
                rnd.nextBytes(root);
                e = e.withHealthy(i, sha, root);
            }
            entries.put(cid, e);
        }
        index.replaceAll(entries.values());
        assertThat(index.shardHashSlots()).isZero();
        ChunkEntry some = entries.values().iterator().next();
        assertThat(index.locate(some.merkleRoot(13))).isEqualTo(new ShardLocation(some.cid, 13));
        // 28,000 hashes at most 3/4 full: 2 x 2^15 slots
        assertThat(index.shardHashSlots()).isEqualTo(2L << 15);
        for (ChunkEntry e : entries.values()) {
            for (int i = 0; i < 14; i++) {
                assertThat(index.locate(e.sha256(i))).isEqualTo(new ShardLocation(e.cid, i));
                assertThat(index.locate(e.merkleRoot(i))).isEqualTo(new ShardLocation(e.cid, i));
            }
        }
        index.replaceAll(List.of(some));
        assertThat(index.shardHashSlots()).isZero();
        assertThat(index.locate(some.sha256(0))).isEqualTo(new ShardLocation(some.cid, 0));
        assertThat(index.shardHashSlots()).isEqualTo(2 * 32L);
    }

    /**
     * The first lookups build the index outside the monitor while another thread keeps changing entries: the
     * changes made during the build are replayed onto it, so that afterwards every lookup agrees with a scan.
     * Three rounds, each after a {@code replaceAll} that drops the index.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    @org.junit.jupiter.api.Timeout(120)
    void aBuildBesideConcurrentChangesEndsExact(long seed) throws Exception {
        System.out.println("ShardHashIndexTest concurrent seed " + seed);
        Random rnd = new Random(seed);
        StoreIndex index = new StoreIndex();
        List<Cid> cids = new ArrayList<>();
        List<ChunkEntry> initial = new ArrayList<>();
        for (int c = 0; c < 20_000; c++) {
            Cid cid = Cid.ofRaw(new byte[] {(byte) c, (byte) (c >> 8), (byte) seed});
            cids.add(cid);
            initial.add(randomEntry(cid, rnd));
        }
        for (int round = 0; round < 3; round++) {
            index.replaceAll(initial);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            long writerSeed = rnd.nextLong();
            Thread writer = new Thread(() -> {
                Random w = new Random(writerSeed);
                while (!stop.get()) {
                    Cid cid = cids.get(w.nextInt(cids.size()));
                    index.put(cid, w.nextInt(4) == 0 ? null : randomEntry(cid, w));
                }
            });
            writer.start();
            List<Thread> readers = new ArrayList<>();
            try {
                byte[] probe = initial.get(rnd.nextInt(initial.size())).sha256(0);
                for (int t = 0; t < 3; t++) {
                    Thread reader = new Thread(() -> index.locate(probe));
                    readers.add(reader);
                    reader.start();
                }
                for (Thread reader : readers) {
                    reader.join(60_000);
                }
                Thread.sleep(20); // changes after the build are applied to the published index
            } finally {
                stop.set(true);
                writer.join(60_000);
            }
            assertThat(readers).noneMatch(Thread::isAlive);
            for (int i = 0; i < 100; i++) { // each check scans every entry
                ChunkEntry e = index.get(cids.get(rnd.nextInt(cids.size())));
                if (e != null) {
                    int slot = rnd.nextInt(e.slots());
                    checkLookup(index, e.sha256(slot));
                    checkLookup(index, e.merkleRoot(slot));
                }
            }
        }
    }

    private static ChunkEntry randomEntry(Cid cid, Random rnd) {
        ChunkEntry e = ChunkEntry.empty(cid, new ChunkSpec(1000, 3, 2, "", 1), 8, 0);
        for (int i = 0; i < e.slots(); i++) {
            byte[] sha = new byte[32];
            byte[] root = new byte[32];
            rnd.nextBytes(sha);
            rnd.nextBytes(root);
            e = e.withHealthy(i, sha, root);
        }
        return e;
    }
}
