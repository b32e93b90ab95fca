package io.icn.chain;

import java.util.Objects;

/**
 * How a chain checks audit proofs, and therefore what a {@link ShardHash} is. The byte formats are
 * specified in {@link AuditProofs} and docs/chain.md. Immutable and thread-safe.
 *
 * @param mode hash or Merkle
 * @param merkleBlockSize the size of a Merkle leaf's block of shard bytes; {@code > 0}, used by
 *     {@link Mode#MERKLE} only
 */
public record ProofScheme(Mode mode, int merkleBlockSize) {

    /** Default Merkle leaf block size: 1 KiB. */
    public static final int DEFAULT_MERKLE_BLOCK_SIZE = 1024;

    /** The two proof formats. */
    public enum Mode {
        /**
         * The original node's format: proof = {@code SHA256(shard[offset .. offset+length) || nonce)},
         * 32 bytes; the shard hash is the SHA-256 of the shard. The verifier must hold the shard's bytes.
         */
        HASH,
        /**
         * The hash-mode digest followed by the challenged leaves' blocks and the Merkle siblings that
         * lead to the root; the shard hash is that root. The verifier needs only the root and the shard
         * size.
         */
        MERKLE
    }

    public ProofScheme {
        Objects.requireNonNull(mode, "mode");
        if (merkleBlockSize <= 0) {
            throw new IllegalArgumentException("merkleBlockSize must be positive: " + merkleBlockSize);
        }
    }

    /** {@link Mode#HASH}. */
    public static ProofScheme hash() {
        return new ProofScheme(Mode.HASH, DEFAULT_MERKLE_BLOCK_SIZE);
    }

    /** {@link Mode#MERKLE} over 1 KiB blocks. */
    public static ProofScheme merkle() {
        return new ProofScheme(Mode.MERKLE, DEFAULT_MERKLE_BLOCK_SIZE);
    }

    /** {@link Mode#MERKLE} over blocks of {@code blockSize} bytes. */
    public static ProofScheme merkle(int blockSize) {
        return new ProofScheme(Mode.MERKLE, blockSize);
    }
}
