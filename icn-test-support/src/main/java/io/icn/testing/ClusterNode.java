package io.icn.testing;

import io.icn.chain.AccountId;
import io.icn.chain.ChainClient;
import io.icn.chain.Region;
import io.icn.node.SuperNode;
import io.icn.storage.ShardStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a {@link LocalCluster}: a running {@link SuperNode} (its shard store, QUIC shard server, audit
 * monitor, cleanup, replicator and ingest) registered on the cluster's chain with its account and region.
 *
 * <h2>Ownership</h2>
 * Everything reachable from here belongs to the cluster and is closed by {@link LocalCluster#close()}.
 * Callers may use the node's components freely, and may close the {@link #superNode()} early to take the
 * node off the network as a crash would (closing a node is idempotent, so the cluster's own close stays
 * safe; its store, when in-memory, stays open until the cluster closes); they must not close the store or
 * the chain client.
 *
 * <p>Immutable handle; the components it names are thread-safe.
 */
public final class ClusterNode {
    private final int index;
    private final Region region;
    private final Path storageRoot;
    private final SuperNode node;
    private final AccountId account;
    private final InetSocketAddress address;
    private final String fingerprint;

    /** {@code node} is started; its address and fingerprint are read now, so they stay readable after it stops. */
    ClusterNode(int index, Region region, Path storageRoot, SuperNode node) {
        this.index = index;
        this.region = Objects.requireNonNull(region, "region");
        this.storageRoot = storageRoot;
        this.node = Objects.requireNonNull(node, "node");
        this.account = node.identity().account();
        this.address = node.quicAddress();
        this.fingerprint = node.quicFingerprint();
    }

    /** The node's position in the cluster, from 0. */
    public int index() {
        return index;
    }

    /** The node's super-node account on the local chain: the public key of its identity. */
    public AccountId account() {
        return account;
    }

    /** The region the node is registered in; every node of a cluster has its own. */
    public Region region() {
        return region;
    }

    /** The file store's root directory (also the node's storage path); empty for an in-memory store. */
    public Optional<Path> storageRoot() {
        return Optional.ofNullable(storageRoot);
    }

    /**
     * The running node: its {@link SuperNode#ingest() ingest}, {@link SuperNode#monitor() audit monitor},
     * {@link SuperNode#cleanup() cleanup}, {@link SuperNode#meterRegistry() meters}, and so on.
     */
    public SuperNode superNode() {
        return node;
    }

    /** The node's shard store. */
    public ShardStore store() {
        return node.store();
    }

    /** The UDP address the node's QUIC shard server is bound to, on 127.0.0.1. */
    public InetSocketAddress address() {
        return address;
    }

    /** The SHA-256 fingerprint of the node's certificate, for clients to pin. */
    public String certificateFingerprint() {
        return fingerprint;
    }

    /** The node's view of the chain (its assignments, its pending audits, proof submission). */
    public ChainClient chainClient() {
        return node.chainClient();
    }

    @Override
    public String toString() {
        return "node " + index + " (" + region.wireName() + ", " + address + ")";
    }
}
