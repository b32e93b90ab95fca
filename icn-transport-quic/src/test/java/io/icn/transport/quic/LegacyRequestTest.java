package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The original network's text request, on the same port and ALPN, answered in the original format. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LegacyRequestTest {

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void textRequestsGetTheOriginalAnswers() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(5);
        Fixtures.storeChunk(store, cid, 5, 2_000_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        RawQuicClient raw = null;
        try {
            server = Fixtures.server(store).meterRegistry(registry).start();
            raw = new RawQuicClient(server.localAddress());
            assertThat(ask(raw, "GET /shards/" + cid + "/shard_03.bin")).isEqualTo(store.readShard(cid, 3));
            assertThat(ask(raw, "GET /shards/" + cid + "/shard_13.bin\n")).isEqualTo(store.readShard(cid, 13));
            assertThat(registry.get("icn.transport.bytes.served").counter().count())
                    .isEqualTo(2.0 * store.readShard(cid, 3).length);

            assertThat(text(ask(raw, "GET /shards/" + Fixtures.cid(77) + "/shard_00.bin")))
                    .isEqualTo(ResponseFormat.NOT_FOUND);
            assertThat(text(ask(raw, "GET /shards/" + cid + "/shard_20.bin"))).isEqualTo(ResponseFormat.NOT_FOUND);
            for (String bad : List.of("G", "GARBAGE", "GET /shards/../../etc/passwd",
                    "GET /shards/" + cid + "/../shard_01.bin", "GET /shards/" + cid + "/shard_ab.bin",
                    "GET /shards/" + cid + "/shard_256.bin", "GET /shards/" + cid + "/shard_-1.bin",
                    "GET /shards/notacid/shard_01.bin", "GET /shards/" + cid + "/shard_01.bin" + "x".repeat(300))) {
                assertThat(text(ask(raw, bad))).as(bad).isEqualTo(ResponseFormat.INVALID_REQUEST);
            }
            // The binary protocol on the same connection is untouched.
            ShardClient client = Fixtures.client(server).build();
            try {
                assertThat(client.fetchShard(server.localAddress(), cid, 1).get(30, TimeUnit.SECONDS).bytes())
                        .isEqualTo(store.readShard(cid, 1));
            } finally {
                client.close();
            }
        } finally {
            if (raw != null) {
                raw.close();
            }
            if (server != null) {
                server.close();
            }
            store.close();
        }
    }

    /** Seeded fuzz: random and mutated lines give exactly one request or failure, never an exception or a leak. */
    @Test
    void fuzzedTextRequestsDecodeToOneMessage() {
        long seed = System.nanoTime();
        System.out.println("LegacyRequestTest fuzz seed " + seed);
        Random random = new Random(seed);
        String valid = "GET /shards/" + Fixtures.cid(5) + "/shard_07.bin\n";
        for (int i = 0; i < 5_000; i++) {
            byte[] line;
            if (random.nextBoolean()) {
                line = new byte[1 + random.nextInt(400)];
                random.nextBytes(line);
                line[0] = 'G';
            } else {
                line = valid.getBytes(StandardCharsets.US_ASCII);
                for (int m = 1 + random.nextInt(3); m > 0; m--) {
                    line[random.nextInt(line.length)] = (byte) random.nextInt(256);
                }
            }
            EmbeddedChannel ch = new EmbeddedChannel(new LegacyRequestDecoder());
            int split = random.nextInt(line.length + 1);
            ch.writeInbound(Unpooled.wrappedBuffer(line, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(line, split, line.length - split));
            ch.finish();
            Object first = ch.readInbound();
            assertThat(first).as("seed %d, input %d", seed, i)
                    .isInstanceOfAny(Request.Get.class, RequestDecoder.Failure.class);
            assertThat((Object) ch.readInbound()).as("seed %d, input %d", seed, i).isNull();
            if (first instanceof Request.Get get) {
                assertThat(line.length).isLessThanOrEqualTo(LegacyRequestDecoder.MAX_REQUEST);
                assertThat(get.range()).isFalse();
            }
        }
    }

    private static byte[] ask(RawQuicClient raw, String request) throws Exception {
        return raw.exchange(request.getBytes(StandardCharsets.US_ASCII), true).get(30, TimeUnit.SECONDS);
    }

    private static String text(byte[] answer) {
        return new String(answer, StandardCharsets.US_ASCII);
    }
}
