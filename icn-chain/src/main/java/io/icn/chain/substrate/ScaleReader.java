package io.icn.chain.substrate;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads SCALE encodings from a byte array, the inverse of {@link ScaleWriter}. Every read checks what is
 * left first: a short input throws {@link TruncatedScaleException}, a value out of range for the Java type
 * asked for or a non-canonical compact integer throws {@link ScaleDecodeException}. A declared length is
 * never trusted for allocation: a vector claiming more elements than the remaining bytes could hold fails
 * before anything is allocated (elements of zero size are accepted up to {@link #MAX_ZERO_SIZED_ELEMENTS}).
 *
 * <p>Not thread-safe: one reader per input. The array is not copied; do not change it while reading.
 */
public final class ScaleReader {
    /** Decodes one value from a reader. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(ScaleReader in);
    }

    /** The most elements of a vector whose elements may encode to no bytes at all (such as {@code Vec<()>}). */
    public static final int MAX_ZERO_SIZED_ELEMENTS = 1 << 16;

    private final byte[] data;
    private final int end;
    private int pos;

    public ScaleReader(byte[] data) {
        this(data, 0, data.length);
    }

    public ScaleReader(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    /** Throws unless every byte was consumed: a value followed by junk is not a valid encoding of that value. */
    public void expectEnd(String what) {
        if (pos != end) {
            throw new ScaleDecodeException(remaining() + " trailing byte(s) after " + what + " at offset " + pos);
        }
    }

    private void need(long n, String what) {
        if (n > end - pos) {
            throw new TruncatedScaleException(what, pos, n, end - pos);
        }
    }

    private long littleEndian(int bytes, String what) {
        need(bytes, what);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (data[pos + i] & 0xFFL) << (8 * i);
        }
        pos += bytes;
        return v;
    }

    public int u8() {
        need(1, "u8");
        return data[pos++] & 0xFF;
    }

    public int u16() {
        return (int) littleEndian(2, "u16");
    }

    public long u32() {
        return littleEndian(4, "u32");
    }

    /** The 64 bits of a u64 (values above {@code Long.MAX_VALUE} come back negative; see {@link #u64Exact()}). */
    public long u64() {
        return littleEndian(8, "u64");
    }

    /** A u64 that must fit a non-negative {@code long}. */
    public long u64Exact() {
        int at = pos;
        long v = u64();
        if (v < 0) {
            throw new ScaleDecodeException("u64 " + Long.toUnsignedString(v) + " at offset " + at + " exceeds " + Long.MAX_VALUE);
        }
        return v;
    }

    public int i8() {
        return (byte) littleEndian(1, "i8");
    }

    public int i16() {
        return (short) littleEndian(2, "i16");
    }

    public int i32() {
        return (int) littleEndian(4, "i32");
    }

    public long i64() {
        return littleEndian(8, "i64");
    }

    public BigInteger u128() {
        return unsignedBig(16, "u128");
    }

    public BigInteger u256() {
        return unsignedBig(32, "u256");
    }

    /** A two's-complement little-endian integer of {@code bytes} bytes (16 for i128, 32 for i256). */
    public BigInteger signedBig(int bytes) {
        return new BigInteger(bigEndian(bytes, "i" + (bytes * 8)));
    }

    private BigInteger unsignedBig(int bytes, String what) {
        return new BigInteger(1, bigEndian(bytes, what));
    }

    private byte[] bigEndian(int bytes, String what) {
        need(bytes, what);
        byte[] be = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            be[i] = data[pos + bytes - 1 - i];
        }
        pos += bytes;
        return be;
    }

    public boolean bool() {
        int at = pos;
        int b = u8();
        if (b > 1) {
            throw new ScaleDecodeException("invalid bool byte 0x" + Integer.toHexString(b) + " at offset " + at);
        }
        return b == 1;
    }

    /** A compact integer of any size (up to the 67 bytes the big-integer mode allows); rejects non-canonical forms. */
    public BigInteger compactBig() {
        int at = pos;
        int first = u8();
        int mode = first & 0b11;
        if (mode != 0b11) {
            pos = at;
            return BigInteger.valueOf(compactSmall());
        }
        int bytes = (first >>> 2) + 4;
        BigInteger v = unsignedBig(bytes, "compact integer body");
        if (bytes > 4 && v.bitLength() <= (bytes - 1) * 8 || v.compareTo(BigInteger.ONE.shiftLeft(30)) < 0) {
            throw new ScaleDecodeException("non-canonical compact integer " + v + " in " + bytes + " bytes at offset " + at);
        }
        return v;
    }

    private long compactSmall() {
        int at = pos;
        int first = data[pos] & 0xFF;
        switch (first & 0b11) {
            case 0b00:
                pos++;
                return first >>> 2;
            case 0b01: {
                long v = littleEndian(2, "compact integer") >>> 2;
                if (v < 1L << 6) {
                    throw new ScaleDecodeException("non-canonical compact integer " + v + " in 2 bytes at offset " + at);
                }
                return v;
            }
            case 0b10: {
                long v = littleEndian(4, "compact integer") >>> 2;
                if (v < 1L << 14) {
                    throw new ScaleDecodeException("non-canonical compact integer " + v + " in 4 bytes at offset " + at);
                }
                return v;
            }
            default:
                throw new IllegalStateException("big-integer mode handled by the caller");
        }
    }

    /** A compact integer that must fit a non-negative {@code long}. */
    public long compact() {
        int at = pos;
        BigInteger v = compactBig();
        if (v.bitLength() > 63) {
            throw new ScaleDecodeException("compact integer " + v + " at offset " + at + " exceeds " + Long.MAX_VALUE);
        }
        return v.longValue();
    }

    /** A compact integer used as a length or count: must fit an {@code int}. */
    public int compactInt(String what) {
        int at = pos;
        long v = compact();
        if (v > Integer.MAX_VALUE) {
            throw new ScaleDecodeException(what + " " + v + " at offset " + at + " exceeds " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** A compact u128, checked to fit 128 bits (balances). */
    public BigInteger compactU128() {
        int at = pos;
        BigInteger v = compactBig();
        if (v.bitLength() > 128) {
            throw new ScaleDecodeException("compact u128 " + v + " at offset " + at + " exceeds 128 bits");
        }
        return v;
    }

    public byte[] raw(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative length " + n);
        }
        need(n, n + " raw byte(s)");
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** Skips {@code n} bytes. */
    public void skip(int n) {
        need(n, "skipped bytes");
        pos += n;
    }

    /** {@code Vec<u8>}: compact length then the bytes. */
    public byte[] bytes() {
        int at = pos;
        int n = compactInt("byte vector length");
        if (n > remaining()) {
            throw new TruncatedScaleException("byte vector declared at offset " + at, pos, n, remaining());
        }
        return raw(n);
    }

    /** {@code String}: compact length then strict UTF-8. */
    public String string() {
        int at = pos;
        byte[] utf8 = bytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new ScaleDecodeException("string at offset " + at + " is not valid UTF-8");
        }
    }

    /** {@code Vec<T>}: compact count then the elements. */
    public <T> List<T> vec(Decoder<? extends T> element) {
        int at = pos;
        int n = compactInt("vector length");
        return elements(n, element, "vector declared at offset " + at);
    }

    /** {@code [T; n]}. */
    public <T> List<T> array(int n, Decoder<? extends T> element) {
        return elements(n, element, "array of " + n);
    }

    private <T> List<T> elements(int n, Decoder<? extends T> element, String what) {
        if (n > remaining() && n > MAX_ZERO_SIZED_ELEMENTS) {
            throw new TruncatedScaleException(what + " with " + n + " element(s)", pos, n, remaining());
        }
        List<T> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            int before = pos;
            out.add(element.decode(this));
            if (pos == before && n > remaining() + i + 1 && n > MAX_ZERO_SIZED_ELEMENTS) {
                throw new ScaleDecodeException(what + ": " + n + " zero-sized elements exceed " + MAX_ZERO_SIZED_ELEMENTS);
            }
            if (pos > before && n - i - 1 > remaining()) {
                throw new TruncatedScaleException(what + " with " + n + " element(s)", pos, n - i - 1L, remaining());
            }
        }
        return out;
    }

    /** {@code Option<T>}. */
    public <T> Optional<T> option(Decoder<? extends T> element) {
        int at = pos;
        int tag = u8();
        switch (tag) {
            case 0:
                return Optional.empty();
            case 1:
                return Optional.of(element.decode(this));
            default:
                throw new ScaleDecodeException("invalid Option tag 0x" + Integer.toHexString(tag) + " at offset " + at);
        }
    }

    /** {@code Option<bool>}, packed in one byte. */
    public Optional<Boolean> optionBool() {
        int at = pos;
        int tag = u8();
        switch (tag) {
            case 0:
                return Optional.empty();
            case 1:
                return Optional.of(Boolean.TRUE);
            case 2:
                return Optional.of(Boolean.FALSE);
            default:
                throw new ScaleDecodeException("invalid Option<bool> byte 0x" + Integer.toHexString(tag) + " at offset " + at);
        }
    }

    /** {@code Result<T, E>}. */
    public <T, E> ScaleResult<T, E> result(Decoder<? extends T> ok, Decoder<? extends E> err) {
        int at = pos;
        int tag = u8();
        switch (tag) {
            case 0:
                return ScaleResult.ok(ok.decode(this));
            case 1:
                return ScaleResult.err(err.decode(this));
            default:
                throw new ScaleDecodeException("invalid Result tag 0x" + Integer.toHexString(tag) + " at offset " + at);
        }
    }

    /**
     * An enum's variant index, checked to be below {@code variants}; the caller then reads the variant's fields.
     */
    public int variant(int variants, String enumName) {
        int at = pos;
        int index = u8();
        if (index >= variants) {
            throw new ScaleDecodeException("unknown " + enumName + " variant " + index + " at offset " + at
                    + " (" + variants + " known)");
        }
        return index;
    }

    /** {@code BitVec<u8, Lsb0>}: compact bit count, then packed bytes; bits past the count must be zero. */
    public boolean[] bitSequence() {
        int at = pos;
        int bits = compactInt("bit sequence length");
        int nbytes = (int) ((bits + 7L) / 8);
        byte[] packed = raw(nbytes);
        boolean[] out = new boolean[bits];
        for (int i = 0; i < bits; i++) {
            out[i] = (packed[i >>> 3] & (1 << (i & 7))) != 0;
        }
        if (bits % 8 != 0 && (packed[nbytes - 1] & 0xFF) >>> (bits % 8) != 0) {
            throw new ScaleDecodeException("bit sequence at offset " + at + " has bits set past its length " + bits);
        }
        return out;
    }

    /** Bit flags in an unsigned integer of {@code bytes} bytes; bits outside {@code validMask} are refused. */
    public long bitFlags(int bytes, long validMask) {
        if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) {
            throw new IllegalArgumentException("bit flags are 1, 2, 4 or 8 bytes wide, not " + bytes);
        }
        int at = pos;
        long v = littleEndian(bytes, "bit flags");
        if ((v & ~validMask) != 0) {
            throw new ScaleDecodeException("unknown flag bits 0x" + Long.toHexString(v & ~validMask) + " at offset " + at);
        }
        return v;
    }

    public <T> T read(Decoder<T> decoder) {
        return decoder.decode(this);
    }

    /** Decodes a whole input as one value: trailing bytes are an error. */
    public static <T> T decodeAll(byte[] data, Decoder<T> decoder, String what) {
        ScaleReader in = new ScaleReader(data);
        T v = decoder.decode(in);
        in.expectEnd(what);
        return v;
    }
}
