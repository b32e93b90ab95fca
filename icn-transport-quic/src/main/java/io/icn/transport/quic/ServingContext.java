package io.icn.transport.quic;

import io.icn.storage.ShardStore;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every connection and stream handler of one server shares. Thread-safe: each part is.
 *
 * @param concurrency permits for admitted requests ({@link ServerConfig#maxConcurrentRequests()})
 * @param ingestBudget memory for PUT bodies ({@link ServerConfig#maxConcurrentPutBytes()})
 * @param draining set once by {@link ShardServer#drain}: no request is admitted after it
 */
record ServingContext(ShardStore store, ServerConfig config, Executor diskExecutor, Semaphore concurrency,
        IngestBudget ingestBudget, PeerLimits peers, ServerMetrics metrics, AtomicBoolean draining) {
}
