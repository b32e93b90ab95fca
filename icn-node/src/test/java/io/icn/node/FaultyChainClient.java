package io.icn.node;

import io.icn.chain.AccountId;
import io.icn.chain.AuditId;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.BlockListener;
import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainUnavailableException;
import io.icn.chain.DealId;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.NodeStanding;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a real client to simulate a bad connection: down (every call throws and block notifications are
 * lost), slow (calls wait on a gate), lossy (submissions acknowledged but dropped). Counts calls.
 */
final class FaultyChainClient implements ChainClient {
    private final ChainClient delegate;
    volatile boolean down;
    /** Like the ICN pallet: no endpoint registry, no deal content, no standing, deals without a shard size. */
    volatile boolean palletOnly;
    volatile CountDownLatch gate;
    final AtomicInteger dropSubmissions = new AtomicInteger();
    final AtomicLong calls = new AtomicLong();
    final ConcurrentHashMap<String, AtomicLong> callsByMethod = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<Integer> batchSizes = new CopyOnWriteArrayList<>();

    FaultyChainClient(ChainClient delegate) {
        this.delegate = delegate;
    }

    private void enter(String method) {
        calls.incrementAndGet();
        callsByMethod.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(20, TimeUnit.SECONDS)) {
                    throw new ChainUnavailableException("timed out waiting for the chain (" + method + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChainUnavailableException("interrupted", e);
            }
        }
        if (down) {
            throw new ChainUnavailableException("connection refused (" + method + ")");
        }
    }

    long calls(String method) {
        AtomicLong n = callsByMethod.get(method);
        return n == null ? 0 : n.get();
    }

    @Override
    public AccountId account() {
        return delegate.account();
    }

    @Override
    public java.util.Set<io.icn.chain.ChainCapability> capabilities() {
        return palletOnly ? java.util.Set.of() : delegate.capabilities();
    }

    @Override
    public long currentBlock() {
        enter("currentBlock");
        return delegate.currentBlock();
    }

    @Override
    public long bestBlock() {
        enter("bestBlock");
        return delegate.bestBlock();
    }

    @Override
    public BlockSubscription subscribeBlocks(BlockListener listener) {
        enter("subscribeBlocks");
        return delegate.subscribeBlocks(block -> {
            if (!down) {
                listener.onBlock(block);
            }
        });
    }

    @Override
    public ProofScheme proofScheme() {
        enter("proofScheme");
        return delegate.proofScheme();
    }

    @Override
    public Optional<PinningDeal> deal(DealId id) {
        enter("deal");
        return delegate.deal(id).map(this::asChainRecordsIt);
    }

    @Override
    public List<PinningDeal> dealsForShard(ShardHash shard) {
        enter("dealsForShard");
        return delegate.dealsForShard(shard).stream().map(this::asChainRecordsIt).toList();
    }

    /** The pallet's deals carry no shard size. */
    private PinningDeal asChainRecordsIt(PinningDeal d) {
        return palletOnly ? new PinningDeal(d.id(), d.creator(), d.shards(), java.util.OptionalInt.empty(), d.createdAt(),
                d.expiresAt(), d.totalReward(), d.status()) : d;
    }

    @Override
    public Optional<String> dealContent(DealId id) {
        enter("dealContent");
        if (palletOnly) {
            throw new io.icn.chain.UnsupportedChainCallException("dealContent", io.icn.chain.ChainCapability.DEAL_CONTENT);
        }
        return delegate.dealContent(id);
    }

    @Override
    public NodeEndpoint registerEndpoint(String quicAddress, String certificateFingerprint) {
        enter("registerEndpoint");
        if (palletOnly) {
            throw new io.icn.chain.UnsupportedChainCallException("registerEndpoint", io.icn.chain.ChainCapability.ENDPOINT_REGISTRY);
        }
        return delegate.registerEndpoint(quicAddress, certificateFingerprint);
    }

    @Override
    public List<NodeEndpoint> nodeEndpoints() {
        enter("nodeEndpoints");
        if (palletOnly) {
            throw new io.icn.chain.UnsupportedChainCallException("nodeEndpoints", io.icn.chain.ChainCapability.ENDPOINT_REGISTRY);
        }
        return delegate.nodeEndpoints();
    }

    @Override
    public Optional<NodeEndpoint> endpoint(AccountId node) {
        enter("endpoint");
        if (palletOnly) {
            throw new io.icn.chain.UnsupportedChainCallException("endpoint", io.icn.chain.ChainCapability.ENDPOINT_REGISTRY);
        }
        return delegate.endpoint(node);
    }

    @Override
    public List<ShardHash> shardAssignments() {
        enter("shardAssignments");
        return delegate.shardAssignments();
    }

    @Override
    public List<PinningAudit> pendingAudits() {
        enter("pendingAudits");
        return delegate.pendingAudits();
    }

    @Override
    public Optional<PinningAudit> audit(AuditId id) {
        enter("audit");
        return delegate.audit(id);
    }

    @Override
    public void submitAuditProof(AuditId auditId, byte[] proof) {
        submitAuditProofs(List.of(new AuditProofSubmission(auditId, proof)));
    }

    @Override
    public void submitAuditProofs(List<AuditProofSubmission> proofs) {
        enter("submitAuditProofs");
        batchSizes.add(proofs.size());
        if (dropSubmissions.get() > 0 && dropSubmissions.getAndDecrement() > 0) {
            return; // acknowledged by the connection, never reaches a block
        }
        delegate.submitAuditProofs(proofs);
    }

    @Override
    public NodeStanding standing() {
        enter("standing");
        if (palletOnly) {
            throw new io.icn.chain.UnsupportedChainCallException("standing", io.icn.chain.ChainCapability.STANDING);
        }
        return delegate.standing();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
