package io.icn.p2p.kad;

import java.time.Duration;

/**
 * Told of every DHT query when it ends (for metrics: queries by type and outcome, their latency and
 * the requests they sent).
 *
 * <p>Called on network threads; implementations are thread-safe and must not block.
 */
@FunctionalInterface
public interface QueryListener {

    /** The outcome of a query. */
    enum Outcome { SUCCESS, NOT_FOUND, TIMEOUT, FAILURE }

    /**
     * @param type the query: FIND_NODE, GET_VALUE, PUT_VALUE, ADD_PROVIDER or GET_PROVIDERS
     * @param outcome how it ended
     * @param latency from start to end
     * @param requests requests sent to peers (the lookup's and, for puts, the stores)
     */
    void finished(KadMessage.Type type, Outcome outcome, Duration latency, int requests);

    /** A listener that ignores everything. */
    static QueryListener none() {
        return (type, outcome, latency, requests) -> { };
    }
}
