package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardTransferTest {

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void fetchesWholeShardRangeHasAndManifest() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(1);
        Fixtures.storeChunk(store, cid, 1, 3_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            client = Fixtures.client(server).build();
            InetSocketAddress node = server.localAddress();

            ShardData shard = client.fetchShard(node, cid, 3).get(30, TimeUnit.SECONDS);
            assertThat(shard.verified()).isTrue();
            assertThat(shard.bytes()).isEqualTo(store.readShard(cid, 3));
            assertThat(shard.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(shard.bytes()));

            ShardData range = client.fetchRange(node, cid, 12, 1000, 65_536).get(30, TimeUnit.SECONDS);
            assertThat(range.verified()).isFalse();
            assertThat(range.offset()).isEqualTo(1000);
            assertThat(range.bytes()).isEqualTo(Arrays.copyOfRange(store.readShard(cid, 12), 1000, 1000 + 65_536));

            assertThat(client.has(node, cid).get(30, TimeUnit.SECONDS)).hasSize(14).contains(0, 13);
            assertThat(client.has(node, Fixtures.cid(99)).get(30, TimeUnit.SECONDS)).isEmpty();

            ChunkMeta manifest = client.manifest(node, cid).get(30, TimeUnit.SECONDS);
            ChunkMeta local = store.meta(cid).orElseThrow();
            assertThat(manifest.spec()).isEqualTo(local.spec());
            assertThat(manifest.shards()).isEqualTo(local.shards());
        } finally {
            close(client, server);
            store.close();
        }
    }

    @Test
    void reportsStatusesAsExceptions() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(2);
        Fixtures.storeChunk(store, cid, 2, 100_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            InetSocketAddress node = server.localAddress();
            ShardClient c = client;
            assertThatThrownBy(() -> c.fetchShard(node, Fixtures.cid(77), 0).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ShardUnavailableException.class);
            assertThatThrownBy(() -> c.fetchRange(node, cid, 0, 9_000, 5_000).join())
                    .hasCauseInstanceOf(RangeNotSatisfiableException.class);
            assertThatThrownBy(() -> c.fetchShard(node, cid, 0, new byte[32]).join())
                    .hasCauseInstanceOf(ShardIntegrityException.class);
            assertThatThrownBy(() -> c.manifest(node, Fixtures.cid(78)).join())
                    .hasCauseInstanceOf(ShardUnavailableException.class);
        } finally {
            close(client, server);
            store.close();
        }
    }

    @Test
    void fetchesChunkFromSeveralNodesFallingBackToParity() throws Exception {
        Cid cid = Fixtures.cid(3);
        InMemoryShardStore full = Fixtures.store();
        byte[] chunk = Fixtures.storeChunk(full, cid, 3, 1_000_003);
        // Node A holds shards 0..6, node B holds 7..13 minus data shard 8: the fetch must use parity.
        InMemoryShardStore a = Fixtures.store();
        InMemoryShardStore b = Fixtures.store();
        ChunkMeta meta = full.meta(cid).orElseThrow();
        for (int i = 0; i < 14; i++) {
            if (i < 7) {
                a.putShard(cid, i, full.readShard(cid, i), meta.spec());
            } else if (i != 8) {
                b.putShard(cid, i, full.readShard(cid, i), meta.spec());
            }
        }
        ShardServer serverA = null;
        ShardServer serverB = null;
        ShardClient client = null;
        try {
            serverA = Fixtures.server(a).start();
            serverB = Fixtures.server(b).certificate(Fixtures.CERT).start();
            client = Fixtures.client(serverA).build();
            InetSocketAddress dead = new InetSocketAddress("127.0.0.1", 9); // nothing answers QUIC there
            byte[] fetched = client.fetchChunk(List.of(serverA.localAddress(), dead, serverB.localAddress()), cid)
                    .get(45, TimeUnit.SECONDS);
            assertThat(fetched).isEqualTo(chunk);

            byte[] again = client.fetchChunk(List.of(serverA.localAddress(), serverB.localAddress()), meta)
                    .get(45, TimeUnit.SECONDS);
            assertThat(again).isEqualTo(chunk);
        } finally {
            close(client, serverA);
            close(null, serverB);
            full.close();
            a.close();
            b.close();
        }
    }

    /**
     * Every shard slower than the hedge delay: hedges for parity shards run beside the data shards, and the chunk
     * completes while several of them are still in flight (they are cancelled, not left to hang the fetch).
     */
    @Test
    void aHedgedFetchCompletesWithHedgesStillInFlight() throws Exception {
        Cid cid = Fixtures.cid(4);
        InMemoryShardStore store = Fixtures.store();
        byte[] chunk = Fixtures.storeChunk(store, cid, 4, 1_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            // 16 Mbit/s for one client: 14 shards of 100 KB take about 0.7 s, far beyond the 1 ms hedge delay.
            server = Fixtures.server(store).perClientBandwidth(16_000_000, 64 * 1024).chunkSize(64 * 1024).start();
            client = Fixtures.client(server).hedgeAfter(Duration.ofMillis(1)).build();
            for (int i = 0; i < 2; i++) {
                assertThat(client.fetchChunk(List.of(server.localAddress()), cid).get(30, TimeUnit.SECONDS))
                        .as("fetch %d", i).isEqualTo(chunk);
            }
        } finally {
            close(client, server);
            store.close();
        }
    }

    @Test
    void aChunkIsDecodedWhileHedgedFetchesAreStillRunning() throws Exception {
        // Every shard fetch counts as slow after 1 ms, so parity fetches run beside the data shards and several
        // are still in flight when the k-th shard arrives. Cancelling them used to throw out of the completion
        // (the cancelled fetches' callbacks removed themselves from the map being iterated), so the chunk's
        // future never completed: seen under load, where real fetches pass the 2 s hedge delay.
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(6);
        byte[] chunk = Fixtures.storeChunk(store, cid, 6, 2_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            client = Fixtures.client(server).hedgeAfter(java.time.Duration.ofMillis(1)).build();
            for (int i = 0; i < 10; i++) {
                assertThat(client.fetchChunk(List.of(server.localAddress()), cid).get(20, TimeUnit.SECONDS))
                        .isEqualTo(chunk);
            }
        } finally {
            close(client, server);
            store.close();
        }
    }

    /**
     * Once the caller lets go of a fetched chunk, the client holds nothing of it: the hedge timers of a completed fetch
     * held the fetcher, and with it the chunk's array, for the whole hedge delay (2 s by default), so a client fetching
     * 50 MB chunks back to back kept a gigabyte alive and paid collections of seconds promoting it.
     */
    @Test
    void aFetchedChunkIsNotHeldByTheClientAfterwards() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(9);
        byte[] chunk = Fixtures.storeChunk(store, cid, 9, 1_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            client = Fixtures.client(server).hedgeAfter(Duration.ofHours(1)).build();
            java.lang.ref.WeakReference<byte[]> fetched = new java.lang.ref.WeakReference<>(
                    client.fetchChunk(List.of(server.localAddress()), cid).get(20, TimeUnit.SECONDS));
            assertThat(fetched.get()).isEqualTo(chunk);
            for (int i = 0; i < 100 && fetched.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(fetched.get()).as("the chunk's array after 100 collections").isNull();
        } finally {
            close(client, server);
            store.close();
        }
    }

    @Test
    void rejectsUnpinnedCertificate() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            client = ShardClient.builder().pinnedFingerprints(List.of("00".repeat(32))).maxAttempts(1).build();
            ShardClient c = client;
            InetSocketAddress node = server.localAddress();
            assertThatThrownBy(() -> c.has(node, Fixtures.cid(5)).join())
                    .hasCauseInstanceOf(ConnectionFailedException.class);
        } finally {
            close(client, server);
            store.close();
        }
    }

    static void close(ShardClient client, ShardServer server) {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
