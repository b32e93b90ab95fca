package io.icn.p2p.kad;

import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pException;
import io.icn.p2p.PeerId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code bootstrap_peers} setting: multiaddrs ending in {@code /p2p/<peer id>}, as the
 * original node and every libp2p implementation write them. Several entries for one peer become one
 * peer with all their addresses.
 *
 * <p>Stateless and thread-safe.
 */
public final class BootstrapPeers {
    private BootstrapPeers() {
    }

    /**
     * The peers of {@code entries}, in order of first appearance.
     *
     * @throws KadConfigurationException naming the first entry that is not a multiaddr or does not end in
     *     {@code /p2p/<peer id>}
     */
    public static List<KadPeer> parse(List<String> entries) {
        Map<PeerId, List<Multiaddr>> peers = new LinkedHashMap<>();
        for (String entry : entries) {
            Multiaddr address;
            try {
                address = Multiaddr.parse(entry.strip());
            } catch (P2pException e) {
                throw new KadConfigurationException("bootstrap_peers entry '" + entry + "' is not a multiaddr: "
                        + e.getMessage(), e);
            }
            List<Multiaddr.Component> parts = address.components();
            if (parts.isEmpty() || parts.get(parts.size() - 1).protocol() != Multiaddr.Protocol.P2P
                    || address.peerId().isEmpty()) {
                throw new KadConfigurationException("bootstrap_peers entry '" + entry
                        + "' does not end with /p2p/<peer id>");
            }
            if (parts.size() == 1) {
                throw new KadConfigurationException("bootstrap_peers entry '" + entry
                        + "' has a peer id but no address to dial");
            }
            peers.computeIfAbsent(address.peerId().get(), id -> new ArrayList<>()).add(address.withoutPeerId());
        }
        List<KadPeer> out = new ArrayList<>(peers.size());
        peers.forEach((id, addrs) -> out.add(KadPeer.of(id, addrs)));
        return out;
    }
}
