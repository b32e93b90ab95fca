package io.icn.transport.quic;

import io.icn.storage.ShardStore;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Serves the shards of a {@link ShardStore} over QUIC with the {@code icn-shard/1} protocol
 * (docs/protocol.md): one bidirectional stream per GET, HAS or MANIFEST request; and, with a
 * {@link ChunkSink}, takes the chunks its ingest clients PUT.
 *
 * <h2>What a request costs</h2>
 * A GET is streamed from {@link ShardStore#openRegion} in chunks of {@link ShardServerBuilder#chunkSize}
 * bytes. The next chunk is read only once the stream can take more (QUIC flow control and congestion
 * control decide when), and at most one chunk per stream is ever outside the QUIC stack. So the memory of
 * an in-flight request is bounded by one chunk (pooled direct memory, not heap) plus what QUIC holds for
 * the stream, which the client's stream flow-control window bounds. No request holds a whole shard.
 *
 * <h2>Limits</h2>
 * Maximum connections, streams per connection, concurrent requests (excess gets {@link Status#BUSY}),
 * per-client bandwidth (token bucket, default 100 Mbit/s) and request rate, idle timeout, request-header
 * timeout (slowloris) and request deadline: see {@link ShardServerBuilder}.
 *
 * <h2>PUT</h2>
 * A PUT is refused unless a sink is configured ({@link ShardServerBuilder#chunkSink}) and the connection's client
 * certificate (mutual TLS, asked for but never required) has one of the {@link ShardServerBuilder#ingestClients}
 * fingerprints. Its chunk is held in one heap array sized from the request, within
 * {@link ShardServerBuilder#maxPutBytes} per PUT and {@link ShardServerBuilder#maxConcurrentPutBytes} in all (a PUT
 * that does not fit gets {@link Status#BUSY}); it reaches the sink only whole and matching its CID.
 *
 * <h2>Threading</h2>
 * Thread-safe. Network I/O runs on {@link ShardServerBuilder#ioThreads} Netty event loops owned by the server,
 * each with its own UDP socket on the bound address ({@code SO_REUSEPORT}); a connection and its streams stay on
 * one loop. Every store call (disk I/O) runs on the disk executor, never on an event loop.
 *
 * <h2>Lifecycle</h2>
 * {@link ShardServerBuilder#start()} binds and returns a running server. A graceful stop calls
 * {@link #drain(Duration)} first, so that transfers already under way finish, then {@link #close()}.
 * {@link #close()} closes every connection, releases the sockets, threads and meters the server created, and
 * is idempotent; a transfer still running then is cut off. The store is not closed: the server does not own it.
 */
public interface ShardServer extends AutoCloseable {

    /** A builder for a server of {@code store}. */
    static ShardServerBuilder builder(ShardStore store) {
        return new ShardServerBuilder(store);
    }

    /** The bound UDP address (useful after binding port 0). */
    InetSocketAddress localAddress();

    /** The SHA-256 fingerprint of the node certificate, for clients to pin. */
    String certificateFingerprint();

    /** QUIC connections currently open. */
    int activeConnections();

    /** Requests currently admitted and not finished. */
    int activeRequests();

    /**
     * Stops admitting requests and waits until those already admitted have finished, at most {@code timeout}.
     * From the call on, every new request is answered {@link Status#BUSY} ("the node is shutting down"; counted
     * as refusal reason {@code draining}); admitted ones stream to their end. Connections stay open until
     * {@link #close()}. Blocks the calling thread (never call it on an event loop); calling it again only waits
     * again.
     *
     * @return whether every admitted request finished within {@code timeout} (false also when interrupted)
     */
    boolean drain(Duration timeout);

    /** Closes every connection (cutting off transfers still running) and releases what the server created. Idempotent. */
    @Override
    void close();
}
