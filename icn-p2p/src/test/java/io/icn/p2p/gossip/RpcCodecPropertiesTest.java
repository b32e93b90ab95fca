package io.icn.p2p.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.p2p.ProtocolViolationException;
import io.icn.p2p.internal.ProtoWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded property tests of the GossipSub RPC codec (the seed is in every failure message): every frame kind
 * round-trips; unknown fields at every level are ignored; every truncation and random mutation either decodes or
 * fails with {@link ProtocolViolationException}, never anything else; every limit is enforced.
 */
class RpcCodecPropertiesTest {
    private static final int ROUNDS = 400;
    private static final RpcLimits LIMITS = RpcLimits.forMaxData(4096);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 0x605})
    void everyFrameKindRoundTrips(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            Rpc rpc = randomRpc(random);
            byte[] frame = RpcCodec.encode(rpc);
            Rpc decoded = RpcCodec.decode(frame, LIMITS);
            assertThat(RpcCodec.encode(decoded)).as("seed %d round %d", seed, i).isEqualTo(frame);
            assertThat(decoded.subscriptions()).as("seed %d", seed).isEqualTo(rpc.subscriptions());
            assertThat(decoded.control().graft()).as("seed %d", seed).isEqualTo(rpc.control().graft());
            assertThat(decoded.control().prune()).as("seed %d", seed).isEqualTo(rpc.control().prune());
            assertThat(decoded.control().ihave()).as("seed %d", seed).isEqualTo(rpc.control().ihave());
            assertThat(decoded.control().iwant()).as("seed %d", seed).isEqualTo(rpc.control().iwant());
            assertThat(decoded.publish()).as("seed %d", seed).hasSameSizeAs(rpc.publish());
            for (int m = 0; m < rpc.publish().size(); m++) {
                Rpc.PubMessage message = rpc.publish().get(m);
                assertThat(RpcCodec.encodeMessageFrame(message)).as("seed %d: the one-message frame", seed)
                        .isEqualTo(RpcCodec.encode(Rpc.ofMessages(List.of(message))));
                byte[] prefix = bytes(random, random.nextInt(20));
                byte[] body = RpcCodec.encodeMessage(message);
                byte[] expected = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
                System.arraycopy(body, 0, expected, prefix.length, body.length);
                assertThat(RpcCodec.prefixedMessage(prefix, message)).as("seed %d: prefixed", seed).isEqualTo(expected);
                assertThat(decoded.publish().get(m).data()).as("seed %d", seed).isEqualTo(rpc.publish().get(m).data());
                assertThat(decoded.publish().get(m).topic()).as("seed %d", seed).isEqualTo(rpc.publish().get(m).topic());
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void unknownFieldsAtEveryLevelAreIgnored(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            Rpc rpc = randomRpc(random);
            byte[] withUnknown = encodeWithUnknownFields(rpc, random);
            assertThat(RpcCodec.encode(RpcCodec.decode(withUnknown, LIMITS))).as("seed %d round %d", seed, i)
                    .isEqualTo(RpcCodec.encode(rpc));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void everyTruncationDecodesOrIsAViolation(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS / 4; i++) {
            byte[] frame = RpcCodec.encode(randomRpc(random));
            for (int cut = 0; cut < frame.length; cut++) {
                decodeOrViolation(Arrays.copyOf(frame, cut), seed);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {10, 11, 12})
    void mutatedAndRandomFramesDecodeOrAreAViolation(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS * 5; i++) {
            byte[] frame = RpcCodec.encode(randomRpc(random));
            if (frame.length > 0) {
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
                }
            }
            decodeOrViolation(frame, seed);
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            decodeOrViolation(garbage, seed);
        }
    }

    @Test
    void oversizeFramesDataAndCountsAreViolations() {
        RpcLimits small = new RpcLimits(2000, 1000, 2, 2, 3, 4, 16, 8);
        byte[] topic = "t".getBytes(StandardCharsets.UTF_8);
        assertViolation(new byte[2001], small, "exceeds the limit of 2000");
        assertViolation(rpcOf(2, message(new byte[1001], "t")), small, "data of 1001 bytes exceeds the limit of 1000");
        assertViolation(rpcOf(2, message(new byte[0], "x".repeat(17))), small, "topic of 17 bytes");
        byte[] threeSubs = new ProtoWriter().bytes(1, subscription(true, topic)).bytes(1, subscription(true, topic))
                .bytes(1, subscription(false, topic)).toByteArray();
        assertViolation(threeSubs, small, "more than 2 subscriptions");
        byte[] threeMessages = new ProtoWriter().bytes(2, message(new byte[1], "t")).bytes(2, message(new byte[1], "t"))
                .bytes(2, message(new byte[1], "t")).toByteArray();
        assertViolation(threeMessages, small, "more than 2 messages");
        ProtoWriter iwant = new ProtoWriter();
        for (int i = 0; i < 5; i++) {
            iwant.bytes(1, new byte[] {(byte) i});
        }
        assertViolation(rpcOf(3, new ProtoWriter().bytes(2, iwant.toByteArray()).toByteArray()), small, "more than 4 message ids");
        assertViolation(rpcOf(3, new ProtoWriter().bytes(2, new ProtoWriter().bytes(1, new byte[9]).toByteArray())
                .toByteArray()), small, "message id of 9 bytes");
        ProtoWriter grafts = new ProtoWriter();
        for (int i = 0; i < 4; i++) {
            grafts.bytes(3, new ProtoWriter().bytes(1, topic).toByteArray());
        }
        assertViolation(rpcOf(3, grafts.toByteArray()), small, "more than 3 control entries");
        assertViolation(rpcOf(2, new ProtoWriter().bytes(1, new byte[1025]).string(4, "t").toByteArray()), small,
                "from of 1025 bytes");
    }

    @Test
    void missingRequiredFieldsAreViolations() {
        assertViolation(rpcOf(2, new ProtoWriter().bytes(2, new byte[3]).toByteArray()), LIMITS, "Message lacks its topic");
        assertViolation(rpcOf(1, new ProtoWriter().varint(1, 1).toByteArray()), LIMITS, "SubOpts lacks its topic");
        assertViolation(rpcOf(1, new ProtoWriter().string(2, "t").toByteArray()), LIMITS, "SubOpts lacks subscribe");
        assertViolation(rpcOf(3, new ProtoWriter().bytes(3, new byte[0]).toByteArray()), LIMITS, "ControlGraft lacks its topic");
        assertViolation(rpcOf(3, new ProtoWriter().bytes(4, new ProtoWriter().varint(3, -1L).toByteArray()).toByteArray()),
                LIMITS, "backoff out of range");
        assertViolation(rpcOf(2, new ProtoWriter().bytes(4, new byte[] {(byte) 0xC3, 0x28}).toByteArray()), LIMITS,
                "not valid UTF-8");
    }

    @Test
    void absentDataDecodesEmptyAndIDontWantIsSkipped() {
        Rpc rpc = RpcCodec.decode(rpcOf(2, new ProtoWriter().string(4, "t").toByteArray()), LIMITS);
        assertThat(rpc.publish().get(0).dataLength()).isZero();
        byte[] idontwant = new ProtoWriter().bytes(1, new byte[] {1, 2}).toByteArray();
        Rpc control = RpcCodec.decode(rpcOf(3, new ProtoWriter().bytes(5, idontwant).toByteArray()), LIMITS);
        assertThat(control.isEmpty()).isTrue();
    }

    private static void decodeOrViolation(byte[] frame, long seed) {
        try {
            Rpc rpc = RpcCodec.decode(frame, LIMITS);
            assertThat(RpcCodec.decode(RpcCodec.encode(rpc), LIMITS)).as("seed %d: what decodes re-decodes", seed)
                    .isNotNull();
        } catch (ProtocolViolationException expected) {
            assertThat(expected.getMessage()).as("seed %d", seed).containsAnyOf("malformed protobuf RPC", "gossipsub");
        }
    }

    private static void assertViolation(byte[] frame, RpcLimits limits, String expected) {
        assertThatThrownBy(() -> RpcCodec.decode(frame, limits)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining(expected);
    }

    private static byte[] rpcOf(int field, byte[] embedded) {
        return new ProtoWriter().bytes(field, embedded).toByteArray();
    }

    private static byte[] subscription(boolean subscribe, byte[] topic) {
        return new ProtoWriter().varint(1, subscribe ? 1 : 0).bytes(2, topic).toByteArray();
    }

    private static byte[] message(byte[] data, String topic) {
        return new ProtoWriter().bytes(2, data).string(4, topic).toByteArray();
    }

    static Rpc randomRpc(Random random) {
        List<Rpc.Subscription> subs = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            subs.add(new Rpc.Subscription(random.nextBoolean(), topic(random)));
        }
        List<Rpc.PubMessage> messages = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            messages.add(new Rpc.PubMessage(maybe(random, 38), bytes(random, random.nextInt(200)), maybe(random, 8),
                    topic(random), maybe(random, 64), maybe(random, 36)));
        }
        List<Rpc.IHave> ihave = new ArrayList<>();
        List<Rpc.IWant> iwant = new ArrayList<>();
        List<Rpc.Graft> graft = new ArrayList<>();
        List<Rpc.Prune> prune = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            ihave.add(new Rpc.IHave(topic(random), ids(random)));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            iwant.add(new Rpc.IWant(ids(random)));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            graft.add(new Rpc.Graft(topic(random)));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            prune.add(new Rpc.Prune(topic(random), random.nextBoolean() ? 0 : random.nextInt(1000)));
        }
        return new Rpc(subs, messages, new Rpc.Control(ihave, iwant, graft, prune));
    }

    private static byte[] encodeWithUnknownFields(Rpc rpc, Random random) {
        ProtoWriter w = new ProtoWriter();
        unknown(w, random);
        for (Rpc.Subscription s : rpc.subscriptions()) {
            ProtoWriter e = new ProtoWriter().varint(1, s.subscribe() ? 1 : 0);
            unknown(e, random);
            w.bytes(1, e.string(2, s.topic()).toByteArray());
        }
        for (Rpc.PubMessage m : rpc.publish()) {
            byte[] known = RpcCodec.encodeMessage(m);
            ProtoWriter e = new ProtoWriter();
            unknown(e, random);
            byte[] prefix = e.toByteArray();
            byte[] all = Arrays.copyOf(prefix, prefix.length + known.length);
            System.arraycopy(known, 0, all, prefix.length, known.length);
            w.bytes(2, all);
        }
        Rpc.Control c = rpc.control();
        if (!c.isEmpty()) {
            ProtoWriter e = new ProtoWriter();
            unknown(e, random);
            for (Rpc.IHave h : c.ihave()) {
                ProtoWriter x = new ProtoWriter().string(1, h.topic());
                unknown(x, random);
                h.messageIds().forEach(id -> x.bytes(2, id.raw()));
                e.bytes(1, x.toByteArray());
            }
            for (Rpc.IWant h : c.iwant()) {
                ProtoWriter x = new ProtoWriter();
                unknown(x, random);
                h.messageIds().forEach(id -> x.bytes(1, id.raw()));
                e.bytes(2, x.toByteArray());
            }
            for (Rpc.Graft g : c.graft()) {
                ProtoWriter x = new ProtoWriter();
                unknown(x, random);
                e.bytes(3, x.string(1, g.topic()).toByteArray());
            }
            for (Rpc.Prune p : c.prune()) {
                ProtoWriter x = new ProtoWriter().string(1, p.topic());
                x.bytes(2, new ProtoWriter().bytes(1, bytes(random, 38)).toByteArray());
                unknown(x, random);
                if (p.backoffSeconds() > 0) {
                    x.varint(3, p.backoffSeconds());
                }
                e.bytes(4, x.toByteArray());
            }
            w.bytes(3, e.toByteArray());
        }
        return w.toByteArray();
    }

    private static void unknown(ProtoWriter w, Random random) {
        int field = 20 + random.nextInt(100);
        if (random.nextBoolean()) {
            w.varint(field, random.nextLong());
        } else {
            w.bytes(field, bytes(random, random.nextInt(10)));
        }
    }

    private static List<MessageId> ids(Random random) {
        List<MessageId> ids = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            ids.add(MessageId.of(bytes(random, 1 + random.nextInt(64))));
        }
        return ids;
    }

    private static String topic(Random random) {
        return "/icn/" + "abcé/".substring(0, 1 + random.nextInt(5)) + random.nextInt(100);
    }

    private static byte[] maybe(Random random, int length) {
        return random.nextBoolean() ? null : bytes(random, length);
    }

    private static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
