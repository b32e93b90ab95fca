package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node-wide egress limit is shared fairly and work-conserving, judged by byte counters, never by how fast
 * anything ran: a lone client gets all of the limit (more than the fair share of two in the same window); a
 * greedy client with many streams gets no more of it than a client with one stream.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FairShareTest {

    /**
     * 2 Mbit/s = 250 kB/s: far below what a test JVM on a machine at a load average of 20 moves (0.4-0.6 MB/s with
     * Netty's paranoid leak detection, measured), so the limit, not the CPU, sets the pace. Reads and burst of 64
     * KiB.
     */
    private static final long EGRESS_BITS = 2_000_000;
    private static final long BURST = 64 * 1024;
    private static final int READ = 64 * 1024;
    /** Shards of 280,000 bytes: chunks of 2.8 MB in RS(10,4). */
    private static final int CHUNK_BYTES = 2_800_000;
    private static final int SHARD_BYTES = CHUNK_BYTES / 10;

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void aLoneClientGetsTheWholeEgressLimitNotAShareOfIt() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(61);
        Fixtures.storeChunk(store, cid, 61, CHUNK_BYTES);
        SimpleMeterRegistry limitedRegistry = new SimpleMeterRegistry();
        SimpleMeterRegistry cappedRegistry = new SimpleMeterRegistry();
        ShardServer limited = null;
        ShardServer capped = null;
        ShardClient lone = null;
        ShardClient reference = null;
        try {
            // The node-wide limit only, and beside it a node that holds every client to half of it: the fair
            // share of two clients, which is what a fixed per-client cap would give a lone client.
            limited = Fixtures.server(store).maxEgress(EGRESS_BITS).perClientBandwidth(0, BURST).chunkSize(READ)
                    .meterRegistry(limitedRegistry).start();
            capped = Fixtures.server(store).perClientBandwidth(EGRESS_BITS / 2, BURST).chunkSize(READ)
                    .meterRegistry(cappedRegistry).start();
            lone = Fixtures.client(limited).build();
            reference = Fixtures.client(capped).build();
            lone.has(limited.localAddress(), cid).get(30, TimeUnit.SECONDS);
            reference.has(capped.localAddress(), cid).get(30, TimeUnit.SECONDS);

            long start = System.nanoTime();
            int shards = 4; // 1.12 MB: about 4.2 s at the whole limit, 8.5 s at half of it
            List<CompletableFuture<ShardData>> loneFetches = new ArrayList<>();
            List<CompletableFuture<ShardData>> referenceFetches = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                loneFetches.add(lone.fetchShard(limited.localAddress(), cid, i));
                referenceFetches.add(reference.fetchShard(capped.localAddress(), cid, i));
            }
            CompletableFuture.allOf(loneFetches.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            double referenceBytes = served(cappedRegistry);
            double loneBytes = served(limitedRegistry);
            System.out.printf("FairShareTest lone client %.0f bytes in %.2f s; in the same window, at a fair share:"
                    + " %.0f%n", loneBytes, (System.nanoTime() - start) / 1e9, referenceBytes);
            assertThat(loneBytes).isEqualTo((double) shards * SHARD_BYTES);
            assertThat(referenceBytes).as("bytes a client held to the fair share of two got in the same window")
                    .isLessThan(loneBytes);
            assertThat(limitedRegistry.get("icn.transport.throttle.waits").counter().count())
                    .as("the egress limit paced the lone client").isPositive();
            for (CompletableFuture<ShardData> f : referenceFetches) {
                assertThat(f.get(60, TimeUnit.SECONDS).verified()).isTrue();
            }
        } finally {
            if (reference != null) {
                reference.close();
            }
            if (capped != null) {
                capped.close();
            }
            ShardTransferTest.close(lone, limited);
            store.close();
        }
    }

    @Test
    void aClientWithManyStreamsGetsNoMoreOfTheLimitThanAClientWithOne() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(62);
        Fixtures.storeChunk(store, cid, 62, CHUNK_BYTES);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient greedy = null;
        ShardClient modest = null;
        try {
            server = Fixtures.server(store).maxEgress(EGRESS_BITS).perClientBandwidth(0, BURST).chunkSize(READ)
                    .meterRegistry(registry).start();
            InetSocketAddress node = server.localAddress();
            greedy = Fixtures.client(server).maxAttempts(1).build();
            modest = Fixtures.client(server).maxAttempts(1).build();
            greedy.has(node, cid).get(30, TimeUnit.SECONDS);
            modest.has(node, cid).get(30, TimeUnit.SECONDS);

            List<CompletableFuture<ShardData>> hog = new ArrayList<>();
            for (int i = 0; i < 8; i++) { // 2.24 MB: 9 s at the whole limit
                hog.add(greedy.fetchShard(node, cid, i % 14));
            }
            awaitPaused(registry);
            double before = served(registry);
            ShardData shard = modest.fetchShard(node, cid, 3).get(60, TimeUnit.SECONDS);
            double greedyBytes = served(registry) - before - SHARD_BYTES;
            long unfinished = hog.stream().filter(f -> !f.isDone()).count();
            System.out.printf("FairShareTest while the modest client got %d bytes (1 stream) the greedy one got %.0f"
                    + " (8 streams); greedy unfinished %d%n", SHARD_BYTES, greedyBytes, unfinished);
            assertThat(shard.verified()).isTrue();
            assertThat(unfinished).as("the greedy client was still asking throughout").isPositive();
            // Served in the order the streams ask, the greedy client would get ~8x the modest one's bytes. Fair is
            // ~1x when the modest client's one stream is always back in its queue by its turn; on a loaded machine
            // its turnaround (read, write, QUIC's room for more) misses some turns, which go to the greedy client
            // rather than idle (measured 2.1x at a load average of 20).
            assertThat(greedyBytes).isLessThan(4.0 * SHARD_BYTES);
            for (CompletableFuture<ShardData> f : hog) {
                assertThat(f.get(60, TimeUnit.SECONDS).verified()).isTrue();
            }
        } finally {
            if (modest != null) {
                modest.close();
            }
            ShardTransferTest.close(greedy, server);
            store.close();
        }
    }

    private static double served(SimpleMeterRegistry registry) {
        return registry.get("icn.transport.bytes.served").counter().count();
    }

    private static void awaitPaused(SimpleMeterRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (registry.get("icn.transport.throttle.waits").counter().count() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the greedy client never reached the egress limit");
            }
            Thread.sleep(5);
        }
    }
}
