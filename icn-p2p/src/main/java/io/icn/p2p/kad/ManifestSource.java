package io.icn.p2p.kad;

import io.icn.storage.Cid;
import java.util.Optional;

/**
 * Builds the signed manifest record of a chunk this node holds (from its store's metadata, its QUIC
 * address and certificate, and its identity key), or empty when it no longer holds it.
 *
 * <p>Implementations are thread-safe; they may be called for every republication and every GET_VALUE
 * a peer sends for one of this node's manifests, so they should be fast (no disk read on the hot path).
 */
@FunctionalInterface
public interface ManifestSource {
    Optional<ManifestRecord> manifest(Cid cid);
}
