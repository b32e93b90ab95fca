package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.p2p.internal.Base58;
import io.icn.p2p.internal.ProtoWriter;
import io.icn.p2p.internal.Varint;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded property tests of the parsers (the seed is in every failure message): valid values round-trip, and
 * arbitrary bytes either parse or fail with the parser's specific exception, never anything else.
 */
class EncodingPropertiesTest {
    private static final int ROUNDS = 3000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 0x1CE})
    void varintsRoundTripAndGarbageIsAViolation(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            long value = random.nextLong() >>> (1 + random.nextInt(63));
            byte[] encoded = Varint.encode(value);
            assertThat(encoded).as("seed %d value %d", seed, value).hasSize(Varint.size(value));
            assertThat(Varint.read(ByteBuffer.wrap(encoded))).as("seed %d", seed).isEqualTo(value);

            byte[] garbage = new byte[random.nextInt(12)];
            random.nextBytes(garbage);
            ByteBuffer in = ByteBuffer.wrap(garbage);
            try {
                long v = Varint.read(in);
                assertThat(Varint.encode(v)).as("seed %d: a decoded varint re-encodes to its bytes", seed)
                        .isEqualTo(java.util.Arrays.copyOf(garbage, in.position()));
            } catch (ProtocolViolationException expected) {
                assertThat(expected.getMessage()).as("seed %d", seed).containsAnyOf("truncated", "longer", "minimally");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void base58RoundTrips(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] bytes = new byte[random.nextInt(50)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = 0;
            }
            assertThat(Base58.decode(Base58.encode(bytes))).as("seed %d", seed).isEqualTo(bytes);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void multiaddrsRoundTripAndGarbageIsInvalid(long seed) {
        Random random = new Random(seed);
        PeerId peer = HostIdentity.generate(new SecureRandom()).peerId();
        List<String> parts = List.of("/ip4/10.1.2.3", "/ip6/::1", "/ip6/2001:db8::8a2e:370:7334", "/dns4/example.org",
                "/dns6/a.b", "/dns/x", "/tcp/4001", "/udp/9002", "/quic-v1", "/p2p/" + peer, "/tcp/0", "/udp/65535");
        for (int i = 0; i < ROUNDS; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                text.append(parts.get(random.nextInt(parts.size())));
            }
            Multiaddr a = Multiaddr.parse(text.toString());
            assertThat(a.toString()).as("seed %d", seed).isEqualTo(text.toString());
            assertThat(Multiaddr.fromBytes(a.toBytes())).as("seed %d", seed).isEqualTo(a);
            assertThat(Multiaddr.parse(a.toString())).isEqualTo(a);

            byte[] garbage = a.toBytes();
            garbage[random.nextInt(garbage.length)] ^= (byte) (1 << random.nextInt(8));
            if (random.nextInt(4) == 0) {
                garbage = java.util.Arrays.copyOf(garbage, random.nextInt(garbage.length + 1));
            }
            try {
                Multiaddr parsed = Multiaddr.fromBytes(garbage);
                assertThat(Multiaddr.parse(parsed.toString())).as("seed %d", seed).isEqualTo(parsed);
            } catch (InvalidMultiaddrException expected) {
                assertThat(expected.getMessage()).as("seed %d", seed).contains("multiaddr");
            }
            String mangled = mangle(text.toString(), random);
            try {
                Multiaddr.parse(mangled);
            } catch (InvalidMultiaddrException expected) {
                assertThat(expected.getMessage()).as("seed %d", seed).isNotBlank();
            }
        }
    }

    private static String mangle(String text, Random random) {
        char[] c = text.toCharArray();
        c[random.nextInt(c.length)] = "/:.0aZ9-x%".charAt(random.nextInt(10));
        return new String(c);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void protobufMessagesRoundTripAndGarbageIsAViolation(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            Identify id = new Identify(new byte[] {8, 1, 18, 0}, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/" + random.nextInt(65536))),
                    List.of("/ipfs/id/1.0.0", "/p" + random.nextInt()), Optional.of(Multiaddr.parse("/ip6/::1/tcp/1")),
                    "/icn/super-node/1.0.0", "agent " + random.nextInt());
            Identify back = Identify.decode(id.encode());
            assertThat(back.protocols()).isEqualTo(id.protocols());
            assertThat(back.listenAddresses()).isEqualTo(id.listenAddresses());
            assertThat(back.observedAddress()).isEqualTo(id.observedAddress());
            assertThat(back.agentVersion()).isEqualTo(id.agentVersion());

            byte[] garbage = random.nextBoolean() ? id.encode() : new byte[random.nextInt(64)];
            if (random.nextBoolean()) {
                random.nextBytes(garbage);
            } else if (garbage.length > 0) {
                garbage[random.nextInt(garbage.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                Identify.decode(garbage);
            } catch (ProtocolViolationException expected) {
                assertThat(expected.getMessage()).as("seed %d", seed).contains("malformed protobuf Identify");
            }
            try {
                NoisePayload.verify(garbage, new byte[32]);
            } catch (ProtocolViolationException | BadPeerException expected) {
                assertThat(expected.getMessage()).as("seed %d", seed).isNotBlank();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void multistreamMessagesRoundTripAndGarbageIsAViolation(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            String protocol = "/p/" + Long.toHexString(random.nextLong()).repeat(random.nextInt(5) + 1);
            ByteBuffer in = ByteBuffer.wrap(Multistream.encode(Multistream.HEADER, protocol));
            assertThat(Multistream.read(in)).isEqualTo(Multistream.HEADER);
            assertThat(Multistream.read(in)).isEqualTo(protocol);
            byte[] garbage = new byte[random.nextInt(20)];
            random.nextBytes(garbage);
            try {
                Multistream.read(ByteBuffer.wrap(garbage));
            } catch (ProtocolViolationException expected) {
                assertThat(expected.getMessage()).as("seed %d", seed).isNotBlank();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void specificMultiaddrErrorsNameTheFault() {
        assertThatThrownBy(() -> Multiaddr.parse("ip4/1.2.3.4")).isInstanceOf(InvalidMultiaddrException.class).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3")).hasMessageContaining("'1.2.3' is not an IPv4 address");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.04")).hasMessageContaining("not an IPv4");
        assertThatThrownBy(() -> Multiaddr.parse("/ip6/not-ip6")).hasMessageContaining("not an IPv6 address");
        assertThatThrownBy(() -> Multiaddr.parse("/tcp/65536")).hasMessageContaining("port '65536'");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp")).hasMessageContaining("/tcp needs a value");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/sctp/1")).hasMessageContaining("unknown protocol 'sctp'");
        assertThatThrownBy(() -> Multiaddr.parse("/p2p/notapeer")).hasMessageContaining("bad /p2p value");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4//tcp/1")).hasMessageContaining("not an IPv4");
        assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[] {4, 1, 2})).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[] {(byte) 0x99, 0x01})).hasMessageContaining("unknown protocol code 0x99");
        assertThat(Multiaddr.parse("/ipfs/12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5").toString())
                .isEqualTo("/p2p/12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
        assertThat(Multiaddr.parse("/ip6/0:0:0:0:0:0:0:1/udp/9002/quic-v1").toString()).isEqualTo("/ip6/::1/udp/9002/quic-v1");
        Multiaddr full = Multiaddr.parse("/dns4/node.example/tcp/4001/p2p/12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
        assertThat(full.peerId()).map(PeerId::toString).hasValue("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
        assertThat(full.withoutPeerId().toString()).isEqualTo("/dns4/node.example/tcp/4001");
        // binary form of /ip4/127.0.0.1/tcp/4001 as the multiaddr spec gives it
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").toBytes()).isEqualTo(new byte[] {4, 127, 0, 0, 1, 6, 0x0f, (byte) 0xa1});
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/udp/9002/quic-v1").toBytes())
                .isEqualTo(new byte[] {4, 127, 0, 0, 1, (byte) 0x91, 0x02, 0x23, 0x2a, (byte) 0xcd, 0x03});
        assertThat(new ProtoWriter().varint(1, 1).toByteArray()).isEqualTo(new byte[] {8, 1});
    }

    @org.junit.jupiter.api.Test
    void aLengthThatWrapsNegativeIsAViolation() {
        // field 2, wire type 2, then a 10-byte varint whose value has the sign bit set
        byte[] message = {0x12, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01};
        assertThatThrownBy(() -> Identify.decode(message)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("claims");
        byte[] skipped = {0x7a, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01}; // field 15: skipped, not read
        assertThatThrownBy(() -> Identify.decode(skipped)).isInstanceOf(ProtocolViolationException.class);
    }
}
