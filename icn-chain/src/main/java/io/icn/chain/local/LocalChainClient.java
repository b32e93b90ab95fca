package io.icn.chain.local;

import io.icn.chain.ChainCapability;
import java.util.EnumSet;
import java.util.Set;

import io.icn.chain.AccountId;
import io.icn.chain.AuditId;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.BlockListener;
import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainClient;
import io.icn.chain.DealId;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.NodeStanding;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A super-node's {@link ChainClient} onto a {@link LocalChain}: reads are filtered to the node's account,
 * submissions are signed as it. Thread-safe; it holds no state of its own beyond its subscriptions.
 */
final class LocalChainClient implements ChainClient {
    private final LocalChain chain;
    private final AccountId account;
    private final CopyOnWriteArrayList<BlockSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    LocalChainClient(LocalChain chain, AccountId account) {
        this.chain = chain;
        this.account = account;
    }

    @Override
    public Set<ChainCapability> capabilities() {
        return EnumSet.allOf(ChainCapability.class);
    }

    @Override
    public AccountId account() {
        return account;
    }

    @Override
    public long currentBlock() {
        checkOpen();
        return chain.currentBlock();
    }

    @Override
    public BlockSubscription subscribeBlocks(BlockListener listener) {
        checkOpen();
        BlockSubscription inner = chain.subscribe(listener);
        BlockSubscription outer = new BlockSubscription() {
            @Override
            public void close() {
                inner.close();
                subscriptions.remove(this);
            }
        };
        subscriptions.add(outer);
        return outer;
    }

    @Override
    public ProofScheme proofScheme() {
        checkOpen();
        return chain.proofScheme();
    }

    @Override
    public Optional<PinningDeal> deal(DealId id) {
        checkOpen();
        return chain.deal(Objects.requireNonNull(id, "id"));
    }

    @Override
    public List<PinningDeal> dealsForShard(ShardHash shard) {
        checkOpen();
        return chain.dealsForShard(Objects.requireNonNull(shard, "shard"));
    }

    @Override
    public Optional<String> dealContent(DealId id) {
        checkOpen();
        return chain.dealContent(Objects.requireNonNull(id, "id"));
    }

    @Override
    public NodeEndpoint registerEndpoint(String quicAddress, String certificateFingerprint) {
        checkOpen();
        return chain.registerEndpoint(account, quicAddress, certificateFingerprint);
    }

    @Override
    public List<NodeEndpoint> nodeEndpoints() {
        checkOpen();
        return chain.nodeEndpoints();
    }

    @Override
    public Optional<NodeEndpoint> endpoint(AccountId node) {
        checkOpen();
        return chain.endpoint(Objects.requireNonNull(node, "node"));
    }

    @Override
    public List<ShardHash> shardAssignments() {
        checkOpen();
        return chain.assignmentsOf(account);
    }

    @Override
    public List<PinningAudit> pendingAudits() {
        checkOpen();
        return chain.pendingAuditsOf(account);
    }

    @Override
    public Optional<PinningAudit> audit(AuditId id) {
        checkOpen();
        return chain.audit(Objects.requireNonNull(id, "id")).filter(a -> a.pinner().equals(account));
    }

    @Override
    public void submitAuditProof(AuditId auditId, byte[] proof) {
        submitAuditProofs(List.of(new AuditProofSubmission(auditId, proof)));
    }

    @Override
    public void submitAuditProofs(List<AuditProofSubmission> proofs) {
        checkOpen();
        chain.submit(account, List.copyOf(proofs));
    }

    @Override
    public NodeStanding standing() {
        checkOpen();
        return chain.standing(account);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (BlockSubscription s : subscriptions) {
            s.close();
        }
        chain.forget(this);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("chain client for " + account + " is closed");
        }
    }

    @Override
    public String toString() {
        return "LocalChainClient[" + account + "]";
    }
}
