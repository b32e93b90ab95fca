package io.icn.p2p.kad;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A point of the 256-bit Kademlia key space: SHA-256 of a peer id or of a record key, as rust-libp2p
 * and js-libp2p compute it. Distance is the XOR of two points read as an unsigned big-endian number.
 *
 * <p>Immutable and thread-safe.
 */
final class KadKey implements Comparable<KadKey> {
    static final int BITS = 256;
    static final int BYTES = BITS / 8;

    private final byte[] bits;

    private KadKey(byte[] bits) {
        this.bits = bits;
    }

    /** The point of {@code raw} (a peer id or record key): its SHA-256. */
    static KadKey of(byte[] raw) {
        return new KadKey(sha256(raw));
    }

    /** A point given directly by its 32 bytes (tests, bucket refresh). */
    static KadKey ofBits(byte[] bits) {
        if (bits.length != BYTES) {
            throw new IllegalArgumentException("a key is " + BYTES + " bytes: " + bits.length);
        }
        return new KadKey(bits.clone());
    }

    static byte[] sha256(byte[] raw) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** XOR distance to {@code other}, 32 big-endian bytes. */
    byte[] distance(KadKey other) {
        byte[] d = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            d[i] = (byte) (bits[i] ^ other.bits[i]);
        }
        return d;
    }

    /**
     * The k-bucket {@code other} falls in as seen from this key: 255 for the farther half of the space,
     * 0 for the one key whose distance is 1; -1 for this very key.
     */
    int bucketIndex(KadKey other) {
        for (int i = 0; i < BYTES; i++) {
            int x = (bits[i] ^ other.bits[i]) & 0xff;
            if (x != 0) {
                return BITS - 1 - (i * 8 + Integer.numberOfLeadingZeros(x) - 24);
            }
        }
        return -1;
    }

    /** Negative if {@code a} is closer to this key than {@code b}, 0 if as close (a == b). */
    int compareDistance(KadKey a, KadKey b) {
        for (int i = 0; i < BYTES; i++) {
            int da = (bits[i] ^ a.bits[i]) & 0xff;
            int db = (bits[i] ^ b.bits[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    byte[] bits() {
        return bits.clone();
    }

    @Override
    public int compareTo(KadKey o) {
        return Arrays.compareUnsigned(bits, o.bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadKey k && Arrays.equals(bits, k.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bits);
    }
}
