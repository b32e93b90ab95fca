package io.icn.storage;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the store recorded about one shard when it was written.
 *
 * <p>Immutable; thread-safe.
 *
 * @param index the shard index, {@code 0 .. k+m-1}
 * @param length the shard length in bytes
 * @param sha256 SHA-256 of the whole shard (32 bytes)
 * @param merkleRoot root of the shard's Merkle tree (32 bytes), see {@link MerkleProof}
 */
public record ShardInfo(int index, long length, byte[] sha256, byte[] merkleRoot) {

    public ShardInfo {
        if (index < 0 || index > 255) {
            throw new IllegalArgumentException("shard index must be 0..255: " + index);
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0: " + length);
        }
        if (sha256 == null || sha256.length != 32 || merkleRoot == null || merkleRoot.length != 32) {
            throw new IllegalArgumentException("sha256 and merkleRoot must be 32 bytes each");
        }
        sha256 = sha256.clone();
        merkleRoot = merkleRoot.clone();
    }

    /** A copy of the SHA-256 of the shard. */
    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** A copy of the Merkle root of the shard. */
    @Override
    public byte[] merkleRoot() {
        return merkleRoot.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardInfo s && s.index == index && s.length == length
                && Arrays.equals(s.sha256, sha256) && Arrays.equals(s.merkleRoot, merkleRoot);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * index + Long.hashCode(length)) + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "ShardInfo[index=" + index + ", length=" + length + ", sha256=" + HexFormat.of().formatHex(sha256)
                + ", merkleRoot=" + HexFormat.of().formatHex(merkleRoot) + "]";
    }
}
