package io.icn.chain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * The proof format of the original {@code pallet-icn-pinning} ({@link ProofScheme.Mode#PALLET}): the Merkle
 * tree whose root the pallet keeps per shard ({@code ShardMerkleRoots}) and whose proofs its
 * {@code submit_audit_proof} checks, built over a shard's bytes.
 *
 * <ul>
 * <li>Leaves: the shard cut into 64-byte pieces, the last one zero-padded; a leaf's hash is BLAKE2-256 of its
 * 64 bytes. A shard of 64 bytes or less gets a second, all-zero leaf, since the pallet wants at least one
 * sibling.</li>
 * <li>Inner nodes: BLAKE2-256 of left ++ right; a level with an odd count pairs its last node with itself.</li>
 * <li>Verification (the pallet's): {@code h = H(leaf)}; for each sibling, if the index's low bit is 0,
 * {@code h = H(h ++ s)}, else {@code h = H(s ++ h)}, then the index shifts right; {@code h} must equal the
 * root. At most {@value #MAX_SIBLINGS} siblings: trees of up to 65,536 leaves (4 MiB shards).</li>
 * <li>Proof bytes: the SCALE encoding of the pallet's {@code MerkleProof}: {@code leaf_data[64] ++
 * compact(n) ++ siblings[n][32] ++ leaf_index u32 LE} ({@link Proof#encode()}).</li>
 * </ul>
 * The odd-node and padding rules are ours; the pallet fixes only the leaf size, the hash and the sibling
 * order, so a director must build roots the same way. docs/chain.md says what the proof shows.
 *
 * <p>Immutable; thread-safe.
 */
public final class PalletMerkleTree {
    /** The bytes of one leaf. */
    public static final int LEAF_BYTES = 64;
    /** The most siblings a pallet proof may carry ({@code BoundedVec<_, 16>}). */
    public static final int MAX_SIBLINGS = 16;

    /** {@code MerkleProof}: the 64-byte leaf, its siblings from the leaf up, and the leaf's index. Immutable. */
    public record Proof(byte[] leafData, List<byte[]> siblings, long leafIndex) {
        public Proof {
            Objects.requireNonNull(leafData, "leafData");
            if (leafData.length != LEAF_BYTES) {
                throw new IllegalArgumentException("leafData must be " + LEAF_BYTES + " bytes, got " + leafData.length);
            }
            leafData = leafData.clone();
            if (siblings.isEmpty() || siblings.size() > MAX_SIBLINGS) {
                throw new IllegalArgumentException("a pallet proof has 1.." + MAX_SIBLINGS + " siblings, got "
                        + siblings.size());
            }
            List<byte[]> copy = new ArrayList<>(siblings.size());
            for (byte[] s : siblings) {
                if (s.length != 32) {
                    throw new IllegalArgumentException("a sibling must be 32 bytes, got " + s.length);
                }
                copy.add(s.clone());
            }
            siblings = Collections.unmodifiableList(copy);
            if (leafIndex < 0 || leafIndex > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("leafIndex must be a u32: " + leafIndex);
            }
        }

        @Override
        public byte[] leafData() {
            return leafData.clone();
        }

        /** The SCALE encoding of the pallet's {@code MerkleProof}. */
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LEAF_BYTES + 1 + 32 * siblings.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.put(leafData).put((byte) (siblings.size() << 2)); // compact length, single-byte mode (<= 16)
            siblings.forEach(b::put);
            b.putInt((int) leafIndex);
            return b.array();
        }

        /**
         * Reads the bytes {@link #encode()} writes.
         *
         * @throws InvalidProofException if they are not exactly such an encoding
         */
        public static Proof decode(byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length < LEAF_BYTES + 1 + 32 + 4) {
                throw new InvalidProofException("a pallet proof has at least " + (LEAF_BYTES + 37) + " bytes, got "
                        + bytes.length);
            }
            int lenByte = bytes[LEAF_BYTES] & 0xFF;
            int n = lenByte >>> 2;
            if ((lenByte & 3) != 0 || n < 1 || n > MAX_SIBLINGS) {
                throw new InvalidProofException("a pallet proof declares 0x" + Integer.toHexString(lenByte)
                        + " as its sibling count; 1.." + MAX_SIBLINGS + " siblings in one compact byte expected");
            }
            int expected = LEAF_BYTES + 1 + 32 * n + 4;
            if (bytes.length != expected) {
                throw new InvalidProofException("a pallet proof with " + n + " siblings has " + expected + " bytes, got "
                        + bytes.length);
            }
            List<byte[]> siblings = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                siblings.add(Arrays.copyOfRange(bytes, LEAF_BYTES + 1 + 32 * i, LEAF_BYTES + 1 + 32 * (i + 1)));
            }
            long index = ByteBuffer.wrap(bytes, expected - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
            return new Proof(Arrays.copyOf(bytes, LEAF_BYTES), siblings, index);
        }
    }

    private final List<byte[][]> levels;

    private PalletMerkleTree(List<byte[][]> levels) {
        this.levels = levels;
    }

    /** @throws IllegalArgumentException if the shard needs more than {@value #MAX_SIBLINGS} levels */
    public static PalletMerkleTree of(byte[] shard) {
        Objects.requireNonNull(shard, "shard");
        int leaves = Math.max(2, (shard.length + LEAF_BYTES - 1) / LEAF_BYTES);
        if (leaves > 1 << MAX_SIBLINGS) {
            throw new IllegalArgumentException("a shard of " + shard.length + " bytes needs " + leaves
                    + " leaves; the pallet's proofs cover at most " + (1 << MAX_SIBLINGS));
        }
        byte[][] level = new byte[leaves][];
        for (int i = 0; i < leaves; i++) {
            level[i] = blake2b256(leaf(shard, i));
        }
        List<byte[][]> levels = new ArrayList<>();
        levels.add(level);
        while (level.length > 1) {
            byte[][] up = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < up.length; i++) {
                byte[] left = level[2 * i];
                byte[] right = 2 * i + 1 < level.length ? level[2 * i + 1] : left;
                up[i] = blake2b256(left, right);
            }
            levels.add(up);
            level = up;
        }
        return new PalletMerkleTree(levels);
    }

    /** The 64 bytes of leaf {@code index}, zero-padded past the end of the shard. */
    static byte[] leaf(byte[] shard, int index) {
        int from = index * LEAF_BYTES;
        byte[] out = new byte[LEAF_BYTES];
        if (from < shard.length) {
            System.arraycopy(shard, from, out, 0, Math.min(LEAF_BYTES, shard.length - from));
        }
        return out;
    }

    /** The root the pallet keeps in {@code ShardMerkleRoots}. */
    public byte[] root() {
        return levels.get(levels.size() - 1)[0].clone();
    }

    public int leafCount() {
        return levels.get(0).length;
    }

    /**
     * The proof for a challenge: the leaf holding byte {@code challenge.byteOffset()} (the pallet checks
     * {@code leaf_index == byte_offset / 64}).
     *
     * @throws IllegalArgumentException if the offset lies outside the tree's leaves
     */
    public Proof prove(byte[] shard, AuditChallenge challenge) {
        long index = challenge.byteOffset() / LEAF_BYTES;
        if (index >= leafCount()) {
            throw new IllegalArgumentException("byte offset " + challenge.byteOffset() + " is outside the shard's "
                    + leafCount() + " leaves");
        }
        return prove(shard, (int) index);
    }

    public Proof prove(byte[] shard, int leafIndex) {
        Objects.checkIndex(leafIndex, leafCount());
        List<byte[]> siblings = new ArrayList<>(levels.size() - 1);
        int i = leafIndex;
        for (int l = 0; l < levels.size() - 1; l++) {
            byte[][] level = levels.get(l);
            int sibling = i ^ 1;
            siblings.add(sibling < level.length ? level[sibling] : level[i]);
            i >>>= 1;
        }
        return new Proof(leaf(shard, leafIndex), siblings, leafIndex);
    }

    /** The pallet's check of a proof against a root. */
    public static boolean verify(byte[] root, Proof proof) {
        byte[] h = blake2b256(proof.leafData());
        long index = proof.leafIndex();
        for (byte[] s : proof.siblings()) {
            h = (index & 1) == 0 ? blake2b256(h, s) : blake2b256(s, h);
            index >>>= 1;
        }
        return Arrays.equals(h, root);
    }

    /**
     * The pallet's check of encoded proof bytes, with the position it demands: the leaf holding the challenge's
     * offset.
     *
     * @throws InvalidProofException naming what does not hold
     */
    public static void verify(byte[] root, AuditChallenge challenge, byte[] proofBytes) {
        Proof proof = Proof.decode(proofBytes);
        if (proof.leafIndex() != challenge.byteOffset() / LEAF_BYTES) {
            throw new InvalidProofException("pallet proof for leaf " + proof.leafIndex() + ", the challenge at offset "
                    + challenge.byteOffset() + " wants leaf " + challenge.byteOffset() / LEAF_BYTES);
        }
        if (!verify(root, proof)) {
            throw new InvalidProofException("pallet proof for leaf " + proof.leafIndex() + " does not lead to the root");
        }
    }

    static byte[] blake2b256(byte[]... parts) {
        Blake2bDigest d = new Blake2bDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
