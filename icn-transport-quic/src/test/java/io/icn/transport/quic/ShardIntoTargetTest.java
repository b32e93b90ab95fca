package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Shards and ranges delivered into the caller's buffer, file or channel instead of a new array. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardIntoTargetTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void shardsAndRangesLandInBuffersFilesAndChannels() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(71);
        Fixtures.storeChunk(store, cid, 71, 3_000_000);
        byte[] shard2 = store.readShard(cid, 2);
        byte[] shard5 = store.readShard(cid, 5);
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            client = Fixtures.client(server).build();
            InetSocketAddress node = server.localAddress();

            // a direct buffer, from a position: the bytes land there and the position moves past them
            ByteBuffer direct = ByteBuffer.allocateDirect(shard2.length + 100).position(100);
            ShardReceipt receipt = client.fetchShard(node, cid, 2, null, direct).get(30, TimeUnit.SECONDS);
            assertThat(receipt.verified()).isTrue();
            assertThat(receipt.length()).isEqualTo(shard2.length);
            assertThat(direct.position()).isEqualTo(100 + shard2.length);
            byte[] got = new byte[shard2.length];
            direct.get(100, got);
            assertThat(got).isEqualTo(shard2);

            // a file, two shards one after the other at the channel's position
            Path file = dir.resolve("shards.bin");
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.position(7);
                client.fetchShard(node, cid, 2, store.meta(cid).orElseThrow().shard(2).orElseThrow().sha256(), out)
                        .get(30, TimeUnit.SECONDS);
                ShardReceipt second = client.fetchShard(node, cid, 5, null, out).get(30, TimeUnit.SECONDS);
                assertThat(second.verified()).isTrue();
                assertThat(out.position()).isEqualTo(7L + shard2.length + shard5.length);
            }
            byte[] written = Files.readAllBytes(file);
            assertThat(Arrays.copyOfRange(written, 7, 7 + shard2.length)).isEqualTo(shard2);
            assertThat(Arrays.copyOfRange(written, 7 + shard2.length, written.length)).isEqualTo(shard5);

            // a range into a plain channel: not verifiable
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            ShardReceipt range = client.fetchRange(node, cid, 5, 1_000, 50_000, Channels.newChannel(sink))
                    .get(30, TimeUnit.SECONDS);
            assertThat(range.verified()).isFalse();
            assertThat(range.offset()).isEqualTo(1_000);
            assertThat(sink.toByteArray()).isEqualTo(Arrays.copyOfRange(shard5, 1_000, 51_000));

            // the whole shard as a range, at a position of a file: written there, not hashed, the channel's own
            // position left alone
            Path ranges = dir.resolve("ranges.bin");
            try (FileChannel out = FileChannel.open(ranges, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ShardReceipt whole = client.fetchRange(node, cid, 2, 0, shard2.length, out, 11)
                        .get(30, TimeUnit.SECONDS);
                assertThat(whole.verified()).as("a range is never hashed").isFalse();
                assertThat(whole.length()).isEqualTo(shard2.length);
                assertThat(out.position()).isZero();
            }
            byte[] inFile = Files.readAllBytes(ranges);
            assertThat(Arrays.copyOfRange(inFile, 11, inFile.length)).isEqualTo(shard2);
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }

    @Test
    void aBufferTooSmallOrAWrongHashFailsNamingWhy() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(72);
        Fixtures.storeChunk(store, cid, 72, 1_000_000);
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(store).start();
            ShardClient c = Fixtures.client(server).maxAttempts(1).build();
            client = c;
            InetSocketAddress node = server.localAddress();
            ByteBuffer small = ByteBuffer.allocate(1_000);
            assertThatThrownBy(() -> c.fetchShard(node, cid, 0, null, small).join())
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(FrameTooLargeException.class)
                    .hasMessageContaining("1000 bytes left");
            byte[] wrong = new byte[32];
            assertThatThrownBy(() -> c.fetchShard(node, cid, 0, wrong, ByteBuffer.allocate(200_000)).join())
                    .cause().isInstanceOf(ShardIntegrityException.class);
            assertThatThrownBy(() -> c.fetchShard(node, cid, 0, null, ByteBuffer.allocate(10).asReadOnlyBuffer()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        } finally {
            ShardTransferTest.close(client, server);
            store.close();
        }
    }
}
