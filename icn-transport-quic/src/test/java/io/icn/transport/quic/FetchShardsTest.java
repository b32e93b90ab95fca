package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.erasure.ErasureCodec;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ShardClient#fetchShards}: wanted shards by index, rotated across holders, rebuilt when none holds them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchShardsTest {

    private static final int LENGTH = 200_003;

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void fetchesWantedShardsFromTheirHoldersAndRebuildsOneNobodyHolds() throws Exception {
        Cid cid = Fixtures.cid(51);
        InMemoryShardStore full = Fixtures.store();
        Fixtures.storeChunk(full, cid, 51, LENGTH);
        ChunkMeta meta = full.meta(cid).orElseThrow();
        // A holds 0..6, B holds 7..12: shard 13 is held by no one.
        InMemoryShardStore a = Fixtures.store();
        InMemoryShardStore b = Fixtures.store();
        for (int i = 0; i < 13; i++) {
            (i < 7 ? a : b).putShard(cid, i, full.readShard(cid, i), meta.spec());
        }
        ShardServer serverA = null;
        ShardServer serverB = null;
        ShardClient client = null;
        try {
            serverA = Fixtures.server(a).start();
            serverB = Fixtures.server(b).start();
            client = Fixtures.client(serverA).build();
            var nodes = List.of(serverA.localAddress(), serverB.localAddress());

            FetchedShards direct = client.fetchShards(nodes, ShardFetchRequest.of(cid, List.of(2, 9)))
                    .get(30, TimeUnit.SECONDS);
            assertThat(direct.shards().keySet()).containsExactly(2, 9);
            assertThat(direct.shards().get(2)).isEqualTo(full.readShard(cid, 2));
            assertThat(direct.shards().get(9)).isEqualTo(full.readShard(cid, 9));
            assertThat(direct.rebuilt()).isEmpty();
            assertThat(direct.manifest().spec()).isEqualTo(meta.spec());

            // 13 has no holder: any k shards are fetched (counting the two the caller holds) and 13 is rebuilt.
            FetchedShards rebuilt = client.fetchShards(nodes, ShardFetchRequest.of(cid, List.of(5, 13))
                    .held(Map.of(0, full.readShard(cid, 0), 1, full.readShard(cid, 1))).maxInFlight(3))
                    .get(30, TimeUnit.SECONDS);
            assertThat(rebuilt.rebuilt()).containsExactly(13);
            assertThat(rebuilt.shards().get(13)).isEqualTo(full.readShard(cid, 13));
            assertThat(rebuilt.shards().get(5)).isEqualTo(full.readShard(cid, 5));

            // A wanted shard the caller holds comes back as it is, with nothing fetched.
            byte[] mine = full.readShard(cid, 4);
            FetchedShards held = client.fetchShards(nodes, ShardFetchRequest.of(cid, List.of(4)).held(Map.of(4, mine)))
                    .get(30, TimeUnit.SECONDS);
            assertThat(held.shards().get(4)).isSameAs(mine);
        } finally {
            ShardTransferTest.close(client, serverA);
            ShardTransferTest.close(null, serverB);
            full.close();
            a.close();
            b.close();
        }
    }

    /**
     * The caller already holds k shards (nine data shards and a parity shard) and wants the one data shard the only
     * node lacks: the wanted shard is rebuilt from what the caller holds, with nothing left to fetch (this gave up
     * with "10 of the 10 shards needed could be had" before).
     */
    @Test
    void aWantedShardNobodyHoldsIsRebuiltFromTheKShardsTheCallerHolds() throws Exception {
        Cid cid = Fixtures.cid(53);
        InMemoryShardStore full = Fixtures.store();
        Fixtures.storeChunk(full, cid, 53, LENGTH);
        ChunkMeta meta = full.meta(cid).orElseThrow();
        InMemoryShardStore lacking = Fixtures.store();
        Map<Integer, byte[]> held = new java.util.HashMap<>();
        for (int i = 0; i < 14; i++) {
            if (i != 2) {
                lacking.putShard(cid, i, full.readShard(cid, i), meta.spec());
            }
            if (i != 2 && i <= 10) {
                held.put(i, full.readShard(cid, i));
            }
        }
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(lacking).start();
            client = Fixtures.client(server).build();
            FetchedShards rebuilt = client.fetchShards(List.of(server.localAddress()),
                    ShardFetchRequest.of(cid, List.of(2)).held(held)).get(30, TimeUnit.SECONDS);
            assertThat(rebuilt.rebuilt()).containsExactly(2);
            assertThat(rebuilt.shards().get(2)).isEqualTo(full.readShard(cid, 2));
        } finally {
            ShardTransferTest.close(client, server);
            full.close();
            lacking.close();
        }
    }

    /**
     * Node A holds other bytes under the chunk's CID (its manifest is self-consistent, so the transport's SHA-256
     * check passes); the request's verifier knows the right hashes. Every shard A serves is refused and asked
     * of B instead, and each refusal is reported; a shard only A holds is rebuilt from B's.
     */
    @Test
    void aHolderServingWrongShardsIsRotatedAwayFromAndReported() throws Exception {
        Cid cid = Fixtures.cid(52);
        InMemoryShardStore good = Fixtures.store();
        Fixtures.storeChunk(good, cid, 52, LENGTH);
        ChunkSpec spec = good.meta(cid).orElseThrow().spec();
        byte[][] wrong = ErasureCodec.reedSolomon(10, 4).encode(Fixtures.randomBytes(999, LENGTH));
        InMemoryShardStore bad = Fixtures.store();
        bad.putChunk(cid, wrong, spec);
        byte[][] right = new byte[14][];
        for (int i = 0; i < 14; i++) {
            right[i] = good.readShard(cid, i);
        }
        ShardFetchRequest.ShardVerifier verifier = (i, bytes) -> Arrays.equals(sha256(bytes), sha256(right[i]));
        ShardServer serverBad = null;
        ShardServer serverGood = null;
        ShardServer serverPartial = null;
        InMemoryShardStore partial = Fixtures.store();
        ShardClient client = null;
        try {
            serverBad = Fixtures.server(bad).start();
            serverGood = Fixtures.server(good).start();
            client = Fixtures.client(serverBad).build();
            var nodes = List.of(serverBad.localAddress(), serverGood.localAddress());
            List<Integer> all = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);

            // Without a filter the nodes must agree: the first manifest's hashes win and the other node is not asked.
            // With a filter accepting both, each is a holder with its own hashes, and the verifier decides.
            FetchedShards got = client.fetchShards(nodes, ShardFetchRequest.of(cid, all)
                    .holderFilter((node, manifest, shard) -> true).verifier(verifier)).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 14; i++) {
                assertThat(got.shards().get(i)).as("shard %d", i).isEqualTo(right[i]);
            }
            assertThat(got.rebuilt()).isEmpty();
            // Fetches are spread over the least-loaded holders, so the bad node was asked for some of the shards.
            String badAddress = serverBad.localAddress().toString();
            assertThat(got.failures()).isNotEmpty().allSatisfy(f -> assertThat(f)
                    .isInstanceOf(ShardIntegrityException.class)
                    .hasMessageContaining(badAddress).hasMessageContaining("refused"));

            // A good node without shard 3: the bad node's is refused, and 3 is rebuilt from the good node's.
            for (int i = 0; i < 14; i++) {
                if (i != 3) {
                    partial.putShard(cid, i, right[i], spec);
                }
            }
            serverPartial = Fixtures.server(partial).start();
            var nodes2 = List.of(serverBad.localAddress(), serverPartial.localAddress());
            FetchedShards rebuilt = client.fetchShards(nodes2, ShardFetchRequest.of(cid, List.of(3))
                    .holderFilter((node, manifest, shard) -> true).verifier(verifier)).get(30, TimeUnit.SECONDS);
            assertThat(rebuilt.rebuilt()).containsExactly(3);
            assertThat(rebuilt.shards().get(3)).isEqualTo(right[3]);
            assertThat(rebuilt.failures()).anySatisfy(f -> assertThat(f).isInstanceOf(ShardIntegrityException.class)
                    .hasMessageContaining("shard 3 of"));

            // A filter refusing every shard: nothing can be had.
            ShardClient c = client;
            assertThatThrownBy(() -> c.fetchShards(nodes, ShardFetchRequest.of(cid, List.of(3))
                    .holderFilter((node, manifest, shard) -> false)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ChunkUnavailableException.class)
                    .hasMessageContaining(cid.toString());
        } finally {
            ShardTransferTest.close(client, serverBad);
            ShardTransferTest.close(null, serverGood);
            ShardTransferTest.close(null, serverPartial);
            good.close();
            bad.close();
            partial.close();
        }
    }

    @Test
    void requestsAreValidated() {
        Cid cid = Fixtures.cid(53);
        assertThatThrownBy(() -> ShardFetchRequest.of(cid, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardFetchRequest.of(cid, Set.of(256))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
        assertThatThrownBy(() -> ShardFetchRequest.of(cid, Set.of(1)).maxInFlight(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardFetchRequest.of(cid, Set.of(1)).held(Map.of(-1, new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
