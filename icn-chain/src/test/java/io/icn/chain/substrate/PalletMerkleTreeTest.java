package io.icn.chain.substrate;

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
                PinningPallet.MerkleProof proof = tree.prove(shard, i);
                assertThat(PalletMerkleTree.verify(tree.root(), proof)).as("leaf " + i + " of " + size).isTrue();
                PinningPallet.MerkleProof decoded = PinningPallet.decodeProof(PinningPallet.encodeProof(proof));
                assertThat(PalletMerkleTree.verify(tree.root(), decoded)).isTrue();
            }
        });
    }

    @Test
    void theChallengedOffsetPicksItsLeafAndATamperedLeafFails() {
        byte[] shard = shard(10_000, 7);
        PalletMerkleTree tree = PalletMerkleTree.of(shard);
        PinningPallet.MerkleProof proof = tree.proveOffset(shard, 9_999);
        assertThat(proof.leafIndex()).isEqualTo(9_999 / 64);
        assertThat(proof.siblings()).hasSize(8); // 157 leaves
        byte[] leaf = proof.leafData();
        leaf[0] ^= 1;
        assertThat(PalletMerkleTree.verify(tree.root(), new PinningPallet.MerkleProof(leaf, proof.siblings(), proof.leafIndex())))
                .isFalse();
        assertThat(PalletMerkleTree.verify(tree.root(), new PinningPallet.MerkleProof(proof.leafData(), proof.siblings(),
                proof.leafIndex() ^ 1))).isFalse();
        assertThatThrownBy(() -> tree.proveOffset(shard, 10_048)).hasMessageContaining("10048");
    }

    @Test
    void tinyShardsGetASecondLeafAndHugeOnesAreRefused() {
        byte[] tiny = {1, 2, 3};
        PalletMerkleTree tree = PalletMerkleTree.of(tiny);
        assertThat(tree.leafCount()).isEqualTo(2);
        assertThat(tree.prove(tiny, 0).siblings()).hasSize(1);
        assertThat(tree.root()).isEqualTo(Hashing.blake2b256(Hashing.blake2b256(PalletMerkleTree.leaf(tiny, 0)),
                Hashing.blake2b256(new byte[64])));
        assertThatThrownBy(() -> PalletMerkleTree.of(new byte[(64 << 16) + 1])).hasMessageContaining("65536");
        assertThat(PalletMerkleTree.of(new byte[64 << 16]).prove(new byte[64 << 16], 65535).siblings()).hasSize(16);
    }

    @Test
    void proofsOutsideThePalletBoundsAreRefused() {
        List<byte[]> seventeen = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            seventeen.add(new byte[32]);
        }
        assertThatThrownBy(() -> new PinningPallet.MerkleProof(new byte[64], seventeen, 0)).hasMessageContaining("17");
        assertThatThrownBy(() -> new PinningPallet.MerkleProof(new byte[64], List.of(), 0)).hasMessageContaining("0");
        assertThatThrownBy(() -> new PinningPallet.MerkleProof(new byte[63], List.of(new byte[32]), 0)).hasMessageContaining("63");
        byte[] tooMany = new ScaleWriter().raw(new byte[64]).vec(seventeen, ScaleWriter::raw).u32(0).toByteArray();
        assertThatThrownBy(() -> PinningPallet.decodeProof(tooMany)).isInstanceOf(ScaleDecodeException.class)
                .hasMessageContaining("17 siblings");
    }
}
