package io.icn.chain;

import java.security.MessageDigest;
import java.util.ArrayList;
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

    /** The Merkle root of {@code shard} over blocks of {@code blockSize} bytes. */
    public static ShardHash merkleRoot(byte[] shard, int blockSize) {
        List<byte[][]> levels = merkleLevels(shard, blockSize);
        return new ShardHash(levels.get(levels.size() - 1)[0]);
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
        List<byte[][]> levels = merkleLevels(shard, blockSize);
        int first = challenge.byteOffset() / blockSize;
        int last = (challenge.endOffset() - 1) / blockSize;
        int dataStart = first * blockSize;
        int dataEnd = Math.min(shard.length, (last + 1) * blockSize);
        List<byte[]> siblings = new ArrayList<>();
        int lo = first;
        int hi = last;
        for (int level = 0; level < levels.size() - 1; level++) {
            byte[][] nodes = levels.get(level);
            if ((lo & 1) == 1) {
                siblings.add(nodes[lo - 1]);
            }
            if ((hi & 1) == 0 && hi + 1 < nodes.length) {
                siblings.add(nodes[hi + 1]);
            }
            lo >>= 1;
            hi >>= 1;
        }
        byte[] proof = new byte[Sha256.LENGTH + (dataEnd - dataStart) + Sha256.LENGTH * siblings.size()];
        System.arraycopy(digest, 0, proof, 0, Sha256.LENGTH);
        System.arraycopy(shard, dataStart, proof, Sha256.LENGTH, dataEnd - dataStart);
        int at = Sha256.LENGTH + dataEnd - dataStart;
        for (byte[] s : siblings) {
            System.arraycopy(s, 0, proof, at, Sha256.LENGTH);
            at += Sha256.LENGTH;
        }
        return proof;
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
        int leafCount = leafCount(shardSize, blockSize);
        int first = challenge.byteOffset() / blockSize;
        int last = (challenge.endOffset() - 1) / blockSize;
        int dataStart = first * blockSize;
        int dataLength = Math.min(shardSize, (last + 1) * blockSize) - dataStart;
        int siblingCount = siblingCount(leafCount, first, last);
        long expected = (long) Sha256.LENGTH + dataLength + (long) Sha256.LENGTH * siblingCount;
        if (proof.length != expected) {
            throw new InvalidProofException("Merkle proof for " + challenge + " must be " + expected
                    + " bytes, got " + proof.length);
        }
        int dataAt = Sha256.LENGTH;
        MessageDigest md = Sha256.newDigest();
        md.update(proof, dataAt + challenge.byteOffset() - dataStart, challenge.byteLength());
        md.update(challenge.nonce());
        if (!MessageDigest.isEqual(md.digest(), java.util.Arrays.copyOf(proof, Sha256.LENGTH))) {
            throw new InvalidProofException("digest does not match SHA256(range || nonce) of the revealed bytes for "
                    + challenge);
        }
        byte[][] known = new byte[last - first + 1][];
        for (int i = first; i <= last; i++) {
            int from = dataAt + (i - first) * blockSize;
            int len = Math.min(blockSize, shardSize - i * blockSize);
            known[i - first] = Sha256.of(proof, from, len);
        }
        int siblingAt = dataAt + dataLength;
        int lo = first;
        int hi = last;
        int width = leafCount;
        while (width > 1) {
            boolean left = (lo & 1) == 1;
            boolean right = (hi & 1) == 0 && hi + 1 < width;
            int newLo = left ? lo - 1 : lo;
            int newHi = right ? hi + 1 : hi;
            byte[][] row = new byte[newHi - newLo + 1][];
            if (left) {
                row[0] = java.util.Arrays.copyOfRange(proof, siblingAt, siblingAt + Sha256.LENGTH);
                siblingAt += Sha256.LENGTH;
            }
            System.arraycopy(known, 0, row, left ? 1 : 0, known.length);
            if (right) {
                row[row.length - 1] = java.util.Arrays.copyOfRange(proof, siblingAt, siblingAt + Sha256.LENGTH);
                siblingAt += Sha256.LENGTH;
            }
            byte[][] parents = new byte[(newHi >> 1) - (newLo >> 1) + 1][];
            for (int p = newLo >> 1; p <= newHi >> 1; p++) {
                int l = 2 * p - newLo;
                parents[p - (newLo >> 1)] = l + 1 < row.length ? Sha256.of(row[l], row[l + 1]) : row[l];
            }
            known = parents;
            lo = newLo >> 1;
            hi = newHi >> 1;
            width = (width + 1) >> 1;
        }
        if (!MessageDigest.isEqual(known[0], root.bytes())) {
            throw new InvalidProofException("Merkle path for " + challenge + " leads to " + Bytes32.hex(known[0])
                    + ", not to the shard root " + root);
        }
    }

    static int leafCount(int shardSize, int blockSize) {
        return (int) (((long) shardSize + blockSize - 1) / blockSize);
    }

    private static int siblingCount(int width, int lo, int hi) {
        int count = 0;
        while (width > 1) {
            if ((lo & 1) == 1) {
                count++;
            }
            if ((hi & 1) == 0 && hi + 1 < width) {
                count++;
            }
            lo >>= 1;
            hi >>= 1;
            width = (width + 1) >> 1;
        }
        return count;
    }

    private static List<byte[][]> merkleLevels(byte[] shard, int blockSize) {
        if (shard.length == 0) {
            throw new IllegalArgumentException("an empty shard has no Merkle tree");
        }
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
        }
        int n = leafCount(shard.length, blockSize);
        byte[][] leaves = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * blockSize;
            leaves[i] = Sha256.of(shard, from, Math.min(blockSize, shard.length - from));
        }
        List<byte[][]> levels = new ArrayList<>();
        levels.add(leaves);
        byte[][] current = leaves;
        while (current.length > 1) {
            byte[][] next = new byte[(current.length + 1) / 2][];
            for (int i = 0; i < next.length; i++) {
                int l = 2 * i;
                next[i] = l + 1 < current.length ? Sha256.of(current[l], current[l + 1]) : current[l];
            }
            levels.add(next);
            current = next;
        }
        return levels;
    }

    private static void checkInside(int shardLength, AuditChallenge challenge) {
        if (challenge.endOffset() > shardLength) {
            throw new IllegalArgumentException("challenge " + challenge + " lies outside the " + shardLength
                    + "-byte shard");
        }
    }
}
