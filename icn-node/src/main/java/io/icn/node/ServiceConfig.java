package io.icn.node;

import io.icn.p2p.PeerId;
import io.icn.p2p.gossip.GossipConfig;
import io.icn.p2p.gossip.MessageIdFunction;
import io.icn.p2p.HostLimits;
import io.icn.p2p.kad.KadConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of the node's own services, one record each. Immutable and thread-safe; every value is checked
 * in the compact constructor.
 */
public final class ServiceConfig {
    private ServiceConfig() {
    }

    /**
     * The audit service: how often it asks the chain for audits addressed to this node, besides reacting to new
     * blocks.
     *
     * @param pollInterval the poll timer
     */
    public record Audits(Duration pollInterval) {
        public static final Audits DEFAULT = new Audits(Duration.ofSeconds(30));

        public Audits {
            Objects.requireNonNull(pollInterval, "pollInterval");
            ConfigChecks.positive("pollInterval", pollInterval);
            ConfigChecks.range("pollInterval seconds", pollInterval.toSeconds(), 0, 86_400);
        }
    }

    /**
     * The cleanup service: how often it deletes content whose deals have all ended.
     *
     * @param intervalBlocks a pass every this many blocks
     */
    public record Cleanup(long intervalBlocks) {
        public static final Cleanup DEFAULT = new Cleanup(1_000);

        public Cleanup {
            ConfigChecks.positive("intervalBlocks", intervalBlocks);
        }
    }

    /**
     * The ingest service: how an upload is cut into chunks and how long a deal the node makes for itself lasts.
     *
     * @param chunkBytes an upload is cut into chunks of this many bytes (the last one shorter)
     * @param dealBlocks the default life of a deal the node makes on the embedded chain, in blocks
     * @param dealGraceBlocks on a chain where directors make the deals, how many blocks a stored chunk waits for a
     *     deal naming its shards before it is dropped
     */
    public record Ingest(int chunkBytes, long dealBlocks, long dealGraceBlocks) {
        /** 50 MiB chunks, week-long deals (100,800 blocks of 6 s), 100 blocks (10 minutes) of grace. */
        public static final Ingest DEFAULT = new Ingest(50 << 20, 100_800, 100);

        public Ingest {
            ConfigChecks.range("chunkBytes", chunkBytes, 1, 1 << 30);
            ConfigChecks.range("dealBlocks", dealBlocks, 1, Long.MAX_VALUE / 2);
            ConfigChecks.range("dealGraceBlocks", dealGraceBlocks, 1, 1_000_000);
        }

        public Ingest withChunkBytes(int bytes) {
            return new Ingest(bytes, dealBlocks, dealGraceBlocks);
        }

        public Ingest withDealBlocks(long blocks) {
            return new Ingest(chunkBytes, blocks, dealGraceBlocks);
        }

        public Ingest withDealGraceBlocks(long blocks) {
            return new Ingest(chunkBytes, dealBlocks, blocks);
        }
    }

    /**
     * The replication service: where it asks for shards besides the chain's node registry and the DHT.
     *
     * @param peers other nodes' shard servers, {@code host:port#fingerprint}
     */
    public record Replication(List<String> peers) {
        public static final Replication DEFAULT = new Replication(List.of());

        public Replication {
            peers = List.copyOf(peers);
            for (String peer : peers) {
                try {
                    QuicPeer.parse(peer);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("peers: " + e.getMessage(), e);
                }
            }
        }

        List<QuicPeer> quicPeers() {
            return peers.stream().map(QuicPeer::parse).toList();
        }
    }

    /**
     * The node on the libp2p network: its host, the Kademlia DHT and the manifest records of the chunks it holds
     * ({@link NetworkService}).
     *
     * @param enabled whether the node joins the network at all ({@code p2p_enabled}); off, manifests are only
     *     logged
     * @param listenAddress the multiaddr the host listens on ({@code /ip4/<host>/tcp/<port>}; port 0 = any)
     * @param bootstrapPeers multiaddrs ending {@code /p2p/<peer id>}
     * @param dhtProtocol the Kademlia protocol id ({@code dht_protocol})
     * @param legacyKeys whether manifests are also put under the bare CID, as the original nodes did
     *     ({@code dht_legacy_keys})
     * @param recordRepublish how often every held manifest is put again ({@code dht_record_republish_secs})
     * @param providerRepublish how often every provider record is announced again
     *     ({@code dht_provider_republish_secs})
     * @param hostLimits the host's connection manager and Yamux window limits ({@code p2p_max_peers},
     *     {@code p2p_max_streams_per_peer}, {@code p2p_max_message_kb}, {@code p2p_dial_timeout_secs},
     *     {@code p2p_max_stream_window_kb}, {@code p2p_connection_window_mb})
     * @param dht the Kademlia settings ({@code dht_request_timeout_secs}, {@code dht_query_timeout_secs},
     *     {@code dht_max_records}, {@code dht_max_provider_keys}, {@code dht_max_message_kb}); its protocol id is
     *     always {@code dhtProtocol}
     */
    public record Network(boolean enabled, String listenAddress, List<String> bootstrapPeers, String dhtProtocol,
            boolean legacyKeys, Duration recordRepublish, Duration providerRepublish, HostLimits hostLimits,
            KadConfig dht) {
        /**
         * Off (an embedded node joins no network unless asked), listening on TCP 30333 of every interface when
         * turned on, the standard kad protocol, legacy keys, records hourly and providers every 12 h.
         */
        public static final Network DEFAULT = new Network(false, "/ip4/0.0.0.0/tcp/30333", List.of(),
                "/ipfs/kad/1.0.0", true, Duration.ofHours(1), Duration.ofHours(12), HostLimits.defaults(),
                KadConfig.defaults());

        public Network {
            Objects.requireNonNull(listenAddress, "listenAddress");
            Objects.requireNonNull(dhtProtocol, "dhtProtocol");
            Objects.requireNonNull(recordRepublish, "recordRepublish");
            Objects.requireNonNull(providerRepublish, "providerRepublish");
            bootstrapPeers = List.copyOf(bootstrapPeers);
            ConfigChecks.multiaddr("listenAddress", listenAddress);
            for (String peer : bootstrapPeers) {
                ConfigChecks.multiaddr("bootstrapPeers", peer);
            }
            if (!dhtProtocol.startsWith("/") || dhtProtocol.length() > 128 || dhtProtocol.contains("\n")) {
                throw new ConfigException("dhtProtocol must be a protocol id starting with / (at most 128"
                        + " characters): " + dhtProtocol);
            }
            ConfigChecks.positive("recordRepublish", recordRepublish);
            ConfigChecks.positive("providerRepublish", providerRepublish);
            ConfigChecks.range("recordRepublish seconds", recordRepublish.toSeconds(), 60, 7 * 86_400);
            ConfigChecks.range("providerRepublish seconds", providerRepublish.toSeconds(), 60, 7 * 86_400);
            Objects.requireNonNull(hostLimits, "hostLimits");
            Objects.requireNonNull(dht, "dht");
            if (!dht.protocolId().equals(dhtProtocol)) {
                dht = dht.toBuilder().protocolId(dhtProtocol).build();
            }
        }

        /** These settings with the default host limits and Kademlia settings. */
        public Network(boolean enabled, String listenAddress, List<String> bootstrapPeers, String dhtProtocol,
                boolean legacyKeys, Duration recordRepublish, Duration providerRepublish) {
            this(enabled, listenAddress, bootstrapPeers, dhtProtocol, legacyKeys, recordRepublish, providerRepublish,
                    HostLimits.defaults(), KadConfig.defaults());
        }

        /** The default network settings with this listen address and these bootstrap peers (enabled as before). */
        public Network(String listenAddress, List<String> bootstrapPeers) {
            this(DEFAULT.enabled, listenAddress, bootstrapPeers, DEFAULT.dhtProtocol, DEFAULT.legacyKeys,
                    DEFAULT.recordRepublish, DEFAULT.providerRepublish);
        }

        /** The TCP port of {@link #listenAddress()} ({@code /tcp/<port>}; 0 = any). */
        public int listenPort() {
            String[] parts = listenAddress.split("/");
            for (int i = 0; i + 1 < parts.length; i++) {
                if (parts[i].equals("tcp")) {
                    return Integer.parseInt(parts[i + 1]);
                }
            }
            throw new ConfigException("p2p_listen_addr " + listenAddress + " has no /tcp/<port>");
        }

        /** The host of {@link #listenAddress()} ({@code /ip4/<host>} or {@code /ip6/<host>}). */
        public String listenHost() {
            String[] parts = listenAddress.split("/");
            if (parts.length < 3 || !(parts[1].equals("ip4") || parts[1].equals("ip6") || parts[1].startsWith("dns"))) {
                throw new ConfigException("p2p_listen_addr " + listenAddress + " does not start with /ip4, /ip6 or /dns");
            }
            return parts[2];
        }

        public Network withHostLimits(HostLimits value) {
            return new Network(enabled, listenAddress, bootstrapPeers, dhtProtocol, legacyKeys, recordRepublish,
                    providerRepublish, value, dht);
        }

        public Network withDht(KadConfig value) {
            return new Network(enabled, listenAddress, bootstrapPeers, dhtProtocol, legacyKeys, recordRepublish,
                    providerRepublish, hostLimits, value);
        }

        public Network withEnabled(boolean value) {
            return new Network(value, listenAddress, bootstrapPeers, dhtProtocol, legacyKeys, recordRepublish,
                    providerRepublish, hostLimits, dht);
        }

        public Network withListenAddress(String value) {
            return new Network(enabled, value, bootstrapPeers, dhtProtocol, legacyKeys, recordRepublish,
                    providerRepublish, hostLimits, dht);
        }

        public Network withBootstrapPeers(List<String> value) {
            return new Network(enabled, listenAddress, value, dhtProtocol, legacyKeys, recordRepublish,
                    providerRepublish, hostLimits, dht);
        }

        public Network withDhtProtocol(String value) {
            return new Network(enabled, listenAddress, bootstrapPeers, value, legacyKeys, recordRepublish,
                    providerRepublish, hostLimits, dht);
        }

        public Network withLegacyKeys(boolean value) {
            return new Network(enabled, listenAddress, bootstrapPeers, dhtProtocol, value, recordRepublish,
                    providerRepublish, hostLimits, dht);
        }

        public Network withRepublish(Duration records, Duration providers) {
            return new Network(enabled, listenAddress, bootstrapPeers, dhtProtocol, legacyKeys, records, providers,
                    hostLimits, dht);
        }
    }

    /**
     * Gossip ingest: the chunks directors publish on GossipSub topic {@code /icn/video/1.0.0}, taken in by the node
     * ({@link GossipIngest}) through the same {@link ChunkIngest} as a put. On only when {@link #trustedDirectors()}
     * is non-empty (and the node is on the network): only messages signed by one of them are accepted and forwarded.
     *
     * @param trustedDirectors peer ids ({@code 12D3KooW...}) whose signed messages are accepted
     *     ({@code trusted_directors}); empty = gossip ingest off
     * @param maxMessageBytes the largest message accepted, relayed or published ({@code gossip_max_message_mb})
     * @param messageId how message ids are derived ({@code gossip_message_id}); every peer of the mesh must agree
     * @param queueChunks accepted chunks waiting for ingest at most; one more is dropped, counted and logged
     *     ({@code gossip_ingest_queue})
     * @param meshD the mesh size aimed at ({@code gossip_mesh_n})
     * @param meshDLo below this the heartbeat grafts ({@code gossip_mesh_n_low})
     * @param meshDHi above this the heartbeat prunes ({@code gossip_mesh_n_high})
     * @param heartbeat mesh maintenance interval ({@code gossip_heartbeat_ms})
     * @param historyLength heartbeats a message stays answerable to IWANT ({@code gossip_history_length})
     * @param historyGossip heartbeats of history announced in IHAVE ({@code gossip_history_gossip})
     */
    public record Gossip(List<String> trustedDirectors, int maxMessageBytes, MessageIdFunction messageId,
            int queueChunks, int meshD, int meshDLo, int meshDHi, Duration heartbeat, int historyLength,
            int historyGossip) {
        /** Off (no trusted director); otherwise the original network's gossip spec: 64 MiB, BLAKE3 ids, D 6/4/12, 1 s, 12/3. */
        public static final Gossip DEFAULT = new Gossip(List.of(), GossipConfig.DEFAULT_MAX_MESSAGE_BYTES,
                MessageIdFunction.BLAKE3_HEX, 4, 6, 4, 12, Duration.ofSeconds(1), 12, 3);

        public Gossip {
            trustedDirectors = List.copyOf(new LinkedHashSet<>(trustedDirectors));
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(heartbeat, "heartbeat");
            for (String id : trustedDirectors) {
                try {
                    PeerId.parse(id);
                } catch (RuntimeException e) {
                    throw new ConfigException("trustedDirectors: \"" + id + "\" is not a peer id (12D3KooW... or"
                            + " Qm...): " + e.getMessage(), e);
                }
            }
            ConfigChecks.range("queueChunks", queueChunks, 1, 1_024);
            ConfigChecks.range("heartbeat ms", heartbeat.toMillis(), 50, 60_000);
            try {
                gossipConfig(maxMessageBytes, messageId, meshD, meshDLo, meshDHi, heartbeat, historyLength, historyGossip);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("gossip: " + e.getMessage(), e);
            }
        }

        /** Whether gossip ingest runs (some director is trusted). */
        public boolean enabled() {
            return !trustedDirectors.isEmpty();
        }

        /** The trusted directors, parsed. */
        public Set<PeerId> trustedPeers() {
            Set<PeerId> out = new LinkedHashSet<>();
            trustedDirectors.forEach(id -> out.add(PeerId.parse(id)));
            return Set.copyOf(out);
        }

        /** The router's parameters: the original network's spec with these values. */
        public GossipConfig gossipConfig() {
            return gossipConfig(maxMessageBytes, messageId, meshD, meshDLo, meshDHi, heartbeat, historyLength,
                    historyGossip);
        }

        private static GossipConfig gossipConfig(int maxMessageBytes, MessageIdFunction messageId, int d, int dLo,
                int dHi, Duration heartbeat, int historyLength, int historyGossip) {
            GossipConfig base = GossipConfig.defaults();
            return new GossipConfig(d, dLo, dHi, base.dLazy(), base.gossipFactor(), heartbeat, historyLength,
                    historyGossip, base.seenTtl(), base.fanoutTtl(), base.pruneBackoff(), base.floodPublish(),
                    maxMessageBytes, messageId, base.gossipThreshold(), base.publishThreshold(),
                    base.graylistThreshold(), base.invalidMessageWeight(), base.invalidMessageDecay(),
                    base.gossipRetransmission(), base.maxIHaveLength());
        }

        public Gossip withTrustedDirectors(List<String> value) {
            return new Gossip(value, maxMessageBytes, messageId, queueChunks, meshD, meshDLo, meshDHi, heartbeat,
                    historyLength, historyGossip);
        }

        public Gossip withMaxMessageBytes(int value) {
            return new Gossip(trustedDirectors, value, messageId, queueChunks, meshD, meshDLo, meshDHi, heartbeat,
                    historyLength, historyGossip);
        }

        public Gossip withMessageId(MessageIdFunction value) {
            return new Gossip(trustedDirectors, maxMessageBytes, value, queueChunks, meshD, meshDLo, meshDHi,
                    heartbeat, historyLength, historyGossip);
        }

        public Gossip withQueueChunks(int value) {
            return new Gossip(trustedDirectors, maxMessageBytes, messageId, value, meshD, meshDLo, meshDHi, heartbeat,
                    historyLength, historyGossip);
        }

        public Gossip withMesh(int d, int dLo, int dHi, Duration heartbeat, int historyLength, int historyGossip) {
            return new Gossip(trustedDirectors, maxMessageBytes, messageId, queueChunks, d, dLo, dHi, heartbeat,
                    historyLength, historyGossip);
        }
    }
}
