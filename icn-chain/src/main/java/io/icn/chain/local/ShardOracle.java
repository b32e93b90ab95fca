package io.icn.chain.local;

import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;

import java.util.Optional;

/**
 * The source of shard bytes a {@link LocalChain} needs to verify {@link ProofScheme.Mode#HASH hash-mode}
 * proofs: in hash mode the proof is a digest of the challenged bytes, which only a holder of the bytes
 * can recompute. In a harness this is the deal creator's copy of the chunk's shards. Merkle mode needs
 * no oracle.
 *
 * <p>Must be thread-safe; called from the thread producing blocks.
 */
@FunctionalInterface
public interface ShardOracle {

    /** The full bytes of the shard, if the oracle holds them. */
    Optional<byte[]> shard(ShardHash shard);
}
