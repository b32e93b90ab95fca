package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1 GiB over one QUIC connection, as 256 verified 4 MiB shards, four at a time: the connection's and the streams'
 * flow-control windows are renewed thousands of times, which is where a known issue of the embedded quiche closed
 * long transfers with {@code FLOW_CONTROL_ERROR}. Every byte goes to a counting channel (no heap copy), every
 * shard is hashed on the way, and the connection must be the same one at the end.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LongTransferIT {

    private static final long GIB = 1L << 30;
    private static final int CHUNK_BYTES = 40 * 1024 * 1024; // RS(10,4): 14 shards of 4 MiB
    private static final int IN_FLIGHT = 4;

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void oneGibibyteOverOneConnectionKeepsItsFlowControl() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(90);
        Fixtures.storeChunk(store, cid, 90, CHUNK_BYTES);
        ChunkMeta meta = store.meta(cid).orElseThrow();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).meterRegistry(registry).start();
            client = Fixtures.client(server).maxAttempts(1).build();
            InetSocketAddress node = server.localAddress();
            AtomicLong received = new AtomicLong();
            WritableByteChannel counter = new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) {
                    int n = src.remaining();
                    src.position(src.limit());
                    received.addAndGet(n);
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
            long shardLength = meta.spec().shardLength();
            int fetches = (int) (GIB / shardLength);
            List<CompletableFuture<ShardReceipt>> window = new ArrayList<>();
            int verified = 0;
            for (int i = 0; i < fetches; i++) {
                int index = i % meta.spec().totalShards();
                window.add(client.fetchShard(node, cid, index, meta.shard(index).orElseThrow().sha256(), counter));
                if (window.size() == IN_FLIGHT || i == fetches - 1) {
                    for (CompletableFuture<ShardReceipt> f : window) {
                        verified += f.get(120, TimeUnit.SECONDS).verified() ? 1 : 0;
                    }
                    window.clear();
                }
            }
            System.out.printf("LongTransferIT: %d shards, %,d bytes over one connection%n", fetches, received.get());
            assertThat(verified).isEqualTo(fetches);
            assertThat(received.get()).isEqualTo(fetches * shardLength).isGreaterThanOrEqualTo(GIB - shardLength);
            assertThat(server.activeConnections()).as("still the one connection").isOne();
            assertThat(registry.get("icn.transport.bytes.served").counter().count()).isEqualTo(received.get());
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }
}
