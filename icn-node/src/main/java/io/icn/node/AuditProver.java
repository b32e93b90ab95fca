package io.icn.node;

import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditProofs;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.chain.ShardMissingException;

/**
 * What the audit monitor needs from the shard store: a proof over a shard's bytes, and a repair of a
 * shard the store has lost. The launcher adapts the storage module to it; tests use in-memory fakes.
 *
 * <h2>Thread safety</h2>
 * Implementations must be thread-safe: the monitor calls them from its executor while the store keeps
 * serving reads on other threads. Both methods may block on disk I/O.
 */
public interface AuditProver {

    /**
     * Builds the proof for {@code challenge} over the shard {@code shard}, in the format of
     * {@code scheme} (see {@link AuditProofs}, the reference implementation of both formats).
     *
     * @throws ShardMissingException if the node does not hold the shard, or holds a copy whose bytes do
     *     not match {@code shard}
     * @throws IllegalArgumentException if the challenge lies outside the shard
     */
    byte[] prove(ProofScheme scheme, ShardHash shard, AuditChallenge challenge);

    /**
     * Rebuilds {@code shard} locally from the surviving shards of its chunk (any 10 of 14), verifies it
     * against its hash and stores it.
     *
     * @return true if the shard is now held intact; false if it cannot be rebuilt (too few shards
     *     survive, or the shard belongs to no chunk this node knows)
     */
    boolean repair(ShardHash shard);
}
