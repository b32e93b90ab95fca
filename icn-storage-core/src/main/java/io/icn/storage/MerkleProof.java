package io.icn.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A proof that a byte range of a shard belongs to the shard whose Merkle root was recorded at write
 * time (and published in the deal), together with the static verifier.
 *
 * <h2>Tree construction</h2>
 * <ol>
 *   <li>The shard of {@code shardLength} bytes is cut into {@code n = max(1, ceil(shardLength / leafSize))}
 *       blocks; block {@code i} is bytes {@code [i*leafSize, min((i+1)*leafSize, shardLength))}. Only the
 *       last block may be shorter; it is <em>not</em> padded. An empty shard has one empty block.</li>
 *   <li>Leaf {@code i} is {@code SHA-256(block i)} (no prefix byte).</li>
 *   <li>Each level above pairs nodes left to right: parent {@code j} is
 *       {@code SHA-256(node[2j] || node[2j+1])}. When a level has an odd count, its last node has no
 *       partner and is <em>promoted unchanged</em> to the next level (it is not duplicated and not
 *       re-hashed).</li>
 *   <li>The root is the single node of the top level; with one block the root is that block's leaf.</li>
 * </ol>
 * The tree's shape depends only on {@code shardLength} and {@code leafSize}, both carried in the proof
 * (and recorded in {@link ChunkMeta#merkleLeafSize()}), so a verifier never has to guess it.
 *
 * <h2>Range proof</h2>
 * For a challenged range {@code [offset, offset+length)} the proof carries the covering blocks
 * {@code firstLeaf .. lastLeaf} in full ({@link #leaves()}) and the sibling hashes needed to fold them
 * to the root ({@link #siblings()}), bottom level first. At each level, with the covered node range
 * {@code [lo, hi]} and {@code c} nodes on the level: if {@code lo} is odd, the left neighbour
 * {@code lo-1} is taken next from the sibling list; if {@code hi} is even and {@code hi+1 < c}, the right
 * neighbour {@code hi+1} is taken next. The extended range is then folded pairwise as above (a trailing
 * unpaired last node of the level is promoted), giving {@code [lo/2, hi/2]} on the level above. A proof
 * with unused or missing siblings is invalid.
 *
 * <p>Immutable and thread-safe; the byte arrays are copied in and out.
 *
 * @param shardLength length of the whole shard
 * @param leafSize block size of the tree
 * @param offset first challenged byte
 * @param length number of challenged bytes, {@code >= 1}
 * @param firstLeaf index of the first covering block, {@code offset / leafSize}
 * @param leaves the covering blocks, in order
 * @param siblings the 32-byte sibling hashes, in the order the verifier consumes them
 */
public record MerkleProof(long shardLength, int leafSize, long offset, int length, long firstLeaf, List<byte[]> leaves,
        List<byte[]> siblings) {

    /**
     * The default block size, 4 KiB: the chain's default (icn-chain's {@code ProofScheme}). A store must use its
     * chain's block size, or the roots it records are not the shard hashes the chain checks proofs against.
     */
    public static final int DEFAULT_LEAF_SIZE = 4096;

    public MerkleProof {
        if (shardLength < 0 || leafSize < 1) {
            throw new IllegalArgumentException("shardLength must be >= 0 and leafSize >= 1");
        }
        Merkle.checkRange(shardLength, offset, length);
        if (firstLeaf != offset / leafSize) {
            throw new IllegalArgumentException("firstLeaf must be offset / leafSize");
        }
        leaves = copy(leaves);
        siblings = copy(siblings);
    }

    @Override
    public List<byte[]> leaves() {
        return copy(leaves);
    }

    @Override
    public List<byte[]> siblings() {
        return copy(siblings);
    }

    /** The challenged bytes, cut out of the covering blocks. */
    public byte[] challengedBytes() {
        byte[] out = new byte[length];
        long blockStart = firstLeaf * leafSize;
        int written = 0;
        for (byte[] block : leaves) {
            long from = Math.max(offset, blockStart) - blockStart;
            long to = Math.min(offset + length, blockStart + block.length) - blockStart;
            if (to > from) {
                System.arraycopy(block, (int) from, out, written, (int) (to - from));
                written += (int) (to - from);
            }
            blockStart += leafSize;
        }
        return out;
    }

    /**
     * Whether this proof shows that its blocks lie at their stated place in a shard whose Merkle root is
     * {@code expectedRoot}. Never throws for a malformed proof; answers false.
     */
    public boolean verify(byte[] expectedRoot) {
        return verify(expectedRoot, this);
    }

    /** The static verifier; see {@link #verify(byte[])}. */
    public static boolean verify(byte[] expectedRoot, MerkleProof proof) {
        if (expectedRoot == null || expectedRoot.length != 32 || proof == null) {
            return false;
        }
        byte[] root = proof.fold();
        return root != null && Arrays.equals(root, expectedRoot);
    }

    /**
     * The root that this proof's blocks and siblings fold to, in the tree of {@link #shardLength()} and
     * {@link #leafSize()}; empty when the proof is malformed (a block of the wrong length, a sibling missing,
     * left over or not 32 bytes). {@link #verify(byte[])} is this root compared with the expected one; a
     * verifier that reports what it found uses this.
     */
    public Optional<byte[]> impliedRoot() {
        return Optional.ofNullable(fold());
    }

    /**
     * How many sibling hashes a proof of {@code [offset, offset+length)} carries in the tree of a shard of
     * {@code shardLength} bytes cut into blocks of {@code leafSize}: what a fixed-layout encoding of the proof
     * (the chain's) needs to know its exact length.
     *
     * @throws IllegalArgumentException if the range is not inside the shard or {@code leafSize < 1}
     */
    public static int siblingCount(long shardLength, int leafSize, long offset, int length) {
        if (leafSize < 1) {
            throw new IllegalArgumentException("leafSize must be >= 1: " + leafSize);
        }
        Merkle.checkRange(shardLength, offset, length);
        return Merkle.siblingCount(Merkle.leafCount(shardLength, leafSize), offset / leafSize,
                (offset + length - 1) / leafSize);
    }

    /** The folded root, or null if this proof is malformed. */
    private byte[] fold() {
        long n = Merkle.leafCount(shardLength, leafSize);
        long lo = firstLeaf;
        long hi = (offset + length - 1) / leafSize;
        if (leaves.size() != hi - lo + 1) {
            return null;
        }
        for (byte[] s : siblings) {
            if (s.length != 32) {
                return null;
            }
        }
        List<byte[]> level = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            long leaf = lo + i;
            long expectedLen = leaf == n - 1 ? shardLength - (n - 1) * leafSize : leafSize;
            byte[] block = leaves.get(i);
            if (block.length != expectedLen) {
                return null;
            }
            level.add(Merkle.sha256(block));
        }
        int next = 0;
        long count = n;
        while (count > 1) {
            if ((lo & 1) == 1) {
                if (next >= siblings.size()) {
                    return null;
                }
                level.add(0, siblings.get(next++));
                lo--;
            }
            if ((hi & 1) == 0 && hi + 1 < count) {
                if (next >= siblings.size()) {
                    return null;
                }
                level.add(siblings.get(next++));
                hi++;
            }
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                up.add(i + 1 < level.size() ? Merkle.parent(level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = up;
            lo /= 2;
            hi /= 2;
            count = (count + 1) / 2;
        }
        return next == siblings.size() && level.size() == 1 ? level.get(0).clone() : null;
    }

    /** The Merkle root of {@code shard} (between position and limit; not modified) with blocks of {@code leafSize}. */
    public static byte[] root(ByteBuffer shard, int leafSize) {
        return Merkle.root(shard, leafSize, null);
    }

    /** The Merkle root of {@code shard} with blocks of {@code leafSize}. */
    public static byte[] root(byte[] shard, int leafSize) {
        return root(ByteBuffer.wrap(shard), leafSize);
    }

    /**
     * Builds the proof for {@code [offset, offset+length)} of {@code shard} (between position and limit,
     * not modified).
     */
    public static MerkleProof prove(ByteBuffer shard, int leafSize, long offset, int length) {
        return Merkle.prove(shard.duplicate(), leafSize, offset, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MerkleProof p && p.shardLength == shardLength && p.leafSize == leafSize
                && p.offset == offset && p.length == length && p.firstLeaf == firstLeaf
                && sameBytes(p.leaves, leaves) && sameBytes(p.siblings, siblings);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(shardLength * 31 + offset) * 31 + length;
    }

    @Override
    public String toString() {
        return "MerkleProof[shardLength=" + shardLength + ", leafSize=" + leafSize + ", offset=" + offset
                + ", length=" + length + ", leaves=" + leaves.size() + ", siblings=" + siblings.size() + "]";
    }

    private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<byte[]> copy(List<byte[]> in) {
        List<byte[]> out = new ArrayList<>(in.size());
        for (byte[] b : in) {
            out.add(b.clone());
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
