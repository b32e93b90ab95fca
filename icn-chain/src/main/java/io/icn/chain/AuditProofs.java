package io.icn.chain;

import io.icn.storage.MerkleProof;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The audit proof formats, for both sides: the prover (the node's shard store) and the verifier (the
 * chain). Every implementation of either side must produce and accept exactly these bytes; docs/chain.md
 * is the normative text.
 *
 * <h2>Hash mode</h2>
 * Shard hash = {@code SHA256(shard)}. Proof = {@code SHA256(shard[offset .. offset+length) || nonce)},
 * 32 bytes. Verifying needs the shard's bytes.
 *
 * <h2>Merkle mode</h2>
 * The shard is cut into blocks of {@code B} bytes (the last may be shorter); leaf {@code i} =
 * {@code SHA256(block i)}. Each level pairs nodes left to right, parent = {@code SHA256(left || right)};
 * an unpaired last node is carried up unchanged. The root is the shard hash. For a challenge covering
 * blocks {@code first..last}, the proof is:
 * <pre>
 *   digest   32 bytes             SHA256(shard[offset .. offset+length) || nonce), as in hash mode
 *   blocks   the bytes of blocks first..last, concatenated (their lengths follow from B and the shard size)
 *   siblings 32 bytes each        walking up from the leaves: at each level, the left neighbour of the
 *                                 known range if its first index is odd, then the right neighbour if its
 *                                 last index is even and has one
 * </pre>
 * The verifier knows the root, the shard size, {@code B} and the challenge, so the tree's shape and the
 * proof's exact length follow; it recomputes the root and the digest. No SHA-256 input is ambiguous
 * because the shape is fixed by the shard size.
 *
 * <p>The tree, its root and the choice and order of the siblings are those of icn-storage-core's
 * {@link MerkleProof} (the one Merkle implementation of the project, which the store records its roots
 * with); this class adds the chain's byte layout around it: the digest in front, the blocks and siblings
 * concatenated.
 *
 * <h2>Pallet mode</h2>
 * The original pallet's proof, specified and built by {@link PalletMerkleTree}; shard hash = {@code SHA256(shard)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class AuditProofs {

    private AuditProofs() {
    }

    /** {@code SHA256(range || nonce)}: the hash-mode proof, and the first 32 bytes of a Merkle proof. */
    public static byte[] digest(byte[] shard, AuditChallenge challenge) {
        checkInside(shard.length, challenge);
        MessageDigest md = Sha256.newDigest();
        md.update(shard, challenge.byteOffset(), challenge.byteLength());
        md.update(challenge.nonce());
        return md.digest();
    }

    /** The shard hash of {@code shard} under {@code scheme}: its SHA-256, or its Merkle root. */
    public static ShardHash shardHash(ProofScheme scheme, byte[] shard) {
        return switch (scheme.mode()) {
            case HASH, PALLET -> new ShardHash(Sha256.of(shard, 0, shard.length));
            case MERKLE -> merkleRoot(shard, scheme.merkleBlockSize());
        };
    }

    /**
     * The Merkle root of {@code shard} over blocks of {@code blockSize} bytes: the store's tree
     * ({@link MerkleProof#root(byte[], int)}), which is the tree this format specifies.
     *
     * @throws IllegalArgumentException if the shard is empty or {@code blockSize} is not positive
     */
    public static ShardHash merkleRoot(byte[] shard, int blockSize) {
        checkTree(shard.length, blockSize);
        return new ShardHash(MerkleProof.root(shard, blockSize));
    }

    /**
     * The proof for {@code challenge} over {@code shard} in {@code scheme}'s format.
     *
     * @throws IllegalArgumentException if the challenge lies outside the shard
     */
    public static byte[] prove(ProofScheme scheme, byte[] shard, AuditChallenge challenge) {
        if (scheme.mode() == ProofScheme.Mode.PALLET) {
            return PalletMerkleTree.of(shard).prove(shard, challenge).encode();
        }
        byte[] digest = digest(shard, challenge);
        if (scheme.mode() == ProofScheme.Mode.HASH) {
            return digest;
        }
        int blockSize = scheme.merkleBlockSize();
        checkTree(shard.length, blockSize);
        MerkleProof tree = MerkleProof.prove(ByteBuffer.wrap(shard), blockSize, challenge.byteOffset(),
                challenge.byteLength());
        List<byte[]> blocks = tree.leaves();
        List<byte[]> siblings = tree.siblings();
        int dataLength = 0;
        for (byte[] block : blocks) {
            dataLength += block.length;
        }
        ByteBuffer proof = ByteBuffer.allocate(Sha256.LENGTH + dataLength + Sha256.LENGTH * siblings.size());
        proof.put(digest);
        blocks.forEach(proof::put);
        siblings.forEach(proof::put);
        return proof.array();
    }

    /**
     * Checks a hash-mode proof against the shard's bytes.
     *
     * @throws InvalidProofException if the proof is not 32 bytes or is not the digest of the range
     */
    public static void verifyHash(byte[] shard, AuditChallenge challenge, byte[] proof) {
        Objects.requireNonNull(proof, "proof");
        if (proof.length != Sha256.LENGTH) {
            throw new InvalidProofException("hash-mode proof must be 32 bytes, got " + proof.length);
        }
        if (challenge.endOffset() > shard.length) {
            throw new InvalidProofException("challenge " + challenge + " lies outside the " + shard.length
                    + "-byte shard");
        }
        if (!MessageDigest.isEqual(digest(shard, challenge), proof)) {
            throw new InvalidProofException("digest does not match SHA256(range || nonce) for " + challenge);
        }
    }

    /**
     * Checks a Merkle-mode proof against the shard's root, knowing only the shard size.
     *
     * @throws InvalidProofException if the proof has the wrong length, its digest does not match the
     *     revealed bytes, or the revealed bytes and siblings do not lead to {@code root}
     */
    public static void verifyMerkle(ShardHash root, int shardSize, int blockSize, AuditChallenge challenge,
            byte[] proof) {
        Objects.requireNonNull(proof, "proof");
        if (shardSize <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("shardSize " + shardSize + " and blockSize " + blockSize
                    + " must be positive");
        }
        if (challenge.endOffset() > shardSize) {
            throw new InvalidProofException("challenge " + challenge + " lies outside the " + shardSize
                    + "-byte shard");
        }
        int first = challenge.byteOffset() / blockSize;
        int last = (challenge.endOffset() - 1) / blockSize;
        int dataStart = first * blockSize;
        int dataLength = Math.min(shardSize, (last + 1) * blockSize) - dataStart;
        int siblingCount = MerkleProof.siblingCount(shardSize, blockSize, challenge.byteOffset(),
                challenge.byteLength());
        long expected = (long) Sha256.LENGTH + dataLength + (long) Sha256.LENGTH * siblingCount;
        if (proof.length != expected) {
            throw new InvalidProofException("Merkle proof for " + challenge + " must be " + expected
                    + " bytes, got " + proof.length);
        }
        MessageDigest md = Sha256.newDigest();
        md.update(proof, Sha256.LENGTH + challenge.byteOffset() - dataStart, challenge.byteLength());
        md.update(challenge.nonce());
        if (!MessageDigest.isEqual(md.digest(), Arrays.copyOf(proof, Sha256.LENGTH))) {
            throw new InvalidProofException("digest does not match SHA256(range || nonce) of the revealed bytes for "
                    + challenge);
        }
        List<byte[]> blocks = new ArrayList<>(last - first + 1);
        for (int i = first; i <= last; i++) {
            int from = Sha256.LENGTH + (i - first) * blockSize;
            blocks.add(Arrays.copyOfRange(proof, from, from + Math.min(blockSize, shardSize - i * blockSize)));
        }
        List<byte[]> siblings = new ArrayList<>(siblingCount);
        for (int at = Sha256.LENGTH + dataLength; at < proof.length; at += Sha256.LENGTH) {
            siblings.add(Arrays.copyOfRange(proof, at, at + Sha256.LENGTH));
        }
        MerkleProof path = new MerkleProof(shardSize, blockSize, challenge.byteOffset(), challenge.byteLength(), first,
                blocks, siblings);
        byte[] reached = path.impliedRoot().orElseThrow(() -> new InvalidProofException("Merkle proof for "
                + challenge + " does not fit the tree of a " + shardSize + "-byte shard"));
        if (!MessageDigest.isEqual(reached, root.bytes())) {
            throw new InvalidProofException("Merkle path for " + challenge + " leads to " + Bytes32.hex(reached)
                    + ", not to the shard root " + root);
        }
    }

    private static void checkTree(int shardLength, int blockSize) {
        if (shardLength == 0) {
            throw new IllegalArgumentException("an empty shard has no Merkle tree");
        }
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
        }
    }

    private static void checkInside(int shardLength, AuditChallenge challenge) {
        if (challenge.endOffset() > shardLength) {
            throw new IllegalArgumentException("challenge " + challenge + " lies outside the " + shardLength
                    + "-byte shard");
        }
    }
}
