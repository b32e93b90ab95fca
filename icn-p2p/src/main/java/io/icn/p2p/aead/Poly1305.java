package io.icn.p2p.aead;

import java.nio.ByteBuffer;

/**
 * Poly1305 (RFC 8439 section 2.5) in 64-bit arithmetic: the accumulator and {@code r} in five 26-bit limbs held in
 * {@code long}s, so a block is 25 multiplications whose sums never overflow, with no carries between them.
 * Reads the message in place from any byte buffer; allocates nothing after construction.
 *
 * <p>Use: {@link #init} with the one-time key, then {@link #blocks} and {@link #paddedTail} (the AEAD's zero
 * padding) or {@link #rawTail} (the bare MAC's padding), then {@link #finish}; the tag is then
 * {@link #tagLow()} and {@link #tagHigh()} (little-endian halves).
 *
 * <p>{@link #blocks} hands long inputs to a {@link Bulk} first where one is given ({@link VectorPoly1305}).
 *
 * <p>Not thread-safe: one computation at a time per instance.
 */
final class Poly1305 {
    /** A faster way to absorb many whole blocks, for inputs long enough to pay for its set-up. */
    interface Bulk {
        /**
         * Absorbs whole blocks of the {@code length} bytes (a multiple of 16) at {@code index} into {@code mac}'s
         * accumulator, as many as it takes from the start (possibly none); returns the bytes absorbed.
         */
        int absorb(Poly1305 mac, ByteBuffer b, int index, int length);

        /** Whether it is to be used now: false until compiled (see {@link WarmingChaCha20}). */
        default boolean active() {
            return true;
        }
    }

    private static final long MASK = 0x3ffffff;
    private static final long HIBIT = 1L << 24;

    private long r0;
    private long r1;
    private long r2;
    private long r3;
    private long r4;
    private long s1;
    private long s2;
    private long s3;
    private long s4;
    private long h0;
    private long h1;
    private long h2;
    private long h3;
    private long h4;
    private long pad0;
    private long pad1;
    private long tag0;
    private long tag1;
    private final Bulk bulk;

    /** Block by block only. */
    Poly1305() {
        this(null);
    }

    /** With {@code bulk} (may be null) for long inputs. */
    Poly1305(Bulk bulk) {
        this.bulk = bulk;
    }

    /** Starts a MAC with the key in {@code key[0..7]} (r then s, little-endian words). */
    void init(int[] key) {
        long t0 = key[0] & 0xffffffffL;
        long t1 = key[1] & 0xffffffffL;
        long t2 = key[2] & 0xffffffffL;
        long t3 = key[3] & 0xffffffffL;
        r0 = t0 & 0x3ffffff;
        r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
        r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
        r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
        r4 = (t3 >>> 8) & 0x00fffff;
        s1 = r1 * 5;
        s2 = r2 * 5;
        s3 = r3 * 5;
        s4 = r4 * 5;
        h0 = 0;
        h1 = 0;
        h2 = 0;
        h3 = 0;
        h4 = 0;
        pad0 = (key[4] & 0xffffffffL) | ((long) key[5] << 32);
        pad1 = (key[6] & 0xffffffffL) | ((long) key[7] << 32);
    }

    /** Absorbs the whole 16-byte blocks of {@code length} bytes at {@code index}; a remainder is left to the caller. */
    void blocks(ByteBuffer b, int index, int length) {
        int whole = length & ~15;
        int end = index + whole;
        int start = index;
        Bulk k = bulk;
        if (k != null && k.active()) {
            start += k.absorb(this, b, index, whole);
        }
        for (int i = start; i < end; i += 16) {
            block(LittleEndian.getLong(b, i), LittleEndian.getLong(b, i + 8), HIBIT);
        }
    }

    /** Absorbs {@code length} bytes at {@code index}, the last partial block padded with zeros (the AEAD's way). */
    void padded(ByteBuffer b, int index, int length) {
        blocks(b, index, length);
        int rest = length & 15;
        if (rest > 0) {
            paddedTail(b, index + length - rest, rest);
        }
    }

    /** Absorbs {@code rest} (1-15) bytes as one block padded with zeros. */
    void paddedTail(ByteBuffer b, int index, int rest) {
        tail(b, index, rest, false);
    }

    /** Absorbs {@code rest} (1-15) bytes as the bare MAC's last block: a 1 byte after them, then zeros. */
    void rawTail(ByteBuffer b, int index, int rest) {
        tail(b, index, rest, true);
    }

    private void tail(ByteBuffer b, int index, int rest, boolean raw) {
        long m0 = 0;
        long m1 = 0;
        int end = raw ? rest + 1 : rest;
        for (int i = 0; i < end; i++) {
            long v = i < rest ? (b.get(index + i) & 0xffL) : 1L;
            if (i < 8) {
                m0 |= v << (8 * i);
            } else {
                m1 |= v << (8 * (i - 8));
            }
        }
        block(m0, m1, raw ? 0 : HIBIT);
    }

    /** Absorbs one block of two little-endian longs. */
    void block(long m0, long m1, long hibit) {
        long a0 = h0 + (m0 & MASK);
        long a1 = h1 + ((m0 >>> 26) & MASK);
        long a2 = h2 + (((m0 >>> 52) | (m1 << 12)) & MASK);
        long a3 = h3 + ((m1 >>> 14) & MASK);
        long a4 = h4 + ((m1 >>> 40) | hibit);

        long d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
        long d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
        long d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
        long d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
        long d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;

        carryIntoAccumulator(d0, d1, d2, d3, d4);
    }

    /**
     * Sets the accumulator to the sums of products {@code d0..d4} (each below 2^63), carried into 26-bit limbs and
     * reduced modulo 2^130 - 5 as far as a block needs.
     */
    void carryIntoAccumulator(long d0, long d1, long d2, long d3, long d4) {
        long c = d0 >>> 26;
        long a0 = d0 & MASK;
        d1 += c;
        c = d1 >>> 26;
        long a1 = d1 & MASK;
        d2 += c;
        c = d2 >>> 26;
        long a2 = d2 & MASK;
        d3 += c;
        c = d3 >>> 26;
        long a3 = d3 & MASK;
        d4 += c;
        c = d4 >>> 26;
        long a4 = d4 & MASK;
        a0 += c * 5;
        c = a0 >>> 26;
        a0 &= MASK;
        a1 += c;
        h0 = a0;
        h1 = a1;
        h2 = a2;
        h3 = a3;
        h4 = a4;
    }

    /** Limb {@code i} (0-4) of the accumulator. */
    long accumulatorLimb(int i) {
        return switch (i) {
            case 0 -> h0;
            case 1 -> h1;
            case 2 -> h2;
            case 3 -> h3;
            case 4 -> h4;
            default -> throw new IndexOutOfBoundsException(i);
        };
    }

    /**
     * r^1 to r^n of the current key into {@code powers}, five limbs each ({@code powers[5 * (k - 1) + i]} is limb
     * {@code i} of r^k), reduced as far as a block leaves its accumulator; the accumulator is left as it was.
     */
    void powersOfR(long[] powers, int n) {
        long k0 = h0;
        long k1 = h1;
        long k2 = h2;
        long k3 = h3;
        long k4 = h4;
        h0 = r0;
        h1 = r1;
        h2 = r2;
        h3 = r3;
        h4 = r4;
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                block(0, 0, 0); // h = h * r
            }
            powers[5 * k] = h0;
            powers[5 * k + 1] = h1;
            powers[5 * k + 2] = h2;
            powers[5 * k + 3] = h3;
            powers[5 * k + 4] = h4;
        }
        h0 = k0;
        h1 = k1;
        h2 = k2;
        h3 = k3;
        h4 = k4;
    }

    /** Absorbs the AEAD's closing block: the two lengths as little-endian 64-bit words. */
    void lengths(long adLength, long textLength) {
        block(adLength, textLength, HIBIT);
    }

    /** Reduces the accumulator modulo 2^130 - 5 and adds s: the tag. */
    void finish() {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        long a3 = h3;
        long a4 = h4;
        long c = a1 >>> 26;
        a1 &= MASK;
        a2 += c;
        c = a2 >>> 26;
        a2 &= MASK;
        a3 += c;
        c = a3 >>> 26;
        a3 &= MASK;
        a4 += c;
        c = a4 >>> 26;
        a4 &= MASK;
        a0 += c * 5;
        c = a0 >>> 26;
        a0 &= MASK;
        a1 += c;

        // g = h + 5 - 2^130; if that does not borrow, h was at least p and g is the reduced value
        long g0 = a0 + 5;
        c = g0 >>> 26;
        g0 &= MASK;
        long g1 = a1 + c;
        c = g1 >>> 26;
        g1 &= MASK;
        long g2 = a2 + c;
        c = g2 >>> 26;
        g2 &= MASK;
        long g3 = a3 + c;
        c = g3 >>> 26;
        g3 &= MASK;
        long g4 = a4 + c - (1L << 26);
        long keepH = g4 >> 63;
        a0 = (a0 & keepH) | (g0 & ~keepH);
        a1 = (a1 & keepH) | (g1 & ~keepH);
        a2 = (a2 & keepH) | (g2 & ~keepH);
        a3 = (a3 & keepH) | (g3 & ~keepH);
        a4 = (a4 & keepH) | (g4 & ~keepH);

        long lo = a0 | (a1 << 26) | (a2 << 52);
        long hi = (a2 >>> 12) | (a3 << 14) | (a4 << 40);
        long sumLo = lo + pad0;
        long carry = Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0;
        tag0 = sumLo;
        tag1 = hi + pad1 + carry;
    }

    /** The bare AEAD-padded MAC of {@code length} bytes at 0 of {@code b} with {@code key}: init, padded, finish. */
    void macOf(int[] key, ByteBuffer b, int length) {
        init(key);
        padded(b, 0, length);
        finish();
    }

    /** Whether this instance's tag equals {@code other}'s (after both {@link #finish}ed). */
    boolean sameTag(Poly1305 other) {
        return tag0 == other.tag0 && tag1 == other.tag1;
    }

    /** Bytes 0-7 of the tag, little-endian, after {@link #finish}. */
    long tagLow() {
        return tag0;
    }

    /** Bytes 8-15 of the tag, little-endian, after {@link #finish}. */
    long tagHigh() {
        return tag1;
    }
}
