package io.icn.node;

import io.icn.chain.Region;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A super-node's configuration: its storage directory and the typed settings of each of its components, each
 * checked by its own record. The launcher binds {@code super-node.toml} to it (docs/configuration.md); an
 * embedder builds it in code from {@link #defaults(Path)} and the {@code with} methods.
 *
 * <p>Immutable and thread-safe.
 *
 * @param storagePath the directory of the node's shards, index, keys and embedded chain; absolute and normalised
 * @param chain which chain, as which region and stake
 * @param store the shard store
 * @param quic the QUIC shard server
 * @param audits the audit service
 * @param cleanup the cleanup service
 * @param ingest the ingest service
 * @param replication the replication service
 * @param network the node on the libp2p network
 * @param gossip gossip ingest from trusted directors (needs {@code network} enabled)
 * @param shutdownGrace on {@link SuperNode#close()}, how long QUIC transfers in flight may run before they are
 *     cut off; zero = not at all
 */
public record NodeConfig(Path storagePath, ChainConfig chain, StoreConfig store, QuicConfig quic,
        ServiceConfig.Audits audits, ServiceConfig.Cleanup cleanup, ServiceConfig.Ingest ingest,
        ServiceConfig.Replication replication, ServiceConfig.Network network, Duration shutdownGrace,
        ServiceConfig.Gossip gossip) {

    public NodeConfig {
        storagePath = Objects.requireNonNull(storagePath, "storagePath").toAbsolutePath().normalize();
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(quic, "quic");
        Objects.requireNonNull(audits, "audits");
        Objects.requireNonNull(cleanup, "cleanup");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(gossip, "gossip");
        ConfigChecks.range("shutdownGrace seconds", shutdownGrace.toSeconds(), 0, 3_600);
        if (shutdownGrace.isNegative()) {
            throw new ConfigException("shutdownGrace must not be negative: " + shutdownGrace);
        }
    }

    /** Every component's defaults, the node's storage under {@code storagePath}. */
    public static NodeConfig defaults(Path storagePath) {
        return new NodeConfig(storagePath, ChainConfig.DEFAULT, StoreConfig.DEFAULT, QuicConfig.DEFAULT,
                ServiceConfig.Audits.DEFAULT, ServiceConfig.Cleanup.DEFAULT, ServiceConfig.Ingest.DEFAULT,
                ServiceConfig.Replication.DEFAULT, ServiceConfig.Network.DEFAULT, Duration.ofSeconds(20),
                ServiceConfig.Gossip.DEFAULT);
    }

    /** The region this node registers in (of {@link #chain()}). */
    public Region region() {
        return chain.region();
    }

    public NodeConfig withStoragePath(Path value) {
        return new NodeConfig(value, chain, store, quic, audits, cleanup, ingest, replication, network, shutdownGrace,
                gossip);
    }

    public NodeConfig withChain(ChainConfig value) {
        return new NodeConfig(storagePath, value, store, quic, audits, cleanup, ingest, replication, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withStore(StoreConfig value) {
        return new NodeConfig(storagePath, chain, value, quic, audits, cleanup, ingest, replication, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withQuic(QuicConfig value) {
        return new NodeConfig(storagePath, chain, store, value, audits, cleanup, ingest, replication, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withAudits(ServiceConfig.Audits value) {
        return new NodeConfig(storagePath, chain, store, quic, value, cleanup, ingest, replication, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withCleanup(ServiceConfig.Cleanup value) {
        return new NodeConfig(storagePath, chain, store, quic, audits, value, ingest, replication, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withIngest(ServiceConfig.Ingest value) {
        return new NodeConfig(storagePath, chain, store, quic, audits, cleanup, value, replication, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withReplication(ServiceConfig.Replication value) {
        return new NodeConfig(storagePath, chain, store, quic, audits, cleanup, ingest, value, network,
                shutdownGrace, gossip);
    }

    public NodeConfig withNetwork(ServiceConfig.Network value) {
        return new NodeConfig(storagePath, chain, store, quic, audits, cleanup, ingest, replication, value,
                shutdownGrace, gossip);
    }

    public NodeConfig withShutdownGrace(Duration value) {
        return new NodeConfig(storagePath, chain, store, quic, audits, cleanup, ingest, replication, network, value,
                gossip);
    }

    public NodeConfig withGossip(ServiceConfig.Gossip value) {
        return new NodeConfig(storagePath, chain, store, quic, audits, cleanup, ingest, replication, network,
                shutdownGrace, value);
    }
}
