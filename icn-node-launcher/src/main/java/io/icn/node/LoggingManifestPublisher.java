package io.icn.node;

import io.icn.chain.ManifestPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage cleanup's {@link ManifestPublisher} while the node has no DHT: withdrawing a manifest is a
 * no-op that only logs at DEBUG, because nothing was announced. The p2p module's Kademlia publisher
 * replaces it when the node joins the network.
 *
 * <p>Stateless; thread-safe.
 */
final class LoggingManifestPublisher implements ManifestPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingManifestPublisher.class);

    @Override
    public void unpublish(String cid) {
        LOG.debug("no DHT yet, nothing to withdraw for cid={}", cid);
    }
}
