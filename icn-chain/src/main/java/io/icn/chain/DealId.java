package io.icn.chain;

/**
 * Identifier of a pinning deal, {@code DealId = [u8; 32]} in the pallet (a hash of the deal's parameters).
 *
 * <p>Immutable and thread-safe: the bytes are copied in and out. Equality is by content; {@link
 * #toString()} is lower-case hex.
 */
public record DealId(byte[] bytes) implements Comparable<DealId> {

    /** @throws IllegalArgumentException unless {@code bytes} is exactly 32 bytes */
    public DealId {
        bytes = Bytes32.checkedCopy(bytes, "deal id");
    }

    /** Parses 64 hex digits, with or without a {@code 0x} prefix. */
    public static DealId fromHex(String hex) {
        return new DealId(Bytes32.parseHex(hex, "deal id"));
    }

    /** A copy of the 32 bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case hex, 64 digits, no prefix. */
    public String toHex() {
        return Bytes32.hex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DealId other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Bytes32.hash(bytes);
    }

    /** Unsigned lexicographic order of the bytes. */
    @Override
    public int compareTo(DealId other) {
        return Bytes32.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
