package io.icn.chain.local;

import io.icn.chain.AccountId;
import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditId;
import io.icn.chain.AuditNotFoundException;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.AuditProofs;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.DealId;
import io.icn.chain.DealNotFoundException;
import io.icn.chain.DealStatus;
import io.icn.chain.InsufficientBalanceException;
import io.icn.chain.InvalidDealException;
import io.icn.chain.InvalidProofException;
import io.icn.chain.NoEligiblePinnersException;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.NodeNotRegisteredException;
import io.icn.chain.NodeStanding;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The state of a {@link LocalChain} and the rules of {@code pallet-icn-pinning} that change it. Every
 * index is derived from the persisted records and rebuilt by {@link #rebuildIndexes()}, so the file
 * holds only facts. Every per-block step costs what it touches (expiring deals, closing audits), never
 * the size of the state.
 *
 * <p>Not thread-safe: {@link LocalChain} guards it with one lock.
 */
final class ChainState {
    static final int REPLICATION_FACTOR = 5;
    static final long AUDIT_DEADLINE_BLOCKS = 100;
    static final long REWARD_INTERVAL_BLOCKS = 100;
    static final long BLOCKS_PER_HOUR = 600;
    static final long PASS_REPUTATION = 10;
    static final long FAIL_REPUTATION = 50;
    static final Balance AUDIT_SLASH = Balance.ofIcn(10);
    static final Balance MIN_SUPER_NODE_STAKE = Balance.ofIcn(50);

    private static final Balance STAKE_200 = Balance.ofIcn(200);
    private static final Balance STAKE_500 = Balance.ofIcn(500);

    static final class Account {
        Balance free = Balance.ZERO;
        Balance stake = Balance.ZERO;
        Region region; // null: not a super-node
        long reputation;
        BigInteger rewardPerInterval = BigInteger.ZERO; // derived

        boolean isSuperNode() {
            return region != null;
        }
    }

    static final class Deal {
        PinningDeal deal;
        List<AccountId> pinners;
        BigInteger rewardPerSlot;
        final String content; // the chunk's CID as the creator recorded it; "" if none

        Deal(PinningDeal deal, List<AccountId> pinners, BigInteger rewardPerSlot, String content) {
            this.deal = deal;
            this.pinners = List.copyOf(pinners);
            this.rewardPerSlot = rewardPerSlot;
            this.content = content;
        }
    }

    static final class Audit {
        PinningAudit audit;
        final int shardSize;
        long closedAt = -1;

        Audit(PinningAudit audit, int shardSize) {
            this.audit = audit;
            this.shardSize = shardSize;
        }
    }

    record Submission(AccountId signer, AuditId auditId, byte[] proof) {
    }

    /** What a block did, for the log and for tests. */
    record BlockEffects(int passed, int failed, int timedOut, int dealsExpired, int auditsIssued) {
    }

    /**
     * What one block decided by chance or from shard bytes, so that replaying it from the journal reaches the
     * state the block reached: the verdict on each proof it included, in pool order; the audits it drew; the
     * retention it pruned with (a restart may configure another); the id counter after it. Everything else a
     * block does follows from the state. Filled by {@link #advance}, applied by {@link #replay}.
     */
    static final class BlockRecord {
        long block;
        long auditRetentionBlocks;
        long dealRetentionBlocks;
        final List<Boolean> verdicts = new ArrayList<>();
        final List<Audit> issued = new ArrayList<>();
        long idCounter;
    }

    /** The two decisions of a block that depend on more than the state. */
    private interface BlockDecisions {
        boolean verdict(Audit audit, byte[] proof);

        int issueAudits();
    }

    final ProofScheme scheme;
    long block;
    long idCounter;
    final TreeMap<AccountId, Account> accounts = new TreeMap<>();
    final LinkedHashMap<DealId, Deal> deals = new LinkedHashMap<>();
    final LinkedHashMap<AuditId, Audit> audits = new LinkedHashMap<>();
    final List<Submission> pool = new ArrayList<>();
    final TreeMap<AccountId, NodeEndpoint> endpoints = new TreeMap<>();

    // Derived indexes.
    private final TreeMap<Long, List<DealId>> activeByExpiry = new TreeMap<>();
    private final TreeMap<Long, List<DealId>> endedByExpiry = new TreeMap<>(); // expired deals, until pruned
    // Shard -> the first deal that named it; the deals that named it after (the same content pinned again) are in
    // laterDealsByShard. Nearly every shard has one deal, so nearly every shard costs one map entry and no list:
    // 1.96 M shards at 140,000 deals.
    private HashMap<ShardHash, DealId> firstDealByShard = new HashMap<>();
    private final Map<ShardHash, List<DealId>> laterDealsByShard = new HashMap<>();
    private final Map<AccountId, IndexedBag<ShardHash>> assignments = new HashMap<>();
    private final TreeMap<Long, List<AuditId>> pendingByDeadline = new TreeMap<>();
    private final Map<AccountId, LinkedHashSet<AuditId>> pendingByPinner = new HashMap<>();
    private final TreeMap<Long, List<AuditId>> closedByBlock = new TreeMap<>();

    ChainState(ProofScheme scheme) {
        this.scheme = scheme;
    }

    // ---------------------------------------------------------------- queries

    Optional<PinningDeal> deal(DealId id) {
        Deal d = deals.get(id);
        return d == null ? Optional.empty() : Optional.of(d.deal);
    }

    List<PinningDeal> dealsForShard(ShardHash shard) {
        List<DealId> ids = dealIdsOf(shard);
        List<PinningDeal> out = new ArrayList<>(ids.size());
        for (DealId id : ids) {
            out.add(deals.get(id).deal);
        }
        return out;
    }

    /** Every deal that named {@code shard}, in creation order. */
    private List<DealId> dealIdsOf(ShardHash shard) {
        DealId first = firstDealByShard.get(shard);
        if (first == null) {
            return List.of();
        }
        List<DealId> later = laterDealsByShard.get(shard);
        if (later == null) {
            return List.of(first);
        }
        List<DealId> all = new ArrayList<>(later.size() + 1);
        all.add(first);
        all.addAll(later);
        return all;
    }

    Optional<String> dealContent(DealId id) {
        Deal d = deals.get(id);
        if (d == null) {
            throw new DealNotFoundException(id);
        }
        return d.content.isEmpty() ? Optional.empty() : Optional.of(d.content);
    }

    List<NodeEndpoint> endpoints() {
        return List.copyOf(endpoints.values());
    }

    Optional<NodeEndpoint> endpoint(AccountId node) {
        return Optional.ofNullable(endpoints.get(node));
    }

    List<AccountId> pinnersOf(DealId id) {
        Deal d = deals.get(id);
        if (d == null) {
            throw new DealNotFoundException(id);
        }
        return d.pinners;
    }

    List<ShardHash> assignmentsOf(AccountId node) {
        IndexedBag<ShardHash> bag = assignments.get(node);
        return bag == null ? List.of() : bag.snapshot();
    }

    List<PinningAudit> pendingAuditsOf(AccountId node) {
        Set<AuditId> ids = pendingByPinner.getOrDefault(node, new LinkedHashSet<>());
        List<PinningAudit> out = new ArrayList<>(ids.size());
        for (AuditId id : ids) {
            out.add(audits.get(id).audit);
        }
        return out;
    }

    Optional<PinningAudit> audit(AuditId id) {
        Audit a = audits.get(id);
        return a == null ? Optional.empty() : Optional.of(a.audit);
    }

    NodeStanding standing(AccountId node) {
        Account a = accounts.get(node);
        if (a == null || !a.isSuperNode()) {
            throw new NodeNotRegisteredException(node);
        }
        return new NodeStanding(node, a.region, a.stake, a.free, a.reputation);
    }

    Balance freeBalance(AccountId account) {
        Account a = accounts.get(account);
        return a == null ? Balance.ZERO : a.free;
    }

    // ---------------------------------------------------------------- calls

    void endow(AccountId account, Balance amount) {
        Account a = accounts.computeIfAbsent(account, k -> new Account());
        a.free = a.free.plus(amount);
    }

    void registerNode(AccountId node, Region region, Balance stake, long reputation) {
        if (stake.compareTo(MIN_SUPER_NODE_STAKE) < 0) {
            throw new IllegalArgumentException("super-node " + node + " stake " + stake + " is below the minimum "
                    + MIN_SUPER_NODE_STAKE);
        }
        if (reputation < 0) {
            throw new IllegalArgumentException("reputation must not be negative: " + reputation);
        }
        Account a = accounts.computeIfAbsent(node, k -> new Account());
        if (a.isSuperNode()) {
            throw new IllegalArgumentException("super-node " + node + " is already registered in " + a.region);
        }
        a.region = region;
        a.stake = stake;
        a.reputation = reputation;
    }

    void registerEndpoint(NodeEndpoint endpoint) {
        Account a = accounts.get(endpoint.account());
        if (a == null || !a.isSuperNode()) {
            throw new NodeNotRegisteredException(endpoint.account());
        }
        endpoints.put(endpoint.account(), endpoint);
    }

    PinningDeal createDeal(AccountId creator, List<ShardHash> shards, int shardSize, long expiresAt,
            Balance payment, String content) {
        if (shards.size() < PinningDeal.MIN_SHARDS) {
            throw new InvalidDealException("a deal needs at least " + PinningDeal.MIN_SHARDS + " shards, got "
                    + shards.size());
        }
        if (shardSize <= 0) {
            throw new InvalidDealException("shard size must be positive: " + shardSize);
        }
        if (expiresAt <= block) {
            throw new InvalidDealException("expiry block " + expiresAt + " is not after the current block " + block);
        }
        if (payment.isZero()) {
            throw new InvalidDealException("a deal needs a payment, got " + payment);
        }
        Balance available = freeBalance(creator);
        if (available.compareTo(payment) < 0) {
            throw new InsufficientBalanceException(creator, payment, available);
        }
        List<AccountId> pinners = selectPinners();
        DealId id = new DealId(nextId("icn-deal", creator.bytes()));
        PinningDeal deal;
        try {
            deal = new PinningDeal(id, creator, shards, shardSize, block, expiresAt, payment, DealStatus.ACTIVE);
        } catch (IllegalArgumentException e) {
            throw new InvalidDealException(e.getMessage());
        }
        long intervals = rewardIntervals(block, expiresAt);
        BigInteger slots = BigInteger.valueOf((long) shards.size() * pinners.size());
        BigInteger perSlot = intervals == 0 ? BigInteger.ZERO
                : payment.units().divide(slots.multiply(BigInteger.valueOf(intervals)));
        insertDeal(new Deal(deal, pinners, perSlot, content));
        return deal;
    }

    /** Replays a deal {@link #createDeal} made: the record as it was made, and the id counter after it. */
    void applyDeal(Deal record, long idCounterAfter) {
        Account payer = accounts.get(record.deal.creator());
        if (payer == null || payer.free.compareTo(record.deal.totalReward()) < 0 || deals.containsKey(record.deal.id())) {
            throw new IllegalArgumentException("deal " + record.deal.id() + " does not follow from the state: its creator "
                    + record.deal.creator() + " cannot pay it or the deal exists");
        }
        insertDeal(record);
        idCounter = idCounterAfter;
    }

    private void insertDeal(Deal record) {
        Account payer = accounts.get(record.deal.creator());
        payer.free = payer.free.minus(record.deal.totalReward());
        deals.put(record.deal.id(), record);
        index(record);
    }

    AuditId initiateAudit(AccountId pinner, ShardHash shard, RandomGenerator random, int challengeLength) {
        IndexedBag<ShardHash> bag = assignments.get(pinner);
        if (bag == null || !bag.contains(shard)) {
            throw new IllegalArgumentException("super-node " + pinner + " is not assigned shard " + shard);
        }
        int shardSize = activeShardSize(shard);
        int length = Math.min(challengeLength, shardSize);
        int offset = shardSize == length ? 0 : random.nextInt(shardSize - length + 1);
        byte[] nonce = new byte[AuditChallenge.NONCE_LENGTH];
        random.nextBytes(nonce);
        AuditChallenge challenge = new AuditChallenge(offset, length, nonce);
        ByteBuffer seed = ByteBuffer.allocate(64).put(pinner.bytes()).put(shard.bytes());
        AuditId id = new AuditId(nextId("icn-audit", seed.array()));
        PinningAudit audit = new PinningAudit(id, pinner, shard, challenge, block, block + AUDIT_DEADLINE_BLOCKS,
                AuditStatus.PENDING);
        insertAudit(new Audit(audit, shardSize));
        return id;
    }

    /** Replays an audit {@link #initiateAudit} issued: the record as it was issued, and the id counter after it. */
    void applyAudit(Audit record, long idCounterAfter) {
        insertAudit(record);
        idCounter = idCounterAfter;
    }

    private void insertAudit(Audit record) {
        if (record.audit.status() != AuditStatus.PENDING || !accounts.containsKey(record.audit.pinner())
                || audits.containsKey(record.audit.id())) {
            throw new IllegalArgumentException("audit " + record.audit.id() + " does not follow from the state");
        }
        audits.put(record.audit.id(), record);
        indexPending(record);
    }

    void submit(AccountId signer, List<AuditProofSubmission> proofs) {
        if (proofs.isEmpty()) {
            throw new IllegalArgumentException("a proof batch must not be empty");
        }
        Set<AuditId> seen = new java.util.HashSet<>();
        for (AuditProofSubmission p : proofs) {
            if (!seen.add(p.auditId())) {
                throw new IllegalArgumentException("audit " + p.auditId() + " appears twice in one batch");
            }
            Audit a = audits.get(p.auditId());
            if (a == null || !a.audit.pinner().equals(signer)) {
                throw new AuditNotFoundException(p.auditId(), "not addressed to " + signer);
            }
        }
        for (AuditProofSubmission p : proofs) {
            pool.add(new Submission(signer, p.auditId(), p.proof()));
        }
    }

    /** Replays proofs {@link #submit} accepted into the pool. */
    void applySubmissions(List<Submission> submissions) {
        pool.addAll(submissions);
    }

    // ---------------------------------------------------------------- block transition

    /** Produces the next block, writing into {@code record} what a replay needs to reach the same state. */
    BlockEffects advance(RandomGenerator random, boolean automaticAudits, long auditIntervalBlocks, int challengeLength,
            ShardOracle oracle, long auditRetentionBlocks, long dealRetentionBlocks, BlockRecord record) {
        record.block = block + 1;
        record.auditRetentionBlocks = auditRetentionBlocks;
        record.dealRetentionBlocks = dealRetentionBlocks;
        BlockEffects effects = advance(auditRetentionBlocks, dealRetentionBlocks, new BlockDecisions() {
            @Override
            public boolean verdict(Audit audit, byte[] proof) {
                boolean valid = verify(audit, proof, oracle);
                record.verdicts.add(valid);
                return valid;
            }

            @Override
            public int issueAudits() {
                return automaticAudits && block % auditIntervalBlocks == 0
                        ? hourlyAudits(random, challengeLength, oracle, record.issued) : 0;
            }
        });
        record.idCounter = idCounter;
        return effects;
    }

    /**
     * Replays a block {@link #advance} produced, with its recorded decisions.
     *
     * @throws IllegalArgumentException if the record does not follow from this state
     */
    void replay(BlockRecord record) {
        if (record.block != block + 1) {
            throw new IllegalArgumentException("block " + record.block + " cannot follow block " + block);
        }
        java.util.Iterator<Boolean> verdicts = record.verdicts.iterator();
        advance(record.auditRetentionBlocks, record.dealRetentionBlocks, new BlockDecisions() {
            @Override
            public boolean verdict(Audit audit, byte[] proof) {
                if (!verdicts.hasNext()) {
                    throw new IllegalArgumentException("block " + record.block + " included more proofs than recorded ("
                            + record.verdicts.size() + ")");
                }
                return verdicts.next();
            }

            @Override
            public int issueAudits() {
                record.issued.forEach(ChainState.this::insertAudit);
                return record.issued.size();
            }
        });
        if (verdicts.hasNext()) {
            throw new IllegalArgumentException("block " + record.block + " included fewer proofs than recorded ("
                    + record.verdicts.size() + ")");
        }
        idCounter = record.idCounter;
    }

    private BlockEffects advance(long auditRetentionBlocks, long dealRetentionBlocks, BlockDecisions decisions) {
        block++;
        int timedOut = timeOutAudits();
        int[] included = includeSubmissions(decisions);
        int expired = expireDeals();
        if (block % REWARD_INTERVAL_BLOCKS == 0) {
            payRewards();
        }
        int issued = decisions.issueAudits();
        pruneClosedAudits(auditRetentionBlocks);
        pruneEndedDeals(dealRetentionBlocks);
        return new BlockEffects(included[0], included[1], timedOut, expired, issued);
    }

    private int timeOutAudits() {
        int count = 0;
        var due = pendingByDeadline.headMap(block, false);
        for (List<AuditId> ids : due.values()) {
            for (AuditId id : ids) {
                Audit a = audits.get(id);
                if (a != null && a.audit.status() == AuditStatus.PENDING) {
                    close(a, false);
                    count++;
                }
            }
        }
        due.clear();
        return count;
    }

    private int[] includeSubmissions(BlockDecisions decisions) {
        int passed = 0;
        int failed = 0;
        for (Submission s : pool) {
            Audit a = audits.get(s.auditId());
            if (a == null || a.audit.status() != AuditStatus.PENDING || block > a.audit.deadline()) {
                continue; // already decided, pruned or late: the item is void, as in a forced batch
            }
            boolean valid = decisions.verdict(a, s.proof());
            close(a, valid);
            if (valid) {
                passed++;
            } else {
                failed++;
            }
        }
        pool.clear();
        return new int[] {passed, failed};
    }

    private boolean verify(Audit a, byte[] proof, ShardOracle oracle) {
        PinningAudit audit = a.audit;
        try {
            if (scheme.mode() == ProofScheme.Mode.MERKLE) {
                AuditProofs.verifyMerkle(audit.shardHash(), a.shardSize, scheme.merkleBlockSize(),
                        audit.challenge(), proof);
            } else {
                byte[] shard = oracle.shard(audit.shardHash()).orElseThrow(() -> new InvalidProofException(
                        "no shard oracle holds shard " + audit.shardHash()));
                AuditProofs.verifyHash(shard, audit.challenge(), proof);
            }
            return true;
        } catch (InvalidProofException e) {
            LocalChain.LOG.log(System.Logger.Level.INFO, "audit {0} by {1} failed: {2}", audit.id(),
                    audit.pinner(), e.getMessage());
            return false;
        }
    }

    private void close(Audit a, boolean passed) {
        a.audit = a.audit.withStatus(passed ? AuditStatus.PASSED : AuditStatus.FAILED);
        a.closedAt = block;
        AccountId pinner = a.audit.pinner();
        LinkedHashSet<AuditId> pending = pendingByPinner.get(pinner);
        if (pending != null) {
            pending.remove(a.audit.id());
        }
        closedByBlock.computeIfAbsent(block, k -> new ArrayList<>()).add(a.audit.id());
        Account node = accounts.get(pinner);
        if (passed) {
            node.reputation += PASS_REPUTATION;
        } else {
            node.reputation = Math.max(0, node.reputation - FAIL_REPUTATION);
            node.stake = node.stake.saturatingMinus(AUDIT_SLASH);
        }
    }

    private int expireDeals() {
        int count = 0;
        var due = activeByExpiry.headMap(block, true);
        for (List<DealId> ids : due.values()) {
            for (DealId id : ids) {
                Deal d = deals.get(id);
                if (d.deal.status() != DealStatus.ACTIVE) {
                    continue;
                }
                d.deal = d.deal.withStatus(DealStatus.EXPIRED);
                unassign(d);
                refund(d);
                endedByExpiry.computeIfAbsent(d.deal.expiresAt(), k -> new ArrayList<>()).add(id);
                count++;
            }
        }
        due.clear();
        return count;
    }

    private void refund(Deal d) {
        long intervals = rewardIntervals(d.deal.createdAt(), d.deal.expiresAt());
        BigInteger paid = d.rewardPerSlot.multiply(BigInteger.valueOf(intervals))
                .multiply(BigInteger.valueOf((long) d.deal.shards().size() * d.pinners.size()));
        BigInteger rest = d.deal.totalReward().units().subtract(paid);
        if (rest.signum() > 0) {
            Account creator = accounts.computeIfAbsent(d.deal.creator(), k -> new Account());
            creator.free = creator.free.plus(new Balance(rest));
        }
    }

    private void payRewards() {
        for (Account a : accounts.values()) {
            if (a.rewardPerInterval.signum() > 0) {
                a.free = a.free.plus(new Balance(a.rewardPerInterval));
            }
        }
    }

    private int hourlyAudits(RandomGenerator random, int challengeLength, ShardOracle oracle, List<Audit> issuedOut) {
        int issued = 0;
        for (Map.Entry<AccountId, Account> e : accounts.entrySet()) {
            Account a = e.getValue();
            IndexedBag<ShardHash> bag = assignments.get(e.getKey());
            if (!a.isSuperNode() || bag == null || bag.size() == 0) {
                continue;
            }
            if (random.nextInt(1_000_000) >= auditProbabilityPpm(a.stake)) {
                continue;
            }
            ShardHash shard = bag.pick(random);
            if (scheme.mode() == ProofScheme.Mode.HASH && oracle.shard(shard).isEmpty()) {
                continue; // an audit the chain could not verify would slash an honest node
            }
            issuedOut.add(audits.get(initiateAudit(e.getKey(), shard, random, challengeLength)));
            issued++;
        }
        return issued;
    }

    /**
     * Forgets deals that ended more than {@code retention} blocks ago: their record and their place in the shard
     * index. Nothing needs them any more (cleanup, replication and audits look at active deals only), and a node
     * that kept every deal it ever made would grow without bound.
     */
    private void pruneEndedDeals(long retention) {
        var old = endedByExpiry.headMap(block - retention, false);
        for (List<DealId> ids : old.values()) {
            for (DealId id : ids) {
                Deal d = deals.remove(id);
                if (d != null) {
                    unindexShards(d);
                }
            }
        }
        old.clear();
    }

    private void pruneClosedAudits(long retention) {
        var old = closedByBlock.headMap(block - retention, false);
        for (List<AuditId> ids : old.values()) {
            for (AuditId id : ids) {
                audits.remove(id);
            }
        }
        old.clear();
    }

    // ---------------------------------------------------------------- rules

    /**
     * Hourly audit probability in parts per million: 2 % at or below 50 ICN of stake, falling linearly to
     * 0.5 % at 200 ICN and to the 0.25 % floor at 500 ICN and above.
     */
    static int auditProbabilityPpm(Balance stake) {
        BigInteger s = stake.units();
        BigInteger icn = Balance.ofIcn(1).units();
        if (stake.compareTo(MIN_SUPER_NODE_STAKE) <= 0) {
            return 20_000;
        }
        if (stake.compareTo(STAKE_200) <= 0) {
            BigInteger over = s.subtract(MIN_SUPER_NODE_STAKE.units());
            return 20_000 - over.multiply(BigInteger.valueOf(15_000)).divide(icn.multiply(BigInteger.valueOf(150)))
                    .intValueExact();
        }
        if (stake.compareTo(STAKE_500) < 0) {
            BigInteger over = s.subtract(STAKE_200.units());
            return 5_000 - over.multiply(BigInteger.valueOf(2_500)).divide(icn.multiply(BigInteger.valueOf(300)))
                    .intValueExact();
        }
        return 2_500;
    }

    /** Reward blocks {@code m} (multiples of the interval) with {@code createdAt < m < expiresAt}. */
    static long rewardIntervals(long createdAt, long expiresAt) {
        return Math.max(0, Math.floorDiv(expiresAt - 1, REWARD_INTERVAL_BLOCKS)
                - Math.floorDiv(createdAt, REWARD_INTERVAL_BLOCKS));
    }

    /**
     * Up to five registered super-nodes with at least the minimum stake, one per region, highest
     * reputation first (ties broken by account id, so every replica of the chain agrees).
     */
    private List<AccountId> selectPinners() {
        List<Map.Entry<AccountId, Account>> candidates = new ArrayList<>();
        for (Map.Entry<AccountId, Account> e : accounts.entrySet()) {
            Account a = e.getValue();
            if (a.isSuperNode() && a.stake.compareTo(MIN_SUPER_NODE_STAKE) >= 0) {
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.<Map.Entry<AccountId, Account>>comparingLong(e -> -e.getValue().reputation)
                .thenComparing(Map.Entry::getKey));
        List<AccountId> chosen = new ArrayList<>(REPLICATION_FACTOR);
        EnumSet<Region> used = EnumSet.noneOf(Region.class);
        for (Map.Entry<AccountId, Account> e : candidates) {
            if (chosen.size() == REPLICATION_FACTOR) {
                break;
            }
            if (used.add(e.getValue().region)) {
                chosen.add(e.getKey());
            }
        }
        if (chosen.isEmpty()) {
            throw new NoEligiblePinnersException("no registered super-node has the minimum stake of "
                    + MIN_SUPER_NODE_STAKE + " (" + accounts.size() + " accounts known)");
        }
        return chosen;
    }

    private int activeShardSize(ShardHash shard) {
        for (DealId id : dealIdsOf(shard)) {
            Deal d = deals.get(id);
            if (d.deal.status() == DealStatus.ACTIVE) {
                return d.deal.shardSize().orElseThrow(); // the embedded chain records every deal's size
            }
        }
        throw new IllegalArgumentException("no active deal holds shard " + shard);
    }

    private byte[] nextId(String domain, byte[] seed) {
        ByteBuffer buf = ByteBuffer.allocate(domain.length() + seed.length + 16);
        buf.put(domain.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(seed).putLong(block)
                .putLong(idCounter++);
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(buf.array());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    // ---------------------------------------------------------------- indexes

    /** Rebuilds every derived index from the records; used after loading a state file. */
    void rebuildIndexes() {
        activeByExpiry.clear();
        endedByExpiry.clear();
        laterDealsByShard.clear();
        assignments.clear();
        // Sized up front: at 140,000 deals the two big maps would otherwise rehash their way to millions of entries.
        long shards = 0;
        Map<AccountId, Integer> assigned = new HashMap<>();
        for (Deal d : deals.values()) {
            int n = d.deal.shards().size();
            shards += n;
            if (d.deal.status() == DealStatus.ACTIVE) {
                for (AccountId pinner : d.pinners) {
                    assigned.merge(pinner, n, Integer::sum);
                }
            }
        }
        firstDealByShard = new HashMap<>(IndexedBag.capacityFor(shards));
        assigned.forEach((pinner, n) -> assignments.put(pinner, new IndexedBag<>(n)));
        pendingByDeadline.clear();
        pendingByPinner.clear();
        closedByBlock.clear();
        for (Account a : accounts.values()) {
            a.rewardPerInterval = BigInteger.ZERO;
        }
        for (Deal d : deals.values()) {
            index(d);
        }
        for (Audit a : audits.values()) {
            if (a.audit.status() == AuditStatus.PENDING) {
                indexPending(a);
            } else {
                closedByBlock.computeIfAbsent(a.closedAt, k -> new ArrayList<>()).add(a.audit.id());
            }
        }
    }

    private void index(Deal d) {
        for (ShardHash shard : d.deal.distinctShards()) {
            if (firstDealByShard.putIfAbsent(shard, d.deal.id()) != null) {
                laterDealsByShard.computeIfAbsent(shard, k -> new ArrayList<>(1)).add(d.deal.id());
            }
        }
        if (d.deal.status() != DealStatus.ACTIVE) {
            endedByExpiry.computeIfAbsent(d.deal.expiresAt(), k -> new ArrayList<>()).add(d.deal.id());
            return;
        }
        activeByExpiry.computeIfAbsent(d.deal.expiresAt(), k -> new ArrayList<>()).add(d.deal.id());
        BigInteger perNode = d.rewardPerSlot.multiply(BigInteger.valueOf(d.deal.shards().size()));
        for (AccountId pinner : d.pinners) {
            IndexedBag<ShardHash> bag = assignments.computeIfAbsent(pinner, k -> new IndexedBag<>());
            for (ShardHash shard : d.deal.distinctShards()) {
                bag.add(shard);
            }
            Account a = accounts.computeIfAbsent(pinner, k -> new Account());
            a.rewardPerInterval = a.rewardPerInterval.add(perNode);
        }
    }

    private void unindexShards(Deal d) {
        DealId id = d.deal.id();
        for (ShardHash shard : d.deal.distinctShards()) {
            List<DealId> later = laterDealsByShard.get(shard);
            if (id.equals(firstDealByShard.get(shard))) {
                if (later == null) {
                    firstDealByShard.remove(shard);
                } else {
                    firstDealByShard.put(shard, later.remove(0));
                }
            } else if (later != null) {
                later.remove(id);
            }
            if (later != null && later.isEmpty()) {
                laterDealsByShard.remove(shard);
            }
        }
    }

    private void unassign(Deal d) {
        BigInteger perNode = d.rewardPerSlot.multiply(BigInteger.valueOf(d.deal.shards().size()));
        for (AccountId pinner : d.pinners) {
            IndexedBag<ShardHash> bag = assignments.get(pinner);
            for (ShardHash shard : d.deal.distinctShards()) {
                bag.remove(shard);
            }
            Account a = accounts.get(pinner);
            a.rewardPerInterval = a.rewardPerInterval.subtract(perNode);
        }
    }

    private void indexPending(Audit a) {
        pendingByDeadline.computeIfAbsent(a.audit.deadline(), k -> new ArrayList<>()).add(a.audit.id());
        pendingByPinner.computeIfAbsent(a.audit.pinner(), k -> new LinkedHashSet<>()).add(a.audit.id());
    }
}
