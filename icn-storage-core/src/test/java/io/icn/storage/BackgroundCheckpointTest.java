package io.icn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.erasure.ErasureCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints off the writer thread: puts go on while a checkpoint is written; a failed checkpoint is reported
 * (health, metric) and retried, and the journals it would cover stay until one is durable, so a reopen loses nothing.
 */
@Timeout(120)
class BackgroundCheckpointTest {

    @TempDir
    Path tmp;
    final Random rnd = new Random(17);

    record Chunk(Cid cid, byte[][] shards, ChunkSpec spec) {
    }

    Chunk chunk() {
        byte[] data = new byte[3000];
        rnd.nextBytes(data);
        return new Chunk(Cid.ofRaw(data), ErasureCodec.reedSolomon(10, 4).encode(data),
                new ChunkSpec(data.length, 10, 4, "d", 5));
    }

    static boolean isCheckpoint(Path file) {
        return file.getFileName().toString().startsWith("checkpoint-");
    }

    static List<String> indexFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve(StoreLayout.INDEX))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void putsCompleteWhileACheckpointIsBeingWritten() throws Exception {
        Path root = tmp.resolve("s");
        CountDownLatch checkpointStarted = new CountDownLatch(1);
        CountDownLatch releaseCheckpoint = new CountDownLatch(1);
        WriteHook hook = (file, pos, len) -> {
            if (isCheckpoint(file)) {
                checkpointStarted.countDown();
                try {
                    releaseCheckpoint.await();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
        };
        List<Chunk> chunks = new ArrayList<>();
        try (ShardStore s = ShardStore.builder(root).durability(ShardStoreBuilder.Durability.NO_FSYNC)
                .checkpointJournalBytes(5_000).writeHook(hook).build()) {
            while (checkpointStarted.getCount() > 0) {
                Chunk c = chunk();
                s.putChunk(c.cid, c.shards, c.spec);
                chunks.add(c);
            }
            // the checkpoint is held inside its first write: the writer must go on committing without it
            for (int i = 0; i < 20; i++) {
                Chunk c = chunk();
                s.putChunk(c.cid, c.shards, c.spec);
                chunks.add(c);
                assertThat(s.delete(chunks.remove(0).cid)).isTrue();
            }
            assertThat(indexFiles(root)).as("journals kept while their checkpoint is not durable")
                    .filteredOn(n -> n.startsWith("journal-")).hasSizeGreaterThanOrEqualTo(2);
            releaseCheckpoint.countDown();
            await(() -> s.maintenance().health().lastCheckpoint().isPresent(), "the checkpoint is durable");
            assertThat(s.maintenance().health().healthy()).isTrue();
        }
        try (ShardStore s = ShardStore.open(root)) {
            assertThat(s.list()).containsExactlyInAnyOrderElementsOf(chunks.stream().map(Chunk::cid).toList());
        }
    }

    @Test
    void aFailedCheckpointIsReportedRetriedAndTheJournalKeptUntilOneIsDurable() throws Exception {
        Path root = tmp.resolve("s");
        AtomicBoolean diskFull = new AtomicBoolean(true);
        WriteHook hook = (file, pos, len) -> {
            if (isCheckpoint(file) && diskFull.get()) {
                throw new IOException("No space left on device");
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Chunk> chunks = new ArrayList<>();
        try (ShardStore s = ShardStore.builder(root).durability(ShardStoreBuilder.Durability.FSYNC)
                .checkpointJournalBytes(5_000).writeHook(hook).meterRegistry(registry).build()) {
            for (int i = 0; i < 12; i++) {
                Chunk c = chunk();
                s.putChunk(c.cid, c.shards, c.spec);
                chunks.add(c);
            }
            await(() -> s.maintenance().health().checkpointFailures() >= 2, "the checkpoint failed and was retried");
            StoreHealth h = s.maintenance().health();
            assertThat(h.healthy()).isFalse();
            assertThat(h.writeFault()).isEmpty();
            assertThat(h.checkpointFault()).hasValueSatisfying(f -> assertThat(f).contains("No space left on device"));
            assertThat(registry.get("icn_super_node_checkpoint_failures").counter().count()).isGreaterThanOrEqualTo(2);
            assertThat(indexFiles(root)).as("no checkpoint, every journal kept")
                    .noneMatch(n -> n.startsWith("checkpoint-") && n.endsWith(".bin"))
                    .filteredOn(n -> n.startsWith("journal-")).hasSizeGreaterThanOrEqualTo(2);
            Chunk more = chunk(); // writes go on meanwhile
            s.putChunk(more.cid, more.shards, more.spec);
            chunks.add(more);

            diskFull.set(false);
            await(() -> s.maintenance().health().checkpointFault().isEmpty(), "a retry succeeded");
            assertThat(s.maintenance().health().lastCheckpoint()).isPresent();
            assertThat(registry.get("icn_super_node_checkpoints").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(indexFiles(root).stream().filter(n -> n.startsWith("checkpoint-")).count())
                    .as("the covered checkpoints are deleted").isEqualTo(1);
        }
        try (ShardStore s = ShardStore.open(root)) {
            assertThat(s.list()).containsExactlyInAnyOrderElementsOf(chunks.stream().map(Chunk::cid).toList());
        }
    }

    @Test
    void aStoreWhoseCheckpointsAllFailLosesNothingOnReopen() throws Exception {
        Path root = tmp.resolve("s");
        WriteHook hook = (file, pos, len) -> {
            if (isCheckpoint(file)) {
                throw new IOException("No space left on device");
            }
        };
        List<Chunk> chunks = new ArrayList<>();
        ShardStore s = ShardStore.builder(root).durability(ShardStoreBuilder.Durability.NO_FSYNC)
                .checkpointJournalBytes(3_000).writeHook(hook).build();
        for (int i = 0; i < 30; i++) {
            Chunk c = chunk();
            s.putChunk(c.cid, c.shards, c.spec);
            chunks.add(c);
            if (i % 3 == 0) {
                s.setExpiry(c.cid, 77);
            }
        }
        assertThat(s.delete(chunks.remove(4).cid)).isTrue();
        assertThatThrownBy(s::close).isInstanceOf(StorageException.class).hasMessageContaining("No space left");
        try (ShardStore reopened = ShardStore.open(root)) {
            assertThat(reopened.list()).containsExactlyInAnyOrderElementsOf(chunks.stream().map(Chunk::cid).toList());
            for (int i = 0; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                assertThat(reopened.readShard(c.cid, 13)).isEqualTo(c.shards[13]);
            }
            assertThat(reopened.meta(chunks.get(0).cid).orElseThrow().spec().expiryBlock()).isEqualTo(77);
            assertThat(reopened.maintenance().health().healthy()).isTrue();
        }
        assertThat(indexFiles(root)).as("the clean close after the reopen checkpoints everything")
                .filteredOn(n -> n.startsWith("journal-")).hasSize(1);
    }
}
