package io.icn.chain.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainKeyAndEraTest {
    private static final String SEED = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

    @Test
    void keyFromEnvironmentNeverEchoesTheSecret() {
        ChainKey key = ChainKey.fromEnvironment(Map.of("ICN_CHAIN_SEED", "0x" + SEED), "ICN_CHAIN_SEED");
        assertThat(key.accountHex()).isEqualTo("79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");
        assertThat(key.toString()).doesNotContain(SEED);
        assertThatThrownBy(() -> ChainKey.fromEnvironment(Map.of(), "ICN_CHAIN_SEED")).hasMessageContaining("not set");
        String bad = SEED.substring(0, 62) + "zz";
        assertThatThrownBy(() -> ChainKey.fromEnvironment(Map.of("K", bad), "K"))
                .hasMessageContaining("not hexadecimal").hasMessageNotContaining(bad);
        assertThatThrownBy(() -> ChainKey.fromEnvironment(Map.of("K", "abcd"), "K"))
                .hasMessageContaining("64 hex digits").hasMessageNotContaining("abcd");
    }

    @Test
    void keyFromTheLaunchersPkcs8FileAndFromAJdkKey(@TempDir Path dir) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path file = dir.resolve("node-key.pk8");
        Files.write(file, pair.getPrivate().getEncoded());
        byte[] x509 = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        ChainKey fromFile = ChainKey.fromPkcs8File(file);
        assertThat(fromFile.publicKey()).isEqualTo(raw);
        ChainKey fromJdk = ChainKey.of(pair.getPrivate(), raw);
        byte[] msg = {1, 2, 3};
        assertThat(fromJdk.sign(msg)).isEqualTo(fromFile.sign(msg));
        assertThat(Ed25519.verify(raw, msg, fromFile.sign(msg))).isTrue();
        byte[] wrong = raw.clone();
        wrong[0] ^= 1;
        assertThatThrownBy(() -> ChainKey.of(pair.getPrivate(), wrong)).hasMessageContaining("does not match");
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> ChainKey.fromPkcs8File(file)).hasMessageContaining("not a PKCS#8 Ed25519 key");
    }

    @Test
    void mortalErasRoundTripAndContainTheirBirth() {
        qt().forAll(integers().between(4, 70_000), longs().between(0, 1L << 32)).checkAssert((blocks, current) -> {
            Era era = Era.mortal(blocks, current);
            assertThat(era.period()).isBetween(4L, 65536L);
            assertThat(era.period()).isGreaterThanOrEqualTo(Math.min(blocks, 65536));
            ScaleWriter w = new ScaleWriter();
            era.encode(w);
            assertThat(w.size()).isEqualTo(2);
            assertThat(Era.decode(new ScaleReader(w.toByteArray()))).isEqualTo(era);
            long birth = era.birth(current);
            assertThat(birth).isLessThanOrEqualTo(current);
            assertThat(current - birth).isLessThan(era.period());
        });
        ScaleWriter w = new ScaleWriter();
        Era.IMMORTAL.encode(w);
        assertThat(w.toByteArray()).containsExactly(0);
        assertThatThrownBy(() -> new Era(5, 0)).hasMessageContaining("5");
        assertThatThrownBy(() -> new Era(64, 64)).hasMessageContaining("64");
    }
}
