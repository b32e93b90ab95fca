package io.icn.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity must be byte-identical to Backblaze JavaReedSolomon and reed-solomon-erasure: every vector
 * of {@code reed-solomon-gf256.json} (a copy of ../shared/testvectors), on every kernel.
 */
class TestVectorsTest {
    private static final Pattern VECTOR = Pattern.compile(
            "\\{\"data_shards\": (\\d+), \"parity_shards\": (\\d+), \"shard_size\": (\\d+), \"parity\": \\[(.*?)]}");
    private static final Pattern PARITY = Pattern.compile("\\{\"(hex|sha256)\": \"([0-9a-f]+)\"}");

    record Vector(int k, int m, int size, List<String[]> parity) {
        @Override
        public String toString() {
            return "RS(" + k + "," + m + ") x " + size + " bytes";
        }
    }

    static List<Vector> vectors() throws IOException {
        String json;
        try (InputStream in = TestVectorsTest.class.getResourceAsStream("/reed-solomon-gf256.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Vector> out = new ArrayList<>();
        Matcher v = VECTOR.matcher(json);
        while (v.find()) {
            List<String[]> parity = new ArrayList<>();
            Matcher p = PARITY.matcher(v.group(4));
            while (p.find()) {
                parity.add(new String[] {p.group(1), p.group(2)});
            }
            out.add(new Vector(Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)),
                    Integer.parseInt(v.group(3)), parity));
        }
        return out;
    }

    static Stream<Arguments> cases() throws IOException {
        List<Vector> vectors = vectors();
        assertThat(vectors).as("vectors in the file").hasSize(33);
        return Kernels.available().stream().flatMap(kernel -> vectors.stream().map(v -> Arguments.of(kernel, v)));
    }

    /** The data rule of the vector file: shard s, byte i = (s*251 + i*13 + (i >>> 9)) & 0xFF. */
    static byte[][] data(int k, int m, int size) {
        byte[][] shards = new byte[k + m][size];
        for (int s = 0; s < k; s++) {
            for (int i = 0; i < size; i++) {
                shards[s][i] = (byte) ((s * 251 + i * 13 + (i >>> 9)) & 0xFF);
            }
        }
        return shards;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void parityMatchesTheReferenceConstruction(Gf256Kernel kernel, Vector v) throws NoSuchAlgorithmException {
        ErasureCodec codec = ErasureCodec.reedSolomon(v.k(), v.m(), kernel);
        byte[][] shards = data(v.k(), v.m(), v.size());
        codec.encodeParity(shards);
        assertThat(v.parity()).hasSize(v.m());
        for (int j = 0; j < v.m(); j++) {
            String[] expected = v.parity().get(j);
            byte[] parity = shards[v.k() + j];
            String actual = expected[0].equals("hex") ? HexFormat.of().formatHex(parity)
                    : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(parity));
            assertThat(actual).as("parity shard %d (%s)", j, expected[0]).isEqualTo(expected[1]);
        }
        assertThat(codec.verify(shards)).isTrue();
    }
}
