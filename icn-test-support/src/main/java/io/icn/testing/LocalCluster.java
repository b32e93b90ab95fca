package io.icn.testing;

import io.icn.chain.AccountId;
import io.icn.chain.AuditProofs;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.DealId;
import io.icn.chain.DealStatus;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.chain.local.LocalChain;
import io.icn.erasure.ErasureCodec;
import io.icn.node.ChunkIngest;
import io.icn.node.CleanupReport;
import io.icn.node.FsyncPolicy;
import io.icn.node.NodeConfig;
import io.icn.node.ServiceConfig;
import io.icn.node.StoreExpiredContent;
import io.icn.node.SuperNode;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A whole ICN storage network in one JVM, for tests and for embedders trying the SDK: {@code N} real
 * super-nodes ({@link SuperNode}s of {@code icn-node}, each with its shard store, QUIC shard server on
 * {@code 127.0.0.1} port 0, audit monitor, expired-content cleanup, replicator and ingest) and one shared
 * {@link LocalChain}, on which every node registers itself in a region of its own and publishes its QUIC
 * endpoint. Blocks are produced by hand ({@link #produceBlocks(long)}, {@link #produceBlocksUntil}); each
 * block wakes the nodes' services, which react on their own threads as a deployed node does: the audit
 * monitors answer the audits addressed to their node, the replicators pull the shards the chain assigns
 * their node from the nodes that hold them, and cleanup deletes content whose deals have ended.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tempDir).build()) {
 *     StoredChunk stored = cluster.putChunk(chunk, Placement.onNode(0));  // or cluster.ingest(0, bytes)
 *     cluster.awaitReplication(stored, Duration.ofSeconds(60));         // the other nodes pull it
 *     PinningAudit audit = cluster.audit(1, stored.shardHashes().get(3)); // node 1's monitor answers it
 *     assert cluster.awaitDecided(audit, Duration.ofSeconds(30)).status() == AuditStatus.PASSED;
 *     byte[] back = cluster.client().fetchChunk(cluster.addresses(), stored.cid()).get(30, SECONDS);
 * }
 * }</pre>
 *
 * <h2>Two ways to put</h2>
 * {@link #putChunk(byte[], Placement)} plays a director: it encodes the chunk with Reed-Solomon 10+4,
 * computes each shard's hash under the chain's proof scheme, creates the pinning deal on the chain (paid
 * from the cluster's {@linkplain #director() director account}, endowed by the faucet, recording the chunk's
 * CID as the deal's content), and writes the shards straight into the stores of the nodes the
 * {@link Placement} names, recording the deal id and expiry. The chain assigns a deal's shards to every
 * registered node (one per region, up to {@link LocalChain#REPLICATION_FACTOR}), whatever the placement: from
 * the next block on, the replicators of the assigned nodes fetch what they lack.
 * {@link #ingest(int, byte[], long)} is the node's own {@code put}: the node cuts the content into chunks,
 * stores them and is its own director on the chain (as {@code icn-node put} does).
 *
 * <h2>Thread safety</h2>
 * Thread-safe: nodes, clients and the chain are, and the cluster's own state is guarded. The nodes' services
 * run on their own threads, so a node's store may change under a caller after a block (a shard replicated,
 * restored or cleaned up). Two calls that change the same chunk on the same node at once ({@link #putChunk},
 * {@link #removeShards}, or a replication pass a block started) are not atomic with each other: put and
 * remove between blocks.
 *
 * <h2>Lifecycle and ownership</h2>
 * {@link Builder#build()} starts everything, or closes what it had started and throws. The cluster owns
 * its nodes, in-memory stores, chain and the {@linkplain #client() shared client}; {@link #close()}
 * closes them in the reverse order of their start (shared client, then each node and its in-memory store
 * from the last node to the first, then the chain, then the temporary directory of in-memory nodes), keeps
 * going past a failure and throws the first one with the others suppressed. It is idempotent; other methods
 * throw {@link IllegalStateException} afterwards. It does not delete the {@linkplain Builder#root(Path) root}:
 * the caller's temporary directory does that. Clients from {@link #clientBuilder()} belong to the caller.
 */
public final class LocalCluster implements AutoCloseable {

    private static final long NODE_STAKE_ICN = 100;
    /** Stake every node bonds at registration. */
    public static final Balance NODE_STAKE = Balance.ofIcn(NODE_STAKE_ICN);
    /** What the director pays for each chunk's deal. */
    public static final Balance PAYMENT_PER_CHUNK = Balance.ofIcn(1);
    /** Life of a deal made by {@link #putChunk(byte[], Placement)} or {@link #ingest(int, byte[])}: a day of blocks. */
    public static final long DEFAULT_DEAL_BLOCKS = 14_400;

    private static final int DATA_SHARDS = 10;
    private static final int PARITY_SHARDS = 4;
    /** Between two blocks of {@link #produceBlocksUntil}: time for the nodes' services to react to the last one. */
    private static final long REACTION_PAUSE_MILLIS = 50;

    private final LocalChain chain;
    private final List<ClusterNode> nodes;
    private final AccountId director;
    private final ProofScheme scheme;
    private final ErasureCodec codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS);
    private final Map<ShardHash, byte[]> creatorCopies;
    private final CloseStack opened;
    private final Object lock = new Object();
    private ShardClient sharedClient;
    private volatile boolean closed;

    private LocalCluster(LocalChain chain, List<ClusterNode> nodes, AccountId director,
            Map<ShardHash, byte[]> creatorCopies, CloseStack opened) {
        this.chain = chain;
        this.nodes = List.copyOf(nodes);
        this.director = director;
        this.scheme = chain.proofScheme();
        this.creatorCopies = creatorCopies;
        this.opened = opened;
    }

    /** A builder: three nodes by default; a {@linkplain Builder#root(Path) root} or in-memory stores is required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- the parts ------------------------------------------------------------------------------------

    /** The number of nodes. */
    public int size() {
        return nodes.size();
    }

    /**
     * Node {@code index}.
     *
     * @throws IndexOutOfBoundsException if there is no such node
     */
    public ClusterNode node(int index) {
        ensureOpen();
        return nodes.get(index);
    }

    /** Every node, by index. */
    public List<ClusterNode> nodes() {
        ensureOpen();
        return nodes;
    }

    /** Every node's server address, by node index: what a relay is given. */
    public List<InetSocketAddress> addresses() {
        ensureOpen();
        return nodes.stream().map(ClusterNode::address).toList();
    }

    /** Every node's certificate fingerprint, by node index: what a relay pins. */
    public List<String> certificateFingerprints() {
        ensureOpen();
        return nodes.stream().map(ClusterNode::certificateFingerprint).toList();
    }

    /** The shared local chain; owned by the cluster (do not close it). */
    public LocalChain chain() {
        ensureOpen();
        return chain;
    }

    /** The account that creates and pays for the deals of {@link #putChunk}. */
    public AccountId director() {
        return director;
    }

    // ---- blocks ---------------------------------------------------------------------------------------

    /**
     * Produces {@code count} blocks on the chain, applying its rules (proof inclusion, audit deadlines,
     * deal expiry, rewards) in each. Each block wakes the nodes' services, which react on their own threads,
     * after this returns; {@link #produceBlocksUntil} waits for them.
     *
     * @return the last block number
     */
    public long produceBlocks(long count) {
        ensureOpen();
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        return chain.produceBlocks(count);
    }

    /**
     * Produces blocks one at a time until {@code done} holds, giving the nodes' services time to react between
     * two blocks (and asking each running node's audit monitor to poll), as a chain with short blocks would.
     * {@code done} is checked before each block, so nothing is produced if it already holds.
     *
     * @return the chain's block number when {@code done} held
     * @throws ClusterTimeoutException if {@code done} still does not hold after {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public long produceBlocksUntil(BooleanSupplier done, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(done, "done");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        ensureOpen();
        long start = System.nanoTime();
        long firstBlock = chain.currentBlock();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new ClusterTimeoutException("the awaited condition did not hold within " + timeout.toMillis()
                        + " ms: blocks " + firstBlock + ".." + chain.currentBlock() + " produced");
            }
            ensureOpen();
            chain.produceBlock();
            for (ClusterNode n : nodes) {
                if (n.superNode().state() == SuperNode.State.RUNNING) {
                    n.superNode().monitor().pollNow();
                }
            }
            Thread.sleep(REACTION_PAUSE_MILLIS);
        }
        return chain.currentBlock();
    }

    /** The chain's last block number; 0 before the first. */
    public long currentBlock() {
        ensureOpen();
        return chain.currentBlock();
    }

    // ---- chunks ---------------------------------------------------------------------------------------

    /** As {@link #putChunk(byte[], Placement, long)} with a deal of {@link #DEFAULT_DEAL_BLOCKS}. */
    public StoredChunk putChunk(byte[] chunk, Placement placement) {
        return putChunk(chunk, placement, DEFAULT_DEAL_BLOCKS);
    }

    /**
     * Plays the director: erasure-codes {@code chunk} with Reed-Solomon 10+4, pins it with a deal lasting
     * {@code dealBlocks} from the current block, and stores its 14 shards where {@code placement} says, under
     * the CID of its bytes. The store of each receiving node records the deal id (hex) and expiry. From the
     * next block on, the nodes the chain assigns the deal to replicate what they lack.
     *
     * <p>The deal is created first (the stores record its id); if storing then fails, what this call
     * stored is deleted again and the deal stays on the chain.
     *
     * @throws IllegalArgumentException if the chunk is empty, if its shards are not all different (the
     *     chain refuses a deal naming a shard twice: a chunk shorter than 10 bytes or of repeated bytes),
     *     if the placement does not fit the cluster, or if a receiving node already holds the chunk
     */
    public StoredChunk putChunk(byte[] chunk, Placement placement, long dealBlocks) {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(placement, "placement");
        if (chunk.length == 0) {
            throw new IllegalArgumentException("the chunk is empty; there is nothing to store");
        }
        checkDealBlocks(dealBlocks);
        ensureOpen();
        byte[][] shards = codec.encode(chunk);
        List<List<Integer>> holders = placement.assign(shards.length, nodes.size());
        Cid cid = Cid.ofRaw(chunk);
        for (ClusterNode n : nodes) {
            if (holdsAny(holders, n.index()) && n.store().contains(cid)) {
                throw new IllegalArgumentException(n + " already holds chunk " + cid);
            }
        }
        List<ShardHash> hashes = new ArrayList<>(shards.length);
        for (byte[] shard : shards) {
            hashes.add(AuditProofs.shardHash(scheme, shard));
        }
        if (new HashSet<>(hashes).size() != hashes.size()) {
            throw new IllegalArgumentException("the " + chunk.length + "-byte chunk's 14 shards are not all different,"
                    + " and the chain refuses a deal that names a shard twice; use at least 10 varied bytes");
        }
        if (creatorCopies != null) {
            for (int i = 0; i < shards.length; i++) {
                creatorCopies.put(hashes.get(i), shards[i].clone());
            }
        }
        chain.endow(director, PAYMENT_PER_CHUNK);
        // The deal records the chunk's CID, so the assigned nodes know what to fetch.
        PinningDeal deal = chain.createDeal(director, hashes, shards[0].length, chain.currentBlock() + dealBlocks,
                PAYMENT_PER_CHUNK, cid.toString());
        ChunkSpec spec = ChunkSpec.rs10x4(chunk.length, deal.id().toHex(), deal.expiresAt());
        storeShards(cid, shards, spec, holders);
        return new StoredChunk(cid, spec, deal, hashes, holders);
    }

    /** As {@link #ingest(int, byte[], long)} with deals of {@link #DEFAULT_DEAL_BLOCKS}. */
    public List<StoredChunk> ingest(int node, byte[] content) {
        return ingest(node, content, DEFAULT_DEAL_BLOCKS);
    }

    /**
     * Puts {@code content} through node {@code node}'s own ingest, as {@code icn-node put} does: the node cuts it
     * into chunks of the cluster's {@linkplain Builder#chunkBytes(int) chunk size}, stores each as 14 shards and,
     * as its own director on the embedded chain, makes each chunk's deal lasting {@code dealBlocks}. From the next
     * block on, the other assigned nodes replicate the chunks.
     *
     * @return the chunks in content order, all 14 shards of each on {@code node}
     * @throws IllegalArgumentException if the content is empty or {@code dealBlocks} is not positive
     * @throws ChunkIngest.PartialIngestException if the node fails after storing some chunks (it names them)
     */
    public List<StoredChunk> ingest(int node, byte[] content, long dealBlocks) {
        Objects.requireNonNull(content, "content");
        if (content.length == 0) {
            throw new IllegalArgumentException("the content is empty; there is nothing to store");
        }
        checkDealBlocks(dealBlocks);
        ClusterNode target = node(node);
        ChunkIngest.IngestReport report = target.superNode().ingest()
                .ingest(new ByteArrayInputStream(content), dealBlocks);
        StoreExpiredContent hashesOf = new StoreExpiredContent(target.store(), scheme);
        List<List<Integer>> holders = Placement.onNode(node).assign(DATA_SHARDS + PARITY_SHARDS, nodes.size());
        List<StoredChunk> stored = new ArrayList<>(report.chunks().size());
        for (ChunkIngest.IngestedChunk c : report.chunks()) {
            Cid cid = Cid.parse(c.cid());
            ChunkMeta meta = target.store().meta(cid).orElseThrow(() -> new IllegalStateException(
                    target + " reported chunk " + cid + " stored but its store does not hold it"));
            PinningDeal deal = chain.deal(DealId.fromHex(c.dealId())).orElseThrow(() -> new IllegalStateException(
                    target + " reported deal " + c.dealId() + " for chunk " + cid + " but the chain has no such deal"));
            stored.add(new StoredChunk(cid, meta.spec(), deal, hashesOf.shardHashes(c.cid()), holders));
        }
        return List.copyOf(stored);
    }

    private static void checkDealBlocks(long dealBlocks) {
        if (dealBlocks < 1) {
            throw new IllegalArgumentException("dealBlocks must be >= 1: " + dealBlocks);
        }
    }

    private void storeShards(Cid cid, byte[][] shards, ChunkSpec spec, List<List<Integer>> holders) {
        List<ShardStore> written = new ArrayList<>();
        try {
            for (ClusterNode n : nodes) {
                List<Integer> mine = new ArrayList<>();
                for (int i = 0; i < shards.length; i++) {
                    if (holders.get(i).contains(n.index())) {
                        mine.add(i);
                    }
                }
                if (mine.isEmpty()) {
                    continue;
                }
                written.add(n.store());
                if (mine.size() == shards.length) {
                    n.store().putChunk(cid, shards, spec);
                } else {
                    for (int i : mine) {
                        n.store().putShard(cid, i, shards[i], spec);
                    }
                }
            }
        } catch (RuntimeException e) {
            for (ShardStore s : written) {
                try {
                    s.delete(cid);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private static boolean holdsAny(List<List<Integer>> holders, int node) {
        for (List<Integer> h : holders) {
            if (h.contains(node)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes node {@code node} lose shards of a chunk, as a failed disk would: the store has no per-shard
     * delete, so the chunk is rewritten on that node with only the other shards it held (same spec, same
     * hashes). Other nodes and the chain are untouched; from the next block on, the node's replicator restores
     * the shards the chain still assigns it.
     *
     * @throws IllegalArgumentException if the node does not hold the chunk or one of the named shards
     */
    public void removeShards(int node, Cid cid, int... shardIndexes) {
        Objects.requireNonNull(cid, "cid");
        ShardStore store = node(node).store();
        ChunkMeta meta = store.meta(cid)
                .orElseThrow(() -> new IllegalArgumentException("node " + node + " does not hold chunk " + cid));
        Set<Integer> drop = new HashSet<>();
        for (int i : shardIndexes) {
            if (!store.containsShard(cid, i)) {
                throw new IllegalArgumentException("node " + node + " does not hold shard " + i + " of " + cid);
            }
            drop.add(i);
        }
        Map<Integer, byte[]> kept = new LinkedHashMap<>();
        for (ShardInfo info : meta.shards()) {
            if (!drop.contains(info.index())) {
                kept.put(info.index(), store.readShard(cid, info.index()));
            }
        }
        store.delete(cid);
        for (Map.Entry<Integer, byte[]> e : kept.entrySet()) {
            store.putShard(cid, e.getKey(), e.getValue(), meta.spec());
        }
    }

    // ---- what the nodes' services do ------------------------------------------------------------------

    /**
     * Produces blocks until every running node holds every shard of {@code chunk} that the chain assigns it:
     * the replicators have pulled what the put did not place.
     *
     * <p>Blocks come every {@value #REACTION_PAUSE_MILLIS} ms while it waits, so a short deal can end during the
     * wait; its assignments are then withdrawn and nothing is left to replicate. That is reported as an error,
     * never as replication done: give the chunk a deal that outlives the wait.
     *
     * @throws ClusterTimeoutException if replication has not finished after {@code timeout}
     * @throws IllegalStateException if the chunk's deal is no longer active (expired or cancelled) before every
     *     assigned shard is held, whether when called or while waiting
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public void awaitReplication(StoredChunk chunk, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(chunk, "chunk");
        produceBlocksUntil(() -> {
            PinningDeal deal = chain.deal(chunk.deal().id()).orElseThrow();
            if (deal.status() != DealStatus.ACTIVE) {
                throw new IllegalStateException("the deal of " + chunk.cid() + " is " + deal.status()
                        + " (expiry block " + deal.expiresAt() + ", now block " + chain.currentBlock()
                        + ") before its shards were replicated: a deal of " + (deal.expiresAt() - deal.createdAt())
                        + " blocks is too short for this wait, which produces a block every "
                        + REACTION_PAUSE_MILLIS + " ms");
            }
            return replicated(chunk);
        }, timeout);
    }

    private boolean replicated(StoredChunk chunk) {
        for (ClusterNode n : nodes) {
            if (n.superNode().state() != SuperNode.State.RUNNING) {
                continue;
            }
            Set<ShardHash> assigned = new HashSet<>(n.chainClient().shardAssignments());
            for (int i = 0; i < chunk.shardHashes().size(); i++) {
                if (assigned.contains(chunk.shardHashes().get(i)) && !n.store().containsShard(chunk.cid(), i)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Has the chain audit node {@code node} on {@code shard} now; the node's audit monitor answers it on its own
     * (see {@link #awaitDecided}).
     *
     * @throws io.icn.chain.ChainException if the chain refuses the audit (the node is not assigned the shard)
     */
    public PinningAudit audit(int node, ShardHash shard) {
        Objects.requireNonNull(shard, "shard");
        return chain.initiateAudit(node(node).account(), shard);
    }

    /**
     * Produces blocks until the chain has decided {@code audit} (passed or failed), and returns it as decided.
     *
     * @throws ClusterTimeoutException if the audit is still pending after {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public PinningAudit awaitDecided(PinningAudit audit, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(audit, "audit");
        produceBlocksUntil(() -> decided(audit).status() != AuditStatus.PENDING, timeout);
        return decided(audit);
    }

    private PinningAudit decided(PinningAudit audit) {
        return chain.audit(audit.id()).orElseThrow(() -> new IllegalStateException(
                "the chain no longer keeps audit " + audit.id() + " (past its retention)"));
    }

    /**
     * Runs a cleanup pass on every running node now, as each node also does on its own every
     * {@link Builder#cleanupIntervalBlocks cleanup interval}: content whose deals have all ended is deleted.
     *
     * @return each running node's report, by node index
     */
    public List<CleanupReport> cleanupNow() {
        ensureOpen();
        List<CleanupReport> reports = new ArrayList<>(nodes.size());
        for (ClusterNode n : nodes) {
            if (n.superNode().state() == SuperNode.State.RUNNING) {
                reports.add(n.superNode().cleanup().runNow(false));
            }
        }
        return List.copyOf(reports);
    }

    // ---- clients --------------------------------------------------------------------------------------

    /**
     * A client builder that pins every node's certificate and nothing else; the caller may set further
     * options, and owns what it builds.
     */
    public ShardClientBuilder clientBuilder() {
        return ShardClient.builder().pinnedFingerprints(certificateFingerprints());
    }

    /**
     * The cluster's shared client, pinning every node's certificate; made on first call, owned and closed
     * by the cluster (do not close it).
     */
    public ShardClient client() {
        synchronized (lock) {
            ensureOpen();
            if (sharedClient == null) {
                sharedClient = opened.push(clientBuilder().build());
            }
            return sharedClient;
        }
    }

    // ---- lifecycle ------------------------------------------------------------------------------------

    /** Closes the shared client, every node (last first), the chain and the in-memory nodes' directory; idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            opened.closeAll();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the local cluster is closed");
        }
    }

    @Override
    public String toString() {
        return "LocalCluster[" + nodes.size() + " nodes, block " + (closed ? "-" : chain.currentBlock()) + "]";
    }

    /** A deterministic 32-byte value from a label: the director's account, and the nodes' identity seeds. */
    static byte[] digest(String label) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * In hash mode the chain verifies a proof against the shard's bytes: the director's copy for
     * {@link #putChunk}, else (a node's own ingest) the copy in any node's store whose bytes hash to the audited
     * value.
     */
    private static Optional<byte[]> shardBytes(ProofScheme scheme, ShardHash hash, Map<ShardHash, byte[]> copies,
            List<ClusterNode> nodes) {
        byte[] copy = copies.get(hash);
        if (copy != null) {
            return Optional.of(copy.clone());
        }
        for (ClusterNode n : nodes) {
            if (n.superNode().state() != SuperNode.State.RUNNING) {
                continue; // stopped early: its file store is closed
            }
            ShardStore store = n.store();
            for (Cid cid : store.list()) {
                for (ShardInfo info : store.meta(cid).map(ChunkMeta::shards).orElse(List.of())) {
                    if (Arrays.equals(info.sha256(), hash.bytes())) {
                        byte[] bytes = store.readShard(cid, info.index());
                        if (AuditProofs.shardHash(scheme, bytes).equals(hash)) {
                            return Optional.of(bytes);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the in-memory nodes' directory " + root, e);
        }
    }

    /**
     * Options of a {@link LocalCluster}. Every setter validates its argument at once; {@link #build()}
     * starts the cluster. Not thread-safe; may build several clusters (on different roots).
     *
     * <table>
     * <caption>Options and defaults</caption>
     * <tr><th>option</th><th>default</th></tr>
     * <tr><td>{@link #nodes}</td><td>3 (1..7, one per region)</td></tr>
     * <tr><td>{@link #root} / {@link #inMemoryStores}</td><td>required: one of them</td></tr>
     * <tr><td>{@link #durability}</td><td>{@code NO_FSYNC} (crash-safe, not power-loss-safe; fast)</td></tr>
     * <tr><td>{@link #clock}</td><td>the system UTC clock, for the stores' creation times</td></tr>
     * <tr><td>{@link #seed}</td><td>1: the chain's challenges, nonces and audit draws</td></tr>
     * <tr><td>{@link #proofScheme}</td><td>Merkle over 4 KiB blocks (the stores' leaf size follows it)</td></tr>
     * <tr><td>{@link #automaticAudits}</td><td>off: audits only through {@link LocalCluster#audit} or
     *     {@code chain().initiateAudit}</td></tr>
     * <tr><td>{@link #chunkBytes}</td><td>the node's default, 50 MiB: how {@link LocalCluster#ingest} cuts
     *     content</td></tr>
     * <tr><td>{@link #cleanupIntervalBlocks}</td><td>the node's default, 1,000 blocks</td></tr>
     * </table>
     *
     * <p>Every node runs {@link NodeConfig#defaults(Path) the node's defaults} otherwise, with its QUIC server on
     * {@code 127.0.0.1} port 0 (no PUT clients), its stake {@link LocalCluster#NODE_STAKE}, a 16 MiB shard cache,
     * a shutdown grace of one second and no kernel calibration. The QUIC server's options are the node's; the
     * harness no longer takes server options of its own.
     */
    public static final class Builder {
        private int nodeCount = 3;
        private Path root;
        private boolean inMemory;
        private ShardStoreBuilder.Durability durability = ShardStoreBuilder.Durability.NO_FSYNC;
        private Clock clock = Clock.systemUTC();
        private long seed = 1;
        private ProofScheme scheme = ProofScheme.merkle();
        private boolean automaticAudits;
        private int chunkBytes = ServiceConfig.Ingest.DEFAULT.chunkBytes();
        private long cleanupIntervalBlocks = ServiceConfig.Cleanup.DEFAULT.intervalBlocks();

        private Builder() {
        }

        /** How many nodes, 1..7: each is registered in a region of its own, and there are seven regions. */
        public Builder nodes(int count) {
            int max = Region.values().length;
            if (count < 1 || count > max) {
                throw new IllegalArgumentException("nodes must be 1.." + max + " (one per region): " + count);
            }
            this.nodeCount = count;
            return this;
        }

        /**
         * File stores under {@code root}: node {@code i} in {@code root/node-i} (its storage path: shards, index,
         * key, lock and certificate). Not deleted at close.
         */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            this.inMemory = false;
            return this;
        }

        /**
         * {@link InMemoryShardStore}s instead of file stores: no shard touches the disk. Each node's key, lock and
         * certificate live in a temporary directory the cluster creates under {@code java.io.tmpdir} and deletes
         * at close.
         */
        public Builder inMemoryStores() {
            this.inMemory = true;
            this.root = null;
            return this;
        }

        /** How far a file store's writes are forced before they return; see {@link ShardStoreBuilder.Durability}. */
        public Builder durability(ShardStoreBuilder.Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** The nodes' clock: stores' creation times, uptime (a {@link ManualClock} makes them predictable). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Seeds the chain's random source: same seed, same challenges and nonces. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How the chain verifies audit proofs. In Merkle mode the stores record Merkle roots over the same
         * block size; in hash mode the chain checks a proof against the director's copy of every shard
         * {@link LocalCluster#putChunk} puts, or against a node's stored copy that hashes to the audited value.
         */
        public Builder proofScheme(ProofScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /** Whether the chain runs its hourly (every 600 blocks) stake-weighted random audits. */
        public Builder automaticAudits(boolean enabled) {
            this.automaticAudits = enabled;
            return this;
        }

        /** The chunk size the nodes' ingest cuts content into ({@link LocalCluster#ingest}), 1 byte..1 GiB. */
        public Builder chunkBytes(int bytes) {
            if (bytes < 1 || bytes > 1 << 30) {
                throw new IllegalArgumentException("chunkBytes must be 1.." + (1 << 30) + ": " + bytes);
            }
            this.chunkBytes = bytes;
            return this;
        }

        /** How often each node's cleanup runs on its own, in blocks (besides {@link LocalCluster#cleanupNow()}). */
        public Builder cleanupIntervalBlocks(long blocks) {
            if (blocks < 1) {
                throw new IllegalArgumentException("cleanupIntervalBlocks must be >= 1: " + blocks);
            }
            this.cleanupIntervalBlocks = blocks;
            return this;
        }

        /**
         * Makes the chain, then starts each node on it: the node registers its account in its region with its
         * stake, opens its store, starts its QUIC server and registers its endpoint, and starts its services. On
         * any failure, closes what was started and rethrows.
         *
         * @throws IllegalStateException if neither {@link #root} nor {@link #inMemoryStores} was chosen
         * @throws UncheckedIOException if the in-memory nodes' temporary directory cannot be created
         * @throws io.icn.node.NodeException or a module's exception if a node fails to start
         */
        public LocalCluster build() {
            if (root == null && !inMemory) {
                throw new IllegalStateException("choose where the stores live: root(...) or inMemoryStores()");
            }
            CloseStack opened = new CloseStack();
            try {
                Path nodesRoot = root;
                if (inMemory) {
                    nodesRoot = Files.createTempDirectory("icn-local-cluster-");
                    Path created = nodesRoot;
                    opened.push(() -> deleteTree(created));
                }
                Map<ShardHash, byte[]> creatorCopies = new ConcurrentHashMap<>();
                List<ClusterNode> nodes = new CopyOnWriteArrayList<>();
                LocalChain.Builder chainBuilder = LocalChain.builder()
                        .random(new SplittableRandom(seed))
                        .proofScheme(scheme)
                        .automaticAudits(automaticAudits);
                if (scheme.mode() == ProofScheme.Mode.HASH) {
                    chainBuilder.shardOracle(hash -> shardBytes(scheme, hash, creatorCopies, nodes));
                }
                LocalChain chain = opened.push(chainBuilder.build());
                for (int i = 0; i < nodeCount; i++) {
                    nodes.add(startNode(i, chain, nodesRoot.resolve("node-" + i), opened));
                }
                return new LocalCluster(chain, nodes, new AccountId(digest("icn-test-support/director")),
                        scheme.mode() == ProofScheme.Mode.HASH ? creatorCopies : null, opened);
            } catch (IOException e) {
                UncheckedIOException failure = new UncheckedIOException("cannot create the in-memory nodes' directory"
                        + " under " + System.getProperty("java.io.tmpdir"), e);
                opened.closeAllAfter(failure);
                throw failure;
            } catch (RuntimeException | Error e) {
                opened.closeAllAfter(e);
                throw e;
            }
        }

        private ClusterNode startNode(int index, LocalChain chain, Path storage, CloseStack opened) {
            Region region = Region.values()[index];
            NodeConfig d = NodeConfig.defaults(storage);
            NodeConfig config = d.withChain(d.chain().withRegion(region).withStakeIcn(NODE_STAKE_ICN))
                    .withQuic(d.quic().withBind("127.0.0.1", 0))
                    .withStore(d.store().withFsync(fsyncPolicy(durability)).withCacheBytes(16L << 20))
                    .withIngest(d.ingest().withChunkBytes(chunkBytes))
                    .withCleanup(new ServiceConfig.Cleanup(cleanupIntervalBlocks))
                    .withShutdownGrace(Duration.ofSeconds(1));
            SuperNode.Builder node = SuperNode.builder(config)
                    .chain(chain)
                    .identitySeed(digest("icn-test-support/node-" + index))
                    .random(new SplittableRandom(seed * 31 + index))
                    .clock(clock)
                    .calibrateKernels(false);
            if (inMemory) {
                node.store(opened.push(new InMemoryShardStore(Long.MAX_VALUE, scheme.merkleBlockSize(), clock)));
            }
            SuperNode started = node.build();
            started.start(); // a failed start closes what it had opened
            opened.push(started);
            return new ClusterNode(index, region, inMemory ? null : storage, started);
        }

        private static FsyncPolicy fsyncPolicy(ShardStoreBuilder.Durability durability) {
            for (FsyncPolicy p : FsyncPolicy.values()) {
                if (p.durability() == durability) {
                    return p;
                }
            }
            throw new IllegalArgumentException("no node fsync policy gives durability " + durability);
        }
    }
}
