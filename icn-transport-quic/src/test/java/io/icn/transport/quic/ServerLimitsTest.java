package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.erasure.ErasureCodec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServerLimitsTest {

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void excessConcurrentRequestsGetBusyAndTheRestComplete() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(10);
        Fixtures.storeChunk(store, cid, 10, 3_000_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient client = null;
        try {
            // 2 admitted at a time; 2 MB/s per client keeps each 300 KB shard in flight ~150 ms.
            // Reads of 64 KiB, as the burst: every shard needs several reads, all but the first paid for by waiting.
            server = Fixtures.server(store).maxConcurrentRequests(2).perClientBandwidth(16_000_000, 64 * 1024)
                    .chunkSize(64 * 1024).meterRegistry(registry).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            InetSocketAddress node = server.localAddress();
            List<CompletableFuture<ShardData>> fetches = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                fetches.add(client.fetchShard(node, cid, i));
            }
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<ShardData> f : fetches) {
                try {
                    assertThat(f.get(60, TimeUnit.SECONDS).verified()).isTrue();
                    ok++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ServerBusyException.class);
                    assertThat(((ServerBusyException) e.getCause()).retryAfter()).isPositive();
                    busy++;
                }
            }
            assertThat(ok).isGreaterThanOrEqualTo(2);
            assertThat(busy).isPositive();
            assertThat(ok + busy).isEqualTo(10);
            assertThat(registry.get("icn.transport.requests.refused").tag("reason", "concurrency").counter().count())
                    .isEqualTo(busy);
            assertThat(registry.get("icn.transport.throttle.waits").counter().count()).isPositive();
            assertThat(registry.get("icn.transport.bytes.served").counter().count()).isEqualTo(ok * 300_000.0);
            assertThat(registry.get("icn.transport.ttfb").timer().count()).isEqualTo(ok);
            waitUntilIdle(server);
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
        assertThat(registry.find("icn.transport.ttfb").timer()).as("meters removed on close").isNull();
    }

    /** A drain lets an admitted transfer stream to its end, answers new requests BUSY, and is bounded. */
    @Test
    void drainFinishesAdmittedTransfersAndRefusesNewOnes() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(14);
        byte[] chunk = Fixtures.storeChunk(store, cid, 14, 4_000_000);
        byte[][] shards = ErasureCodec.reedSolomon(10, 4).encode(chunk);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient client = null;
        try {
            // 2 MB/s per client: a 400 KB shard takes about 200 ms, long enough to be caught in flight.
            server = Fixtures.server(store).perClientBandwidth(16_000_000, 64 * 1024).chunkSize(64 * 1024)
                    .meterRegistry(registry).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            InetSocketAddress node = server.localAddress();
            CompletableFuture<ShardData> inFlight = client.fetchShard(node, cid, 3);
            awaitAdmitted(server);
            assertThat(inFlight).as("the transfer is still under way").isNotDone();

            ShardServer draining = server;
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> draining.drain(Duration.ofSeconds(20)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.get("icn.transport.requests.refused").tag("reason", "draining").counter().count() == 0
                    && System.nanoTime() < deadline) {
                try {
                    client.fetchShard(node, cid, 5).get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ServerBusyException.class)
                            .hasMessageContaining("shutting down");
                }
            }
            assertThat(drained.get(20, TimeUnit.SECONDS)).as("drained within the bound").isTrue();
            assertThat(inFlight.get(1, TimeUnit.SECONDS).bytes()).as("the admitted transfer finished whole")
                    .isEqualTo(shards[3]);
            assertThat(server.activeRequests()).isZero();

            CompletableFuture<ShardData> late = client.fetchShard(node, cid, 4);
            assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ServerBusyException.class);
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    /**
     * A node that closes while a transfer is still under way (a drain that ran out of time) tells its clients why in
     * its CONNECTION_CLOSE, and the transfer fails at once with that reason rather than as a truncated stream.
     */
    @Test
    void closingTheServerMidTransferFailsItWithTheShutdownReason() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(17);
        Fixtures.storeChunk(store, cid, 17, 4_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            // 2 MB/s per client: a 400 KB shard takes about 200 ms, long enough to be cut in flight.
            server = Fixtures.server(store).perClientBandwidth(16_000_000, 64 * 1024).chunkSize(64 * 1024).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            CompletableFuture<ShardData> inFlight = client.fetchShard(server.localAddress(), cid, 3);
            awaitAdmitted(server);
            server.close();
            assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(ConnectionFailedException.class).hasMessageContaining("shutting down");
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    /** A request waiting to retry after BUSY (here: from a draining node) fails at once when its client closes. */
    @Test
    void closingTheClientFailsARequestWaitingToRetry() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(16);
        Fixtures.storeChunk(store, cid, 16, 100_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).busyRetryAfter(Duration.ofSeconds(30)).meterRegistry(registry).start();
            assertThat(server.drain(Duration.ofSeconds(1))).isTrue();
            client = Fixtures.client(server).maxAttempts(3).build();
            CompletableFuture<ShardData> waiting = client.fetchShard(server.localAddress(), cid, 0);
            CompletableFuture<byte[]> chunk = client.fetchChunk(List.of(server.localAddress()), cid);
            // Both answered BUSY (the chunk's manifest request too): each now waits 30 s to retry.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.get("icn.transport.requests.refused").tag("reason", "draining").counter().count() < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            client.close();
            assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TransportClosedException.class);
            assertThatThrownBy(() -> chunk.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ChunkUnavailableException.class);
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    @Test
    void drainGivesUpAtItsTimeout() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(15);
        Fixtures.storeChunk(store, cid, 15, 4_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            // 400 kbit/s: the 400 KB shard needs about 8 s, the drain allows 100 ms.
            server = Fixtures.server(store).perClientBandwidth(400_000, 64 * 1024).chunkSize(64 * 1024).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            CompletableFuture<ShardData> slow = client.fetchShard(server.localAddress(), cid, 0);
            awaitAdmitted(server);
            assertThat(server.drain(Duration.ofMillis(100))).isFalse();
            assertThat(slow).as("the drain returned while the transfer still ran").isNotDone();
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    /** 300 concurrent 64 KiB ranges from 30 connections against 64 permits: each completes or gets BUSY. */
    @Test
    void manyConcurrentStreamsCompleteOrGetBusyAndNoneHang() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(12);
        Fixtures.storeChunk(store, cid, 12, 10_000_000);
        ShardServer server = null;
        List<ShardClient> clients = new ArrayList<>();
        try {
            server = Fixtures.server(store).maxConcurrentRequests(64).perClientRequestRate(10_000, 10_000).start();
            InetSocketAddress node = server.localAddress();
            List<CompletableFuture<ShardData>> fetches = new ArrayList<>();
            for (int c = 0; c < 30; c++) {
                ShardClient client = Fixtures.client(server).maxAttempts(1).build();
                clients.add(client);
                for (int s = 0; s < 10; s++) {
                    fetches.add(client.fetchRange(node, cid, (c + s) % 14, s * 65_536L, 65_536));
                }
            }
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<ShardData> f : fetches) {
                try {
                    assertThat(f.get(60, TimeUnit.SECONDS).bytes()).hasSize(65_536);
                    ok++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ServerBusyException.class);
                    busy++;
                }
            }
            assertThat(ok + busy).isEqualTo(300);
            assertThat(ok).isGreaterThanOrEqualTo(64);
            waitUntilIdle(server);
        } finally {
            clients.forEach(ShardClient::close);
            ShardTransferTest.close(null, server);
            store.close();
        }
    }

    @Test
    void slowRequestHeaderGetsTimeoutStatus() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        ShardServer server = null;
        RawQuicClient raw = null;
        try {
            server = Fixtures.server(store).requestHeaderTimeout(Duration.ofMillis(300)).start();
            raw = new RawQuicClient(server.localAddress());
            byte[] response = raw.exchange(new byte[] {1, 1}, false).get(10, TimeUnit.SECONDS);
            assertThat(response.length).isGreaterThanOrEqualTo(Protocol.HEADER_LENGTH);
            assertThat(response[1]).isEqualTo((byte) Status.TIMEOUT.code());
            waitUntilIdle(server);
        } finally {
            if (raw != null) {
                raw.close();
            }
            ShardTransferTest.close(null, server);
            store.close();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        ShardServer server = null;
        ShardClient first = null;
        ShardClient second = null;
        try {
            server = Fixtures.server(store).maxConnections(1).start();
            first = Fixtures.client(server).maxAttempts(1).build();
            second = Fixtures.client(server).maxAttempts(1).build();
            InetSocketAddress node = server.localAddress();
            assertThat(first.has(node, Fixtures.cid(1)).get(10, TimeUnit.SECONDS)).isEmpty();
            ShardClient s = second;
            assertThatThrownBy(() -> s.has(node, Fixtures.cid(1)).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ConnectionFailedException.class);
            assertThat(first.has(node, Fixtures.cid(1)).get(10, TimeUnit.SECONDS)).isEmpty();
        } finally {
            if (second != null) {
                second.close();
            }
            ShardTransferTest.close(first, server);
            store.close();
        }
    }

    @Test
    void perClientRequestRateAnswersBusy() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).perClientRequestRate(1, 3).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            InetSocketAddress node = server.localAddress();
            int busy = 0;
            for (int i = 0; i < 6; i++) {
                try {
                    client.has(node, Fixtures.cid(1)).join();
                } catch (CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(ServerBusyException.class);
                    busy++;
                }
            }
            assertThat(busy).isGreaterThanOrEqualTo(2);
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    /**
     * 2,000 random and mutated frames on real QUIC streams over 4 connections (two of them with an ingest
     * client's certificate; PUT frames followed by random bodies): every stream ends (with a status or a closed
     * stream), the server keeps serving, and no request stays admitted.
     */
    @Test
    void survivesFuzzedStreams() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ServerLimitsTest.fuzz seed=" + seed);
        Random random = new Random(seed);
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(11);
        Fixtures.storeChunk(store, cid, 11, 200_000);
        ShardServer server = null;
        List<RawQuicClient> raws = new ArrayList<>();
        ShardClient client = null;
        try {
            NodeCertificate director = NodeCertificate.selfSigned("director", new java.security.SecureRandom());
            server = Fixtures.server(store).perClientRequestRate(100_000, 100_000)
                    .requestHeaderTimeout(Duration.ofMillis(500)).requestDeadline(Duration.ofSeconds(2))
                    .chunkSink(new StoreSink(store)).ingestClients(java.util.Set.of(director.sha256Fingerprint()))
                    .start();
            for (int i = 0; i < 4; i++) {
                raws.add(new RawQuicClient(server.localAddress(), i % 2 == 0 ? director : null));
            }
            ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, new Request.Get(cid, 2, true, 7, 1000, null));
            byte[] get = new byte[frame.readableBytes()];
            frame.readBytes(get);
            frame.release();
            byte[] putBody = Fixtures.randomBytes(12, 3000);
            byte[] put = PutOverQuicTest.putFrame(io.icn.storage.Cid.ofRaw(putBody), putBody.length);
            for (int batch = 0; batch < 20; batch++) {
                List<CompletableFuture<byte[]>> responses = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    byte[] input = random.nextBoolean() ? mutate(random, get) : withBody(random, mutate(random, put), putBody);
                    // A stream that never carries a byte or a FIN does not exist for the server: always send one.
                    boolean finish = input.length == 0 || random.nextInt(10) != 0;
                    responses.add(raws.get(i % raws.size()).exchange(input, finish));
                }
                for (CompletableFuture<byte[]> r : responses) {
                    r.get(30, TimeUnit.SECONDS);
                }
            }
            client = Fixtures.client(server).build();
            ShardData data = client.fetchShard(server.localAddress(), cid, 2).get(30, TimeUnit.SECONDS);
            assertThat(data.bytes()).isEqualTo(store.readShard(cid, 2));
            waitUntilIdle(server);
        } finally {
            for (RawQuicClient r : raws) {
                r.close();
            }
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    /** A PUT frame followed by all, part or more of its body, or by random bytes. */
    private static byte[] withBody(Random random, byte[] frame, byte[] body) {
        byte[] tail = switch (random.nextInt(4)) {
            case 0 -> body;
            case 1 -> java.util.Arrays.copyOf(body, random.nextInt(body.length));
            case 2 -> java.util.Arrays.copyOf(body, body.length + 1 + random.nextInt(100));
            default -> Fixtures.randomBytes(random.nextLong(), random.nextInt(4000));
        };
        byte[] out = java.util.Arrays.copyOf(frame, frame.length + tail.length);
        System.arraycopy(tail, 0, out, frame.length, tail.length);
        return out;
    }

    private static byte[] mutate(Random random, byte[] valid) {
        byte[] c;
        switch (random.nextInt(4)) {
            case 0 -> {
                c = new byte[random.nextInt(400)];
                random.nextBytes(c);
            }
            case 1 -> {
                c = valid.clone();
                c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
            }
            case 2 -> c = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            default -> c = valid.clone();
        }
        return c;
    }

    /** Waits (10 s at most) until the server has admitted a request. */
    private static void awaitAdmitted(ShardServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.activeRequests() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(server.activeRequests()).as("requests admitted").isPositive();
    }

    static void waitUntilIdle(ShardServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.activeRequests() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.activeRequests()).as("requests still admitted").isZero();
    }
}
