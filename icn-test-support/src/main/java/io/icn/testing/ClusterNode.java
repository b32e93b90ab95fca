package io.icn.testing;

import io.icn.chain.AccountId;
import io.icn.chain.ChainClient;
import io.icn.chain.Region;
import io.icn.storage.ShardStore;
import io.icn.transport.quic.ShardServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a {@link LocalCluster}: a shard store, the QUIC server in front of it, and its account,
 * region and chain client on the cluster's local chain.
 *
 * <h2>Ownership</h2>
 * Everything reachable from here belongs to the cluster and is closed by {@link LocalCluster#close()}.
 * Callers may use the store, server and chain client freely, and may close the {@link #server()} early
 * to take the node off the network (closing is idempotent, so the cluster's own close stays safe); they
 * must not close the store or the chain client.
 *
 * <p>Immutable handle; the components it names are thread-safe.
 */
public final class ClusterNode {
    private final int index;
    private final AccountId account;
    private final Region region;
    private final Path storageRoot;
    private final ShardStore store;
    private final ShardServer server;
    private final ChainClient chainClient;

    ClusterNode(int index, AccountId account, Region region, Path storageRoot, ShardStore store, ShardServer server,
            ChainClient chainClient) {
        this.index = index;
        this.account = Objects.requireNonNull(account, "account");
        this.region = Objects.requireNonNull(region, "region");
        this.storageRoot = storageRoot;
        this.store = Objects.requireNonNull(store, "store");
        this.server = Objects.requireNonNull(server, "server");
        this.chainClient = Objects.requireNonNull(chainClient, "chainClient");
    }

    /** The node's position in the cluster, from 0. */
    public int index() {
        return index;
    }

    /** The node's super-node account on the local chain. */
    public AccountId account() {
        return account;
    }

    /** The region the node is registered in; every node of a cluster has its own. */
    public Region region() {
        return region;
    }

    /** The file store's root directory; empty for an in-memory store. */
    public Optional<Path> storageRoot() {
        return Optional.ofNullable(storageRoot);
    }

    /** The node's shard store. */
    public ShardStore store() {
        return store;
    }

    /** The node's QUIC shard server. */
    public ShardServer server() {
        return server;
    }

    /** The UDP address the server is bound to, on 127.0.0.1. */
    public InetSocketAddress address() {
        return server.localAddress();
    }

    /** The SHA-256 fingerprint of the node's generated certificate, for clients to pin. */
    public String certificateFingerprint() {
        return server.certificateFingerprint();
    }

    /** The node's view of the chain (its assignments, its pending audits, proof submission). */
    public ChainClient chainClient() {
        return chainClient;
    }

    @Override
    public String toString() {
        return "node " + index + " (" + region.wireName() + ", " + address() + ")";
    }
}
