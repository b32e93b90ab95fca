package io.icn.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AuditProofsTest {

    private static AuditChallenge challenge(int offset, int length, SplittableRandom random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return new AuditChallenge(offset, length, nonce);
    }

    /** A random shard, Merkle block size and challenge inside the shard, drawn in this order. */
    private record RandomCase(ProofScheme scheme, byte[] shard, AuditChallenge challenge) {
        static RandomCase draw(SplittableRandom random, int maxBlock, int maxSize, int maxLength) {
            int blockSize = 1 + random.nextInt(maxBlock);
            int size = 1 + random.nextInt(maxSize);
            byte[] shard = new byte[size];
            random.nextBytes(shard);
            int length = 1 + random.nextInt(Math.min(size, maxLength));
            int offset = random.nextInt(size - length + 1);
            return new RandomCase(ProofScheme.merkle(blockSize), shard, AuditProofsTest.challenge(offset, length, random));
        }
    }

    @Test
    void hashProofIsSha256OfRangeThenNonce() {
        byte[] shard = new byte[100];
        for (int i = 0; i < shard.length; i++) {
            shard[i] = (byte) i;
        }
        byte[] nonce = new byte[16];
        nonce[0] = 7;
        AuditChallenge c = new AuditChallenge(10, 20, nonce);
        byte[] expectedInput = new byte[36];
        System.arraycopy(shard, 10, expectedInput, 0, 20);
        System.arraycopy(nonce, 0, expectedInput, 20, 16);

        byte[] proof = AuditProofs.prove(ProofScheme.hash(), shard, c);

        assertThat(proof).isEqualTo(Fixtures.sha256(expectedInput));
        AuditProofs.verifyHash(shard, c, proof);
    }

    @Test
    void merkleRootMatchesHandComputedTreeWithPromotedOddNode() {
        byte[] shard = new byte[5 * 4 + 3]; // 6 leaves of 4 bytes, the last 3 bytes long
        for (int i = 0; i < shard.length; i++) {
            shard[i] = (byte) (i * 7);
        }
        byte[][] leaf = new byte[6][];
        for (int i = 0; i < 6; i++) {
            leaf[i] = Fixtures.sha256(java.util.Arrays.copyOfRange(shard, i * 4, Math.min(shard.length, i * 4 + 4)));
        }
        byte[] n01 = h(leaf[0], leaf[1]);
        byte[] n23 = h(leaf[2], leaf[3]);
        byte[] n45 = h(leaf[4], leaf[5]);
        byte[] n0123 = h(n01, n23);
        byte[] root = h(n0123, n45); // n45 is promoted unchanged to level 2, then paired

        assertThat(AuditProofs.merkleRoot(shard, 4).bytes()).isEqualTo(root);
    }

    private static byte[] h(byte[] a, byte[] b) {
        byte[] both = new byte[64];
        System.arraycopy(a, 0, both, 0, 32);
        System.arraycopy(b, 0, both, 32, 32);
        return Fixtures.sha256(both);
    }

    @Test
    void merkleProofsVerifyForRandomShardsAndRanges() {
        long seed = Fixtures.seed("merkleProofsVerifyForRandomShardsAndRanges");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 400; round++) {
            RandomCase rc = RandomCase.draw(random, 300, 5000, 700);
            int blockSize = rc.scheme.merkleBlockSize();
            int size = rc.shard.length;
            byte[] shard = rc.shard;
            AuditChallenge c = rc.challenge;
            ProofScheme scheme = rc.scheme;
            ShardHash root = AuditProofs.shardHash(scheme, shard);

            byte[] proof = AuditProofs.prove(scheme, shard, c);
            AuditProofs.verifyMerkle(root, size, blockSize, c, proof);

            int flip = random.nextInt(proof.length);
            byte[] tampered = proof.clone();
            tampered[flip] ^= (byte) (1 + random.nextInt(255));
            assertThatThrownBy(() -> AuditProofs.verifyMerkle(root, size, blockSize, c, tampered))
                    .as("round %d, flipped byte %d of %d", round, flip, proof.length)
                    .isInstanceOf(InvalidProofException.class);
        }
    }

    @Test
    void proofsThatAreMerelyLongEnoughAreRejected() {
        SplittableRandom random = new SplittableRandom(1);
        byte[] shard = new byte[8192];
        random.nextBytes(shard);
        AuditChallenge c = challenge(3000, 64, random);
        ProofScheme scheme = ProofScheme.merkle(1024); // 1 KiB blocks: an 8 KiB shard has a tree of several levels
        ShardHash root = AuditProofs.shardHash(scheme, shard);
        int rightLength = AuditProofs.prove(scheme, shard, c).length;
        byte[] garbage = new byte[rightLength];
        random.nextBytes(garbage);

        assertThatThrownBy(() -> AuditProofs.verifyMerkle(root, shard.length, 1024, c, garbage))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("digest");
        assertThatThrownBy(() -> AuditProofs.verifyMerkle(root, shard.length, 1024, c, new byte[rightLength + 1]))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("must be " + rightLength);
        byte[] hashGarbage = new byte[32];
        random.nextBytes(hashGarbage);
        assertThatThrownBy(() -> AuditProofs.verifyHash(shard, c, hashGarbage))
                .isInstanceOf(InvalidProofException.class);
    }

    @Test
    void aProofFromOtherBytesWithAConsistentDigestStillFailsTheRoot() {
        SplittableRandom random = new SplittableRandom(2);
        byte[] shard = new byte[4096];
        random.nextBytes(shard);
        byte[] forged = shard.clone();
        forged[1500] ^= 1;
        AuditChallenge c = challenge(1400, 200, random);
        ShardHash root = AuditProofs.merkleRoot(shard, 1024);
        byte[] proof = AuditProofs.prove(ProofScheme.merkle(1024), forged, c);

        assertThatThrownBy(() -> AuditProofs.verifyMerkle(root, 4096, 1024, c, proof))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("not to the shard root");
    }

    @Test
    void challengeOutsideTheShardIsNamed() {
        AuditChallenge c = challenge(90, 20, new SplittableRandom(3));
        assertThatThrownBy(() -> AuditProofs.prove(ProofScheme.merkle(), new byte[100], c))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100-byte shard");
    }

    /**
     * The roots and proof bytes of 300 seeded shards, ranges and block sizes, hashed together: the value the
     * chain's own tree produced before the tree became icn-storage-core's MerkleProof (commit dff1cad).
     * The format is normative (docs/chain.md); this pins it.
     */
    @Test
    void rootsAndProofBytesAreThoseOfTheFormat() throws Exception {
        SplittableRandom random = new SplittableRandom(20261206);
        java.security.MessageDigest all = java.security.MessageDigest.getInstance("SHA-256");
        for (int round = 0; round < 300; round++) {
            RandomCase rc = RandomCase.draw(random, 2000, 20000, 3000);
            all.update(AuditProofs.shardHash(rc.scheme, rc.shard).bytes());
            all.update(AuditProofs.prove(rc.scheme, rc.shard, rc.challenge));
        }
        assertThat(java.util.HexFormat.of().formatHex(all.digest()))
                .isEqualTo("27fc4f1ce970af956b1b6bcf4149cbf7aa2d9d1a35c3f41e2f6c1b373e1edbd1");
    }
}
