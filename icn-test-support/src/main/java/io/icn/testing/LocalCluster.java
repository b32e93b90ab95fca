package io.icn.testing;

import io.icn.chain.AccountId;
import io.icn.chain.AuditProofs;
import io.icn.chain.Balance;
import io.icn.chain.local.LocalChain;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.erasure.ErasureCodec;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import io.icn.transport.quic.PeerKey;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardClientBuilder;
import io.icn.transport.quic.ShardServer;
import io.icn.transport.quic.ShardServerBuilder;
import io.icn.transport.quic.NodeCertificate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A whole ICN storage network in one JVM, for tests and for embedders trying the SDK: {@code N} nodes,
 * each a {@link ShardStore} with a QUIC {@link ShardServer} in front of it on {@code 127.0.0.1}, port 0,
 * with its own generated certificate; and one {@link LocalChain}, on which every node is registered as a
 * super-node in a region of its own. Blocks are produced by hand ({@link #produceBlocks(long)}).
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tempDir).build()) {
 *     StoredChunk stored = cluster.putChunk(chunk, Placement.spread());
 *     byte[] back = cluster.client().fetchChunk(cluster.addresses(), stored.cid()).get(30, SECONDS);
 *     cluster.produceBlocks(100);
 * }
 * }</pre>
 *
 * <h2>What a put does</h2>
 * {@link #putChunk(byte[], Placement)} plays the director: it encodes the chunk with Reed-Solomon 10+4,
 * computes each shard's hash under the chain's proof scheme, creates the pinning deal on the chain (paid
 * from the cluster's {@linkplain #director() director account}, endowed by the faucet), and stores the
 * shards on the nodes the {@link Placement} names, recording the deal id and expiry in each store. The
 * chain assigns a deal's shards to every registered node (one per region, up to
 * {@link LocalChain#REPLICATION_FACTOR}), whatever the placement: a node audited for a shard it was not
 * given fails the audit, as it would on a real network.
 *
 * <h2>Thread safety</h2>
 * Thread-safe: stores, servers, clients and the chain are, and the cluster's own state is guarded. Two
 * calls that change the same chunk on the same node at once ({@link #putChunk}, {@link #removeShards})
 * are not atomic with each other.
 *
 * <h2>Lifecycle and ownership</h2>
 * {@link Builder#build()} starts everything, or closes what it had started and throws. The cluster owns
 * its stores, servers, chain clients, chain and the {@linkplain #client() shared client}; {@link #close()}
 * closes them in the reverse order of their start (shared client, then each node's chain client, server
 * and store from the last node to the first, then the chain), keeps going past a failure and throws the
 * first one with the others suppressed. It is idempotent; other methods throw
 * {@link IllegalStateException} afterwards. It does not delete the {@linkplain Builder#root(Path) root}:
 * the caller's temporary directory does that. Clients from {@link #clientBuilder()} belong to the caller.
 */
public final class LocalCluster implements AutoCloseable {

    /** Stake every node bonds at registration. */
    public static final Balance NODE_STAKE = Balance.ofIcn(100);
    /** What the director pays for each chunk's deal. */
    public static final Balance PAYMENT_PER_CHUNK = Balance.ofIcn(1);
    /** Life of a deal made by {@link #putChunk(byte[], Placement)}: a day of 6-second blocks. */
    public static final long DEFAULT_DEAL_BLOCKS = 14_400;

    private static final int DATA_SHARDS = 10;
    private static final int PARITY_SHARDS = 4;

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
        List<InetSocketAddress> addresses = new ArrayList<>(nodes.size());
        for (ClusterNode n : nodes) {
            addresses.add(n.address());
        }
        return List.copyOf(addresses);
    }

    /** Every node's certificate fingerprint, by node index: what a relay pins. */
    public List<String> certificateFingerprints() {
        ensureOpen();
        List<String> pins = new ArrayList<>(nodes.size());
        for (ClusterNode n : nodes) {
            pins.add(n.certificateFingerprint());
        }
        return List.copyOf(pins);
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
     * deal expiry, rewards) in each.
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
     * Erasure-codes {@code chunk} with Reed-Solomon 10+4, pins it with a deal lasting {@code dealBlocks}
     * from the current block, and stores its 14 shards where {@code placement} says, under the CID of its
     * bytes. The store of each receiving node records the deal id (hex) and expiry.
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
        if (dealBlocks < 1) {
            throw new IllegalArgumentException("dealBlocks must be >= 1: " + dealBlocks);
        }
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
        PinningDeal deal = chain.createDeal(director, hashes, shards[0].length, chain.currentBlock() + dealBlocks,
                PAYMENT_PER_CHUNK);
        ChunkSpec spec = ChunkSpec.rs10x4(chunk.length, deal.id().toHex(), deal.expiresAt());
        storeShards(cid, shards, spec, holders);
        return new StoredChunk(cid, spec, deal, hashes, holders);
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
     * hashes). Other nodes and the chain are untouched.
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

    /** Closes the shared client, every node (last first) and the chain; idempotent. */
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

    /** A deterministic 32-byte account from a label, so a cluster's accounts are the same on every run. */
    static AccountId account(String label) {
        try {
            return new AccountId(MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
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
     * <tr><td>{@link #automaticAudits}</td><td>off: audits only through {@code chain().initiateAudit}</td></tr>
     * <tr><td>{@link #serverOptions}</td><td>none beyond the harness's: no per-client bandwidth limit,
     *     per-client limits keyed by IP and port, 2 disk threads</td></tr>
     * </table>
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
        private Consumer<ShardServerBuilder> serverOptions = b -> { };

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

        /** File stores under {@code root}: node {@code i} in {@code root/node-i}. Not deleted at close. */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            this.inMemory = false;
            return this;
        }

        /** {@link InMemoryShardStore}s instead of file stores: no disk, no root needed. */
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

        /** The stores' clock (a {@link ManualClock} makes creation times predictable). */
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
         * block size; in hash mode the cluster keeps the director's copy of every shard it puts, as the
         * chain's shard oracle.
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

        /**
         * Further options for every node's server (limits, timeouts, meters), applied before the harness
         * sets the bind address ({@code 127.0.0.1:0}) and the node's certificate, which it always chooses.
         */
        public Builder serverOptions(Consumer<ShardServerBuilder> options) {
            this.serverOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Starts the chain, then each node: registers its account in its region, opens its store, starts
         * its server. On any failure, closes what was started and rethrows.
         *
         * @throws IllegalStateException if neither {@link #root} nor {@link #inMemoryStores} was chosen
         * @throws io.icn.transport.quic.TransportException if QUIC is unavailable or a socket cannot be bound
         * @throws io.icn.storage.StorageException if a store root cannot be used
         */
        public LocalCluster build() {
            if (root == null && !inMemory) {
                throw new IllegalStateException("choose where the stores live: root(...) or inMemoryStores()");
            }
            CloseStack opened = new CloseStack();
            try {
                Map<ShardHash, byte[]> creatorCopies = scheme.mode() == ProofScheme.Mode.HASH
                        ? new ConcurrentHashMap<>() : null;
                LocalChain.Builder chainBuilder = LocalChain.builder()
                        .random(new SplittableRandom(seed))
                        .proofScheme(scheme)
                        .automaticAudits(automaticAudits);
                if (creatorCopies != null) {
                    chainBuilder.shardOracle(hash -> Optional.ofNullable(creatorCopies.get(hash))
                            .map(b -> Arrays.copyOf(b, b.length)));
                }
                LocalChain chain = opened.push(chainBuilder.build());
                SecureRandom random = new SecureRandom();
                List<ClusterNode> nodes = new ArrayList<>(nodeCount);
                for (int i = 0; i < nodeCount; i++) {
                    nodes.add(startNode(i, chain, random, opened));
                }
                return new LocalCluster(chain, nodes, account("icn-test-support/director"), creatorCopies, opened);
            } catch (RuntimeException | Error e) {
                opened.closeAllAfter(e);
                throw e;
            }
        }

        private ClusterNode startNode(int index, LocalChain chain, SecureRandom random, CloseStack opened) {
            AccountId account = account("icn-test-support/node-" + index);
            Region region = Region.values()[index];
            chain.registerNode(account, region, NODE_STAKE);
            Path storageRoot = inMemory ? null : root.resolve("node-" + index);
            ShardStore store = opened.push(inMemory
                    ? new InMemoryShardStore(Long.MAX_VALUE, scheme.merkleBlockSize(), clock)
                    : ShardStore.builder(storageRoot)
                            .durability(durability)
                            .merkleLeafSize(scheme.merkleBlockSize())
                            .clock(clock)
                            .build());
            ShardServerBuilder server = ShardServer.builder(store)
                    .perClientBandwidth(0, 1 << 20)
                    .peerKey(PeerKey.IP_AND_PORT)
                    .diskThreads(2);
            serverOptions.accept(server);
            ShardServer started = opened.push(server
                    .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                    .certificate(NodeCertificate.selfSigned("icn-cluster-node-" + index, random))
                    .start());
            return new ClusterNode(index, account, region, storageRoot, store, started,
                    opened.push(chain.clientFor(account)));
        }
    }
}
