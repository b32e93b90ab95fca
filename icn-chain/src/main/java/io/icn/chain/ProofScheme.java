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

    /**
     * Default Merkle leaf block size: 4 KiB. Against 1 KiB it cuts the SHA-256 work of a shard's tree by a fifth
     * (17 compressions per 16 blocks of data become 65 per 64, and a quarter of the parent nodes), a
     * tenth of the CPU of an ingest (docs/benchmarks.md); a Merkle proof then reveals 4-8 KiB of the shard
     * instead of 1-2 KiB.
     */
    public static final int DEFAULT_MERKLE_BLOCK_SIZE = 4096;

    /**
     * The default block size of the builds before 4 KiB became the default: that of a chain whose
     * scheme was not recorded (see {@link io.icn.chain.local.LocalChain#recordedProofScheme}).
     */
    public static final int FORMER_DEFAULT_MERKLE_BLOCK_SIZE = 1024;

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

    /** {@link Mode#MERKLE} over blocks of {@link #DEFAULT_MERKLE_BLOCK_SIZE} (4 KiB). */
    public static ProofScheme merkle() {
        return new ProofScheme(Mode.MERKLE, DEFAULT_MERKLE_BLOCK_SIZE);
    }

    /**
     * Whether proofs made for this scheme verify under {@code other} and back: the same mode and, for
     * {@link Mode#MERKLE}, the same block size (hash mode has no blocks).
     */
    public boolean verifiesLike(ProofScheme other) {
        return mode == other.mode && (mode == Mode.HASH || merkleBlockSize == other.merkleBlockSize);
    }

    /** {@link Mode#MERKLE} over blocks of {@code blockSize} bytes. */
    public static ProofScheme merkle(int blockSize) {
        return new ProofScheme(Mode.MERKLE, blockSize);
    }
}
