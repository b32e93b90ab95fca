package io.icn.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** The Merkle construction documented on {@link MerkleProof}; stateless helpers. */
final class Merkle {

    private Merkle() {
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    static byte[] sha256(byte[] data) {
        return newSha256().digest(data);
    }

    static byte[] parent(byte[] left, byte[] right) {
        MessageDigest md = newSha256();
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /** @throws IllegalArgumentException unless {@code [offset, offset+length)} is a non-empty range inside the shard */
    static void checkRange(long shardLength, long offset, int length) {
        if (offset < 0 || length < 1 || offset + length > shardLength) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside shard of "
                    + shardLength + " bytes");
        }
    }

    /**
     * The sibling hashes a proof of leaves {@code [lo, hi]} in a tree of {@code n} leaves carries: at each level
     * the left neighbour if {@code lo} is odd, then the right one if {@code hi} is even and has one.
     */
    static int siblingCount(long n, long lo, long hi) {
        int count = 0;
        for (long width = n; width > 1; width = (width + 1) / 2) {
            if ((lo & 1) == 1) {
                count++;
            }
            if ((hi & 1) == 0 && hi + 1 < width) {
                count++;
            }
            lo /= 2;
            hi /= 2;
        }
        return count;
    }

    static long leafCount(long shardLength, int leafSize) {
        return Math.max(1, (shardLength + leafSize - 1) / leafSize);
    }

    /** Leaf hashes of the bytes between position and limit; advances the buffer's position to its limit. */
    static byte[][] leafHashes(ByteBuffer shard, int leafSize) {
        int n = (int) leafCount(shard.remaining(), leafSize);
        byte[][] leaves = new byte[n][];
        MessageDigest md = newSha256();
        int limit = shard.limit();
        for (int i = 0; i < n; i++) {
            shard.limit(Math.min(limit, shard.position() + leafSize));
            md.update(shard);
            leaves[i] = md.digest();
        }
        shard.limit(limit);
        return leaves;
    }

    /**
     * The Merkle root of the bytes between position and limit of {@code shard} (not modified), and, when
     * {@code whole} is not null, feeds the same bytes to it on the same pass (the store hashes each shard
     * both ways; one pass keeps each leaf in L1 for both). One digest for every node, all hashes in one
     * flat array that each level overwrites in place: a parent is the hash of the 64 bytes of its two
     * adjacent children, written over the front of the array.
     */
    static byte[] root(ByteBuffer shard, int leafSize, MessageDigest whole) {
        ByteBuffer b = shard.duplicate();
        int n = (int) leafCount(b.remaining(), leafSize);
        byte[] level = new byte[n * 32];
        MessageDigest md = newSha256();
        int limit = b.limit();
        try {
            for (int i = 0; i < n; i++) {
                int end = Math.min(limit, b.position() + leafSize);
                if (whole != null) {
                    b.limit(end);
                    whole.update(b.duplicate());
                }
                b.limit(end);
                md.update(b);
                md.digest(level, i * 32, 32);
            }
            for (int count = n; count > 1; count = (count + 1) / 2) {
                for (int j = 0; j < count / 2; j++) {
                    md.update(level, j * 64, 64);
                    md.digest(level, j * 32, 32);
                }
                if ((count & 1) == 1) { // an odd last node moves up unchanged
                    System.arraycopy(level, (count - 1) * 32, level, (count / 2) * 32, 32);
                }
            }
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        }
        return java.util.Arrays.copyOf(level, 32);
    }

    private static byte[][] up(byte[][] level) {
        byte[][] next = new byte[(level.length + 1) / 2][];
        for (int j = 0; j < next.length; j++) {
            int l = 2 * j;
            next[j] = l + 1 < level.length ? parent(level[l], level[l + 1]) : level[l];
        }
        return next;
    }

    static MerkleProof prove(ByteBuffer shard, int leafSize, long offset, int length) {
        long shardLength = shard.remaining();
        checkRange(shardLength, offset, length);
        int base = shard.position();
        long first = offset / leafSize;
        long last = (offset + length - 1) / leafSize;
        List<byte[]> blocks = new ArrayList<>((int) (last - first + 1));
        for (long i = first; i <= last; i++) {
            int from = (int) (i * leafSize);
            int to = (int) Math.min(shardLength, from + (long) leafSize);
            byte[] block = new byte[to - from];
            shard.get(base + from, block);
            blocks.add(block);
        }
        byte[][] level = leafHashes(shard, leafSize);
        List<byte[]> siblings = new ArrayList<>();
        long lo = first;
        long hi = last;
        while (level.length > 1) {
            if ((lo & 1) == 1) {
                siblings.add(level[(int) lo - 1]);
                lo--;
            }
            if ((hi & 1) == 0 && hi + 1 < level.length) {
                siblings.add(level[(int) hi + 1]);
                hi++;
            }
            level = up(level);
            lo /= 2;
            hi /= 2;
        }
        return new MerkleProof(shardLength, leafSize, offset, length, first, blocks, siblings);
    }
}
