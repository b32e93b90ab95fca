package io.icn.p2p.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.ProtocolViolationException;
import io.icn.p2p.internal.ProtoWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded property tests of {@link RpcCodec#decodeInPlace}: messages' data are slices of the frame, and StrictSign's
 * signed bytes are verified in place when a message is encoded canonically. Whatever the frame holds (messages
 * encoded canonically or not: fields shuffled, lengths not minimal, unknown or repeated fields; subscriptions and
 * control around them, in any order; any headroom), the decoded RPC is the one {@link RpcCodec#decode} gives, every
 * signed message verifies, and signed bytes found in place are exactly the encoded ones. Tampered data fails
 * verification in place; truncations decode or are violations.
 */
class RpcInPlaceDecodeTest {
    private static final RpcLimits LIMITS = RpcLimits.forMaxData(8192);
    private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);
    private static final HostIdentity[] PUBLISHERS = {identity(1), identity(2)};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void signedMessagesVerifyWhateverTheFrameHolds(long seed) {
        Random random = new Random(seed);
        int inPlace = 0;
        int encoded = 0;
        for (int round = 0; round < 150; round++) {
            List<Rpc.PubMessage> messages = new ArrayList<>();
            List<byte[]> fields = new ArrayList<>();
            List<Boolean> canonical = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                Rpc.PubMessage m = signed(random);
                messages.add(m);
                int form = random.nextInt(3);
                canonical.add(form == 0);
                fields.add(new ProtoWriter().bytes(2, form == 0 ? RpcCodec.encodeMessage(m) : otherEncoding(m, random))
                        .toByteArray());
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                fields.add(new ProtoWriter().bytes(1, new ProtoWriter().varint(1, 1).string(2, "t" + i).toByteArray())
                        .toByteArray());
            }
            if (random.nextBoolean()) {
                fields.add(new ProtoWriter().bytes(3, new ProtoWriter().bytes(3,
                        new ProtoWriter().string(1, "g").toByteArray()).toByteArray()).toByteArray());
            }
            Collections.shuffle(fields, random);
            byte[] frame = concat(fields);
            int headroom = random.nextInt(24);
            byte[] array = new byte[headroom + frame.length];
            System.arraycopy(frame, 0, array, headroom, frame.length);

            Rpc decoded = RpcCodec.decodeInPlace(ByteBuffer.wrap(array, headroom, frame.length), LIMITS);
            Rpc reference = RpcCodec.decode(frame.clone(), LIMITS);
            assertThat(RpcCodec.encode(decoded)).as("seed %d round %d: the same RPC, data intact", seed, round)
                    .isEqualTo(RpcCodec.encode(reference));
            assertThat(decoded.publish()).hasSameSizeAs(messages);
            for (int i = 0; i < decoded.publish().size(); i++) {
                Rpc.PubMessage m = decoded.publish().get(i);
                assertThat(StrictSign.verify(m)).as("seed %d round %d message %d", seed, round, i).isEmpty();
                ByteBuffer signed = m.signedBytes();
                if (signed != null) {
                    inPlace++;
                    byte[] bytes = new byte[signed.remaining()];
                    signed.get(bytes);
                    assertThat(bytes).as("seed %d round %d message %d: the signed bytes in place", seed, round, i)
                            .isEqualTo(RpcCodec.prefixedMessage(PREFIX, m.unsigned()));
                    assertThat(signed.array()).as("seed %d: in the frame's array", seed).isSameAs(array);
                } else {
                    encoded++;
                }
                assertThat(m.dataArray()).as("seed %d: the data is a slice of the frame", seed).isSameAs(array);
            }
            if (messages.size() == 1 && fields.size() == 1 && canonical.get(0) && headroom >= PREFIX.length) {
                assertThat(decoded.publish().get(0).signedBytes()).as("seed %d round %d: a lone canonical message"
                        + " with headroom is verified in place", seed, round).isNotNull();
            }
        }
        assertThat(inPlace).as("seed %d: messages verified in place", seed).isPositive();
        assertThat(encoded).as("seed %d: messages whose signed bytes were encoded", seed).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6})
    void tamperedDataOrSeqnoFailsVerificationInPlace(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 100; round++) {
            Rpc.PubMessage m = signed(random);
            byte[] frame = RpcCodec.encodeMessageFrame(m);
            byte[] array = new byte[PREFIX.length + frame.length];
            System.arraycopy(frame, 0, array, PREFIX.length, frame.length);
            // the frame's parts: headers up to the data, the data, then the seqno field (tag, length 8, value) first
            int dataAt = PREFIX.length + RpcCodec.messageFrameParts(m)[0].remaining();
            boolean inData = m.dataLength() > 0 && random.nextBoolean();
            int at = inData ? dataAt + random.nextInt(m.dataLength()) : dataAt + m.dataLength() + 2 + random.nextInt(8);
            array[at] ^= (byte) (1 + random.nextInt(255));
            Rpc.PubMessage decoded = RpcCodec.decodeInPlace(ByteBuffer.wrap(array, PREFIX.length, frame.length), LIMITS)
                    .publish().get(0);
            assertThat(decoded.signedBytes()).as("seed %d round %d", seed, round).isNotNull();
            assertThat(StrictSign.verify(decoded)).as("seed %d round %d: byte %d changed", seed, round, at)
                    .contains(StrictSign.Fault.BAD_SIGNATURE);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void everyTruncationInPlaceDecodesOrIsAViolation(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            List<byte[]> fields = new ArrayList<>();
            for (int i = 1 + random.nextInt(2); i > 0; i--) {
                fields.add(RpcCodec.encodeMessageFrame(signed(random)));
            }
            byte[] frame = concat(fields);
            for (int cut = 0; cut < frame.length; cut += 1 + random.nextInt(7)) {
                byte[] array = new byte[PREFIX.length + cut];
                System.arraycopy(frame, 0, array, PREFIX.length, cut);
                try {
                    Rpc rpc = RpcCodec.decodeInPlace(ByteBuffer.wrap(array, PREFIX.length, cut), LIMITS);
                    rpc.publish().forEach(m -> StrictSign.verify(m)); // a fault or a pass, never an exception
                } catch (ProtocolViolationException expected) {
                    assertThat(expected.getMessage()).as("seed %d cut %d", seed, cut)
                            .containsAnyOf("malformed protobuf RPC", "gossipsub");
                }
            }
        }
        byte[] over = RpcCodec.encodeMessageFrame(new Rpc.PubMessage(null, new byte[8193], null, "t", null, null));
        byte[] array = new byte[PREFIX.length + over.length];
        System.arraycopy(over, 0, array, PREFIX.length, over.length);
        try {
            RpcCodec.decodeInPlace(ByteBuffer.wrap(array, PREFIX.length, over.length), LIMITS);
            throw new AssertionError("data over the limit was decoded");
        } catch (ProtocolViolationException expected) {
            assertThat(expected.getMessage()).contains("gossipsub message data of 8193 bytes exceeds the limit of 8192");
        }
    }

    private static Rpc.PubMessage signed(Random random) {
        byte[] data = new byte[random.nextInt(5) == 0 ? 0 : random.nextInt(3000)];
        random.nextBytes(data);
        return StrictSign.sign(PUBLISHERS[random.nextInt(2)], "topic-" + random.nextInt(3), data, random.nextLong());
    }

    /**
     * The message encoded otherwise than canonically, decoding to the same values: its fields shuffled, or a
     * length varint padded, or an unknown field first, or a field repeated with the same value.
     */
    private static byte[] otherEncoding(Rpc.PubMessage m, Random random) {
        List<byte[]> fields = new ArrayList<>(List.of(field(1, m.from()), field(2, m.dataCopy()), field(3, m.seqno()),
                field(4, m.topic().getBytes(StandardCharsets.UTF_8)), field(5, m.signature())));
        switch (random.nextInt(4)) {
            case 0 -> Collections.shuffle(fields, random);
            case 1 -> {
                int which = random.nextInt(fields.size());
                fields.set(which, padded(fields.get(which)));
            }
            case 2 -> fields.add(0, new ProtoWriter().varint(20 + random.nextInt(50), random.nextInt(1000)).toByteArray());
            default -> fields.add(fields.get(random.nextInt(4)));
        }
        return concat(fields);
    }

    private static byte[] field(int number, byte[] value) {
        return new ProtoWriter().bytes(number, value).toByteArray();
    }

    /** The one-byte-tagged length-delimited field {@code f} with its length varint one byte longer than needed. */
    private static byte[] padded(byte[] f) {
        int lengthBytes = 1;
        while ((f[lengthBytes] & 0x80) != 0) {
            lengthBytes++;
        }
        byte[] out = new byte[f.length + 1];
        out[0] = f[0];
        System.arraycopy(f, 1, out, 1, lengthBytes);
        out[lengthBytes] |= (byte) 0x80; // the last length byte now continues...
        out[lengthBytes + 1] = 0; // ...into a zero byte
        System.arraycopy(f, 1 + lengthBytes, out, 2 + lengthBytes, f.length - 1 - lengthBytes);
        return out;
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static HostIdentity identity(int fill) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) fill);
        return HostIdentity.fromSeed(seed);
    }
}
