package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.StorageFullException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PUT over QUIC: a director with an allow-listed client certificate stores a chunk, which is then served back
 * as shards; every refusal (no or unknown certificate, wrong CID, oversized, truncated, overlong or stalled body,
 * exhausted memory budget, no sink, full store) gets its own status, and nothing is stored.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PutOverQuicTest {

    private static final NodeCertificate DIRECTOR = NodeCertificate.selfSigned("director", new SecureRandom());
    private static final NodeCertificate STRANGER = NodeCertificate.selfSigned("stranger", new SecureRandom());

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    /** A server with a {@link StoreSink} over an in-memory store, and its meters; closes all three. */
    private static final class IngestNode implements AutoCloseable {
        final InMemoryShardStore store = Fixtures.store();
        final StoreSink sink = new StoreSink(store);
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final ShardServer server;

        /** A node whose only ingest client is {@link #DIRECTOR}, configured further by {@code options}. */
        IngestNode(UnaryOperator<ShardServerBuilder> options) {
            server = options.apply(Fixtures.server(store).chunkSink(sink).ingestClients(Set.of(DIRECTOR.sha256Fingerprint()))
                    .meterRegistry(registry)).start();
        }

        InetSocketAddress address() {
            return server.localAddress();
        }

        /** A client of this node, with {@code certificate} or none. */
        ShardClientBuilder client(NodeCertificate certificate) {
            ShardClientBuilder b = Fixtures.client(server).maxAttempts(1);
            return certificate == null ? b : b.clientCertificate(certificate);
        }

        /** Waits until no request is admitted, then checks that every PUT gave its memory back. */
        void assertIdle() throws InterruptedException {
            ServerLimitsTest.waitUntilIdle(server);
            assertThat(((QuicShardServer) server).putBytesReserved()).as("PUT memory still reserved").isZero();
        }

        double refused(String reason) {
            return registry.get("icn.transport.requests.refused").tag("reason", reason).counter().count();
        }

        @Override
        public void close() {
            server.close();
            store.close();
        }
    }

    @Test
    void putsAChunkThenServesItsShardsAndTheChunkBack() throws Exception {
        try (IngestNode node = new IngestNode(b -> b);
                ShardClient director = node.client(DIRECTOR).build();
                ShardClient relay = node.client(null).build()) {
            byte[] chunk = Fixtures.randomBytes(1, 3_000_017);
            Cid cid = Cid.ofRaw(chunk);

            PutResult stored = director.putChunk(node.address(), chunk, 500).get(60, TimeUnit.SECONDS);
            assertThat(stored.cid()).isEqualTo(cid);
            assertThat(stored.alreadyStored()).isFalse();
            assertThat(stored.shardsStored()).isEqualTo(14);
            assertThat(stored.expiryBlock()).isEqualTo(1500);
            assertThat(stored.dealId()).isEqualTo("deal-" + DIRECTOR.sha256Fingerprint().substring(0, 8));

            // A relay without any client certificate reads it back.
            ShardData shard = relay.fetchShard(node.address(), cid, 10).get(30, TimeUnit.SECONDS);
            assertThat(shard.verified()).isTrue();
            assertThat(shard.bytes()).isEqualTo(node.store.readShard(cid, 10));
            assertThat(relay.fetchChunk(List.of(node.address()), cid).get(30, TimeUnit.SECONDS)).isEqualTo(chunk);

            PutResult again = director.putChunk(node.address(), chunk, 0).get(60, TimeUnit.SECONDS);
            assertThat(again.alreadyStored()).isTrue();
            assertThat(node.sink.calls()).isEqualTo(2);
            assertThat(node.registry.get("icn.transport.put.bytes").counter().count()).isEqualTo(2 * 3_000_017.0);
            assertThat(node.registry.get("icn.transport.put").timer().count()).isEqualTo(2);
            node.assertIdle();
        }
    }

    @Test
    void refusesClientsWithoutAnAllowListedCertificateAndStoresNothing() throws Exception {
        try (IngestNode node = new IngestNode(b -> b);
                ShardClient anonymous = node.client(null).build();
                ShardClient stranger = node.client(STRANGER).build()) {
            byte[] chunk = Fixtures.randomBytes(2, 2_000_000);
            assertThatThrownBy(() -> anonymous.putChunk(node.address(), chunk, 0).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("presented none");
            assertThatThrownBy(() -> stranger.putChunk(node.address(), chunk, 0).join())
                    .hasCauseInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining(STRANGER.sha256Fingerprint());
            // Both may still read.
            assertThat(anonymous.has(node.address(), Cid.ofRaw(chunk)).get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(stranger.has(node.address(), Cid.ofRaw(chunk)).get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(node.sink.calls()).isZero();
            assertThat(node.store.contains(Cid.ofRaw(chunk))).isFalse();
            assertThat(node.refused("unauthorized")).isEqualTo(2);
            node.assertIdle();
        }
    }

    @Test
    void withoutSinkOrIngestClientsNobodyMayPut() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        byte[] chunk = Fixtures.randomBytes(3, 10_000);
        try (ShardServer bare = Fixtures.server(store).start();
                ShardServer noClients = Fixtures.server(store).chunkSink(new StoreSink(store)).start();
                ShardClient toBare = Fixtures.client(bare).clientCertificate(DIRECTOR).maxAttempts(1).build();
                ShardClient toNoClients = Fixtures.client(noClients).clientCertificate(DIRECTOR).maxAttempts(1).build()) {
            assertThatThrownBy(() -> toBare.putChunk(bare.localAddress(), chunk, 0).join())
                    .hasCauseInstanceOf(UnsupportedRequestException.class)
                    .hasMessageContaining("this node accepts no PUT");
            assertThatThrownBy(() -> toNoClients.putChunk(noClients.localAddress(), chunk, 0).join())
                    .hasCauseInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("list of ingest clients is empty");
            assertThat(store.contains(Cid.ofRaw(chunk))).isFalse();
        } finally {
            store.close();
        }
    }

    @Test
    void refusesAChunkThatDoesNotHashToItsCidOrExceedsTheLimit() throws Exception {
        try (IngestNode node = new IngestNode(b -> b.maxPutBytes(1 << 20));
                QuicShardClient client = (QuicShardClient) node.client(DIRECTOR).build()) {
            byte[] chunk = Fixtures.randomBytes(4, 600_000);
            Cid other = Cid.ofRaw(Fixtures.randomBytes(5, 600_000));
            assertThatThrownBy(() -> client.putChunk(node.address(), other, chunk, 0).join())
                    .hasCauseInstanceOf(ContentMismatchException.class).hasMessageContaining(other.toString());
            byte[] big = Fixtures.randomBytes(6, (1 << 20) + 1);
            assertThatThrownBy(() -> client.putChunk(node.address(), big, 0).join())
                    .hasCauseInstanceOf(PayloadTooLargeException.class).hasMessageContaining("1048577");
            assertThat(node.sink.calls()).isZero();
            assertThat(node.store.contains(other)).isFalse();
            assertThat(node.store.contains(Cid.ofRaw(chunk))).isFalse();
            assertThat(node.refused("content_mismatch")).isEqualTo(1);
            assertThat(node.refused("payload_too_large")).isEqualTo(1);
            // The connection survives both refusals.
            assertThat(client.putChunk(node.address(), chunk, 0).get(30, TimeUnit.SECONDS).shardsStored()).isEqualTo(14);
            node.assertIdle();
        }
    }

    @Test
    void truncatedOverlongAndStalledBodiesGetTheirStatusAndStoreNothing() throws Exception {
        try (IngestNode node = new IngestNode(b -> b.requestDeadline(Duration.ofMillis(700)));
                RawQuicClient raw = new RawQuicClient(node.address(), DIRECTOR)) {
            byte[] chunk = Fixtures.randomBytes(7, 100_000);
            byte[] frame = putFrame(Cid.ofRaw(chunk), chunk.length);

            byte[] truncated = raw.exchange(concat(frame, Arrays.copyOf(chunk, 60_000)), true).get(10, TimeUnit.SECONDS);
            assertStatus(truncated, Status.BAD_REQUEST, "60000 of the announced 100000");

            byte[] overlong = raw.exchange(concat(frame, chunk, new byte[10]), true).get(10, TimeUnit.SECONDS);
            assertStatus(overlong, Status.BAD_REQUEST, "more than the announced 100000");

            byte[] stalled = raw.exchange(concat(frame, Arrays.copyOf(chunk, 1000)), false).get(10, TimeUnit.SECONDS);
            assertStatus(stalled, Status.TIMEOUT, "only 1000 of the announced 100000");

            byte[] headerOnly = raw.exchange(frame, false).get(10, TimeUnit.SECONDS);
            assertStatus(headerOnly, Status.TIMEOUT, "only 0 of the announced 100000");

            assertThat(node.sink.calls()).isZero();
            assertThat(node.store.contains(Cid.ofRaw(chunk))).isFalse();
            assertThat(node.refused("bad_request")).isEqualTo(2);
            assertThat(node.refused("deadline")).isEqualTo(2);

            // The whole chunk, then FIN, on the same connection: stored.
            byte[] ok = raw.exchange(concat(frame, chunk), true).get(10, TimeUnit.SECONDS);
            assertThat(ok[1]).isEqualTo((byte) Status.OK.code());
            assertThat(node.store.contains(Cid.ofRaw(chunk))).isTrue();
            node.assertIdle();
        }
    }

    @Test
    void putsBeyondTheMemoryBudgetGetBusyAndTheOthersComplete() throws Exception {
        // Room for two 1 MiB chunks; the sink holds its answers, so admitted PUTs keep their memory.
        try (IngestNode node = new IngestNode(b -> b.maxPutBytes(1 << 20).maxConcurrentPutBytes(2 << 20));
                ShardClient client = node.client(DIRECTOR).build()) {
            node.sink.holdAnswers();
            List<CompletableFuture<PutResult>> puts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                puts.add(client.putChunk(node.address(), Fixtures.randomBytes(100 + i, 1 << 20), 0));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (puts.stream().filter(CompletableFuture::isDone).count() < 3 || node.sink.calls() < 2) {
                assertThat(System.nanoTime()).as("three PUTs refused, two handed to the sink").isLessThan(deadline);
                Thread.sleep(20);
            }
            node.sink.release();
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<PutResult> put : puts) {
                try {
                    assertThat(put.get(30, TimeUnit.SECONDS).shardsStored()).isEqualTo(14);
                    ok++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ServerBusyException.class)
                            .hasMessageContaining("memory for PUT bodies");
                    busy++;
                }
            }
            assertThat(ok).isEqualTo(2);
            assertThat(busy).isEqualTo(3);
            assertThat(node.refused("ingest_budget")).isEqualTo(3);
            node.assertIdle();
            // The budget is free again.
            assertThat(client.putChunk(node.address(), Fixtures.randomBytes(200, 1 << 20), 0).get(30, TimeUnit.SECONDS)
                    .alreadyStored()).isFalse();
        }
    }

    @Test
    void aFullStoreIsReportedAsStorageFull() throws Exception {
        try (IngestNode node = new IngestNode(b -> b); ShardClient client = node.client(DIRECTOR).build()) {
            node.sink.failWith(new StorageFullException(1_000_000, 10));
            assertThatThrownBy(() -> client.putChunk(node.address(), Fixtures.randomBytes(8, 50_000), 0).join())
                    .hasCauseInstanceOf(NodeStorageFullException.class).hasMessageContaining("exceeds capacity");
            assertThat(node.refused("storage_full")).isEqualTo(1);
            node.assertIdle();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    static byte[] putFrame(Cid cid, long length) {
        ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, new Request.Put(cid, length, 0));
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void assertStatus(byte[] response, Status status, String messagePart) {
        assertThat(response.length).as("a response header").isGreaterThanOrEqualTo(Protocol.HEADER_LENGTH + 2);
        assertThat(Status.ofCode(response[1] & 0xff)).isEqualTo(status);
        String message = new String(response, Protocol.HEADER_LENGTH + 2, response.length - Protocol.HEADER_LENGTH - 2,
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(message).contains(messagePart);
    }
}
