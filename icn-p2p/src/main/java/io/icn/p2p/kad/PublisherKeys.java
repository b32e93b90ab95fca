package io.icn.p2p.kad;

import io.icn.p2p.P2pException;
import io.icn.p2p.PeerId;
import java.util.Optional;

/**
 * The raw 32-byte Ed25519 public key a publisher peer id (base58 text) stands for: the key inlined in
 * an identity-multihash peer id, empty for ids that do not inline an Ed25519 key (and for text that
 * is not a peer id).
 *
 * <p>Implementations are thread-safe and never block.
 */
@FunctionalInterface
public interface PublisherKeys {
    Optional<byte[]> ed25519Key(String peerId);

    /** The key an Ed25519 identity-multihash peer id inlines ({@code 12D3KooW...}); empty for anything else. */
    static PublisherKeys inlinedInPeerIds() {
        return text -> {
            try {
                return PeerId.parse(text).ed25519PublicKey();
            } catch (P2pException notAPeerId) {
                return Optional.empty();
            }
        };
    }
}
