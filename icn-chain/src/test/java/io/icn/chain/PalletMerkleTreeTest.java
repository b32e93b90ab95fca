package io.icn.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PalletMerkleTreeTest {

    private static byte[] shard(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void everyLeafOfEveryShapeProvesAgainstTheRoot() {
        qt().withExamples(60).forAll(integers().between(1, 5000), integers().between(0, 1000)).checkAssert((size, seed) -> {
            byte[] shard = shard(size, seed);
            PalletMerkleTree tree = PalletMerkleTree.of(shard);
            for (int i = 0; i < tree.leafCount(); i++) {
                PalletMerkleTree.Proof proof = tree.prove(shard, i);
                assertThat(PalletMerkleTree.verify(tree.root(), proof)).as("leaf " + i + " of " + size).isTrue();
                PalletMerkleTree.Proof decoded = PalletMerkleTree.Proof.decode(proof.encode());
                assertThat(PalletMerkleTree.verify(tree.root(), decoded)).isTrue();
            }
        });
    }

    @Test
    void theChallengedOffsetPicksItsLeafAndATamperedLeafFails() {
        byte[] shard = shard(10_000, 7);
        PalletMerkleTree tree = PalletMerkleTree.of(shard);
        PalletMerkleTree.Proof proof = tree.prove(shard, new AuditChallenge(9_999, 64, new byte[16]));
        assertThat(proof.leafIndex()).isEqualTo(9_999 / 64);
        assertThat(proof.siblings()).hasSize(8); // 157 leaves
        byte[] leaf = proof.leafData();
        leaf[0] ^= 1;
        assertThat(PalletMerkleTree.verify(tree.root(), new PalletMerkleTree.Proof(leaf, proof.siblings(), proof.leafIndex())))
                .isFalse();
        PalletMerkleTree.Proof inner = tree.prove(shard, 10);
        assertThat(PalletMerkleTree.verify(tree.root(), new PalletMerkleTree.Proof(inner.leafData(), inner.siblings(), 11)))
                .isFalse();
        // The last leaf of an odd level is paired with itself, so its proof also holds one index to the right: the
        // pallet's leaf_index == byte_offset / 64 check is what binds the position (docs/chain.md).
        assertThat(PalletMerkleTree.verify(tree.root(), new PalletMerkleTree.Proof(proof.leafData(), proof.siblings(),
                proof.leafIndex() + 1))).isTrue();
        assertThatThrownBy(() -> tree.prove(shard, new AuditChallenge(10_048, 64, new byte[16]))).hasMessageContaining("10048");
        byte[] encoded = proof.encode();
        PalletMerkleTree.verify(tree.root(), new AuditChallenge(9_999, 64, new byte[16]), encoded);
        assertThatThrownBy(() -> PalletMerkleTree.verify(tree.root(), new AuditChallenge(0, 64, new byte[16]), encoded))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("wants leaf 0");
        assertThat(AuditProofs.prove(ProofScheme.pallet(), shard, new AuditChallenge(9_999, 64, new byte[16])))
                .isEqualTo(encoded);
        assertThat(AuditProofs.shardHash(ProofScheme.pallet(), shard)).isEqualTo(AuditProofs.shardHash(ProofScheme.hash(), shard));
    }

    @Test
    void tinyShardsGetASecondLeafAndHugeOnesAreRefused() {
        byte[] tiny = {1, 2, 3};
        PalletMerkleTree tree = PalletMerkleTree.of(tiny);
        assertThat(tree.leafCount()).isEqualTo(2);
        assertThat(tree.prove(tiny, 0).siblings()).hasSize(1);
        assertThat(tree.root()).isEqualTo(PalletMerkleTree.blake2b256(PalletMerkleTree.blake2b256(PalletMerkleTree.leaf(tiny, 0)),
                PalletMerkleTree.blake2b256(new byte[64])));
        assertThatThrownBy(() -> PalletMerkleTree.of(new byte[(64 << 16) + 1])).hasMessageContaining("65536");
        assertThat(PalletMerkleTree.of(new byte[64 << 16]).prove(new byte[64 << 16], 65535).siblings()).hasSize(16);
    }

    @Test
    void proofsOutsideThePalletBoundsAreRefused() {
        List<byte[]> seventeen = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            seventeen.add(new byte[32]);
        }
        assertThatThrownBy(() -> new PalletMerkleTree.Proof(new byte[64], seventeen, 0)).hasMessageContaining("17");
        assertThatThrownBy(() -> new PalletMerkleTree.Proof(new byte[64], List.of(), 0)).hasMessageContaining("0");
        assertThatThrownBy(() -> new PalletMerkleTree.Proof(new byte[63], List.of(new byte[32]), 0)).hasMessageContaining("63");
        byte[] tooMany = new byte[64 + 1 + 17 * 32 + 4];
        tooMany[64] = 17 << 2;
        assertThatThrownBy(() -> PalletMerkleTree.Proof.decode(tooMany)).isInstanceOf(InvalidProofException.class)
                .hasMessageContaining("0x44");
        byte[] truncated = java.util.Arrays.copyOf(new PalletMerkleTree.Proof(new byte[64], List.of(new byte[32]), 3).encode(), 100);
        assertThatThrownBy(() -> PalletMerkleTree.Proof.decode(truncated)).isInstanceOf(InvalidProofException.class)
                .hasMessageContaining("101 bytes, got 100");
    }
}
