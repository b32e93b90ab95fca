package io.icn.chain.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.bigIntegers;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaleCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @CsvSource({
            "0, 00", "1, 04", "63, fc", "64, 0101", "16383, fdff", "16384, 02000100", "1073741823, feffffff",
            "1073741824, 0300000040", "4294967295, 03ffffffff", "4294967296, 070000000001",
            "18446744073709551615, 13ffffffffffffffff",
            "340282366920938463463374607431768211455, 33ffffffffffffffffffffffffffffffff"})
    void compactVectorsInEveryMode(String value, String hex) {
        BigInteger v = new BigInteger(value);
        assertThat(HEX.formatHex(new ScaleWriter().compact(v).toByteArray())).isEqualTo(hex);
        assertThat(ScaleReader.decodeAll(HEX.parseHex(hex), ScaleReader::compactBig, "compact")).isEqualTo(v);
    }

    @Test
    void compactLongsRoundTrip() {
        qt().forAll(longs().between(0, Long.MAX_VALUE)).checkAssert(v -> {
            byte[] enc = new ScaleWriter().compact(v).toByteArray();
            assertThat(ScaleReader.decodeAll(enc, ScaleReader::compact, "compact")).isEqualTo(v);
            assertThat(enc).isEqualTo(new ScaleWriter().compact(BigInteger.valueOf(v)).toByteArray());
        });
    }

    @Test
    void compactU128RoundTripAndEveryPrefixIsTruncated() {
        qt().forAll(bigIntegers().ofBytes(16)).checkAssert(signed -> {
            BigInteger v = signed.abs();
            byte[] enc = new ScaleWriter().compact(v).toByteArray();
            assertThat(ScaleReader.decodeAll(enc, ScaleReader::compactU128, "compact")).isEqualTo(v);
            for (int cut = 0; cut < enc.length; cut++) {
                byte[] prefix = java.util.Arrays.copyOf(enc, cut);
                assertThatThrownBy(() -> new ScaleReader(prefix).compactBig()).isInstanceOf(TruncatedScaleException.class);
            }
        });
    }

    @Test
    void fixedIntegersAreLittleEndian() {
        byte[] enc = new ScaleWriter().u8(1).u16(0x0203).u32(0x04050607L).u64(0x08090a0b0c0d0e0fL)
                .u128(BigInteger.ONE.shiftLeft(127)).i8(-1).i16(-2).i32(-3).i64(-4)
                .signedBig(BigInteger.valueOf(-5), 16).bool(true).bool(false).toByteArray();
        ScaleReader in = new ScaleReader(enc);
        assertThat(in.u8()).isEqualTo(1);
        assertThat(in.u16()).isEqualTo(0x0203);
        assertThat(in.u32()).isEqualTo(0x04050607L);
        assertThat(in.u64()).isEqualTo(0x08090a0b0c0d0e0fL);
        assertThat(in.u128()).isEqualTo(BigInteger.ONE.shiftLeft(127));
        assertThat(in.i8()).isEqualTo(-1);
        assertThat(in.i16()).isEqualTo(-2);
        assertThat(in.i32()).isEqualTo(-3);
        assertThat(in.i64()).isEqualTo(-4);
        assertThat(in.signedBig(16)).isEqualTo(BigInteger.valueOf(-5));
        assertThat(in.bool()).isTrue();
        assertThat(in.bool()).isFalse();
        in.expectEnd("fixed ints");
        assertThat(HEX.formatHex(new ScaleWriter().u16(0x0203).toByteArray())).isEqualTo("0302");
    }

    @Test
    void composedValuesRoundTrip() {
        qt().forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 40),
                arbitrary().pick(List.of(Optional.<String>empty(), Optional.of("ünïcode"), Optional.of(""))),
                integers().between(0, 255)).checkAssert((list, opt, tag) -> {
                    ScaleWriter w = new ScaleWriter()
                            .vec(list, (o, x) -> o.u32(x))
                            .option(opt, ScaleWriter::string)
                            .result(tag % 2 == 0 ? ScaleResult.ok((long) tag) : ScaleResult.err("e" + tag),
                                    (o, x) -> o.u64(x), ScaleWriter::string)
                            .array(List.of(1, 2, 3), 3, (o, x) -> o.u16(x))
                            .variant(tag % 3).u8(tag)
                            .bitSequence(new boolean[] {true, false, true, true, false, false, false, false, true})
                            .bitFlags(0b101, 8);
                    ScaleReader in = new ScaleReader(w.toByteArray());
                    assertThat(in.vec(r -> (int) r.u32())).isEqualTo(list);
                    assertThat(in.option(ScaleReader::string)).isEqualTo(opt);
                    ScaleResult<Long, String> res = in.result(ScaleReader::u64, ScaleReader::string);
                    assertThat(res.isOk()).isEqualTo(tag % 2 == 0);
                    assertThat(in.array(3, ScaleReader::u16)).containsExactly(1, 2, 3);
                    assertThat(in.variant(3, "Tag")).isEqualTo(tag % 3);
                    assertThat(in.u8()).isEqualTo(tag);
                    assertThat(in.bitSequence()).containsExactly(true, false, true, true, false, false, false, false, true);
                    assertThat(in.bitFlags(8, 0b111)).isEqualTo(0b101);
                    in.expectEnd("composed");
                });
    }

    @Test
    void optionBoolIsOneByte() {
        assertThat(new ScaleWriter().optionBool(Optional.empty()).optionBool(Optional.of(true))
                .optionBool(Optional.of(false)).toByteArray()).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> new ScaleReader(new byte[] {3}).optionBool())
                .isInstanceOf(ScaleDecodeException.class).hasMessageContaining("0x3");
    }

    @Test
    @Timeout(10)
    void hugeDeclaredLengthsFailFastWithoutAllocating() {
        byte[] claim = new ScaleWriter().compact(BigInteger.valueOf(Integer.MAX_VALUE)).u8(1).toByteArray();
        assertThatThrownBy(() -> new ScaleReader(claim).bytes()).isInstanceOf(TruncatedScaleException.class)
                .hasMessageContaining(String.valueOf(Integer.MAX_VALUE));
        assertThatThrownBy(() -> new ScaleReader(claim).vec(ScaleReader::u64))
                .isInstanceOf(TruncatedScaleException.class);
        assertThatThrownBy(() -> new ScaleReader(claim).vec(r -> List.of()))
                .isInstanceOf(TruncatedScaleException.class);
        byte[] tooBig = new ScaleWriter().compact(Long.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new ScaleReader(tooBig).bytes()).isInstanceOf(ScaleDecodeException.class)
                .hasMessageContaining("exceeds");
        byte[] u128Max = new ScaleWriter().compact(ScaleWriter.U128_MAX).toByteArray();
        assertThatThrownBy(() -> new ScaleReader(u128Max).compact()).isInstanceOf(ScaleDecodeException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void nonCanonicalCompactsAndBadTagsAreRefused() {
        assertThatThrownBy(() -> new ScaleReader(HEX.parseHex("0100")).compact()).hasMessageContaining("non-canonical");
        assertThatThrownBy(() -> new ScaleReader(HEX.parseHex("02000000")).compact()).hasMessageContaining("non-canonical");
        assertThatThrownBy(() -> new ScaleReader(HEX.parseHex("03ffffff00")).compact()).hasMessageContaining("non-canonical");
        assertThatThrownBy(() -> new ScaleReader(HEX.parseHex("070000000000")).compact()).hasMessageContaining("non-canonical");
        assertThatThrownBy(() -> new ScaleReader(new byte[] {2}).bool()).hasMessageContaining("bool");
        assertThatThrownBy(() -> new ScaleReader(new byte[] {2, 0}).option(ScaleReader::u8)).hasMessageContaining("Option tag");
        assertThatThrownBy(() -> new ScaleReader(new byte[] {5}).variant(3, "DealStatus"))
                .hasMessageContaining("DealStatus variant 5");
        assertThatThrownBy(() -> new ScaleReader(HEX.parseHex("04ff")).string()).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> new ScaleReader(HEX.parseHex("0cff")).bitSequence()).hasMessageContaining("past its length");
        assertThatThrownBy(() -> ScaleReader.decodeAll(new byte[] {1, 2}, ScaleReader::u8, "u8"))
                .hasMessageContaining("1 trailing byte");
    }

    @Test
    void writerRefusesOutOfRangeValues() {
        assertThatThrownBy(() -> new ScaleWriter().u8(256)).hasMessageContaining("256");
        assertThatThrownBy(() -> new ScaleWriter().u32(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new ScaleWriter().compact(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new ScaleWriter().u128(BigInteger.ONE.shiftLeft(128))).hasMessageContaining("u128");
        assertThatThrownBy(() -> new ScaleWriter().fixedBytes(new byte[31], 32)).hasMessageContaining("31");
        assertThatThrownBy(() -> new ScaleWriter().bitFlags(256, 1)).hasMessageContaining("0x100");
    }

    @Test
    @Timeout(30)
    void randomInputNeverFailsWithAnythingButADecodeError() {
        long seed = System.nanoTime();
        System.out.println("randomInputNeverFailsWithAnythingButADecodeError seed=" + seed);
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[rnd.nextInt(24)];
            rnd.nextBytes(junk);
            try {
                ScaleReader in = new ScaleReader(junk);
                in.vec(r -> r.option(x -> x.result(ScaleReader::string, y -> y.vec(ScaleReader::compactBig))));
                in.bitSequence();
            } catch (ScaleDecodeException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
