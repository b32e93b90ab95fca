package io.icn.chain.substrate;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Appends SCALE encodings (the Parity codec every Substrate chain speaks) to a growable buffer: fixed-width
 * little-endian integers up to 128 bits, compact integers in their four modes, booleans, options, results,
 * length-prefixed vectors and strings, fixed arrays, tuples and structs (fields one after another), enums
 * (a one-byte index then the variant's fields), bit sequences ({@code BitVec<u8, Lsb0>}) and bit flags.
 *
 * <p>Not thread-safe: one writer per encoding.
 */
public final class ScaleWriter {
    /** Encodes one value onto a writer. */
    @FunctionalInterface
    public interface Encoder<T> {
        void encode(ScaleWriter out, T value);
    }

    static final BigInteger U128_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final long COMPACT_1 = 1L << 6;
    private static final long COMPACT_2 = 1L << 14;
    private static final long COMPACT_4 = 1L << 30;

    private byte[] buf;
    private int size;

    public ScaleWriter() {
        this(64);
    }

    public ScaleWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    public ScaleWriter u8(int v) {
        checkUnsigned(v, 0xFFL, "u8");
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ScaleWriter u16(int v) {
        checkUnsigned(v, 0xFFFFL, "u16");
        return littleEndian(v, 2);
    }

    public ScaleWriter u32(long v) {
        checkUnsigned(v, 0xFFFF_FFFFL, "u32");
        return littleEndian(v, 4);
    }

    /** Writes the 64 bits of {@code v} (an unsigned u64 may use the sign bit). */
    public ScaleWriter u64(long v) {
        return littleEndian(v, 8);
    }

    public ScaleWriter i8(int v) {
        checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "i8");
        return littleEndian(v, 1);
    }

    public ScaleWriter i16(int v) {
        checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, "i16");
        return littleEndian(v, 2);
    }

    public ScaleWriter i32(int v) {
        return littleEndian(v, 4);
    }

    public ScaleWriter i64(long v) {
        return littleEndian(v, 8);
    }

    public ScaleWriter u128(BigInteger v) {
        return unsignedBig(v, 16, "u128");
    }

    public ScaleWriter u256(BigInteger v) {
        return unsignedBig(v, 32, "u256");
    }

    /** Two's-complement signed integer of {@code bytes} bytes (16 for i128, 32 for i256). */
    public ScaleWriter signedBig(BigInteger v, int bytes) {
        Objects.requireNonNull(v, "value");
        if (v.bitLength() > bytes * 8 - 1) {
            throw new IllegalArgumentException("i" + (bytes * 8) + " out of range: " + v);
        }
        byte[] be = v.toByteArray();
        ensure(bytes);
        byte fill = (byte) (v.signum() < 0 ? 0xFF : 0);
        for (int i = 0; i < bytes; i++) {
            buf[size + i] = i < be.length ? be[be.length - 1 - i] : fill;
        }
        size += bytes;
        return this;
    }

    private ScaleWriter unsignedBig(BigInteger v, int bytes, String what) {
        Objects.requireNonNull(v, "value");
        if (v.signum() < 0 || v.bitLength() > bytes * 8) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
        byte[] be = v.toByteArray();
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[size + i] = i < be.length ? be[be.length - 1 - i] : 0;
        }
        size += bytes;
        return this;
    }

    private ScaleWriter littleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ScaleWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    /** Compact encoding of a non-negative {@code long} (single-byte, two-byte, four-byte or big-integer mode). */
    public ScaleWriter compact(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("compact integers are unsigned, got " + v);
        }
        if (v < COMPACT_1) {
            return u8((int) (v << 2));
        }
        if (v < COMPACT_2) {
            return littleEndian((v << 2) | 0b01, 2);
        }
        if (v < COMPACT_4) {
            return littleEndian((v << 2) | 0b10, 4);
        }
        int bytes = (64 - Long.numberOfLeadingZeros(v) + 7) / 8;
        u8(((bytes - 4) << 2) | 0b11);
        return littleEndian(v, bytes);
    }

    /** Compact encoding of an unsigned integer up to u128 (and beyond, up to the 67 bytes the mode allows). */
    public ScaleWriter compact(BigInteger v) {
        Objects.requireNonNull(v, "value");
        if (v.signum() < 0) {
            throw new IllegalArgumentException("compact integers are unsigned, got " + v);
        }
        if (v.bitLength() < 63) {
            return compact(v.longValueExact());
        }
        int bytes = (v.bitLength() + 7) / 8;
        if (bytes > 67) {
            throw new IllegalArgumentException("compact integer too large (" + bytes + " bytes): " + v);
        }
        u8(((bytes - 4) << 2) | 0b11);
        return unsignedBig(v, bytes, "compact");
    }

    /** Raw bytes, no length prefix (fixed arrays such as {@code [u8; 32]}, or an already encoded value). */
    public ScaleWriter raw(byte[] bytes) {
        return raw(bytes, 0, bytes.length);
    }

    public ScaleWriter raw(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
        return this;
    }

    /** A fixed array {@code [u8; n]}: exactly {@code n} bytes, no prefix. */
    public ScaleWriter fixedBytes(byte[] bytes, int n) {
        if (bytes.length != n) {
            throw new IllegalArgumentException("expected " + n + " bytes for [u8; " + n + "], got " + bytes.length);
        }
        return raw(bytes);
    }

    /** {@code Vec<u8>}: compact length then the bytes. */
    public ScaleWriter bytes(byte[] bytes) {
        compact(bytes.length);
        return raw(bytes);
    }

    /** {@code String}: compact byte length then UTF-8. */
    public ScaleWriter string(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code Vec<T>}: compact element count then each element. */
    public <T> ScaleWriter vec(Collection<? extends T> items, Encoder<? super T> element) {
        compact(items.size());
        for (T item : items) {
            element.encode(this, item);
        }
        return this;
    }

    /** {@code [T; n]}: exactly {@code n} elements, no prefix. */
    public <T> ScaleWriter array(Collection<? extends T> items, int n, Encoder<? super T> element) {
        if (items.size() != n) {
            throw new IllegalArgumentException("expected " + n + " elements, got " + items.size());
        }
        for (T item : items) {
            element.encode(this, item);
        }
        return this;
    }

    /** {@code Option<T>}: {@code 0x00} for none, {@code 0x01} then the value. */
    public <T> ScaleWriter option(Optional<? extends T> value, Encoder<? super T> element) {
        if (value.isEmpty()) {
            return u8(0);
        }
        u8(1);
        element.encode(this, value.get());
        return this;
    }

    /** {@code Option<bool>}, which SCALE packs into one byte: 0 none, 1 true, 2 false. */
    public ScaleWriter optionBool(Optional<Boolean> value) {
        return u8(value.isEmpty() ? 0 : value.get() ? 1 : 2);
    }

    /** {@code Result<T, E>}: {@code 0x00} then the ok value, or {@code 0x01} then the error. */
    public <T, E> ScaleWriter result(ScaleResult<? extends T, ? extends E> value, Encoder<? super T> ok,
            Encoder<? super E> err) {
        if (value.isOk()) {
            u8(0);
            ok.encode(this, value.ok());
        } else {
            u8(1);
            err.encode(this, value.err());
        }
        return this;
    }

    /** An enum variant's index; the caller then writes the variant's fields. */
    public ScaleWriter variant(int index) {
        return u8(index);
    }

    /** {@code BitVec<u8, Lsb0>}: compact bit count, then the bits packed least significant first. */
    public ScaleWriter bitSequence(boolean[] bits) {
        compact(bits.length);
        byte[] packed = new byte[(bits.length + 7) / 8];
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                packed[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return raw(packed);
    }

    /** Bit flags stored in an unsigned integer of {@code bytes} bytes (1, 2, 4 or 8), little-endian. */
    public ScaleWriter bitFlags(long flags, int bytes) {
        if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) {
            throw new IllegalArgumentException("bit flags are 1, 2, 4 or 8 bytes wide, not " + bytes);
        }
        if (bytes < 8 && (flags >>> (bytes * 8)) != 0) {
            throw new IllegalArgumentException("flags 0x" + Long.toHexString(flags) + " do not fit " + bytes + " byte(s)");
        }
        return littleEndian(flags, bytes);
    }

    public <T> ScaleWriter write(T value, Encoder<? super T> encoder) {
        encoder.encode(this, value);
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private static void checkUnsigned(long v, long max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    private static void checkRange(long v, long min, long max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }
}
