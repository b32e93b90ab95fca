package io.icn.chain.substrate;

import io.icn.chain.AccountId;
import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditId;
import io.icn.chain.AuditNotFoundException;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.BlockListener;
import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainCapability;
import io.icn.chain.ChainClient;
import io.icn.chain.DealId;
import io.icn.chain.DealStatus;
import io.icn.chain.PalletMerkleTree;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link ChainClient} over a Substrate chain running {@code pallet-icn-pinning} ({@link SubstrateChain}).
 *
 * <h2>Which view each call reads</h2>
 * <ul>
 * <li><b>Finalized</b>: {@link #currentBlock()} and {@link #subscribeBlocks} follow finalized heads, and
 * {@link #deal}, {@link #dealsForShard} and {@link #shardAssignments()} read a deal index built at a finalized
 * block: the storage cleanup acts on them, and must never delete on a view a reorganisation could undo.
 * The index is read in full (paged) at start, then kept current from the pallet's {@code DealCreated} /
 * {@code DealExpired} events of each finalized block, and read in full again every
 * {@link Options#dealRescanBlocks()} finalized blocks (the only way when the runtime lacks the pallet's
 * events).</li>
 * <li><b>Best</b>: {@link #pendingAudits()} and {@link #audit} read the best block, so audits are answered as
 * soon as they appear; proofs are submitted as signed extrinsics (one {@code Utility.batch_all} for
 * several).</li>
 * </ul>
 *
 * <h2>What the pallet lacks</h2>
 * No {@link ChainCapability}: the endpoint calls, {@link #dealContent} and {@link #standing()} throw
 * {@link io.icn.chain.UnsupportedChainCallException} (the node uses the DHT and its configured peers; the pallet
 * keeps no stake or reputation, the free balance is in {@link SubstrateChain#info()}). The pallet records no shard
 * size: {@link PinningDeal#shardSize()} is empty.
 * {@code PinningAudit.issuedAt} is {@code deadline - 100} (the pallet's audit window).
 *
 * <h2>Proofs</h2>
 * {@link #proofScheme()} is {@link ProofScheme.Mode#PALLET}: the proof bytes are the pallet's
 * {@code MerkleProof} ({@link PalletMerkleTree.Proof#encode()}).
 *
 * <h2>Threading</h2>
 * Thread-safe; calls block on the network, bounded by the request timeout. Block listeners run one at a time
 * on the chain's scheduler.
 */
public final class SubstrateChainClient implements ChainClient {
    private static final Logger LOG = Logger.getLogger(SubstrateChainClient.class.getName());
    /** The pallet's audit window ({@code AUDIT_DEADLINE_BLOCKS}). */
    public static final long AUDIT_WINDOW_BLOCKS = 100;

    /**
     * @param dealRescanBlocks read every deal again after this many finalized blocks
     * @param proofCall builds the call that carries one proof: {@code (auditId, proofBytes) -> call}; by default
     *     {@code IcnPinning.submit_audit_proof}. A runtime without the pallet (a test chain) can put a stand-in here.
     */
    public record Options(long dealRescanBlocks, Optional<BiFunction<byte[], byte[], byte[]>> proofCall) {
        public Options {
            if (dealRescanBlocks < 1) {
                throw new IllegalArgumentException("dealRescanBlocks must be positive: " + dealRescanBlocks);
            }
            Objects.requireNonNull(proofCall, "proofCall");
        }

        public static Options defaults() {
            return new Options(600, Optional.empty());
        }
    }

    private final SubstrateChain chain;
    private final boolean ownsChain;
    private final Options options;
    private final AccountId account;
    private final List<BlockListener> listeners = new CopyOnWriteArrayList<>();
    private final JsonRpcClient.Subscription finalizedSubscription;
    private final Object indexLock = new Object();
    private Map<DealId, PinningDeal> deals = new HashMap<>();
    private Map<ShardHash, List<DealId>> dealsByShard = new HashMap<>();
    private volatile Head finalized;
    private long indexedAt;
    private volatile boolean closed;

    /**
     * Reads every deal at the finalized head and starts following finalized heads.
     *
     * @param ownsChain whether {@link #close()} closes {@code chain}
     * @throws IllegalStateException if {@code chain} has no signing key
     */
    public SubstrateChainClient(SubstrateChain chain, boolean ownsChain, Options options) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.ownsChain = ownsChain;
        this.options = Objects.requireNonNull(options, "options");
        this.account = chain.key().orElseThrow(() -> new IllegalStateException("the chain client needs a signing key"))
                .account();
        Head head = chain.finalizedHead();
        rebuildIndex(head);
        finalized = head;
        finalizedSubscription = chain.followHeads(true, this::onFinalized);
    }

    private void rebuildIndex(Head at) {
        Map<DealId, PinningDeal> byId = new HashMap<>();
        Map<ShardHash, List<DealId>> byShard = new HashMap<>();
        long n = chain.forEachDeal(at.hash(), d -> {
            try {
                index(toSpi(d), byId, byShard);
            } catch (IllegalArgumentException malformed) {
                LOG.warning(() -> "skipping deal " + SubstrateChain.hex(d.dealId()) + ": " + malformed.getMessage());
            }
        });
        synchronized (indexLock) {
            deals = byId;
            dealsByShard = byShard;
            indexedAt = at.number();
        }
        LOG.fine(() -> "indexed " + n + " deals at finalized block " + at.number());
    }

    private static void index(PinningDeal deal, Map<DealId, PinningDeal> byId, Map<ShardHash, List<DealId>> byShard) {
        PinningDeal old = byId.put(deal.id(), deal);
        if (old == null) {
            for (ShardHash s : deal.distinctShards()) {
                byShard.computeIfAbsent(s, k -> new ArrayList<>(1)).add(deal.id());
            }
        }
    }

    private void onFinalized(Head head) {
        if (closed) {
            return;
        }
        try {
            if (head.number() - indexedAt >= options.dealRescanBlocks()) {
                rebuildIndex(head);
            } else {
                applyEvents(head);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "updating the deal index at block " + head.number() + " failed; rescanning next block", e);
            synchronized (indexLock) {
                indexedAt = Long.MIN_VALUE / 2;
            }
        }
        finalized = head;
        for (BlockListener l : listeners) {
            try {
                l.onBlock(head.number());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "block listener threw at block " + head.number(), e);
            }
        }
    }

    private void applyEvents(Head head) {
        for (PinningPallet.Event e : chain.pinningEvents(head.hash())) {
            byte[] dealId = e instanceof PinningPallet.DealCreated c ? c.dealId()
                    : e instanceof PinningPallet.DealExpired x ? x.dealId() : null;
            if (dealId == null) {
                continue;
            }
            Optional<PinningPallet.Deal> d = chain.deal(dealId, head.hash());
            synchronized (indexLock) {
                d.ifPresent(deal -> index(toSpi(deal), deals, dealsByShard));
            }
        }
    }

    static PinningDeal toSpi(PinningPallet.Deal d) {
        List<ShardHash> shards = new ArrayList<>(d.shards().size());
        d.shards().forEach(s -> shards.add(new ShardHash(s)));
        DealStatus status = switch (d.status()) {
            case ACTIVE -> DealStatus.ACTIVE;
            case EXPIRED -> DealStatus.EXPIRED;
            case CANCELLED -> DealStatus.CANCELLED;
        };
        long expires = Math.max(d.expiresAt(), d.createdAt() + 1);
        return new PinningDeal(new DealId(d.dealId()), new AccountId(d.creator()), shards, OptionalInt.empty(),
                d.createdAt(), expires, new Balance(d.totalReward()), status);
    }

    static PinningAudit toSpi(PinningPallet.Audit a) {
        AuditStatus status = switch (a.status()) {
            case PENDING -> AuditStatus.PENDING;
            case PASSED -> AuditStatus.PASSED;
            case FAILED -> AuditStatus.FAILED;
        };
        long deadline = Math.max(1, a.deadline());
        return new PinningAudit(new AuditId(a.auditId()), new AccountId(a.pinner()), new ShardHash(a.shardHash()),
                new AuditChallenge((int) Math.min(Integer.MAX_VALUE - a.byteLength(), a.byteOffset()),
                        (int) Math.max(1, Math.min(Integer.MAX_VALUE, a.byteLength())), a.nonce()),
                Math.max(0, deadline - AUDIT_WINDOW_BLOCKS), deadline, status);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the Substrate chain client is closed");
        }
    }

    /** The chain under this client (for the operator commands). */
    public SubstrateChain chain() {
        return chain;
    }

    @Override
    public AccountId account() {
        return account;
    }

    /** The finalized block number. */
    @Override
    public long currentBlock() {
        checkOpen();
        return finalized.number();
    }

    /** The best block's number, read from the chain ({@code chain_getHeader}). */
    @Override
    public long bestBlock() {
        checkOpen();
        return Math.max(finalized.number(), chain.bestHead().number());
    }

    /** Finalized blocks, each once, in order (blocks missed while disconnected included). */
    @Override
    public BlockSubscription subscribeBlocks(BlockListener listener) {
        checkOpen();
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * None: the pallet has no endpoint registry, records no deal content and keeps no stake or reputation; those
     * calls throw {@link io.icn.chain.UnsupportedChainCallException}.
     */
    @Override
    public Set<ChainCapability> capabilities() {
        return EnumSet.noneOf(ChainCapability.class);
    }

    @Override
    public ProofScheme proofScheme() {
        return ProofScheme.pallet();
    }

    @Override
    public Optional<PinningDeal> deal(DealId id) {
        checkOpen();
        synchronized (indexLock) {
            return Optional.ofNullable(deals.get(id));
        }
    }

    @Override
    public List<PinningDeal> dealsForShard(ShardHash shard) {
        checkOpen();
        synchronized (indexLock) {
            List<DealId> ids = dealsByShard.getOrDefault(shard, List.of());
            List<PinningDeal> out = new ArrayList<>(ids.size());
            ids.forEach(id -> out.add(deals.get(id)));
            return out;
        }
    }

    /** The distinct shards of active deals (at the finalized block) whose {@code ShardAssignments} name this node. */
    @Override
    public List<ShardHash> shardAssignments() {
        checkOpen();
        Head at = finalized;
        Set<ShardHash> candidates = new HashSet<>();
        synchronized (indexLock) {
            for (PinningDeal d : deals.values()) {
                if (d.isActiveAt(at.number())) {
                    candidates.addAll(d.distinctShards());
                }
            }
        }
        List<ShardHash> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.naturalOrder());
        List<byte[]> keys = new ArrayList<>(sorted.size());
        sorted.forEach(s -> keys.add(chain.pallet().shardAssignmentsKey(s.bytes())));
        List<ShardHash> mine = new ArrayList<>();
        byte[] me = account.bytes();
        for (int from = 0; from < keys.size(); from += 1000) {
            List<Optional<byte[]>> values = chain.queryStorageAt(keys.subList(from, Math.min(keys.size(), from + 1000)), at.hash());
            for (int i = 0; i < values.size(); i++) {
                Optional<byte[]> v = values.get(i);
                if (v.isPresent() && PinningPallet.decodeAssignments(v.get()).stream().anyMatch(p -> Arrays.equals(p, me))) {
                    mine.add(sorted.get(from + i));
                }
            }
        }
        return mine;
    }

    /** This node's pending audits at the best block, by deadline. */
    @Override
    public List<PinningAudit> pendingAudits() {
        checkOpen();
        byte[] me = account.bytes();
        List<PinningAudit> out = new ArrayList<>();
        for (PinningPallet.Audit a : chain.pendingAudits(null).values()) {
            if (a.status() == PinningPallet.AuditState.PENDING && Arrays.equals(a.pinner(), me)) {
                out.add(toSpi(a));
            }
        }
        out.sort(Comparator.comparingLong(PinningAudit::deadline).thenComparing(PinningAudit::id));
        return out;
    }

    @Override
    public Optional<PinningAudit> audit(AuditId id) {
        checkOpen();
        return chain.pendingAudit(id.bytes(), null).filter(a -> Arrays.equals(a.pinner(), account.bytes()))
                .map(SubstrateChainClient::toSpi);
    }

    @Override
    public void submitAuditProof(AuditId auditId, byte[] proof) {
        submitAuditProofs(List.of(new AuditProofSubmission(auditId, proof)));
    }

    /**
     * Checks every audit is addressed to this node and every proof is a pallet proof, then submits one
     * extrinsic: the proof's call, or {@code Utility.batch_all} of them. Returns once the node accepted it
     * into its pool.
     */
    @Override
    public void submitAuditProofs(List<AuditProofSubmission> proofs) {
        checkOpen();
        if (proofs.isEmpty()) {
            throw new IllegalArgumentException("no proofs to submit");
        }
        Set<AuditId> seen = new HashSet<>();
        List<byte[]> calls = new ArrayList<>(proofs.size());
        for (AuditProofSubmission p : proofs) {
            if (!seen.add(p.auditId())) {
                throw new IllegalArgumentException("audit " + p.auditId() + " appears twice");
            }
            if (audit(p.auditId()).isEmpty()) {
                throw new AuditNotFoundException(p.auditId(), "no pending audit addressed to " + account);
            }
            calls.add(proofCall(p.auditId().bytes(), p.proof()));
        }
        byte[] call = calls.size() == 1 ? calls.get(0) : chain.runtime().calls().batchAll(calls);
        chain.submit(call);
    }

    private byte[] proofCall(byte[] auditId, byte[] proof) {
        if (options.proofCall().isPresent()) {
            return options.proofCall().get().apply(auditId, proof);
        }
        return chain.pallet().submitAuditProofCall(Optional.of(chain.runtime().metadata()), auditId,
                PalletMerkleTree.Proof.decode(proof));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listeners.clear();
        try {
            finalizedSubscription.close();
        } finally {
            if (ownsChain) {
                chain.close();
            }
        }
    }
}
