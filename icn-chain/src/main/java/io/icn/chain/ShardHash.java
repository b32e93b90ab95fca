package io.icn.chain;

/**
 * The content hash of one erasure-coded shard, {@code ShardHash = [u8; 32]} in the pallet.
 *
 * <p>Under {@link ProofScheme.Mode#MERKLE} it is the Merkle root of the shard (see {@link AuditProofs});
 * under {@link ProofScheme.Mode#HASH} it is the SHA-256 of the shard's bytes.
 *
 * <p>Immutable and thread-safe: the bytes are copied in and out. Equality is by content; {@link
 * #toString()} is lower-case hex.
 */
public record ShardHash(byte[] bytes) implements Comparable<ShardHash> {

    /** @throws IllegalArgumentException unless {@code bytes} is exactly 32 bytes */
    public ShardHash {
        bytes = Bytes32.checkedCopy(bytes, "shard hash");
    }

    /** Parses 64 hex digits, with or without a {@code 0x} prefix. */
    public static ShardHash fromHex(String hex) {
        return new ShardHash(Bytes32.parseHex(hex, "shard hash"));
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
        return o instanceof ShardHash other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Bytes32.hash(bytes);
    }

    /** Unsigned lexicographic order of the bytes. */
    @Override
    public int compareTo(ShardHash other) {
        return Bytes32.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
