package io.icn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleProofTest {

    @Test
    void singleBlockRootIsLeafHash() {
        byte[] shard = {1, 2, 3};
        assertThat(MerkleProof.root(shard, 1024)).isEqualTo(Merkle.sha256(shard));
        assertThat(MerkleProof.root(new byte[0], 1024)).isEqualTo(Merkle.sha256(new byte[0]));
    }

    @Test
    void oddLastNodeIsPromotedUnchanged() {
        byte[] shard = new byte[3 * 4 - 1];
        new Random(1).nextBytes(shard);
        byte[] l0 = Merkle.sha256(Arrays.copyOfRange(shard, 0, 4));
        byte[] l1 = Merkle.sha256(Arrays.copyOfRange(shard, 4, 8));
        byte[] l2 = Merkle.sha256(Arrays.copyOfRange(shard, 8, 11));
        assertThat(MerkleProof.root(shard, 4)).isEqualTo(Merkle.parent(Merkle.parent(l0, l1), l2));
    }

    /** QuickTheories property: every range of every shard proves and verifies; any tampering fails. */
    @Test
    void everyRangeProvesAndTamperingFails() {
        qt().withExamples(300).forAll(integers().between(1, 5000), integers().between(1, 300),
                integers().between(0, Integer.MAX_VALUE - 1), integers().between(0, Integer.MAX_VALUE - 1))
                .checkAssert((len, leaf, a, b) -> {
                    Random rnd = new Random(len * 31L + leaf);
                    byte[] shard = new byte[len];
                    rnd.nextBytes(shard);
                    long offset = a % len;
                    int length = 1 + (int) (b % (len - offset));
                    byte[] root = MerkleProof.root(shard, leaf);
                    MerkleProof p = MerkleProof.prove(ByteBuffer.wrap(shard), leaf, offset, length);
                    assertThat(p.verify(root)).isTrue();
                    assertThat(p.impliedRoot()).hasValueSatisfying(r -> assertThat(r).isEqualTo(root));
                    assertThat(MerkleProof.siblingCount(len, leaf, offset, length)).isEqualTo(p.siblings().size());
                    assertThat(p.challengedBytes())
                            .isEqualTo(Arrays.copyOfRange(shard, (int) offset, (int) offset + length));
                    // flip one bit in a covering block
                    List<byte[]> leaves = new ArrayList<>(p.leaves());
                    int which = rnd.nextInt(leaves.size());
                    byte[] blk = leaves.get(which);
                    blk[rnd.nextInt(blk.length)] ^= 1;
                    leaves.set(which, blk);
                    assertThat(MerkleProof.verify(root, new MerkleProof(p.shardLength(), leaf, offset, length,
                            p.firstLeaf(), leaves, p.siblings()))).isFalse();
                    if (!p.siblings().isEmpty()) {
                        List<byte[]> sib = new ArrayList<>(p.siblings());
                        byte[] s = sib.get(rnd.nextInt(sib.size()));
                        s[0] ^= 1;
                        assertThat(MerkleProof.verify(root, new MerkleProof(p.shardLength(), leaf, offset, length,
                                p.firstLeaf(), p.leaves(), sib))).isFalse();
                        assertThat(MerkleProof.verify(root, new MerkleProof(p.shardLength(), leaf, offset, length,
                                p.firstLeaf(), p.leaves(), p.siblings().subList(0, p.siblings().size() - 1)))).isFalse();
                    }
                    List<byte[]> extra = new ArrayList<>(p.siblings());
                    extra.add(new byte[32]);
                    MerkleProof overlong = new MerkleProof(p.shardLength(), leaf, offset, length, p.firstLeaf(),
                            p.leaves(), extra);
                    assertThat(MerkleProof.verify(root, overlong)).isFalse();
                    assertThat(overlong.impliedRoot()).isEmpty();
                    byte[] wrongRoot = root.clone();
                    wrongRoot[31] ^= 1;
                    assertThat(p.verify(wrongRoot)).isFalse();
                });
    }

    @Test
    void proofOfOneBlockInFiveMegabyteShardIsSmall() {
        byte[] shard = new byte[5 << 20];
        new Random(7).nextBytes(shard);
        MerkleProof p = MerkleProof.prove(ByteBuffer.wrap(shard), 1024, 3_000_000, 32);
        assertThat(p.leaves()).hasSize(1);
        assertThat(p.siblings()).hasSizeLessThanOrEqualTo(13);
        assertThat(p.verify(MerkleProof.root(shard, 1024))).isTrue();
    }

    @Test
    void siblingCountNamesABadRangeOrLeafSize() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleProof.siblingCount(100, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leafSize");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleProof.siblingCount(100, 4, 98, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[98, +3)");
        assertThat(MerkleProof.siblingCount(4096, 1024, 0, 4096)).isZero();
        assertThat(MerkleProof.siblingCount(4096, 1024, 1024, 1)).isEqualTo(2);
    }
}
