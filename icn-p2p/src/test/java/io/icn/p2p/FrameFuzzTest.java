package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Yamux, Noise and multistream-select handlers in an {@link EmbeddedChannel}: precise behaviour on valid and
 * invalid frames, and seeded fuzzing (the seed is in every failure message) showing that malformed input ends in
 * a protocol violation (or bad peer) and a closed channel, never another exception or a leak (LeakCheck runs after
 * the class).
 */
class FrameFuzzTest {
    private static final PeerId PEER = HostIdentity.generate(new SecureRandom()).peerId();
    private static final String ECHO = "/icn/test/echo/1.0.0";

    private record Yamux(EmbeddedChannel channel, ConnectionGuard guard) {
    }

    private static Yamux yamux(HostLimits limits, boolean client) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Connection connection = new Connection(ch, PEER, Multiaddr.parse("/ip4/127.0.0.1/tcp/1"), !client, Instant.EPOCH);
        Map<String, ProtocolBinding> bindings = Map.of(ECHO, new ProtocolBinding(NettyP2pHost::serveEcho, 1024));
        YamuxSession session = new YamuxSession(connection, client, limits, bindings::get);
        connection.session = session;
        ConnectionGuard guard = new ConnectionGuard(new Upgrade(false, null));
        ch.pipeline().addLast(session, guard);
        return new Yamux(ch, guard);
    }

    private static ByteBuf frame(int type, int flags, int id, long length, byte[] payload) {
        ByteBuf b = Unpooled.buffer(12 + payload.length);
        YamuxSession.writeHeader(b, type, flags, id, length);
        b.writeBytes(payload);
        return b;
    }

    private static ByteBuf data(int flags, int id, byte[] payload) {
        return frame(YamuxSession.TYPE_DATA, flags, id, payload.length, payload);
    }

    /** The outbound frames as (type, flags, id, length, payload) rows, released. */
    private static List<Object[]> sent(EmbeddedChannel ch) {
        List<Object[]> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            try {
                while (b.readableBytes() >= 12) {
                    int type = b.readUnsignedByte() * 0 + b.readUnsignedByte();
                    int flags = b.readUnsignedShort();
                    int id = b.readInt();
                    long length = b.readUnsignedInt();
                    byte[] payload = new byte[type == YamuxSession.TYPE_DATA ? (int) length : 0];
                    b.readBytes(payload);
                    out.add(new Object[] {type, flags, id, length, payload});
                }
            } finally {
                b.release();
            }
        }
        return out;
    }

    @Test
    void anInboundStreamIsAcknowledgedNegotiatedAndServed() {
        Yamux y = yamux(HostLimits.defaults(), false);
        try {
            y.channel.writeInbound(data(YamuxSession.SYN, 1, Multistream.encode(Multistream.HEADER, ECHO)));
            List<Object[]> frames = sent(y.channel);
            assertThat(frames.get(0)).containsExactly(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.ACK, 1, 0L, new byte[0]);
            byte[] replies = concat(frames.subList(1, frames.size()));
            assertThat(replies).isEqualTo(Multistream.encode(Multistream.HEADER, ECHO));
            y.channel.writeInbound(data(0, 1, "hello".getBytes()));
            assertThat(concat(sent(y.channel))).isEqualTo("hello".getBytes());
            y.channel.writeInbound(data(YamuxSession.FIN, 1, new byte[0]));
            List<Object[]> fin = sent(y.channel);
            assertThat(fin).anyMatch(f -> ((int) f[1] & YamuxSession.FIN) != 0);
            assertThat(y.channel.isOpen()).isTrue();
        } finally {
            y.channel.finishAndReleaseAll();
        }
    }

    @Test
    void anUnboundProtocolIsAnsweredNa() {
        Yamux y = yamux(HostLimits.defaults(), false);
        try {
            y.channel.writeInbound(data(YamuxSession.SYN, 1, Multistream.encode(Multistream.HEADER, "/unknown/1")));
            List<Object[]> frames = sent(y.channel);
            assertThat(concat(frames.subList(1, frames.size()))).isEqualTo(Multistream.encode(Multistream.HEADER, Multistream.NA));
        } finally {
            y.channel.finishAndReleaseAll();
        }
    }

    @Test
    void pingIsAnsweredAndStreamsOverTheLimitAreReset() {
        Yamux y = yamux(HostLimits.defaults().withMaxStreamsPerPeer(1), false);
        try {
            y.channel.writeInbound(frame(YamuxSession.TYPE_PING, YamuxSession.SYN, 0, 77, new byte[0]));
            assertThat(sent(y.channel).get(0)).containsExactly(YamuxSession.TYPE_PING, YamuxSession.ACK, 0, 77L, new byte[0]);
            y.channel.writeInbound(frame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.SYN, 1, 0, new byte[0]));
            y.channel.writeInbound(frame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.SYN, 3, 0, new byte[0]));
            List<Object[]> frames = sent(y.channel);
            assertThat(frames).anyMatch(f -> (int) f[2] == 3 && ((int) f[1] & YamuxSession.RST) != 0);
            assertThat(frames).noneMatch(f -> (int) f[2] == 1 && ((int) f[1] & YamuxSession.RST) != 0);
        } finally {
            y.channel.finishAndReleaseAll();
        }
    }

    @Test
    void aDataFrameBeyondTheWindowIsAProtocolErrorWithGoAway() {
        Yamux y = yamux(HostLimits.defaults(), false);
        try {
            y.channel.writeInbound(frame(YamuxSession.TYPE_DATA, YamuxSession.SYN, 1, 300 * 1024, new byte[0]));
            List<Object[]> frames = sent(y.channel);
            assertThat(frames).anyMatch(f -> (int) f[0] == YamuxSession.TYPE_GO_AWAY && (long) f[3] == YamuxSession.GO_AWAY_PROTOCOL_ERROR);
            assertThat(y.guard.cause()).isInstanceOf(ProtocolViolationException.class).hasMessageContaining("exceeds the window");
            assertThat(y.channel.isOpen()).isFalse();
        } finally {
            y.channel.finishAndReleaseAll();
        }
    }

    @Test
    void wrongParityAndUnknownTypesAreProtocolErrors() {
        for (ByteBuf bad : List.of(frame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.SYN, 2, 0, new byte[0]),
                frame(9, 0, 1, 0, new byte[0]), frame(YamuxSession.TYPE_DATA, 0, 0, 0, new byte[0]))) {
            Yamux y = yamux(HostLimits.defaults(), false);
            try {
                y.channel.writeInbound(bad);
                assertThat(y.guard.cause()).isInstanceOf(ProtocolViolationException.class);
                assertThat(y.channel.isOpen()).isFalse();
            } finally {
                y.channel.finishAndReleaseAll();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomYamuxFramesEndInAViolationOrAreServed(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            Yamux y = yamux(HostLimits.defaults().withMaxStreamsPerPeer(4), random.nextBoolean());
            try {
                for (int f = 0; f < 20 && y.channel.isOpen(); f++) {
                    y.channel.writeInbound(randomFrame(random));
                    sent(y.channel);
                }
                y.channel.checkException();
                Throwable cause = y.guard.cause();
                if (cause != null) {
                    assertThat(cause).as("seed %d round %d", seed, round).isInstanceOf(P2pException.class);
                    assertThat(y.channel.isOpen()).as("seed %d round %d", seed, round).isFalse();
                }
            } finally {
                y.channel.finishAndReleaseAll();
            }
        }
    }

    private static ByteBuf randomFrame(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            return Unpooled.wrappedBuffer(garbage);
        }
        int type = random.nextInt(10) == 0 ? random.nextInt(256) : random.nextInt(4);
        int flags = random.nextInt(16);
        int id = random.nextInt(8);
        byte[] payload = new byte[type == YamuxSession.TYPE_DATA ? random.nextInt(64) : 0];
        random.nextBytes(payload);
        if (type == YamuxSession.TYPE_DATA && random.nextBoolean()) {
            payload = Multistream.encode(Multistream.HEADER, random.nextBoolean() ? ECHO : "/x");
        }
        long length = type == YamuxSession.TYPE_DATA ? payload.length : random.nextInt(1 << 20);
        ByteBuf b = frame(type, flags, id, length, payload);
        if (random.nextInt(8) == 0) {
            b.setByte(random.nextInt(b.readableBytes()), random.nextInt(256));
        }
        return b;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void randomNoiseTransportFramesFailAuthentication(long seed) {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        random.nextBytes(key);
        for (int round = 0; round < 200; round++) {
            EmbeddedChannel ch = new EmbeddedChannel();
            ConnectionGuard guard = new ConnectionGuard(new Upgrade(false, null));
            ch.pipeline().addLast(new NoiseTransportCodec(new NoiseCipherState(key), new NoiseCipherState(key)), guard);
            try {
                byte[] garbage = new byte[random.nextInt(100)];
                random.nextBytes(garbage);
                if (garbage.length >= 2 && random.nextBoolean()) {
                    int len = garbage.length - 2;
                    garbage[0] = (byte) (len >>> 8);
                    garbage[1] = (byte) len;
                }
                ch.writeInbound(Unpooled.wrappedBuffer(garbage));
                ch.checkException();
                if (guard.cause() != null) {
                    assertThat(guard.cause()).as("seed %d", seed).isInstanceOfAny(BadPeerException.class, ProtocolViolationException.class);
                    assertThat(ch.isOpen()).isFalse();
                }
                Object leaked = ch.readInbound();
                assertThat(leaked).as("seed %d: garbage never decrypts", seed).isNull();
            } finally {
                ch.finishAndReleaseAll();
            }
        }
    }

    @Test
    void noiseTransportRoundTripsAcrossFrameBoundaries() {
        byte[] key = new byte[32];
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseTransportCodec(new NoiseCipherState(key), new NoiseCipherState(key)));
        EmbeddedChannel receiver = new EmbeddedChannel(new NoiseTransportCodec(new NoiseCipherState(key), new NoiseCipherState(key)));
        try {
            byte[] plain = new byte[200_000];
            new Random(5).nextBytes(plain);
            sender.writeOutbound(Unpooled.wrappedBuffer(plain));
            ByteBuf wire = Unpooled.buffer();
            ByteBuf part;
            while ((part = sender.readOutbound()) != null) {
                wire.writeBytes(part);
                part.release();
            }
            assertThat(wire.readableBytes()).isEqualTo(plain.length + 4 * 18);
            // delivered in odd pieces
            while (wire.isReadable()) {
                receiver.writeInbound(wire.readRetainedSlice(Math.min(777, wire.readableBytes())));
            }
            wire.release();
            ByteBuf got = Unpooled.buffer();
            ByteBuf b;
            while ((b = receiver.readInbound()) != null) {
                got.writeBytes(b);
                b.release();
            }
            byte[] back = new byte[got.readableBytes()];
            got.readBytes(back);
            got.release();
            assertThat(back).isEqualTo(plain);
        } finally {
            sender.finishAndReleaseAll();
            receiver.finishAndReleaseAll();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void randomHandshakeAndMultistreamBytesEndInAViolation(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            boolean initiator = random.nextBoolean();
            Upgrade upgrade = new Upgrade(initiator, null);
            Consumer<EmbeddedChannel> feed = ch -> {
                for (int i = 0; i < 4 && ch.isOpen(); i++) {
                    byte[] garbage = new byte[random.nextInt(120)];
                    random.nextBytes(garbage);
                    if (garbage.length > 2 && random.nextBoolean()) {
                        garbage[0] = 0;
                        garbage[1] = (byte) (garbage.length - 2);
                    }
                    ch.writeInbound(Unpooled.wrappedBuffer(garbage));
                }
            };
            EmbeddedChannel noise = new EmbeddedChannel();
            ConnectionGuard guard = new ConnectionGuard(upgrade);
            noise.pipeline().addLast(new NoiseHandshakeHandler(upgrade, new NoiseXX(initiator, NoiseXX.newKeyPair(random(seed)),
                    random(seed)), new byte[0], (c, k) -> { }), guard);
            EmbeddedChannel mss = new EmbeddedChannel();
            ConnectionGuard mssGuard = new ConnectionGuard(new Upgrade(initiator, null));
            mss.pipeline().addLast(new MultistreamHandler(initiator, "/noise", (c, p) -> { }), mssGuard);
            try {
                feed.accept(noise);
                feed.accept(mss);
                noise.checkException();
                mss.checkException();
                for (var pair : List.of(Map.entry(noise, guard), Map.entry(mss, mssGuard))) {
                    if (pair.getValue().cause() != null) {
                        assertThat(pair.getValue().cause()).as("seed %d", seed).isInstanceOf(P2pException.class);
                        assertThat(pair.getKey().isOpen()).isFalse();
                    }
                }
                assertThat(upgrade.result.isDone() && !upgrade.result.isCompletedExceptionally()).as("seed %d", seed).isFalse();
            } finally {
                noise.finishAndReleaseAll();
                mss.finishAndReleaseAll();
            }
        }
    }

    private static SecureRandom random(long seed) {
        SecureRandom r = new SecureRandom();
        r.setSeed(seed);
        return r;
    }

    private static byte[] concat(List<Object[]> frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object[] f : frames) {
            out.writeBytes((byte[]) f[4]);
        }
        return out.toByteArray();
    }
}
