package io.icn.p2p.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictSignTest {
    private static final HostIdentity ONES = HostIdentity.fromSeed(filled(1));
    private static final HostIdentity TWOS = HostIdentity.fromSeed(filled(2));

    @Test
    void signedMessagesVerifyAndSurviveTheWire() {
        Rpc.PubMessage m = StrictSign.sign(ONES, "/icn/video/1.0.0", "chunk".getBytes(StandardCharsets.UTF_8), 7);
        assertThat(m.from()).isEqualTo(ONES.peerId().toBytes());
        assertThat(m.seqno()).containsExactly(0, 0, 0, 0, 0, 0, 0, 7);
        assertThat(m.key()).isNull();
        assertThat(StrictSign.verify(m)).isEmpty();
        Rpc decoded = RpcCodec.decode(RpcCodec.encode(Rpc.ofMessages(java.util.List.of(m))), RpcLimits.forMaxData(1024));
        assertThat(StrictSign.verify(decoded.publish().get(0))).isEmpty();
        Rpc.PubMessage withKey = new Rpc.PubMessage(m.from(), m.dataCopy(), m.seqno(), m.topic(), m.signature(),
                ONES.publicKeyProtobuf());
        assertThat(StrictSign.verify(withKey)).isEmpty();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void anyTamperingFailsVerification(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 80; i++) {
            byte[] data = new byte[1 + random.nextInt(100)];
            random.nextBytes(data);
            Rpc.PubMessage m = StrictSign.sign(ONES, "t" + i, data, random.nextLong());
            byte[] otherData = data.clone();
            otherData[random.nextInt(otherData.length)] ^= (byte) (1 + random.nextInt(255));
            byte[] otherSeq = m.seqno().clone();
            otherSeq[random.nextInt(8)] ^= 1;
            byte[] otherSig = m.signature().clone();
            otherSig[random.nextInt(otherSig.length)] ^= 1;
            assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), otherData, m.seqno(), m.topic(), m.signature(), null)))
                    .as("seed %d", seed).contains(StrictSign.Fault.BAD_SIGNATURE);
            assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), data, otherSeq, m.topic(), m.signature(), null)))
                    .as("seed %d", seed).contains(StrictSign.Fault.BAD_SIGNATURE);
            assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), data, m.seqno(), "u" + i, m.signature(), null)))
                    .as("seed %d", seed).contains(StrictSign.Fault.BAD_SIGNATURE);
            assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), data, m.seqno(), m.topic(), otherSig, null)))
                    .as("seed %d", seed).contains(StrictSign.Fault.BAD_SIGNATURE);
            assertThat(StrictSign.verify(new Rpc.PubMessage(TWOS.peerId().toBytes(), data, m.seqno(), m.topic(),
                    m.signature(), null))).as("seed %d", seed).contains(StrictSign.Fault.BAD_SIGNATURE);
        }
    }

    @Test
    void missingOrMalformedFieldsAreNamed() {
        Rpc.PubMessage m = StrictSign.sign(ONES, "t", new byte[] {1}, 1);
        assertThat(StrictSign.verify(new Rpc.PubMessage(null, m.dataCopy(), m.seqno(), "t", m.signature(), null)))
                .contains(StrictSign.Fault.MISSING_FROM);
        assertThat(StrictSign.verify(new Rpc.PubMessage(new byte[] {9, 9}, m.dataCopy(), m.seqno(), "t", m.signature(), null)))
                .contains(StrictSign.Fault.BAD_FROM);
        assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), m.dataCopy(), null, "t", m.signature(), null)))
                .contains(StrictSign.Fault.MISSING_SEQNO);
        assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), m.dataCopy(), new byte[7], "t", m.signature(), null)))
                .contains(StrictSign.Fault.BAD_SEQNO);
        assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), m.dataCopy(), m.seqno(), "t", null, null)))
                .contains(StrictSign.Fault.MISSING_SIGNATURE);
        assertThat(StrictSign.verify(new Rpc.PubMessage(m.from(), m.dataCopy(), m.seqno(), "t", m.signature(),
                TWOS.publicKeyProtobuf()))).contains(StrictSign.Fault.KEY_MISMATCH);
    }

    @Test
    void messageIdFunctionsMatchTheirDefinitions() {
        PeerId ones = PeerId.parse("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
        byte[] seq = {0, 0, 0, 0, 0, 0, 1, 2};
        // BLAKE3 of the empty input (the BLAKE3 reference test vector), as lower-case hex ASCII.
        assertThat(MessageIdFunction.BLAKE3_HEX.apply(null, null, new byte[0]).toBytes()).asString(StandardCharsets.US_ASCII)
                .isEqualTo("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
        assertThat(MessageIdFunction.RUST_DEFAULT.apply(ones, seq, new byte[0]).toBytes()).asString(StandardCharsets.US_ASCII)
                .isEqualTo("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5258");
        assertThat(HexFormat.of().formatHex(MessageIdFunction.JS_DEFAULT.apply(ones, seq, new byte[0]).toBytes()))
                .isEqualTo("08011220" + "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c" + "0000000000000102");
        assertThat(HexFormat.of().formatHex(MessageIdFunction.SHA256.apply(null, null, "abc".getBytes(StandardCharsets.US_ASCII))
                .toBytes())).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(MessageIdFunction.RUST_DEFAULT.apply(ones, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, new byte[0])
                .toBytes()).asString(StandardCharsets.US_ASCII).endsWith("18446744073709551615");
    }

    @Test
    void messageIdFunctionsParseAndNameBadInput() {
        for (MessageIdFunction f : MessageIdFunction.values()) {
            assertThat(MessageIdFunction.parse(f.configName())).isEqualTo(f);
        }
        assertThat(MessageIdFunction.parse("BLAKE3-HEX")).isEqualTo(MessageIdFunction.BLAKE3_HEX);
        assertThatThrownBy(() -> MessageIdFunction.parse("md5")).hasMessageContaining("\"md5\"");
        assertThatThrownBy(() -> MessageIdFunction.RUST_DEFAULT.apply(null, new byte[8], new byte[0]))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> MessageIdFunction.JS_DEFAULT.apply(ONES.peerId(), new byte[3], new byte[0]))
                .hasMessageContaining("8-byte seqno, got 3 bytes");
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
