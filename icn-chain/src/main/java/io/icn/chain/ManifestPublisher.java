package io.icn.chain;

/**
 * The DHT side of deletion: withdraws this node's manifest record for content it is about to delete,
 * so that peers stop being sent to it. The p2p module implements it.
 *
 * <p>Thread-safe; may block on network I/O. Failures are reported as unchecked exceptions; the cleanup
 * logs them and deletes anyway (DHT records also expire on their own).
 */
@FunctionalInterface
public interface ManifestPublisher {

    /** Stops announcing {@code cid}. Idempotent. */
    void unpublish(String cid);
}
