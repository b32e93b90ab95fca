package io.icn.chain;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One super-node's view of the ICN chain: blocks, pinning deals, its shard assignments, the audits
 * addressed to it, proof submission, and its stake and reputation. The types mirror
 * {@code pallet-icn-pinning}; docs/chain.md maps each call to the pallet's storage and calls.
 *
 * <p>Implementations: {@link io.icn.chain.local.LocalChain#clientFor(AccountId)} (the embedded chain, the default,
 * every capability) and the Substrate JSON-RPC adapter (package {@code io.icn.chain.substrate}).
 *
 * <h2>Optional calls</h2>
 * Not every chain has every call: {@link #capabilities()} says which of the {@link ChainCapability optional}
 * ones this chain supports; the others throw {@link UnsupportedChainCallException} (the defaults here do).
 * How a stored chunk becomes pinned is not a call of the client but a {@link PinningPolicy}.
 *
 * <h2>Failures</h2>
 * Every call may throw {@link ChainUnavailableException} when the chain cannot be reached or does not
 * answer in time; callers retry with backoff. Calls on a closed client throw
 * {@link IllegalStateException}.
 *
 * <h2>Thread safety</h2>
 * Implementations are thread-safe: any thread may call any method at any time. Calls may block on
 * network I/O; never call them from an event loop. Block listeners run on a thread of the
 * implementation's choosing and must return quickly (hand work to an executor).
 */
public interface ChainClient extends AutoCloseable {

    /** The super-node account this client reads for and signs as. */
    AccountId account();

    /**
     * The number of the block this client acts on: the best block it has seen, or on a chain with finality the latest
     * finalized one (what cleanup may act on).
     */
    long currentBlock();

    /**
     * The number of the newest block of the chain, finalized or not: a transaction submitted now is included after
     * it. By default {@link #currentBlock()} (a chain without a separate finality). Reads the chain.
     */
    default long bestBlock() {
        return currentBlock();
    }

    /**
     * Calls {@code listener} with every new block number, in increasing order, from the next block on.
     * A listener that throws is logged and stays subscribed.
     *
     * @return the subscription; closing it stops the calls
     */
    BlockSubscription subscribeBlocks(BlockListener listener);

    /** The optional calls this chain supports; the others throw {@link UnsupportedChainCallException}. */
    Set<ChainCapability> capabilities();

    /** How this chain verifies audit proofs, and therefore which proof the node must build. */
    ProofScheme proofScheme();

    /** The deal with this id, in its current status. */
    Optional<PinningDeal> deal(DealId id);

    /**
     * Every deal, of any status, whose shard list contains {@code shard}. The storage cleanup uses it to
     * prove that no active deal still references content before deleting it.
     */
    List<PinningDeal> dealsForShard(ShardHash shard);

    /**
     * The content a deal pins, as its creator recorded it with the deal: the chunk's CID as text. Shard
     * {@code i} of the deal's shard list is shard {@code i} of that chunk. Empty for a deal made without
     * content (the pallet's original call).
     *
     * @throws DealNotFoundException if the deal is unknown
     * @throws UnsupportedChainCallException unless {@link ChainCapability#DEAL_CONTENT} is supported
     */
    default Optional<String> dealContent(DealId id) {
        throw new UnsupportedChainCallException("dealContent", ChainCapability.DEAL_CONTENT);
    }

    /**
     * Registers (or replaces) where this node serves its shards over QUIC, signed as {@link #account()}.
     *
     * @return the endpoint as recorded
     * @throws NodeNotRegisteredException if this account is not a registered super-node
     * @throws IllegalArgumentException if the address is not {@code host:port} or the fingerprint not a SHA-256
     * @throws UnsupportedChainCallException unless {@link ChainCapability#ENDPOINT_REGISTRY} is supported
     */
    default NodeEndpoint registerEndpoint(String quicAddress, String certificateFingerprint) {
        throw new UnsupportedChainCallException("registerEndpoint", ChainCapability.ENDPOINT_REGISTRY);
    }

    /**
     * Every super-node's registered QUIC endpoint (this node's included), ordered by account.
     *
     * @throws UnsupportedChainCallException unless {@link ChainCapability#ENDPOINT_REGISTRY} is supported
     */
    default List<NodeEndpoint> nodeEndpoints() {
        throw new UnsupportedChainCallException("nodeEndpoints", ChainCapability.ENDPOINT_REGISTRY);
    }

    /**
     * The endpoint {@code node} registered, if any.
     *
     * @throws UnsupportedChainCallException unless {@link ChainCapability#ENDPOINT_REGISTRY} is supported
     */
    default Optional<NodeEndpoint> endpoint(AccountId node) {
        throw new UnsupportedChainCallException("endpoint", ChainCapability.ENDPOINT_REGISTRY);
    }

    /** The shards this node is assigned to pin by active deals, each once. */
    List<ShardHash> shardAssignments();

    /** The audits addressed to this node that are still {@link AuditStatus#PENDING}, oldest first. */
    List<PinningAudit> pendingAudits();

    /** The audit with this id addressed to this node, in its current status, if the chain still keeps it. */
    Optional<PinningAudit> audit(AuditId id);

    /**
     * Submits one proof. Submission is not inclusion: the proof is checked when a block includes it;
     * read {@link #audit(AuditId)} to learn the outcome.
     *
     * @throws AuditNotFoundException if no audit with this id is addressed to this node
     */
    void submitAuditProof(AuditId auditId, byte[] proof);

    /**
     * Submits several proofs in one transaction (a batch). All or nothing at submission: if any audit is
     * unknown, nothing is submitted. At inclusion each proof is checked on its own.
     *
     * @throws AuditNotFoundException naming the first audit not addressed to this node
     * @throws IllegalArgumentException if {@code proofs} is empty or names an audit twice
     */
    void submitAuditProofs(List<AuditProofSubmission> proofs);

    /**
     * This node's stake, free balance and reputation.
     *
     * @throws NodeNotRegisteredException if the account is not a registered super-node
     * @throws UnsupportedChainCallException unless {@link ChainCapability#STANDING} is supported
     */
    default NodeStanding standing() {
        throw new UnsupportedChainCallException("standing", ChainCapability.STANDING);
    }

    /** Ends the block subscriptions made through this client and releases its resources. Idempotent. */
    @Override
    void close();
}
