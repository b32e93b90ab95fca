package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.p2p.MessageTooLargeException;
import io.icn.p2p.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KadMessageCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int LIMIT = KadConfig.defaults().maxInboundMessageBytes();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findNodeRequestHasTheSpecBytes() {
        // type=FIND_NODE(4) as field 1 varint, key "abc" as field 2 bytes
        assertThat(HEX.formatHex(KadMessageCodec.encode(KadMessage.request(KadMessage.Type.FIND_NODE, utf8("abc")))))
                .isEqualTo("08041203616263");
    }

    @Test
    void putValueCarriesTheRecordInField3() {
        byte[] wire = KadMessageCodec.encode(KadMessage.putValue(new KadRecord(utf8("k"), utf8("v"))));
        // 08 00 | 12 01 'k' | 1a 06 (0a 01 'k' 12 01 'v')
        assertThat(HEX.formatHex(wire)).isEqualTo("080012016b1a060a016b120176");
    }

    @Test
    void peersRoundTripWithAddressesAndConnection() {
        KadPeer a = new KadPeer(new byte[] {0, 36, 8, 1}, List.of(new byte[] {4, 127, 0, 0, 1}), KadPeer.Connection.CONNECTED);
        KadPeer b = KadPeer.of(new byte[] {1, 2, 3}, List.of());
        KadMessage m = new KadMessage(KadMessage.Type.GET_PROVIDERS, utf8("key"), null, List.of(a), List.of(b), 0);
        KadMessage back = KadMessageCodec.decode(KadMessageCodec.encode(m), LIMIT);
        assertThat(back).isEqualTo(m);
        assertThat(back.closerPeers().get(0).connection()).isEqualTo(KadPeer.Connection.CONNECTED);
        assertThat(back.closerPeers().get(0).addrs().get(0)).containsExactly(4, 127, 0, 0, 1);
    }

    @Test
    void recordTimeReceivedAndClusterLevelRoundTrip() {
        KadMessage m = new KadMessage(KadMessage.Type.GET_VALUE, utf8("/icn/x"),
                new KadRecord(utf8("/icn/x"), utf8("value"), "2026-12-06T19:00:00Z"), List.of(), List.of(), 3);
        assertThat(KadMessageCodec.decode(KadMessageCodec.encode(m), LIMIT)).isEqualTo(m);
    }

    @Test
    void unknownFieldsAreSkipped() {
        // FIND_NODE "abc" followed by field 15 varint 7 and field 16 bytes "zz"
        byte[] wire = HEX.parseHex("08041203616263" + "7807" + "8201027a7a");
        KadMessage m = KadMessageCodec.decode(wire, LIMIT);
        assertThat(m.type()).isEqualTo(KadMessage.Type.FIND_NODE);
        assertThat(m.key()).isEqualTo(utf8("abc"));
    }

    @Test
    void oversizedMessageIsAViolationNamingTheSize() {
        byte[] big = new byte[LIMIT + 1];
        assertThatThrownBy(() -> KadMessageCodec.decode(big, LIMIT))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining(String.valueOf(LIMIT + 1));
    }

    @Test
    void rustSizedMessageIsAccepted() {
        // A PUT_VALUE whose encoding is exactly rust-libp2p's 16 KiB maximum.
        int value = 16 * 1024 - 14;
        KadMessage m = KadMessage.putValue(new KadRecord(utf8("k"), new byte[value]));
        int size = KadMessageCodec.encode(m).length;
        assertThat(size).isEqualTo(16 * 1024);
        assertThat(KadMessageCodec.decode(KadMessageCodec.encode(m), LIMIT).record().valueLength()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0806",                 // unknown message type 6
        "0a00",                 // type with wire type 2
        "1205616263",           // key longer than the message
        "4200",                 // closer peer without id
        "42021a00",             // closer peer: connection with wrong wire type... and no id
        "420418070801",         // peer: connection type 7
        "1a030a0561",           // record: key length runs past the record
        "0b",                   // start-group tag
        "08ffffffffffffffffffff01", // malformed varint
    })
    void malformedMessagesAreViolations(String hex) {
        assertThatThrownBy(() -> KadMessageCodec.decode(HEX.parseHex(hex), LIMIT))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void randomBytesGiveAMessageOrAViolationNeverAnotherError() {
        long seed = System.nanoTime();
        System.out.println("KadMessageCodecTest seed " + seed);
        Random r = new Random(seed);
        KadMessage valid = new KadMessage(KadMessage.Type.GET_VALUE, utf8("/icn/manifest/x"),
                new KadRecord(utf8("/icn/manifest/x"), new byte[40]),
                List.of(KadPeer.of(new byte[38], List.of(new byte[8], new byte[20]))), List.of(), 0);
        byte[] base = KadMessageCodec.encode(valid);
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (r.nextBoolean()) {
                b = new byte[r.nextInt(64)];
                r.nextBytes(b);
            } else {
                b = base.clone();
                for (int j = 0; j < 1 + r.nextInt(4); j++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                if (r.nextInt(4) == 0) {
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                }
            }
            byte[] input = b;
            try {
                KadMessage m = KadMessageCodec.decode(input, LIMIT);
                // Whatever decoded re-encodes and decodes to the same message.
                assertThat(KadMessageCodec.decode(KadMessageCodec.encode(m), LIMIT)).isEqualTo(m);
            } catch (ProtocolViolationException expected) {
                assertThat(expected.getMessage()).as("seed %d input %s", seed, HEX.formatHex(input)).isNotBlank();
            }
        }
    }
}
