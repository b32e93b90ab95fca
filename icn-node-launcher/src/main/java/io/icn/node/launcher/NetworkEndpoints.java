package io.icn.node.launcher;

import io.icn.chain.NodeEndpoint;
import io.icn.node.NetworkService;
import io.icn.p2p.PeerInfo;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.KadTimeoutException;
import io.icn.p2p.kad.RecordNotFoundException;
import io.icn.storage.Cid;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The network's admin endpoints: {@code GET /admin/peers}, {@code GET /admin/dht/get?key=K} and
 * {@code GET /admin/dht/providers?cid=C}, {@code GET /admin/dht/holders?cid=C}, and the {@code network} section of {@code /admin/status}. Each depends
 * only on the node's {@link NetworkService}, absent when {@code p2p_enabled} is off (then they answer 409).
 *
 * <p>Stateless and thread-safe; a DHT query blocks its request thread for at most {@link #QUERY_SECONDS}.
 */
final class NetworkEndpoints {
    /** The longest a DHT query of an admin request runs. */
    static final long QUERY_SECONDS = 60;

    private NetworkEndpoints() {
    }

    /** The {@code network} section of the status: peer id, full listen multiaddrs, peer and routing-table counts. */
    static Map<String, Object> status(Optional<NetworkService> network) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", network.isPresent());
        network.ifPresent(n -> {
            m.put("peer_id", n.peerId());
            m.put("listen_addresses", n.listenAddresses());
            m.put("peers", n.peers().size());
            m.put("routing_table", n.routingTableSize());
        });
        return m;
    }

    /** {@code GET /admin/peers}: the connected peers with their agent and protocols. */
    static Handler peers(Optional<NetworkService> network) {
        return request -> {
            List<Map<String, Object>> peers = require(network).peers().stream().map(NetworkEndpoints::peer).toList();
            return Reply.json(200, Map.of("count", peers.size(), "peers", peers));
        };
    }

    private static Map<String, Object> peer(PeerInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peer_id", p.peerId().toString());
        m.put("address", p.remoteAddress().toString());
        m.put("direction", p.inbound() ? "inbound" : "outbound");
        m.put("agent", p.agentVersion());
        m.put("protocol_version", p.protocolVersion());
        m.put("protocols", p.protocols());
        return m;
    }

    /** {@code GET /admin/dht/get?key=K}: a record's value from the DHT (404 when none is found). */
    static Handler get(Optional<NetworkService> network) {
        return request -> {
            String key = requireParam(request, "key");
            byte[] value = await(require(network).get(key.getBytes(StandardCharsets.UTF_8)), "key " + key);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            m.put("bytes", value.length);
            try {
                m.put("value", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString());
            } catch (CharacterCodingException e) {
                m.put("value_base64", Base64.getEncoder().encodeToString(value));
            }
            return Reply.json(200, m);
        };
    }

    /** {@code GET /admin/dht/providers?cid=C}: the providers of a CID, with their addresses. */
    static Handler providers(Optional<NetworkService> network) {
        return request -> {
            Cid cid = cidParam(request);
            String text = cid.toString();
            List<KadPeer> found = await(require(network).providers(cid, 20), "providers of " + text);
            List<Map<String, Object>> providers = found.stream().map(p -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("peer_id", p.peerId().toString());
                m.put("addresses", p.multiaddrs().stream().map(Object::toString).toList());
                return m;
            }).toList();
            return Reply.json(200, Map.of("cid", text, "count", providers.size(), "providers", providers));
        };
    }

    /**
     * {@code GET /admin/dht/holders?cid=C}: the QUIC shard servers the DHT names as holders of a CID
     * ({@code host:port#fingerprint}, from its manifest and its providers the chain's registry knows; this node
     * left out); what {@code icn-node get} asks without {@code --from}.
     */
    static Handler holders(Optional<NetworkService> network, Supplier<List<NodeEndpoint>> registry) {
        return request -> {
            Cid cid = cidParam(request);
            List<String> found = await(require(network).quicHolders(cid, registry.get()), "holders of " + cid);
            return Reply.json(200, Map.of("cid", cid.toString(), "count", found.size(), "holders", found));
        };
    }

    private static Cid cidParam(Request request) {
        String text = requireParam(request, "cid");
        try {
            return Cid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "cid: " + e.getMessage());
        }
    }

    private static NetworkService require(Optional<NetworkService> network) {
        return network.orElseThrow(() -> new ApiError(409, "the node is not on the p2p network (p2p_enabled = false)"));
    }

    private static String requireParam(Request request, String name) {
        String v = request.param(name);
        if (v == null || v.isEmpty()) {
            throw new ApiError(400, "the query parameter " + name + " is required");
        }
        return v;
    }

    private static <T> T await(CompletableFuture<T> query, String what) {
        try {
            return query.get(QUERY_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted querying the DHT for " + what);
        } catch (TimeoutException e) {
            throw new ApiError(504, "the DHT query for " + what + " took over " + QUERY_SECONDS + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RecordNotFoundException) {
                throw new ApiError(404, "no record found in the DHT for " + what);
            }
            if (cause instanceof KadTimeoutException) {
                throw new ApiError(504, "the DHT query for " + what + " timed out: " + cause.getMessage());
            }
            throw new ApiError(502, "the DHT query for " + what + " failed: " + cause);
        }
    }
}
