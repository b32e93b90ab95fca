package io.icn.transport.quic;

import io.icn.storage.ShardStore;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * What every connection and stream handler of one server shares. Thread-safe: each part is.
 *
 * @param concurrency permits for admitted requests ({@link ServerConfig#maxConcurrentRequests()})
 * @param ingestBudget memory for PUT bodies ({@link ServerConfig#maxConcurrentPutBytes()})
 */
record ServingContext(ShardStore store, ServerConfig config, Executor diskExecutor, Semaphore concurrency,
        IngestBudget ingestBudget, PeerLimits peers, ServerMetrics metrics) {
}
