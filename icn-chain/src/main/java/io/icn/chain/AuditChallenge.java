package io.icn.chain;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What an audit asks for (the pallet's {@code AuditChallenge}): the bytes
 * {@code [byteOffset, byteOffset + byteLength)} of a shard, bound to a fresh nonce.
 *
 * <p>Immutable and thread-safe: the nonce is copied in and out.
 *
 * @param byteOffset first challenged byte, {@code >= 0} (a {@code u32} on chain)
 * @param byteLength number of challenged bytes, {@code > 0}
 * @param nonce {@value #NONCE_LENGTH} random bytes
 */
public record AuditChallenge(int byteOffset, int byteLength, byte[] nonce) {

    /** Length of the nonce in bytes. */
    public static final int NONCE_LENGTH = 16;

    public AuditChallenge {
        if (byteOffset < 0) {
            throw new IllegalArgumentException("byteOffset must not be negative: " + byteOffset);
        }
        if (byteLength <= 0) {
            throw new IllegalArgumentException("byteLength must be positive: " + byteLength);
        }
        if ((long) byteOffset + byteLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("challenge [" + byteOffset + ", +" + byteLength + ") overflows");
        }
        Objects.requireNonNull(nonce, "nonce");
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce must be " + NONCE_LENGTH + " bytes, got " + nonce.length);
        }
        nonce = nonce.clone();
    }

    /** A copy of the nonce. */
    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** One past the last challenged byte. */
    public int endOffset() {
        return byteOffset + byteLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditChallenge other && byteOffset == other.byteOffset
                && byteLength == other.byteLength && Arrays.equals(nonce, other.nonce);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * byteOffset + byteLength) + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "AuditChallenge[offset=" + byteOffset + ", length=" + byteLength + ", nonce="
                + HexFormat.of().formatHex(nonce) + "]";
    }
}
