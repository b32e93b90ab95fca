package io.icn.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest's and the storage cleanup's {@link ManifestPublisher} while the node has no DHT: announcing and
 * withdrawing a manifest are no-ops that only log at DEBUG (relays find content through the chain's deals and
 * the nodes' QUIC endpoints meanwhile). The p2p module's Kademlia publisher replaces it when the node joins the
 * network.
 *
 * <p>Stateless; thread-safe.
 */
final class LoggingManifestPublisher implements ManifestPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingManifestPublisher.class);

    @Override
    public void publish(String cid) {
        LOG.debug("no DHT yet, nothing to announce for cid={}", cid);
    }

    @Override
    public void unpublish(String cid) {
        LOG.debug("no DHT yet, nothing to withdraw for cid={}", cid);
    }
}
