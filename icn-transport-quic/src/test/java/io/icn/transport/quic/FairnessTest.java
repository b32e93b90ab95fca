package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One greedy client cannot starve another: while it streams 28 large shards at once, held to its bandwidth
 * budget (paused, never refused), a second client's small ranges are answered promptly.
 *
 * <p>The bounds are deliberately loose for shared CI machines: the greedy client needs at least ~4.7 s by
 * construction (its token bucket), each small range is expected in tens of milliseconds and allowed 1 s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FairnessTest {

    private static final long GREEDY_BITS_PER_SECOND = 32_000_000; // 4 MB/s per client
    private static final long BURST_BYTES = 256 * 1024;
    private static final int SHARD_BYTES = 700_000;
    private static final int GREEDY_STREAMS = 28;
    private static final long SMALL_RANGE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void greedyClientIsPausedWhileAnotherClientsSmallRangesStayFast() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(50);
        Fixtures.storeChunk(store, cid, 50, SHARD_BYTES * 10);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient greedy = null;
        ShardClient modest = null;
        try {
            // PeerKey.IP_AND_PORT (Fixtures): the two clients on 127.0.0.1 are two clients with a budget each.
            server = Fixtures.server(store).perClientBandwidth(GREEDY_BITS_PER_SECOND, BURST_BYTES)
                    .meterRegistry(registry).start();
            InetSocketAddress node = server.localAddress();
            greedy = Fixtures.client(server).maxAttempts(1).build();
            modest = Fixtures.client(server).maxAttempts(1).build();
            // Warm both connections so that only requests are timed below.
            greedy.has(node, cid).get(30, TimeUnit.SECONDS);
            modest.has(node, cid).get(30, TimeUnit.SECONDS);

            long greedyStart = System.nanoTime();
            List<CompletableFuture<ShardData>> hog = new ArrayList<>();
            for (int i = 0; i < GREEDY_STREAMS; i++) {
                hog.add(greedy.fetchShard(node, cid, i % 14));
            }
            awaitThrottled(server, registry);

            long[] latency = new long[3];
            for (int i = 0; i < latency.length; i++) {
                long start = System.nanoTime();
                ShardData range = modest.fetchRange(node, cid, i, 100_000L * i, 16_384).get(30, TimeUnit.SECONDS);
                latency[i] = System.nanoTime() - start;
                assertThat(range.bytes()).isEqualTo(Arrays.copyOfRange(store.readShard(cid, i), 100_000 * i,
                        100_000 * i + 16_384));
            }
            long greedyUnfinished = hog.stream().filter(f -> !f.isDone()).count();

            System.out.printf("FairnessTest small-range latencies ms: %s, greedy unfinished %d/%d%n",
                    Arrays.toString(Arrays.stream(latency).map(n -> n / 1_000_000).toArray()), greedyUnfinished,
                    GREEDY_STREAMS);
            assertThat(Arrays.stream(latency).max().orElseThrow())
                    .as("slowest small range (an upper bound of its time to first byte)")
                    .isLessThan(SMALL_RANGE_LIMIT_NANOS);
            assertThat(greedyUnfinished).as("the small ranges were served while the greedy client was streaming")
                    .isPositive();

            for (int i = 0; i < GREEDY_STREAMS; i++) {
                ShardData shard = hog.get(i).get(45, TimeUnit.SECONDS);
                assertThat(shard.verified()).as("greedy shard %d", i).isTrue();
            }
            double greedySeconds = (System.nanoTime() - greedyStart) / 1e9;
            double budgetSeconds = (GREEDY_STREAMS * (double) SHARD_BYTES - BURST_BYTES)
                    / (GREEDY_BITS_PER_SECOND / 8.0);
            assertThat(greedySeconds).as("the greedy client was held to its bandwidth budget")
                    .isGreaterThan(0.9 * budgetSeconds);
            double refused = registry.find("icn.transport.requests.refused").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertThat(refused).as("the greedy client was paused, not refused").isZero();
            assertThat(registry.get("icn.transport.throttle.waits").counter().count()).isPositive();
            ServerLimitsTest.waitUntilIdle(server);
        } finally {
            if (modest != null) {
                modest.close();
            }
            ShardTransferTest.close(greedy, server);
            store.close();
        }
    }

    /** Waits until the greedy client has its streams admitted and at least one paused by its budget. */
    private static void awaitThrottled(ShardServer server, SimpleMeterRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (server.activeRequests() >= GREEDY_STREAMS
                    && registry.get("icn.transport.streams.throttled").gauge().value() > 0) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("greedy client never saturated its budget: " + server.activeRequests()
                + " active requests");
    }
}
