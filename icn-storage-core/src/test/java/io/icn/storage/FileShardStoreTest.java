package io.icn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.erasure.ErasureCodec;
import io.icn.erasure.Kernels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to the file store: persistence, recovery, disk faults, scrubbing, cache, metrics. */
@Timeout(60)
class FileShardStoreTest {

    @TempDir
    Path tmp;
    final Random rnd = new Random(7);

    record Chunk(Cid cid, byte[][] shards, ChunkSpec spec) {
    }

    Chunk chunk(int length, int k, int m) {
        byte[] data = new byte[length];
        rnd.nextBytes(data);
        return new Chunk(Cid.ofRaw(data), ErasureCodec.reedSolomon(k, m).encode(data),
                new ChunkSpec(length, k, m, "d", rnd.nextInt(1000)));
    }

    ShardStoreBuilder builder(Path root) {
        return ShardStore.builder(root).durability(ShardStoreBuilder.Durability.NO_FSYNC);
    }

    static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void reopenLoadsTheIndexFromJournalAndCheckpointWithoutWalkingTheTree() throws IOException {
        Path root = tmp.resolve("s");
        List<Chunk> chunks = new ArrayList<>();
        Map<Cid, ChunkMeta> metas = new HashMap<>();
        try (ShardStore s = builder(root).durability(ShardStoreBuilder.Durability.FSYNC).checkpointJournalBytes(20_000)
                .build()) {
            for (int i = 0; i < 30; i++) {
                Chunk c = chunk(3000 + i, 4, 2);
                chunks.add(c);
                metas.put(c.cid, s.putChunk(c.cid, c.shards, c.spec));
            }
            s.delete(chunks.get(0).cid);
            metas.remove(chunks.get(0).cid);
            metas.put(chunks.get(3).cid, s.setExpiry(chunks.get(3).cid, 777)); // a SET record survives too
        }
        // a stray CID directory the index does not know: startup must not find it (it never lists the root)
        Chunk stray = chunk(100, 2, 1);
        Files.createDirectories(root.resolve(stray.cid.toString()));
        try (ShardStore s = builder(root).build()) {
            assertThat(s.list()).isEqualTo(metas.keySet());
            for (ChunkMeta m : metas.values()) {
                assertThat(s.meta(m.cid())).contains(m);
            }
            Chunk c = chunks.get(7);
            assertThat(s.readShard(c.cid, 5)).isEqualTo(c.shards[5]);
            assertThat(s.usage().chunkCount()).isEqualTo(29);
            assertThat(s.meta(chunks.get(3).cid).orElseThrow().expiryBlock()).isEqualTo(777);
        }
        assertThat(Files.exists(root.resolve(stray.cid.toString()))).isTrue();
    }

    @Test
    void shardHashesAreLocatedAfterReopenFromCheckpointAndJournal() throws IOException {
        Path root = tmp.resolve("s");
        List<Chunk> chunks = new ArrayList<>();
        Map<Cid, ChunkMeta> metas = new HashMap<>();
        try (ShardStore s = builder(root).merkleLeafSize(128).checkpointJournalBytes(20_000).build()) {
            for (int i = 0; i < 30; i++) {
                Chunk c = chunk(3000 + i, 4, 2);
                chunks.add(c);
                metas.put(c.cid, s.putChunk(c.cid, c.shards, c.spec));
                if (i == 10) {
                    assertThat(s.maintenance().locate(metas.get(c.cid).shard(1).orElseThrow().sha256())) // built here
                            .contains(new ShardLocation(c.cid, 1));
                }
            }
            s.delete(chunks.get(0).cid);
            s.setExpiry(chunks.get(3).cid, 777);
        }
        try (ShardStore s = builder(root).merkleLeafSize(128).build()) {
            for (Chunk c : chunks) {
                for (ShardInfo info : metas.get(c.cid).shards()) {
                    assertThat(info.merkleRoot()).isNotEqualTo(info.sha256());
                    Optional<ShardLocation> expected = c == chunks.get(0) ? Optional.empty()
                            : Optional.of(new ShardLocation(c.cid, info.index()));
                    assertThat(s.maintenance().locate(info.sha256())).isEqualTo(expected);
                    assertThat(s.maintenance().locate(info.merkleRoot())).isEqualTo(expected);
                }
            }
        }
    }

    /** {@code n} chunks of 4+2 shards stored at {@code root}, the store closed and its index deleted. */
    private List<Chunk> storeChunksThenLoseTheIndex(Path root, int n) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        try (ShardStore s = builder(root).build()) {
            for (int i = 0; i < n; i++) {
                Chunk c = chunk(2000, 4, 2);
                chunks.add(c);
                s.putChunk(c.cid, c.shards, c.spec);
            }
        }
        StoreLayout.deleteRecursively(root.resolve(StoreLayout.INDEX));
        return chunks;
    }

    @Test
    void rebuildIndexRecoversFromLostIndexAndQuarantinesBadFiles() throws IOException {
        Path root = tmp.resolve("s");
        List<Chunk> chunks = storeChunksThenLoseTheIndex(root, 12);
        FileShardStoreContractTest.flipBit(root.resolve(chunks.get(3).cid.toString()).resolve("shard_02.bin"), 5);
        Files.createDirectories(root.resolve("not-a-cid"));
        List<long[]> progress = new ArrayList<>();
        try (ShardStore s = builder(root).build()) {
            assertThat(s.list()).isEmpty();
            byte[] corrupted = ShardChecks.sha256(chunks.get(3).shards[2]);
            assertThat(s.maintenance().locate(corrupted)).isEmpty(); // builds the (empty) shard hash index
            RebuildReport r = s.maintenance().rebuildIndex((done, total) -> progress.add(new long[] {done, total}));
            assertThat(r.chunks()).isEqualTo(12);
            assertThat(r.shards()).isEqualTo(71);
            assertThat(r.quarantined()).isEqualTo(1);
            assertThat(r.unreadable()).containsExactly("not-a-cid");
            assertThat(progress).hasSize(13);
            assertThat(progress.get(12)).containsExactly(13, 13);
            assertThat(s.meta(chunks.get(3).cid).orElseThrow().quarantined()).extracting(ShardInfo::index)
                    .containsExactly(2);
            assertThat(s.maintenance().locate(corrupted)).contains(new ShardLocation(chunks.get(3).cid, 2)); // quarantined
            for (Chunk c : chunks) {
                assertThat(s.maintenance().locate(ShardChecks.sha256(c.shards[5]))).contains(new ShardLocation(c.cid, 5));
            }
            s.maintenance().repair(chunks.get(3).cid);
            assertThat(s.readShard(chunks.get(3).cid, 2)).isEqualTo(chunks.get(3).shards[2]);
        }
        try (ShardStore s = builder(root).build()) {
            assertThat(s.usage().shardCount()).isEqualTo(72);
        }
    }

    @Test
    void rebuildLeavesLostAndFoundAndForeignEntriesAloneAndSaysWhy() throws Exception {
        Path root = tmp.resolve("s");
        List<Chunk> chunks = storeChunksThenLoseTheIndex(root, 3);
        Path lostFound = Files.createDirectories(root.resolve("lost+found"));
        Files.writeString(lostFound.resolve("#1234"), "recovered by fsck");
        Files.createDirectories(root.resolve("not-a-cid"));
        // A move into .quarantine that fails for any user, root included: the target name is too long.
        String longName = "x".repeat(250);
        Files.createDirectories(root.resolve(longName));
        boolean chowned = chownToAnotherUser(Files.createDirectories(root.resolve("someone-elses")));

        try (ShardStore s = builder(root).build()) {
            RebuildReport r = s.maintenance().rebuildIndex(RebuildListener.NONE);

            assertThat(r.chunks()).isEqualTo(3);
            assertThat(r.shards()).isEqualTo(18);
            assertThat(r.unreadable()).containsExactly("not-a-cid");
            assertThat(r.skipped()).extracting(RebuildReport.Skipped::name).contains("lost+found", longName);
            assertThat(r.skipped()).filteredOn(k -> k.name().equals("lost+found")).singleElement()
                    .extracting(RebuildReport.Skipped::reason).asString().contains("never moved", "mount point");
            assertThat(r.skipped()).filteredOn(k -> k.name().equals(longName)).singleElement()
                    .extracting(RebuildReport.Skipped::reason).asString()
                    .contains("left in place", "move it out of " + root.toAbsolutePath());
            assertThat(lostFound.resolve("#1234")).as("lost+found untouched").exists();
            assertThat(root.resolve(longName)).exists();
            if (chowned) {
                assertThat(r.skipped()).filteredOn(k -> k.name().equals("someone-elses")).singleElement()
                        .extracting(RebuildReport.Skipped::reason).asString().contains("owned by", "not by the store's user");
                assertThat(root.resolve("someone-elses")).exists();
            }
            for (Chunk c : chunks) {
                assertThat(s.readShard(c.cid, 3)).isEqualTo(c.shards[3]);
            }
        }
    }

    /** Gives {@code dir} to another uid where this process may (as root); false where it may not. */
    private static boolean chownToAnotherUser(Path dir) {
        try {
            Files.setAttribute(dir, "unix:uid", 4242);
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException notPermitted) {
            return false;
        }
    }

    @Test
    void writesDuringARebuildAreRefusedAtOnceAndNamedSoAndWorkAfterIt() throws Exception {
        Path root = tmp.resolve("s");
        Chunk stored = chunk(2000, 4, 2);
        try (ShardStore s = builder(root).build()) {
            s.putChunk(stored.cid, stored.shards, stored.spec);
            Chunk other = chunk(2000, 4, 2);
            s.putChunk(other.cid, other.shards, other.spec);

            java.util.concurrent.CountDownLatch firstDirectory = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<RebuildReport> rebuild = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> s.maintenance().rebuildIndex((done, total) -> {
                        if (done == 1) {
                            firstDirectory.countDown();
                            try {
                                release.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }));
            try {
                assertThat(firstDirectory.await(30, TimeUnit.SECONDS)).isTrue();
                Chunk fresh = chunk(2000, 4, 2);
                assertThatThrownBy(() -> s.putChunk(fresh.cid, fresh.shards, fresh.spec))
                        .isInstanceOf(RebuildInProgressException.class)
                        .hasMessageContaining("being rebuilt").hasMessageContaining("1 of 2 directories")
                        .hasMessageContaining("retry");
                assertThatThrownBy(() -> s.putShard(fresh.cid, 0, fresh.shards[0], fresh.spec))
                        .isInstanceOf(RebuildInProgressException.class);
                assertThatThrownBy(() -> s.delete(stored.cid)).isInstanceOf(RebuildInProgressException.class);
                assertThatThrownBy(() -> s.setExpiry(stored.cid, 5)).isInstanceOf(RebuildInProgressException.class);
                assertThatThrownBy(() -> s.maintenance().rebuildIndex(RebuildListener.NONE))
                        .isInstanceOf(RebuildInProgressException.class);
                assertThat(s.readShard(stored.cid, 1)).as("reads continue").isEqualTo(stored.shards[1]);
            } finally {
                release.countDown();
            }
            assertThat(rebuild.get(30, TimeUnit.SECONDS).chunks()).isEqualTo(2);
            Chunk after = chunk(2000, 4, 2);
            s.putChunk(after.cid, after.shards, after.spec);
            assertThat(s.usage().chunkCount()).isEqualTo(3);
        }
    }

    @Test
    void outOfSpaceMidWriteLeavesNothingAndKeepsExistingData() throws IOException {
        Path root = tmp.resolve("s");
        AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean journalOnly = new AtomicBoolean();
        WriteHook enospc = (file, pos, len) -> {
            boolean journal = file.getFileName().toString().startsWith("journal-");
            if ((journal || !journalOnly.get()) && budget.addAndGet(-len) < 0) {
                throw new IOException("No space left on device");
            }
        };
        try (ShardStore s = builder(root).writeHook(enospc).build()) {
            Chunk a = chunk(50_000, 10, 4);
            s.putChunk(a.cid, a.shards, a.spec);
            StorageUsage before = s.usage();
            for (long allowance : new long[] {0, 1, 20_000, 60_000, 69_999}) {
                budget.set(allowance);
                Chunk b = chunk(50_000, 10, 4);
                assertThatThrownBy(() -> s.putChunk(b.cid, b.shards, b.spec)).isInstanceOf(StorageFullException.class)
                        .hasRootCauseMessage("No space left on device");
                assertThat(s.contains(b.cid)).isFalse();
                assertThat(s.usage()).isEqualTo(before);
                assertThat(Files.exists(root.resolve(b.cid.toString()))).isFalse();
                assertThat(countFiles(root.resolve(StoreLayout.STAGING))).isZero();
            }
            // the journal itself hits ENOSPC: shard files fit, the commit record does not
            Chunk c = chunk(50_000, 10, 4);
            journalOnly.set(true);
            budget.set(0);
            assertThatThrownBy(() -> s.putChunk(c.cid, c.shards, c.spec)).isInstanceOf(StorageFullException.class);
            assertThat(s.contains(c.cid)).isFalse();
            assertThat(countFiles(root.resolve(StoreLayout.STAGING))).isZero();
            budget.set(Long.MAX_VALUE);
            for (int i = 0; i < 14; i++) {
                assertThat(Arrays.equals(s.readShard(a.cid, i), a.shards[i])).isTrue();
            }
            s.putChunk(c.cid, c.shards, c.spec);
        }
        try (ShardStore s = builder(root).build()) {
            assertThat(s.usage().chunkCount()).isEqualTo(2);
            assertThat(countFiles(root)).isEqualTo(2 + 4); // two chunks + .index .staging .trash .quarantine
        }
    }

    @Test
    void hostileNamesNeverBecomePaths() throws IOException {
        Path root = tmp.resolve("s");
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        for (String hostile : new String[] {"../outside", "..", "/etc/passwd", "a/../../outside",
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvy/.", "b\u0000afk", "%2e%2e%2f"}) {
            assertThatThrownBy(() -> Cid.parse(hostile)).isInstanceOf(InvalidCidException.class);
        }
        try (ShardStore s = builder(root).build()) {
            for (int i = 0; i < 200; i++) {
                byte[] d = new byte[32];
                rnd.nextBytes(d);
                Path p = root.resolve(Cid.of(Cid.RAW, d).toString()).normalize();
                assertThat(p.getParent()).isEqualTo(root);
            }
            assertThatThrownBy(() -> s.readShard(null, 0)).isInstanceOf(NullPointerException.class);
            Chunk c = chunk(1000, 2, 1);
            s.putChunk(c.cid, c.shards, c.spec);
            assertThatThrownBy(() -> s.readShard(c.cid, -1)).isInstanceOf(ShardNotFoundException.class);
            assertThatThrownBy(() -> s.readShard(c.cid, 3)).isInstanceOf(ShardNotFoundException.class);
            assertThatThrownBy(() -> s.readRange(c.cid, 0, Long.MAX_VALUE - 2, 5))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(countFiles(outside)).isZero();
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.filter(p -> !p.startsWith(root) && !p.equals(tmp) && !p.equals(outside))).isEmpty();
        }
    }

    @Test
    void injectedBitFlipsAreAllFoundByTheScrubberAndRepaired() throws IOException {
        Path root = tmp.resolve("s");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardStore s = builder(root).meterRegistry(registry).build()) {
            List<Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Chunk c = chunk(20_000 + i, 10, 4);
                chunks.add(c);
                s.putChunk(c.cid, c.shards, c.spec);
            }
            int flips = 0;
            long seed = System.nanoTime();
            System.out.println("injectedBitFlips seed=" + seed);
            Random r = new Random(seed);
            for (Chunk c : chunks) {
                int n = r.nextInt(5); // up to m = 4 damaged shards per chunk: always repairable
                List<Integer> idx = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13));
                java.util.Collections.shuffle(idx, r);
                for (int j = 0; j < n; j++) {
                    FileShardStoreContractTest.flipBit(root.resolve(c.cid.toString())
                            .resolve(StoreLayout.shardFileName(idx.get(j))), r.nextInt(c.spec.shardLength()));
                    flips++;
                }
            }
            List<CorruptShardException> found = new ArrayList<>();
            ScrubReport report = s.maintenance().scrub(found::add);
            assertThat(found).as("seed %d", seed).hasSize(flips);
            assertThat(report.repairedShards()).isEqualTo(flips);
            assertThat(report.unrepairable()).isEmpty();
            for (Chunk c : chunks) {
                for (int i = 0; i < 14; i++) {
                    assertThat(Files.readAllBytes(root.resolve(c.cid.toString()).resolve(StoreLayout.shardFileName(i))))
                            .isEqualTo(c.shards[i]);
                }
            }
            assertThat(countFiles(root.resolve(StoreLayout.QUARANTINE))).isEqualTo(flips);
            assertThat(s.maintenance().scrub(e -> { }).corrupt()).isEmpty();
            assertThat(registry.get("icn_super_node_scrub_corrupt_shards").counter().count()).isEqualTo(flips);
            assertThat(registry.get("icn_super_node_repaired_shards").counter().count()).isEqualTo(flips);
        }
    }

    @Test
    void scrubberStaysWithinItsBandwidthBudget() {
        AtomicLong nanos = new AtomicLong();
        Clock manual = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(0, nanos.get());
            }
        };
        AtomicLong slept = new AtomicLong();
        Sleeper sleeper = d -> {
            slept.addAndGet(d.toNanos());
            nanos.addAndGet(d.toNanos());
        };
        try (ShardStore s = builder(tmp.resolve("s")).clock(manual).sleeper(sleeper)
                .scrubBytesPerSecond(100_000).build()) {
            for (int i = 0; i < 5; i++) {
                Chunk c = chunk(100_000, 5, 1);
                s.putChunk(c.cid, c.shards, c.spec);
            }
            ScrubReport r = s.maintenance().scrub(e -> { });
            assertThat(r.bytesScanned()).isEqualTo(600_000);
            // 600 kB at 100 kB/s: six seconds of the store's clock
            assertThat(Duration.ofNanos(slept.get())).isBetween(Duration.ofMillis(5_990), Duration.ofMillis(6_010));
        }
    }

    @Test
    void backgroundScrubberRunsOnTheGivenExecutor() throws Exception {
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        BlockingQueue<CorruptShardException> found = new ArrayBlockingQueue<>(10);
        Path root = tmp.resolve("s");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardStore s = builder(root).meterRegistry(registry)
                .backgroundScrub(exec, Duration.ofMillis(20), found::add).build()) {
            Chunk c = chunk(10_000, 4, 2);
            s.putChunk(c.cid, c.shards, c.spec);
            FileShardStoreContractTest.flipBit(root.resolve(c.cid.toString()).resolve("shard_04.bin"), 9);
            CorruptShardException e = found.poll(10, TimeUnit.SECONDS);
            assertThat(e).isNotNull();
            assertThat(e.shardIndex()).isEqualTo(4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.get("icn_super_node_repaired_shards").counter().count() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Arrays.equals(s.readShard(c.cid, 4), c.shards[4])).isTrue();
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void verifyOnReadQuarantinesABadShard() {
        Path root = tmp.resolve("s");
        try (ShardStore s = builder(root).verifyOnRead(true).build()) {
            Chunk c = chunk(10_000, 4, 2);
            s.putChunk(c.cid, c.shards, c.spec);
            FileShardStoreContractTest.flipBit(root.resolve(c.cid.toString()).resolve("shard_01.bin"), 0);
            assertThatThrownBy(() -> s.readShard(c.cid, 1)).isInstanceOf(CorruptShardException.class);
            assertThat(s.containsShard(c.cid, 1)).isFalse();
            assertThat(s.maintenance().repair(c.cid).regenerated()).containsExactly(1);
            assertThat(s.readShard(c.cid, 1)).isEqualTo(c.shards[1]);
        }
    }

    /** The kernel is the embedder's value: a store on the scalar kernel encodes and repairs the same bytes. */
    @Test
    void aStoreEncodesAndRepairsOnTheKernelItIsGiven() {
        Path root = tmp.resolve("s");
        assertThatThrownBy(() -> builder(root).erasureKernel(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("kernel");
        try (ShardStore s = builder(root).erasureKernel(Kernels.scalar()).build()) {
            byte[] data = new byte[300_001];
            rnd.nextBytes(data);
            Cid cid = Cid.ofRaw(data);
            s.encodeAndPut(cid, data, new ChunkSpec(data.length, 10, 4, "d", 1));
            byte[][] expected = ErasureCodec.reedSolomon(10, 4).encode(data);
            FileShardStoreContractTest.flipBit(root.resolve(cid.toString()).resolve("shard_12.bin"), 5);
            FileShardStoreContractTest.flipBit(root.resolve(cid.toString()).resolve("shard_03.bin"), 9);
            assertThat(s.maintenance().repair(cid).regenerated()).containsExactly(3, 12);
            for (int i = 0; i < 14; i++) {
                assertThat(s.readShard(cid, i)).as("shard %d", i).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void cacheCountsHitsAndMissesAndMetricsAreExported() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path root = tmp.resolve("s");
        try (ShardStore s = builder(root).meterRegistry(registry).capacityBytes(1_000_000).cacheBytes(1 << 20).build()) {
            Chunk c = chunk(100_000, 4, 2);
            s.putChunk(c.cid, c.shards, c.spec);
            s.readShard(c.cid, 0);
            s.readShard(c.cid, 0);
            s.readRange(c.cid, 0, 10, 10);
            CacheCounters cc = s.maintenance().cacheCounters();
            assertThat(cc.misses()).isEqualTo(1);
            assertThat(cc.hits()).isEqualTo(2);
            assertThat(cc.weightBytes()).isEqualTo(c.spec.shardLength());
            assertThat(registry.get("icn_super_node_shard_count").gauge().value()).isEqualTo(6);
            assertThat(registry.get("icn_super_node_bytes_stored").gauge().value()).isEqualTo(6.0 * c.spec.shardLength());
            assertThat(registry.get("icn_super_node_shard_retrieval_seconds").timer().count()).isEqualTo(3);
            assertThat(registry.get("icn_super_node_cache_hits").functionCounter().count()).isEqualTo(2);
            assertThat(s.usage().utilization()).isEqualTo(6.0 * c.spec.shardLength() / 1_000_000);
            s.delete(c.cid);
            assertThat(s.maintenance().cacheCounters().weightBytes()).isZero();
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void regionOutlivesDeleteOfItsChunk() throws Exception {
        try (ShardStore s = builder(tmp.resolve("s")).build()) {
            Chunk c = chunk(10_000, 4, 2);
            s.putChunk(c.cid, c.shards, c.spec);
            try (ShardRegion r = s.openRegion(c.cid, 2)) {
                s.delete(c.cid);
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                r.transferTo(java.nio.channels.Channels.newChannel(out));
                assertThat(out.toByteArray()).isEqualTo(c.shards[2]);
                assertThat(r.fileChannel()).isPresent();
            }
        }
    }

    /** A write failing in the middle of an overlapped put (data shard, parity shard, manifest) leaves nothing. */
    @Test
    void encodeAndPutFailingMidWriteLeavesNothing() throws IOException {
        Path root = tmp.resolve("s");
        java.util.concurrent.atomic.AtomicReference<String> failOn = new java.util.concurrent.atomic.AtomicReference<>("");
        WriteHook hook = (file, pos, len) -> {
            if (file.getFileName().toString().equals(failOn.get())) {
                throw new IOException("No space left on device");
            }
        };
        Random r = new Random(7);
        try (ShardStore s = builder(root).writeHook(hook).build()) {
            for (String name : new String[] {"shard_00.bin", "shard_09.bin", "shard_10.bin", "shard_13.bin",
                StoreLayout.MANIFEST}) {
                failOn.set(name);
                byte[] data = new byte[2_000_003];
                r.nextBytes(data);
                Cid cid = Cid.ofRaw(data);
                assertThatThrownBy(() -> s.encodeAndPut(cid, data, ChunkSpec.rs10x4(data.length, "", 9)))
                        .as(name).isInstanceOf(StorageFullException.class);
                assertThat(s.contains(cid)).isFalse();
                assertThat(s.usage().bytesStored()).isZero();
                assertThat(countFiles(root.resolve(StoreLayout.STAGING))).isZero();
            }
            failOn.set("");
            byte[] data = new byte[2_000_003];
            r.nextBytes(data);
            s.encodeAndPut(Cid.ofRaw(data), data, ChunkSpec.rs10x4(data.length, "", 9));
            byte[][] expected = ErasureCodec.reedSolomon(10, 4).encode(data);
            for (int i = 0; i < 14; i++) {
                assertThat(s.readShard(Cid.ofRaw(data), i)).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void concurrentPutsAreGroupCommitted() throws Exception {
        AtomicLong journalWrites = new AtomicLong();
        AtomicBoolean count = new AtomicBoolean(true);
        WriteHook hook = (file, pos, len) -> {
            if (count.get() && file.getFileName().toString().startsWith("journal-")) {
                journalWrites.incrementAndGet();
            }
        };
        try (ShardStore s = builder(tmp.resolve("s")).durability(ShardStoreBuilder.Durability.FSYNC).writeHook(hook)
                .build()) {
            var pool = Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                List<Chunk> mine = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    mine.add(chunk(2000, 4, 2));
                }
                fs.add(pool.submit(() -> {
                    for (Chunk c : mine) {
                        s.putChunk(c.cid, c.shards, c.spec);
                    }
                    return null;
                }));
            }
            for (var f : fs) {
                f.get();
            }
            pool.shutdown();
            assertThat(s.usage().chunkCount()).isEqualTo(80);
        }
        // one journal write (and force) per batch, not per put
        assertThat(journalWrites.get()).isLessThanOrEqualTo(80);
        System.out.println("group commit: 80 puts in " + journalWrites.get() + " journal writes");
    }
}
