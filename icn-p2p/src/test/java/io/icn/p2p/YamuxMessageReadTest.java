package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.p2p.internal.Varint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Length-prefixed messages read into one array with headroom ({@link P2pStream#readMessage(int)}), the body
 * copied straight from the Yamux frames, and written from shared parts ({@link P2pStream#writeMessageShared}):
 * random sizes (beyond the stream window, so that most of a message takes the direct path) sent in random pieces
 * (so that prefixes and bodies straddle frames), a prefix over the limit, and streams ending inside a message.
 * Seeded; each assertion names its seed.
 */
@Timeout(120)
class YamuxMessageReadTest {
    private static final String PROTOCOL = "/icn/test/messages/1.0.0";
    private static final int LIMIT = 3 * 1024 * 1024;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void messagesArriveWholeAfterTheirHeadroom(long seed) throws Exception {
        Random random = new Random(seed);
        int headroom = random.nextInt(40);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] m = new byte[random.nextInt(4) == 0 ? random.nextInt(100) : random.nextInt(LIMIT + 1)];
            random.nextBytes(m);
            sent.add(m);
        }
        List<ByteBuffer> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (P2pHost server = Hosts.loopback().build(); P2pHost client = Hosts.loopback().build()) {
            server.bind(PROTOCOL, LIMIT, stream -> readAll(stream, headroom, got, ended));
            start(server, client);
            P2pStream s = client.newStream(server.peerId(), PROTOCOL).get(10, TimeUnit.SECONDS);
            for (byte[] m : sent) {
                switch (random.nextInt(3)) {
                    case 0 -> s.writeMessage(m).get(30, TimeUnit.SECONDS);
                    case 1 -> s.writeMessageShared(pieces(m, random)).get(30, TimeUnit.SECONDS);
                    default -> { // the prefix and body as raw writes cut anywhere
                        byte[] framed = concat(Varint.encode(m.length), m);
                        for (ByteBuffer piece : pieces(framed, random)) {
                            byte[] bytes = new byte[piece.remaining()];
                            piece.get(bytes);
                            s.write(bytes).get(30, TimeUnit.SECONDS);
                        }
                    }
                }
            }
            s.closeWrite().get(10, TimeUnit.SECONDS);
            assertThat(ended.get(60, TimeUnit.SECONDS)).as("seed %d: a clean end", seed).isNull();
        }
        assertThat(got).as("seed %d", seed).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            ByteBuffer m = got.get(i);
            assertThat(m.position()).as("seed %d message %d: after the headroom", seed, i).isEqualTo(headroom);
            assertThat(m.array().length).as("seed %d message %d: one exact array", seed, i)
                    .isEqualTo(headroom + sent.get(i).length);
            assertThat(Arrays.copyOfRange(m.array(), m.position(), m.limit())).as("seed %d message %d", seed, i)
                    .isEqualTo(sent.get(i));
        }
    }

    @Test
    void aPrefixOverTheLimitResetsTheStreamBeforeTheBody() throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (P2pHost server = Hosts.loopback().build(); P2pHost client = Hosts.loopback().build()) {
            server.bind(PROTOCOL, LIMIT, stream -> readAll(stream, 14, new ArrayList<>(), ended));
            start(server, client);
            P2pStream s = client.newStream(server.peerId(), PROTOCOL).get(10, TimeUnit.SECONDS);
            s.write(Varint.encode(LIMIT + 1L)).get(10, TimeUnit.SECONDS);
            assertThat(ended.get(30, TimeUnit.SECONDS)).isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("exceeds the limit of " + LIMIT);
            // the reader reset the stream: the rest of the claimed message cannot be sent
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    s.write(new byte[64 * 1024]).get(10, TimeUnit.SECONDS);
                    Thread.sleep(20);
                }
            }).hasCauseInstanceOf(StreamResetException.class);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void aStreamEndingInsideAMessageIsAViolation(long seed) throws Exception {
        Random random = new Random(seed);
        int length = 1 + random.nextInt(LIMIT);
        int sentBytes = random.nextInt(length);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (P2pHost server = Hosts.loopback().build(); P2pHost client = Hosts.loopback().build()) {
            server.bind(PROTOCOL, LIMIT, stream -> readAll(stream, random.nextInt(20), new ArrayList<>(), ended));
            start(server, client);
            P2pStream s = client.newStream(server.peerId(), PROTOCOL).get(10, TimeUnit.SECONDS);
            s.write(concat(Varint.encode(length), new byte[sentBytes])).get(30, TimeUnit.SECONDS);
            s.closeWrite().get(10, TimeUnit.SECONDS);
            assertThat(ended.get(60, TimeUnit.SECONDS)).as("seed %d", seed).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("ended " + sentBytes + " bytes into a message of " + length);
        }
    }

    @Test
    void headroomIsBounded() throws Exception {
        CompletableFuture<Throwable> checked = new CompletableFuture<>();
        try (P2pHost server = Hosts.loopback().build(); P2pHost client = Hosts.loopback().build()) {
            server.bind(PROTOCOL, LIMIT, stream -> {
                try {
                    stream.readMessage(1025);
                    checked.complete(null);
                } catch (IllegalArgumentException e) {
                    checked.complete(e);
                }
                stream.reset();
            });
            start(server, client);
            client.newStream(server.peerId(), PROTOCOL).get(10, TimeUnit.SECONDS);
            assertThat(checked.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0..1024");
        }
    }

    private static void start(P2pHost server, P2pHost client) throws Exception {
        server.start().get(10, TimeUnit.SECONDS);
        client.start().get(10, TimeUnit.SECONDS);
        client.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
    }

    /** Reads messages until the end (completes {@code ended} with null) or a failure (with its cause). */
    private static void readAll(P2pStream stream, int headroom, List<ByteBuffer> got, CompletableFuture<Throwable> ended) {
        stream.readMessage(headroom).whenComplete((m, e) -> {
            if (e != null) {
                ended.complete(e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
            } else if (m.isEmpty()) {
                ended.complete(null);
            } else {
                got.add(m.get());
                readAll(stream, headroom, got, ended);
            }
        });
    }

    /** {@code bytes} cut into 1-4 buffers at random places, some empty. */
    private static ByteBuffer[] pieces(byte[] bytes, Random random) {
        int n = 1 + random.nextInt(4);
        int[] cuts = new int[n + 1];
        for (int i = 1; i < n; i++) {
            cuts[i] = random.nextInt(bytes.length + 1);
        }
        cuts[n] = bytes.length;
        Arrays.sort(cuts);
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            out[i] = ByteBuffer.wrap(bytes, cuts[i], cuts[i + 1] - cuts[i]);
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
