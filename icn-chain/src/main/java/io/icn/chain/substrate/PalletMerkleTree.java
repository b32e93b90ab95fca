package io.icn.chain.substrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The Merkle tree whose root {@code pallet-icn-pinning} keeps per shard ({@code ShardMerkleRoots}) and whose
 * proofs its {@code submit_audit_proof} checks, built over a shard's bytes.
 *
 * <ul>
 * <li>Leaves: the shard cut into 64-byte pieces, the last one zero-padded; a leaf's hash is BLAKE2-256 of its
 * 64 bytes. A shard of 64 bytes or less gets a second, all-zero leaf, since the pallet wants at least one
 * sibling.</li>
 * <li>Inner nodes: BLAKE2-256 of left ++ right; a level with an odd count pairs its last node with itself.</li>
 * <li>Verification (the pallet's): {@code h = H(leaf)}; for each sibling, if the index's low bit is 0,
 * {@code h = H(h ++ s)}, else {@code h = H(s ++ h)}, then the index shifts right; {@code h} must equal the
 * root. At most {@value PinningPallet#MAX_SIBLINGS} siblings: trees of up to 65,536 leaves (4 MiB shards).</li>
 * </ul>
 * The odd-node and padding rules are this adapter's; the pallet only fixes the leaf size, the hash and the
 * sibling order, so a director must build roots the same way. docs/chain.md says what the proof shows.
 *
 * <p>Immutable; thread-safe.
 */
public final class PalletMerkleTree {
    private final List<byte[][]> levels;

    private PalletMerkleTree(List<byte[][]> levels) {
        this.levels = levels;
    }

    /**
     * @throws IllegalArgumentException if the shard needs more than {@value PinningPallet#MAX_SIBLINGS} levels
     */
    public static PalletMerkleTree of(byte[] shard) {
        Objects.requireNonNull(shard, "shard");
        int leaves = Math.max(2, (shard.length + PinningPallet.LEAF_BYTES - 1) / PinningPallet.LEAF_BYTES);
        if (leaves > 1 << PinningPallet.MAX_SIBLINGS) {
            throw new IllegalArgumentException("a shard of " + shard.length + " bytes needs " + leaves
                    + " leaves; the pallet's proofs cover at most " + (1 << PinningPallet.MAX_SIBLINGS));
        }
        byte[][] level = new byte[leaves][];
        for (int i = 0; i < leaves; i++) {
            level[i] = Hashing.blake2b256(leaf(shard, i));
        }
        List<byte[][]> levels = new ArrayList<>();
        levels.add(level);
        while (level.length > 1) {
            byte[][] up = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < up.length; i++) {
                byte[] left = level[2 * i];
                byte[] right = 2 * i + 1 < level.length ? level[2 * i + 1] : left;
                up[i] = Hashing.blake2b256(left, right);
            }
            levels.add(up);
            level = up;
        }
        return new PalletMerkleTree(levels);
    }

    /** The 64 bytes of leaf {@code index}, zero-padded past the end of the shard. */
    static byte[] leaf(byte[] shard, int index) {
        int from = index * PinningPallet.LEAF_BYTES;
        byte[] out = new byte[PinningPallet.LEAF_BYTES];
        if (from < shard.length) {
            System.arraycopy(shard, from, out, 0, Math.min(PinningPallet.LEAF_BYTES, shard.length - from));
        }
        return out;
    }

    public byte[] root() {
        return levels.get(levels.size() - 1)[0].clone();
    }

    public int leafCount() {
        return levels.get(0).length;
    }

    /** The proof for the leaf that holds byte {@code byteOffset} of the shard (the pallet's challenge offset). */
    public PinningPallet.MerkleProof proveOffset(byte[] shard, long byteOffset) {
        long index = byteOffset / PinningPallet.LEAF_BYTES;
        if (byteOffset < 0 || index >= leafCount()) {
            throw new IllegalArgumentException("byte offset " + byteOffset + " is outside the shard's "
                    + leafCount() + " leaves");
        }
        return prove(shard, (int) index);
    }

    public PinningPallet.MerkleProof prove(byte[] shard, int leafIndex) {
        Objects.checkIndex(leafIndex, leafCount());
        List<byte[]> siblings = new ArrayList<>(levels.size() - 1);
        int i = leafIndex;
        for (int l = 0; l < levels.size() - 1; l++) {
            byte[][] level = levels.get(l);
            int sibling = i ^ 1;
            siblings.add((sibling < level.length ? level[sibling] : level[i]).clone());
            i >>>= 1;
        }
        return new PinningPallet.MerkleProof(leaf(shard, leafIndex), siblings, leafIndex);
    }

    /** The pallet's check of a proof against a root. */
    public static boolean verify(byte[] root, PinningPallet.MerkleProof proof) {
        byte[] h = Hashing.blake2b256(proof.leafData());
        long index = proof.leafIndex();
        for (byte[] s : proof.siblings()) {
            h = (index & 1) == 0 ? Hashing.blake2b256(h, s) : Hashing.blake2b256(s, h);
            index >>>= 1;
        }
        return Arrays.equals(h, root);
    }
}
