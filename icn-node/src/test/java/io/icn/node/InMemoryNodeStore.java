package io.icn.node;

import io.icn.chain.InMemoryShardStore;
import io.icn.chain.ProofScheme;

/**
 * icn-chain's in-memory shard store (real Reed-Solomon shards, hashes, proofs and repair) seen through the
 * node's service interfaces: the audit monitor's {@link AuditProver} and the cleanup's {@link ExpiredContent}.
 * The methods are the store's own; this class only declares the interfaces they implement.
 */
final class InMemoryNodeStore extends InMemoryShardStore implements AuditProver, ExpiredContent {
    InMemoryNodeStore(ProofScheme scheme) {
        super(scheme);
    }
}
