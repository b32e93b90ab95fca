package io.icn.chain.substrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashingTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @CsvSource({
            // reference XXH64 vectors (xxhsum), seed 0 and 1
            "'', 0, ef46db3751d8e999",
            "'a', 0, d24ec4f1a98c6e5b",
            "'abc', 0, 44bc2cf5ad770999",
            "'Nobody inspects the spammish repetition', 0, fbcea83c8a378bf1",
            "'', 1, d5afba1336a3be4b"})
    void xxHash64Vectors(String text, long seed, String hex) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertThat(Long.toHexString(XxHash64.hash(b, 0, b.length, seed))).isEqualTo(hex);
    }

    @ParameterizedTest
    @CsvSource({
            "System, 26aa394eea5630e07c48ae0c9558cef7",
            "Number, 02a5c1b19ab7a04f536c519aca4983ac",
            "Account, b99d880ec681799c0cf30e8886371da9",
            "Events, 80d41e5e16056765bc8461851072c9d7"})
    void twox128OfWellKnownNames(String name, String hex) {
        assertThat(HEX.formatHex(Hashing.twox128(name))).isEqualTo(hex);
    }

    @Test
    void blake2bOfEmptyInput() {
        assertThat(HEX.formatHex(Hashing.blake2b256(new byte[0])))
                .isEqualTo("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
        assertThat(Hashing.blake2b128(new byte[0])).hasSize(16);
        assertThat(Hashing.twox256(new byte[0])).hasSize(32);
        assertThat(Hashing.twox64(new byte[0])).containsExactly(HEX.parseHex("99e9d85137db46ef"));
    }

    @Test
    void systemNumberKey() {
        assertThat(HEX.formatHex(StorageKeys.prefix("System", "Number")))
                .isEqualTo("26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac");
        byte[] k = StorageKeys.mapKey("IcnPinning", "PendingAudits", StorageHasher.BLAKE2_128_CONCAT, new byte[] {7, 8});
        assertThat(k).hasSize(32 + 16 + 2);
        assertThat(StorageKeys.keySuffix(k, StorageHasher.BLAKE2_128_CONCAT)).containsExactly(7, 8);
    }
}
