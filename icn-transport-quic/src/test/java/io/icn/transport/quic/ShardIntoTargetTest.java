package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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

    /**
     * A node whose shard's bytes do not hash to the SHA-256 it advertises (here: the manifest it serves lies about shard
     * 3): every way of receiving the whole shard refuses the bytes, naming both hashes (a heap array and a heap buffer
     * are hashed from the copy written into them, a direct buffer and a file from the received buffers), and a chunk
     * fetch replaces the shard with a parity shard.
     */
    @Test
    void bytesThatDoNotHashToWhatTheNodeAdvertisesAreRefused() throws Exception {
        InMemoryShardStore honest = Fixtures.store();
        Cid cid = Fixtures.cid(73);
        byte[] chunk = Fixtures.storeChunk(honest, cid, 73, 2_000_000);
        ChunkMeta real = honest.meta(cid).orElseThrow();
        List<ShardInfo> shards = new ArrayList<>(real.shards());
        ShardInfo three = shards.get(3);
        byte[] claimed = java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {3});
        shards.set(3, new ShardInfo(3, three.length(), claimed, three.merkleRoot()));
        ChunkMeta lie = new ChunkMeta(cid, real.spec(), real.merkleLeafSize(), real.createdAt(), shards,
                real.quarantined());
        ShardStore lying = (ShardStore) Proxy.newProxyInstance(ShardStore.class.getClassLoader(),
                new Class<?>[] {ShardStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("meta") && cid.equals(args[0])) {
                        return Optional.of(lie);
                    }
                    try {
                        return method.invoke(honest, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = Fixtures.server(lying).start();
            ShardClient c = Fixtures.client(server).maxAttempts(1).build();
            client = c;
            InetSocketAddress node = server.localAddress();
            int length = Math.toIntExact(three.length());
            String why = "hash to " + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(honest.readShard(cid, 3))) + ", node advertised " + HexFormat.of().formatHex(claimed);
            assertThatThrownBy(() -> c.fetchShard(node, cid, 3).join()).cause()
                    .isInstanceOf(ShardIntegrityException.class).hasMessageContaining(why);
            assertThatThrownBy(() -> c.fetchShard(node, cid, 3, null, ByteBuffer.allocate(length)).join()).cause()
                    .isInstanceOf(ShardIntegrityException.class).hasMessageContaining(why);
            assertThatThrownBy(() -> c.fetchShard(node, cid, 3, null, ByteBuffer.allocateDirect(length)).join())
                    .cause().isInstanceOf(ShardIntegrityException.class).hasMessageContaining(why);
            try (FileChannel file = FileChannel.open(dir.resolve("three"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                assertThatThrownBy(() -> c.fetchShard(node, cid, 3, null, file).join()).cause()
                        .isInstanceOf(ShardIntegrityException.class).hasMessageContaining(why);
            }
            // the shard's neighbours, hashed the same ways, are accepted
            assertThat(c.fetchShard(node, cid, 2).get(30, TimeUnit.SECONDS).verified()).isTrue();
            assertThat(c.fetchShard(node, cid, 4, null, ByteBuffer.allocate(length)).get(30, TimeUnit.SECONDS)
                    .verified()).isTrue();
            assertThat(c.fetchChunk(List.of(node), cid).get(30, TimeUnit.SECONDS)).isEqualTo(chunk);
        } finally {
            ShardTransferTest.close(client, server);
            honest.close();
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
