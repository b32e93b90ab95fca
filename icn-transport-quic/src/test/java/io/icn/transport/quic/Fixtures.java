package io.icn.transport.quic;

import io.icn.erasure.ErasureCodec;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardStore;
import io.netty.handler.codec.quic.Quic;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Random;

/** Shared test data: QUIC availability, a certificate, chunks stored as Reed-Solomon 10+4 shards. */
final class Fixtures {

    static final NodeCertificate CERT = NodeCertificate.selfSigned("test-node", new SecureRandom());

    private Fixtures() {
    }

    /** Fails loudly: on linux-x86_64 the native QUIC library must load. */
    static void requireQuic() {
        if (!Quic.isAvailable()) {
            throw new AssertionError("QUIC native library unavailable", Quic.unavailabilityCause());
        }
    }

    static byte[] randomBytes(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Encodes a random chunk with RS(10,4) and stores all 14 shards; returns the chunk. */
    static byte[] storeChunk(ShardStore store, Cid cid, long seed, int length) {
        byte[] chunk = randomBytes(seed, length);
        byte[][] shards = ErasureCodec.reedSolomon(10, 4).encode(chunk);
        store.putChunk(cid, shards, new ChunkSpec(length, 10, 4, "deal-" + seed, 1000));
        return chunk;
    }

    static Cid cid(long seed) {
        return Cid.ofRaw(randomBytes(seed ^ 0x5eed, 64));
    }

    static ShardServerBuilder server(ShardStore store) {
        return ShardServer.builder(store).bindAddress(new InetSocketAddress("127.0.0.1", 0)).certificate(CERT)
                .perClientBandwidth(0, 1 << 20).peerKey(PeerKey.IP_AND_PORT);
    }

    static ShardClientBuilder client(ShardServer server) {
        return ShardClient.builder().pinnedFingerprints(java.util.List.of(server.certificateFingerprint()));
    }

    static InMemoryShardStore store() {
        return new InMemoryShardStore();
    }

    static ChunkMeta meta(ShardStore store, Cid cid) {
        return store.meta(cid).orElseThrow();
    }
}
