package io.icn.node;

/**
 * The DHT side of a node's content: announces the chunks it has just stored and pinned (ingest), and
 * withdraws its manifest record for content it is about to delete, so that peers stop being sent to it.
 * The p2p module implements it.
 *
 * <p>Thread-safe; may block on network I/O. Failures are reported as unchecked exceptions; the ingest logs
 * them and keeps the chunk (a later announcement or the chain's deal still finds it), the cleanup logs them
 * and deletes anyway (DHT records also expire on their own).
 */
@FunctionalInterface
public interface ManifestPublisher {

    /**
     * Starts announcing that this node holds {@code cid} (stored and pinned). Idempotent. The default does
     * nothing, for publishers that only withdraw.
     */
    default void publish(String cid) {
    }

    /** Stops announcing {@code cid}. Idempotent. */
    void unpublish(String cid);
}
