package io.icn.chain.local;

import io.icn.chain.PinningPolicy;

import io.icn.chain.AccountId;
import io.icn.chain.AuditId;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.Balance;
import io.icn.chain.BlockListener;
import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainStateException;
import io.icn.chain.DealId;
import io.icn.chain.DealNotFoundException;
import io.icn.chain.InsufficientBalanceException;
import io.icn.chain.InvalidDealException;
import io.icn.chain.NoEligiblePinnersException;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.NodeNotRegisteredException;
import io.icn.chain.NodeStanding;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * An in-process chain that applies {@code pallet-icn-pinning}'s rules, so a node, a developer laptop
 * and a test harness need no external chain. It is the default behind {@code chain_endpoint = "local"}.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Blocks: produced by hand ({@link #produceBlock()}, {@link #produceBlocks(long)}), or every
 *       {@linkplain Builder#blockTime(Duration) block time} (6 s by default) once {@link #start()}ed on a
 *       scheduler the caller owns.</li>
 *   <li>{@link #createDeal}: at least 10 shards, a non-zero payment taken from the creator's free
 *       balance, an expiry after the current block. Each shard is assigned to up to 5 registered
 *       super-nodes in distinct regions, highest reputation first.</li>
 *   <li>Audits: every hour (600 blocks; {@linkplain Builder#auditIntervalBlocks(long) configurable}) each
 *       super-node holding shards is audited with a probability
 *       set by its stake (2 % at 50 ICN, 0.5 % at 200 ICN, 0.25 % from 500 ICN; linear between), on a
 *       random assigned shard; {@link #initiateAudit} does it by hand. The challenge is
 *       {@linkplain Builder#challengeLength(int) 64 bytes} at a random offset anywhere in the shard with a
 *       random 16-byte nonce. The deadline is 100 blocks.</li>
 *   <li>Proofs are included in the block after their submission and verified for real: in Merkle mode
 *       against the shard hash (the root) and the shard size; in hash mode by recomputing the digest
 *       from bytes supplied by a {@link ShardOracle}. Pass: reputation +10. Invalid proof or timeout:
 *       reputation −50 (floor 0) and 10 ICN slashed from the stake.</li>
 *   <li>Rewards every 100 blocks: a deal's payment is spread evenly over the reward blocks of its life
 *       and its pinner slots; the rounding remainder returns to the creator at expiry.</li>
 *   <li>Deals expire at {@code expires_at}: status Expired, assignments withdrawn; the record is kept
 *       {@linkplain Builder#dealRetentionBlocks(long) a day} more, then forgotten.</li>
 * </ul>
 *
 * <h2>Persistence</h2>
 * With a {@linkplain Builder#stateFile(Path) state file}, every change is also appended to a journal beside it
 * ({@code <state file>.journal.<first record>}, each record framed with its sequence number and CRC32C).
 * {@link #persist()} makes every change so far durable with one append and fsync of the records since the last
 * one, shared by concurrent callers (group commit): its cost follows what changed, not the size of the state. The
 * journal is also made durable every {@linkplain Builder#persistEveryBlocks(int) N blocks}. The state file is a
 * checkpoint, written crash-safely (temp file, fsync, atomic rename, fsync of the directory) every
 * {@linkplain Builder#checkpointEveryBlocks(long) N blocks}, when the journal outgrows
 * {@linkplain Builder#checkpointJournalBytes(long) a size}, and at {@link #close()}; it records the last journal
 * record it includes, and the journal segments before it are then deleted. At build the checkpoint is loaded and
 * the journal records after it are replayed; a torn last record (a crash during an append) is dropped with a
 * log line, any other damage is a {@link ChainStateException} naming the file and offset. After a clean
 * {@link #close()} only the state file remains. Without a state file, the chain lives in memory.
 *
 * <h2>Thread safety</h2>
 * Thread-safe. One lock guards the state; block production is serialised, and block listeners are
 * called in block order on the producing thread (the scheduler's, or the caller of
 * {@link #produceBlock()}), outside the state lock, so they may call back into the chain.
 *
 * <h2>Ownership</h2>
 * The chain owns its state file; it does not own the scheduler. {@link #close()} stops block
 * production, writes the state and ends every client; it is idempotent, and later calls throw
 * {@link IllegalStateException}.
 */
public final class LocalChain implements AutoCloseable {
    static final System.Logger LOG = System.getLogger(LocalChain.class.getName());

    /** Blocks from an audit's issue to its deadline. */
    public static final long AUDIT_DEADLINE_BLOCKS = ChainState.AUDIT_DEADLINE_BLOCKS;
    /** Blocks between reward payments. */
    public static final long REWARD_INTERVAL_BLOCKS = ChainState.REWARD_INTERVAL_BLOCKS;
    /** Replicas per shard, in distinct regions. */
    public static final int REPLICATION_FACTOR = ChainState.REPLICATION_FACTOR;
    /** Minimum stake of a super-node. */
    public static final Balance MIN_SUPER_NODE_STAKE = ChainState.MIN_SUPER_NODE_STAKE;
    /** Stake slashed for a failed or missed audit. */
    public static final Balance AUDIT_SLASH = ChainState.AUDIT_SLASH;
    /** The longest content (CID) a deal may record, in characters. */
    public static final int MAX_CONTENT_LENGTH = 256;

    private final ReentrantLock lock = new ReentrantLock();
    private final Object production = new Object();
    private final ChainState state;
    private final StateFile stateFile;
    private final RandomGenerator random;
    private final Duration blockTime;
    private final ScheduledExecutorService scheduler;
    private final ShardOracle oracle;
    private final StateJournal journal;
    private final int persistEveryBlocks;
    private final long checkpointEveryBlocks;
    private final long checkpointJournalBytes;
    private final int challengeLength;
    private final boolean automaticAudits;
    private final long auditIntervalBlocks;
    private final long auditRetentionBlocks;
    private final long dealRetentionBlocks;
    private final CopyOnWriteArrayList<BlockListener> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<LocalChainClient> clients = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> timer;
    private volatile boolean closed;

    private LocalChain(Builder b) {
        this.random = b.random;
        this.blockTime = b.blockTime;
        this.scheduler = b.scheduler;
        this.oracle = b.oracle != null ? b.oracle : shard -> Optional.empty();
        this.persistEveryBlocks = b.persistEveryBlocks;
        this.checkpointEveryBlocks = b.checkpointEveryBlocks;
        this.checkpointJournalBytes = b.checkpointJournalBytes;
        this.challengeLength = b.challengeLength;
        this.automaticAudits = b.automaticAudits;
        this.auditIntervalBlocks = b.auditIntervalBlocks;
        this.auditRetentionBlocks = b.auditRetentionBlocks;
        this.dealRetentionBlocks = b.dealRetentionBlocks;
        this.stateFile = b.stateFile == null ? null : new StateFile(b.stateFile);
        StateFile.Snapshot loaded = stateFile == null ? null : stateFile.readIfPresent(b.scheme);
        boolean fresh = stateFile != null && loaded == null && !StateJournal.exists(stateFile.path());
        this.state = loaded != null ? loaded.state() : new ChainState(b.scheme);
        this.journal = stateFile == null ? null : StateJournal.open(stateFile.path(),
                loaded == null ? 0 : loaded.journalSeq(), new StateChanges.Replayer(state), b.journalForce);
        if (fresh) {
            // A new chain records its proof scheme at once, so that recordedProofScheme() knows it from the start.
            checkpoint();
        }
    }

    /**
     * The proof scheme a local chain persisted at {@code stateFile} verifies, read without loading it: that of
     * its state file; for a chain with a journal but no state file yet (made by a build before chains recorded
     * their scheme at creation, less than a checkpoint old), {@code merkle(1024)}, the default of those builds;
     * empty when there is no chain there. Build the chain, and size a store's Merkle leaves, with this scheme
     * when reopening: the shard hashes its deals recorded were made with it.
     *
     * @throws ChainStateException if the state file is not readable
     */
    public static Optional<ProofScheme> recordedProofScheme(Path stateFile) {
        StateFile file = new StateFile(Objects.requireNonNull(stateFile, "stateFile"));
        ProofScheme recorded = file.peekScheme();
        if (recorded != null) {
            return Optional.of(recorded);
        }
        return StateJournal.exists(file.path())
                ? Optional.of(ProofScheme.merkle(ProofScheme.FORMER_DEFAULT_MERKLE_BLOCK_SIZE))
                : Optional.empty();
    }

    /** A builder; {@link Builder#random(RandomGenerator)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts producing a block every block time on the builder's scheduler.
     *
     * @throws IllegalStateException if no scheduler was given, or already started
     */
    public void start() {
        lock.lock();
        try {
            checkOpen();
            if (scheduler == null) {
                throw new IllegalStateException("no scheduler was given to the builder; produce blocks by hand");
            }
            if (timer != null) {
                throw new IllegalStateException("the local chain is already producing blocks");
            }
            long nanos = blockTime.toNanos();
            timer = scheduler.scheduleAtFixedRate(this::produceOnTimer, nanos, nanos, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    private void produceOnTimer() {
        try {
            produceBlock();
        } catch (IllegalStateException e) {
            // closed while a tick was queued
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "local chain failed to produce a block", e);
        }
    }

    /** Produces one block: applies its rules, then tells the listeners. @return the new block number */
    public long produceBlock() {
        synchronized (production) {
            long number;
            ChainState.BlockEffects effects;
            long syncTo = -1;
            long checkpointSeq = -1;
            lock.lock();
            try {
                checkOpen();
                ChainState.BlockRecord decided = new ChainState.BlockRecord();
                effects = state.advance(random, automaticAudits, auditIntervalBlocks, challengeLength, oracle,
                        auditRetentionBlocks, dealRetentionBlocks, decided);
                number = state.block;
                if (journal != null) {
                    long seq = journal.append(StateChanges.blockProduced(decided));
                    if (number % checkpointEveryBlocks == 0 || journal.bytesSinceRotation() >= checkpointJournalBytes) {
                        checkpointSeq = beginCheckpoint();
                    } else if (number % persistEveryBlocks == 0) {
                        syncTo = seq;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (checkpointSeq >= 0) {
                finishCheckpoint(checkpointSeq);
            } else if (syncTo >= 0) {
                journal.sync(syncTo);
            }
            if (effects.passed() + effects.failed() + effects.timedOut() + effects.dealsExpired()
                    + effects.auditsIssued() > 0) {
                LOG.log(System.Logger.Level.DEBUG, "block {0}: {1}", number, effects);
            }
            for (BlockListener listener : listeners) {
                try {
                    listener.onBlock(number);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "block listener failed at block " + number, e);
                }
            }
            return number;
        }
    }

    /** Produces {@code count} blocks. @return the last block number */
    public long produceBlocks(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("block count must not be negative: " + count);
        }
        long last = currentBlock();
        for (long i = 0; i < count; i++) {
            last = produceBlock();
        }
        return last;
    }

    /** The number of the last produced block; 0 before the first. */
    public long currentBlock() {
        return read(() -> state.block);
    }

    /** The proof scheme this chain verifies. */
    public ProofScheme proofScheme() {
        return state.scheme;
    }

    /** A client for the super-node {@code node}; closing it ends its subscriptions, not the chain. */
    public ChainClient clientFor(AccountId node) {
        Objects.requireNonNull(node, "node");
        LocalChainClient client = new LocalChainClient(this, node);
        lock.lock();
        try {
            checkOpen();
            clients.add(client);
        } finally {
            lock.unlock();
        }
        return client;
    }

    /** Credits {@code amount} to {@code account}'s free balance: the development faucet (genesis endowment). */
    public void endow(AccountId account, Balance amount) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(amount, "amount");
        update(() -> {
            state.endow(account, amount);
            record(() -> StateChanges.endowed(account, amount));
        });
    }

    /**
     * Registers a super-node with a bonded stake and reputation 0.
     *
     * @throws IllegalArgumentException if the stake is below {@link #MIN_SUPER_NODE_STAKE} or the node is
     *     already registered
     */
    public void registerNode(AccountId node, Region region, Balance stake) {
        registerNode(node, region, stake, 0);
    }

    /** As {@link #registerNode(AccountId, Region, Balance)} with a starting reputation (a genesis setting). */
    public void registerNode(AccountId node, Region region, Balance stake, long reputation) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(stake, "stake");
        update(() -> {
            state.registerNode(node, region, stake, reputation);
            record(() -> StateChanges.nodeRegistered(node, region, stake, reputation));
        });
    }

    /**
     * The pallet's {@code create_deal}: pays {@code payment} from {@code creator}'s free balance and
     * assigns the shards.
     *
     * @param shardSize the size of every shard of the deal in bytes (needed for challenges and proofs)
     * @throws InvalidDealException if fewer than 10 shards, a non-positive shard size, an expiry not after
     *     the current block, or a zero payment
     * @throws InsufficientBalanceException if the creator cannot pay
     * @throws NoEligiblePinnersException if no super-node can take the shards
     */
    public PinningDeal createDeal(AccountId creator, List<ShardHash> shards, int shardSize, long expiresAt,
            Balance payment) {
        Objects.requireNonNull(creator, "creator");
        Objects.requireNonNull(shards, "shards");
        Objects.requireNonNull(payment, "payment");
        return write(() -> recorded(state.createDeal(creator, List.copyOf(shards), shardSize, expiresAt, payment,
                "")));
    }

    /**
     * As {@link #createDeal(AccountId, List, int, long, Balance)}, recording with the deal the content it
     * pins: the chunk's CID, in the same transaction. The assigned nodes read it with
     * {@link ChainClient#dealContent(DealId)} to know what to fetch; shard {@code i} of the deal is shard
     * {@code i} of that chunk. This is an addition to the pallet (see docs/chain.md).
     *
     * @param content the chunk's CID as text, 1 to {@value #MAX_CONTENT_LENGTH} printable ASCII characters
     * @throws InvalidDealException also if {@code content} is empty, too long or not printable ASCII
     */
    public PinningDeal createDeal(AccountId creator, List<ShardHash> shards, int shardSize, long expiresAt,
            Balance payment, String content) {
        Objects.requireNonNull(creator, "creator");
        Objects.requireNonNull(shards, "shards");
        Objects.requireNonNull(payment, "payment");
        Objects.requireNonNull(content, "content");
        if (content.isEmpty() || content.length() > MAX_CONTENT_LENGTH
                || !content.chars().allMatch(c -> c > ' ' && c <= '~')) {
            throw new InvalidDealException("deal content '" + content + "' is not a CID of 1 to " + MAX_CONTENT_LENGTH
                    + " printable ASCII characters");
        }
        return write(() -> recorded(state.createDeal(creator, List.copyOf(shards), shardSize, expiresAt, payment,
                content)));
    }

    /**
     * The pinning policy of a node that is its own director on this chain: each stored chunk gets a deal paid by
     * {@code director} from the development faucet, recording the chunk's CID. With {@code persist} (the node owns
     * this chain) each deal is made durable before its pin completes.
     */
    public PinningPolicy selfDealing(AccountId director, boolean persist) {
        return new SelfDealing(this, director, persist);
    }

    /**
     * The content (chunk CID) recorded with a deal, if its creator recorded one.
     *
     * @throws DealNotFoundException if the deal is unknown
     */
    public Optional<String> dealContent(DealId id) {
        Objects.requireNonNull(id, "id");
        return read(() -> state.dealContent(id));
    }

    /**
     * Records where a registered super-node serves its shards, replacing what it registered before (a node
     * that restarts on another port registers again). An addition to the pallets: the node registry that
     * stands in for the DHT (see docs/chain.md).
     *
     * @throws NodeNotRegisteredException if {@code node} is not a registered super-node
     * @throws IllegalArgumentException if the address is not {@code host:port} or the fingerprint is not a
     *     SHA-256 in hex
     */
    public NodeEndpoint registerEndpoint(AccountId node, String quicAddress, String certificateFingerprint) {
        NodeEndpoint endpoint = new NodeEndpoint(node, quicAddress, certificateFingerprint);
        update(() -> {
            state.registerEndpoint(endpoint);
            record(() -> StateChanges.endpointRegistered(endpoint));
        });
        return endpoint;
    }

    /** Every registered node endpoint, ordered by account. */
    public List<NodeEndpoint> nodeEndpoints() {
        return read(state::endpoints);
    }

    /** The endpoint {@code node} registered, if any. */
    public Optional<NodeEndpoint> endpoint(AccountId node) {
        Objects.requireNonNull(node, "node");
        return read(() -> state.endpoint(node));
    }

    /**
     * The pallet's root-only {@code initiate_audit}: challenges {@code pinner} on {@code shard} with a random
     * range and nonce; deadline = current block + 100.
     *
     * @throws IllegalArgumentException if the pinner is not assigned the shard
     */
    public PinningAudit initiateAudit(AccountId pinner, ShardHash shard) {
        Objects.requireNonNull(pinner, "pinner");
        Objects.requireNonNull(shard, "shard");
        return write(() -> {
            AuditId id = state.initiateAudit(pinner, shard, random, challengeLength);
            record(() -> StateChanges.auditIssued(state.audits.get(id), state.idCounter));
            return state.audit(id).orElseThrow();
        });
    }

    /** The deal with this id. */
    public Optional<PinningDeal> deal(DealId id) {
        return read(() -> state.deal(id));
    }

    /** The super-nodes a deal's shards are assigned to. @throws DealNotFoundException if unknown */
    public List<AccountId> pinnersOf(DealId id) {
        return read(() -> state.pinnersOf(id));
    }

    /** The audit with this id, whoever it is addressed to, while the chain keeps it. */
    public Optional<PinningAudit> audit(AuditId id) {
        return read(() -> state.audit(id));
    }

    /** A super-node's standing. @throws NodeNotRegisteredException if not registered */
    public NodeStanding standing(AccountId node) {
        return read(() -> state.standing(node));
    }

    /** An account's free balance (zero if unknown). */
    public Balance freeBalance(AccountId account) {
        return read(() -> state.freeBalance(account));
    }

    /**
     * Makes every change so far durable: once it returns, a crash loses none of them. It writes and forces the
     * journal records not yet on disk, together with those of concurrent callers (one fsync for all), so it
     * costs what changed since the last call, not the size of the state. No-op without a state file.
     *
     * @throws ChainStateException if the journal cannot be written; nothing after it is acknowledged either
     */
    public void persist() {
        Long seq = read(() -> journal == null ? null : journal.lastSeq());
        if (seq != null) {
            journal.sync(seq); // outside the lock: other callers append while this one waits for the disk
        }
    }

    /**
     * Writes the state file now: a checkpoint of the whole state, after which the journal starts afresh. It costs
     * the size of the state (about 90 MB at 140,000 deals), which is why {@link #persist()} does not; blocks
     * checkpoint every {@linkplain Builder#checkpointEveryBlocks(long) N blocks} anyway. No-op without a state
     * file.
     *
     * @throws ChainStateException if the state file cannot be written (the journal still holds every change)
     */
    public void checkpoint() {
        synchronized (production) {
            Long seq = read(() -> journal == null ? null : beginCheckpoint());
            if (seq != null) {
                finishCheckpoint(seq);
            }
        }
    }

    /** The part of a checkpoint that reads the state: the caller holds the lock. @return the journal position */
    private long beginCheckpoint() {
        long seq = journal.rotate();
        stateFile.writeTemp(state, seq);
        return seq;
    }

    /** The part that waits for the disk, without the lock: persist() and ingest go on meanwhile. */
    private void finishCheckpoint(long seq) {
        stateFile.commitTemp();
        journal.deleteBefore(seq + 1);
    }

    /**
     * Stops block production, writes the state file (a checkpoint of everything), deletes the journal, and ends
     * every client. Idempotent.
     */
    @Override
    public void close() {
        synchronized (production) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (timer != null) {
                    timer.cancel(false);
                }
                if (journal != null) {
                    checkpointAtClose();
                }
            } finally {
                lock.unlock();
            }
        }
        for (LocalChainClient c : clients) {
            c.close();
        }
        listeners.clear();
    }

    private void checkpointAtClose() {
        long seq;
        try {
            seq = journal.closeForCheckpoint();
        } catch (ChainStateException e) {
            // The state in memory holds every record, so a checkpoint of it still loses nothing.
            LOG.log(System.Logger.Level.WARNING, "the journal could not be flushed at close; writing the state file",
                    e);
            seq = journal.lastSeq();
        }
        stateFile.write(state, seq);
        journal.deleteBefore(seq + 1);
    }

    /** The state's facts in the state file's encoding: equal bytes, equal chains (what tests compare). */
    byte[] stateBytes() {
        return read(() -> StateFile.encode(state));
    }

    /** Appends a change to the journal, if there is one; the caller holds the lock and has applied it. */
    private void record(java.util.function.Supplier<byte[]> change) {
        if (journal != null) {
            journal.append(change.get());
        }
    }

    private PinningDeal recorded(PinningDeal deal) {
        record(() -> StateChanges.dealCreated(state.deals.get(deal.id()), state.idCounter));
        return deal;
    }

    // ---------------------------------------------------------------- for LocalChainClient

    BlockSubscription subscribe(BlockListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        listeners.add(listener);
        return new BlockSubscription() {
            @Override
            public void close() {
                listeners.remove(listener);
            }
        };
    }

    void forget(LocalChainClient client) {
        clients.remove(client);
    }

    List<ShardHash> assignmentsOf(AccountId node) {
        return read(() -> state.assignmentsOf(node));
    }

    List<PinningAudit> pendingAuditsOf(AccountId node) {
        return read(() -> state.pendingAuditsOf(node));
    }

    List<PinningDeal> dealsForShard(ShardHash shard) {
        return read(() -> state.dealsForShard(shard));
    }

    void submit(AccountId signer, List<AuditProofSubmission> proofs) {
        update(() -> {
            state.submit(signer, proofs);
            record(() -> StateChanges.proofsSubmitted(signer, proofs));
        });
    }

    private interface Step<T> {
        T run();
    }

    private <T> T read(Step<T> step) {
        lock.lock();
        try {
            checkOpen();
            return step.run();
        } finally {
            lock.unlock();
        }
    }

    private <T> T write(Step<T> step) {
        return read(step);
    }

    private void update(Runnable step) {
        read(() -> {
            step.run();
            return null;
        });
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the local chain is closed");
        }
    }

    /**
     * Options of a {@link LocalChain}. Not thread-safe; build once.
     */
    public static final class Builder {
        private RandomGenerator random;
        private Duration blockTime = Duration.ofSeconds(6);
        private ScheduledExecutorService scheduler;
        private ProofScheme scheme = ProofScheme.merkle();
        private ShardOracle oracle;
        private Path stateFile;
        private int persistEveryBlocks = 10;
        private long checkpointEveryBlocks = ChainState.BLOCKS_PER_HOUR;
        private long checkpointJournalBytes = 64L << 20;
        private StateJournal.Force journalForce = StateJournal.Force.FSYNC;
        private int challengeLength = 64;
        private boolean automaticAudits = true;
        private long auditIntervalBlocks = ChainState.BLOCKS_PER_HOUR;
        private long auditRetentionBlocks = 14_400;
        private long dealRetentionBlocks = 14_400;

        private Builder() {
        }

        /** The source of challenges, nonces and audit draws. Required; seed it in tests. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Time between blocks once {@link LocalChain#start()}ed; default 6 s. */
        /**
         * Applies a node's settings of the chain: {@link LocalChainConfig#blockTime()},
         * {@link LocalChainConfig#auditIntervalBlocks()}, and {@link LocalChainConfig#retentionBlocks()} for both
         * audits and deals.
         */
        public Builder config(LocalChainConfig config) {
            return blockTime(config.blockTime()).auditIntervalBlocks(config.auditIntervalBlocks())
                    .auditRetentionBlocks(config.retentionBlocks()).dealRetentionBlocks(config.retentionBlocks());
        }

        public Builder blockTime(Duration blockTime) {
            Objects.requireNonNull(blockTime, "blockTime");
            if (blockTime.isNegative() || blockTime.isZero()) {
                throw new IllegalArgumentException("block time must be positive: " + blockTime);
            }
            this.blockTime = blockTime;
            return this;
        }

        /** The scheduler that drives blocks after {@link LocalChain#start()}; not owned by the chain. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * How proofs are verified; default Merkle over 4 KiB blocks. Hash mode needs a {@link #shardOracle}. A state
         * file of another scheme is refused at {@link #build()}; reopen a chain with
         * {@link LocalChain#recordedProofScheme(Path)}.
         */
        public Builder proofScheme(ProofScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /** The shard bytes for hash-mode verification. */
        public Builder shardOracle(ShardOracle oracle) {
            this.oracle = Objects.requireNonNull(oracle, "oracle");
            return this;
        }

        /** Keep the state in this file (created if absent, loaded if present). */
        public Builder stateFile(Path stateFile) {
            this.stateFile = Objects.requireNonNull(stateFile, "stateFile");
            return this;
        }

        /**
         * Make the journal durable every this many blocks, so that a crash loses at most the blocks since (changes
         * a caller {@linkplain LocalChain#persist() persisted} are never lost); default 10 (one minute at 6 s).
         */
        public Builder persistEveryBlocks(int blocks) {
            this.persistEveryBlocks = positive("persistEveryBlocks", blocks);
            return this;
        }

        /**
         * Write the state file (a checkpoint of the whole state, after which the journal starts afresh) every this
         * many blocks; default 600 (an hour at 6 s). A checkpoint serialises the state under the chain's lock and
         * waits for the disk outside it, on the block-producing thread.
         */
        public Builder checkpointEveryBlocks(long blocks) {
            this.checkpointEveryBlocks = positive("checkpointEveryBlocks", blocks);
            return this;
        }

        /**
         * Also write a checkpoint at the next block once the journal holds this many bytes since the last one,
         * which bounds what a start replays; default 64 MiB (about 90,000 deals of 14 shards).
         */
        public Builder checkpointJournalBytes(long bytes) {
            this.checkpointJournalBytes = positive("checkpointJournalBytes", bytes);
            return this;
        }

        /** How journal writes are forced; tests substitute one that counts or blocks. */
        Builder journalForce(StateJournal.Force force) {
            this.journalForce = Objects.requireNonNull(force, "force");
            return this;
        }

        /** Bytes per challenge (clamped to the shard size); default 64, as in the pallet. */
        public Builder challengeLength(int bytes) {
            this.challengeLength = positive("challengeLength", bytes);
            return this;
        }

        /** Whether the hourly stake-weighted audits run; default true. */
        public Builder automaticAudits(boolean enabled) {
            this.automaticAudits = enabled;
            return this;
        }

        /**
         * Blocks between the automatic audit draws; default 600, an hour of 6 s blocks, as in the pallet. A
         * test or soak chain lowers it to see audits often: each draw still audits a node with its
         * stake-weighted probability (2 % at 50 ICN).
         */
        public Builder auditIntervalBlocks(long blocks) {
            this.auditIntervalBlocks = positive("auditIntervalBlocks", blocks);
            return this;
        }

        /** How long decided audits stay queryable; default 14,400 blocks (a day). */
        public Builder auditRetentionBlocks(long blocks) {
            if (blocks < AUDIT_DEADLINE_BLOCKS) {
                throw new IllegalArgumentException("auditRetentionBlocks must be at least " + AUDIT_DEADLINE_BLOCKS
                        + ": " + blocks);
            }
            this.auditRetentionBlocks = blocks;
            return this;
        }

        /**
         * How long a deal stays queryable after it expired; default 14,400 blocks (a day). Then the chain forgets
         * it ({@link LocalChain#deal} is empty, {@link ChainClient#dealsForShard} no longer lists it), so that a
         * node's chain holds the deals of about a day besides the active ones, not every deal it ever made.
         */
        public Builder dealRetentionBlocks(long blocks) {
            if (blocks < 0) {
                throw new IllegalArgumentException("dealRetentionBlocks must not be negative: " + blocks);
            }
            this.dealRetentionBlocks = blocks;
            return this;
        }

        private static int positive(String name, int value) {
            return Math.toIntExact(positive(name, (long) value));
        }

        private static long positive(String name, long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        /**
         * Builds the chain, loading the state file if there is one.
         *
         * @throws IllegalStateException if no random source was given, or hash mode lacks an oracle
         * @throws ChainStateException if the state file is unreadable, corrupt, or of another proof scheme
         */
        public LocalChain build() {
            if (random == null) {
                throw new IllegalStateException("a random source is required: call random(...)");
            }
            if (scheme.mode() == ProofScheme.Mode.HASH && oracle == null) {
                throw new IllegalStateException("hash-mode proofs can only be verified with a shard oracle");
            }
            return new LocalChain(this);
        }
    }
}
