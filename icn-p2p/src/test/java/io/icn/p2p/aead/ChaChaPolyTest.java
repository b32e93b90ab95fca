package io.icn.p2p.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ChaCha20-Poly1305 byte for byte: the RFC 8439 test vectors for every implementation of this JVM (the scalar core,
 * each Vector API width the CPU has, the JDK's cipher), and seeded random messages (key, nonce, associated data,
 * lengths 0-70,000, heap and direct buffers, offsets, in place) against the JDK's {@code ChaCha20-Poly1305}
 * {@link Cipher}, each also opened with one bit flipped, which must fail with {@link AEADBadTagException}.
 */
class ChaChaPolyTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String SUNSCREEN = "Ladies and Gentlemen of the class of '99: If I could offer you only one"
            + " tip for the future, sunscreen would be it.";

    /** Every ChaCha20 core available here. */
    static List<ChaCha20> cores() {
        List<ChaCha20> cores = new ArrayList<>();
        cores.add(new ScalarChaCha20());
        if (ChaChaPolys.vectorBits() > 0) {
            cores.add(new VectorChaCha20());
            cores.add(new VectorChaCha20(false));
        }
        return cores;
    }

    /** Every AEAD available here, by name, as a factory of a keyed instance. */
    static Stream<Named> implementations() {
        List<Named> all = new ArrayList<>();
        all.add(new Named("jdk", ChaChaPolys::jdk));
        all.add(new Named("java-scalar", ChaChaPolys::javaScalar));
        if (ChaChaPolys.vectorBits() > 0) {
            all.add(new Named("java-vector-" + ChaChaPolys.vectorBits(), key -> ChaChaPolys.javaVector(key).orElseThrow()));
            all.add(new Named("java-vector-" + ChaChaPolys.vectorBits() + "-long-xor",
                    key -> new JavaChaChaPoly(new VectorChaCha20(false), key)));
        }
        return all.stream();
    }

    record Named(String name, Function<byte[], ChaChaPoly> factory) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void theVectorApiIsTestedWhereTheModuleIsPresent() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertThat(ChaChaPolys.vectorBits() > 0).as("the vector code passes its self-test when the module is present")
                .isEqualTo(module);
        if (module) {
            assertThat(cores()).hasSizeGreaterThan(1);
        }
    }

    @Test
    void rfc8439BlockFunction() {
        // section 2.3.2: key 00..1f, nonce 000000090000004a00000000, counter 1
        for (ChaCha20 core : cores()) {
            int[] state = state(range(0, 32), 1, HEX.parseHex("000000090000004a00000000"));
            int[] out = new int[16];
            core.block(state, out);
            ByteBuffer serialized = ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int word : out) {
                serialized.putInt(word);
            }
            assertThat(HEX.formatHex(serialized.array())).as(core.name()).isEqualTo(
                    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                    + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
        }
    }

    @Test
    void rfc8439Encryption() {
        // section 2.4.2: key 00..1f, nonce 000000000000004a00000000, counter 1
        for (ChaCha20 core : cores()) {
            int[] state = state(range(0, 32), 1, HEX.parseHex("000000000000004a00000000"));
            ByteBuffer text = ByteBuffer.wrap(SUNSCREEN.getBytes(StandardCharsets.US_ASCII));
            core.xor(state, text, 0, text, 0, text.capacity());
            assertThat(HEX.formatHex(text.array())).as(core.name()).isEqualTo(
                    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                    + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                    + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                    + "5af90bbf74a35be6b40b8eedf2785e42874d");
            assertThat(state[12]).as("counter after two blocks").isEqualTo(3);
        }
    }

    @Test
    void rfc8439Poly1305() {
        // section 2.5.2
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        assertThat(rawMac(key, message)).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    static Stream<Object[]> bulkMacCases() {
        long seed = new SplittableRandom().nextLong();
        return Stream.of(new Object[] {"all ones", seed}, new Object[] {"random", seed});
    }

    /**
     * The Vector API's bulk MAC against block by block, at its limits: the largest clamped r, blocks of all ones
     * (the largest limbs every step), an accumulator already holding blocks, lengths around its step and minimum.
     */
    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("bulkMacCases")
    void bulkPoly1305EqualsBlockByBlock(String data, long seed) {
        // not through ChaChaPolys.vectorBits(): its self-test turns the vector code off if the bulk MAC is wrong
        Poly1305.Bulk bulk = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? new VectorChaCha20().macBulk() : null;
        assumeTrue(bulk != null, "no bulk MAC here (needs 512-bit vectors and JDK 16-19's buffer access)");
        System.out.println("bulkPoly1305EqualsBlockByBlock seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            int[] key = new int[8];
            for (int i = 0; i < 8; i++) {
                key[i] = round == 0 || data.equals("all ones") ? -1 : random.nextInt();
            }
            int prefix = round % 3 == 0 ? 0 : 1 + random.nextInt(64);
            int length = round < 40 ? 496 + 8 * round : random.nextInt(70_000);
            ByteBuffer b = buffer(round % 2 == 0, prefix + length);
            for (int i = 0; i < prefix + length; i++) {
                b.put(i, data.equals("all ones") ? (byte) -1 : (byte) random.nextInt());
            }
            Poly1305 fast = new Poly1305(bulk);
            Poly1305 plain = new Poly1305();
            for (Poly1305 mac : List.of(fast, plain)) {
                mac.init(key);
                mac.padded(b, 0, prefix);
                mac.padded(b, prefix, length);
                mac.lengths(prefix, length);
                mac.finish();
            }
            assertThat(new long[] {fast.tagLow(), fast.tagHigh()}).as("round %d, prefix %d, length %d", round, prefix, length)
                    .containsExactly(plain.tagLow(), plain.tagHigh());
        }
    }

    @Test
    void poly1305ReducesAnAccumulatorAtOrAboveTheModulus() {
        // RFC 8439 appendix A.3, test vector 6: h ends at 2^130 - 5 + ... with r = 2, s = 0: tag 03 00..00
        byte[] key = HEX.parseHex("0200000000000000000000000000000000000000000000000000000000000000");
        byte[] msg = HEX.parseHex("ffffffffffffffffffffffffffffffff");
        assertThat(rawMac(key, msg)).isEqualTo("03000000000000000000000000000000");
        // vector 5: r = 2, s = ff..ff, message 02 00..00
        key = HEX.parseHex("02000000000000000000000000000000ffffffffffffffffffffffffffffffff");
        assertThat(rawMac(key, HEX.parseHex("02000000000000000000000000000000")))
                .isEqualTo("03000000000000000000000000000000");
        // vector 8: result 2^130 - 5 + 0 reduced to 0
        key = HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        msg = HEX.parseHex("fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe"
                + "01010101010101010101010101010101");
        assertThat(rawMac(key, msg)).isEqualTo("00000000000000000000000000000000");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void rfc8439Aead(Named implementation) throws Exception {
        // section 2.8.2
        ChaChaPoly aead = implementation.factory().apply(range(0x80, 0xa0));
        byte[] ad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] plain = SUNSCREEN.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer sealed = ByteBuffer.allocate(plain.length + 16);
        aead.seal(7, 0x4746454443424140L, ad, ByteBuffer.wrap(plain), sealed);
        assertThat(sealed.position()).isEqualTo(plain.length + 16);
        assertThat(HEX.formatHex(sealed.array())).isEqualTo(
                "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                + "3ff4def08e4b7a9de576d26586cec64b6116"
                + "1ae10b594f09e26a7e902ecbd0600691");
        ByteBuffer opened = ByteBuffer.allocate(plain.length);
        sealed.flip();
        // a fresh instance: the JDK's cipher refuses a second init with the same key and nonce
        implementation.factory().apply(range(0x80, 0xa0)).open(7, 0x4746454443424140L, ad, sealed, opened);
        assertThat(opened.array()).isEqualTo(plain);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void shortCiphertextIsRejectedByName(Named implementation) {
        ChaChaPoly aead = implementation.factory().apply(new byte[32]);
        assertThatThrownBy(() -> aead.open(0, 0, null, ByteBuffer.allocate(15), ByteBuffer.allocate(16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 bytes");
        assertThatThrownBy(() -> implementation.factory().apply(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31 bytes");
    }

    static Stream<Object[]> seededImplementations() {
        long base = System.nanoTime();
        System.out.println("ChaChaPolyTest random seeds start at " + base);
        return implementations().filter(n -> !n.name().equals("jdk"))
                .flatMap(n -> Stream.of(new Object[] {n, base}, new Object[] {n, base + 1}, new Object[] {n, 42L}));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("seededImplementations")
    void sameBytesAsTheJdkAndEveryFlippedBitFails(Named implementation, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 40; round++) {
            String where = "seed " + seed + " round " + round;
            byte[] key = bytes(random, 32);
            int nonceWord = random.nextInt();
            long nonceLong = random.nextLong();
            byte[] ad = random.nextInt(4) == 0 ? null : bytes(random, random.nextInt(80));
            int length = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(64);
                case 1 -> random.nextInt(2048);
                case 2 -> 65_519;
                default -> random.nextInt(70_001);
            };
            byte[] plain = bytes(random, length);
            byte[] expected = jdkSeal(key, nonceWord, nonceLong, ad, plain);

            ChaChaPoly aead = implementation.factory().apply(key);
            boolean direct = random.nextBoolean();
            int offset = random.nextInt(9);
            ByteBuffer src = buffer(direct, offset + length + 16);
            src.position(offset);
            src.put(plain);
            src.position(offset).limit(offset + length);
            ByteBuffer dst;
            if (random.nextBoolean()) {
                // in place: the output starts where the input does
                dst = src.duplicate().limit(src.capacity());
            } else {
                dst = buffer(!direct, offset + 3 + length + 16);
                dst.position(offset + 3);
            }
            int dstStart = dst.position();
            aead.seal(nonceWord, nonceLong, ad, src, dst);
            assertThat(src.remaining()).as(where).isZero();
            assertThat(dst.position() - dstStart).as(where).isEqualTo(length + 16);
            assertThat(content(dst, dstStart, length + 16)).as(where + " length " + length).isEqualTo(expected);

            // opened by ours, and by the JDK above (same bytes); in place again
            ByteBuffer sealed = buffer(direct, offset + expected.length);
            sealed.position(offset);
            sealed.put(expected);
            sealed.position(offset);
            ByteBuffer out = sealed.duplicate();
            aead.open(nonceWord, nonceLong, ad, sealed, out);
            assertThat(content(out, offset, length)).as(where).isEqualTo(plain);

            // one flipped bit anywhere in ciphertext, tag or associated data fails, and nothing is written
            byte[] corrupt = expected.clone();
            byte[] corruptAd = ad == null ? null : ad.clone();
            if (corruptAd != null && corruptAd.length > 0 && random.nextInt(4) == 0) {
                corruptAd[random.nextInt(corruptAd.length)] ^= (byte) (1 << random.nextInt(8));
            } else {
                corrupt[random.nextInt(corrupt.length)] ^= (byte) (1 << random.nextInt(8));
            }
            ByteBuffer bad = ByteBuffer.wrap(corrupt);
            ByteBuffer untouched = ByteBuffer.allocate(length);
            assertThatThrownBy(() -> aead.open(nonceWord, nonceLong, corruptAd, bad, untouched)).as(where)
                    .isInstanceOf(AEADBadTagException.class);
            assertThat(untouched.position()).as(where).isZero();
            assertThat(untouched.array()).as(where).isEqualTo(new byte[length]);
            assertThat(bad.position()).as(where).isZero();
            assertThatThrownBy(() -> jdkOpen(key, nonceWord, nonceLong, corruptAd, corrupt)).as(where)
                    .isInstanceOf(AEADBadTagException.class);
        }
    }

    @Test
    void selectionFollowsTheJdkVersionTheModuleAndTheProperty() {
        assertThat(ChaChaPolys.decide("auto", 25, 512).name()).isEqualTo("jdk");
        assertThat(ChaChaPolys.decide("auto", 20, 0).name()).isEqualTo("jdk");
        assertThat(ChaChaPolys.decide("auto", 20, 0).reason()).contains("JDK 20");
        assertThat(ChaChaPolys.decide("auto", 17, 0).reason()).contains("--add-modules");
        assertThat(ChaChaPolys.decide("auto", 17, 256).name()).isEqualTo("java-vector-256");
        assertThat(ChaChaPolys.decide("auto", 17, 0).name()).isEqualTo("java-scalar");
        assertThat(ChaChaPolys.decide("auto", 17, 0).reason()).contains("JDK 17");
        assertThat(ChaChaPolys.decide("jdk", 17, 512).name()).isEqualTo("jdk");
        assertThat(ChaChaPolys.decide("java-scalar", 25, 512).name()).isEqualTo("java-scalar");
        assertThat(ChaChaPolys.decide("java-scalar", 25, 512).reason()).contains("forced");
        assertThat(ChaChaPolys.decide("nonsense", 25, 0).reason()).contains("nonsense").contains("not an implementation");
        assertThat(ChaChaPolys.decide("java-vector", 17, 128).name()).isEqualTo("java-vector-128");
        assertThat(ChaChaPolys.decide("java-vector", 25, 0).reason()).contains("unavailable");
        assertThat(ChaChaPolys.decide("java-vector", 25, 0).name()).isEqualTo("jdk");
        int widest = ChaChaPolys.vectorBits();
        assertThat(ChaChaPolys.javaVector(new byte[32]).isPresent()).isEqualTo(widest > 0);
        ChaChaPoly chosen = ChaChaPolys.create(new byte[32]);
        assertThat(chosen.name()).isEqualTo(ChaChaPolys.selected().name());
    }

    private static String rawMac(byte[] key, byte[] message) {
        int[] words = new int[8];
        ByteBuffer k = ByteBuffer.wrap(key);
        for (int i = 0; i < 8; i++) {
            words[i] = LittleEndian.getInt(k, 4 * i);
        }
        Poly1305 mac = new Poly1305();
        mac.init(words);
        ByteBuffer m = ByteBuffer.wrap(message);
        mac.blocks(m, 0, message.length);
        if (message.length % 16 != 0) {
            mac.rawTail(m, message.length - message.length % 16, message.length % 16);
        }
        mac.finish();
        ByteBuffer tag = ByteBuffer.allocate(16);
        LittleEndian.putLong(tag, 0, mac.tagLow());
        LittleEndian.putLong(tag, 8, mac.tagHigh());
        return HEX.formatHex(tag.array());
    }

    private static byte[] jdkSeal(byte[] key, int nonceWord, long nonceLong, byte[] ad, byte[] plain) throws Exception {
        Cipher c = jdkCipher(Cipher.ENCRYPT_MODE, key, nonceWord, nonceLong, ad);
        return c.doFinal(plain);
    }

    private static byte[] jdkOpen(byte[] key, int nonceWord, long nonceLong, byte[] ad, byte[] sealed) throws Exception {
        return jdkCipher(Cipher.DECRYPT_MODE, key, nonceWord, nonceLong, ad).doFinal(sealed);
    }

    private static Cipher jdkCipher(int mode, byte[] key, int nonceWord, long nonceLong, byte[] ad) throws Exception {
        byte[] nonce = new byte[12];
        ByteBuffer.wrap(nonce).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(nonceWord).putLong(nonceLong);
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        if (ad != null && ad.length > 0) {
            c.updateAAD(ad);
        }
        return c;
    }

    private static int[] state(byte[] key, int counter, byte[] nonce) {
        int[] s = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, 0, 0, 0, 0, 0, 0, 0, 0, counter, 0, 0, 0};
        ByteBuffer k = ByteBuffer.wrap(key);
        for (int i = 0; i < 8; i++) {
            s[4 + i] = LittleEndian.getInt(k, 4 * i);
        }
        ByteBuffer n = ByteBuffer.wrap(nonce);
        for (int i = 0; i < 3; i++) {
            s[13 + i] = LittleEndian.getInt(n, 4 * i);
        }
        return s;
    }

    private static byte[] range(int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt();
        }
        return b;
    }

    private static ByteBuffer buffer(boolean direct, int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    private static byte[] content(ByteBuffer b, int from, int length) {
        byte[] out = new byte[length];
        b.duplicate().position(from).get(out);
        return out;
    }
}
