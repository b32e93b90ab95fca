package io.icn.transport.quic;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches shards from super-nodes over QUIC ({@code icn-shard/1}), for relays, viewers and test
 * harnesses; and, for directors, stores chunks on them ({@link #putChunk}).
 *
 * <h2>Connections</h2>
 * One QUIC connection per node address, opened on first use and reused by every later request; a
 * connection that closes is reopened by the next request. Concurrent requests to one node share the
 * connection as separate streams, no more at once than the node allows (extra requests wait their turn).
 *
 * <h2>Trust</h2>
 * Nodes have self-signed certificates, trusted by SHA-256 fingerprint: any of a set for any node
 * ({@link ShardClientBuilder#pinnedFingerprints}), or each node's own for its address
 * ({@link ShardClientBuilder#pinnedNodes}, kept up to date with {@link #pinNode} and {@link #unpinNode}), so
 * that one client serves a whole registry of nodes without letting one node answer for another. A node that
 * is not the one pinned for its address fails requests with {@link NodeIdentityException}.
 *
 * <h2>Failures and retries</h2>
 * Futures complete exceptionally with a {@link TransportException} leaf. {@link ServerBusyException},
 * {@link ConnectionFailedException} and {@link RequestTimeoutException} are retried, after the node's
 * retry-after delay or an exponential back-off, up to {@link ShardClientBuilder#maxAttempts} attempts and
 * within a client-wide retry budget; other failures are not.
 *
 * <h2>Integrity</h2>
 * A whole shard is checked against the SHA-256 the node advertises and, when given, the hash the caller
 * expects; a mismatch is a {@link ShardIntegrityException}. {@link #fetchChunk} checks every shard against
 * the manifest before it decodes.
 *
 * <h2>Threading</h2>
 * Thread-safe; every method is non-blocking. Futures complete on the client's event loop or its
 * decoding executor: do not block in their callbacks.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} closes every connection, fails pending requests with {@link TransportClosedException},
 * releases what the client created (not an event loop group it was given), and is idempotent.
 */
public interface ShardClient extends AutoCloseable {

    /** A builder; one of its trust options must be chosen. */
    static ShardClientBuilder builder() {
        return new ShardClientBuilder();
    }

    /** The whole shard, verified against the node's recorded SHA-256. */
    CompletableFuture<ShardData> fetchShard(InetSocketAddress node, Cid cid, int shardIndex);

    /**
     * The whole shard, verified against {@code expectedSha256} too (the node answers
     * {@link Status#HASH_MISMATCH} without sending bytes if its copy differs).
     */
    CompletableFuture<ShardData> fetchShard(InetSocketAddress node, Cid cid, int shardIndex, byte[] expectedSha256);

    /** {@code length} bytes of the shard from {@code offset}; not verifiable, see {@link ShardData}. */
    CompletableFuture<ShardData> fetchRange(InetSocketAddress node, Cid cid, int shardIndex, long offset, long length);

    /**
     * The whole shard, written into {@code target} from its position on as the bytes arrive (no heap copy of the
     * shard), hashed on the way and verified against the node's recorded SHA-256 and {@code expectedSha256} if not
     * null. On success the buffer's position is past the shard. A failed fetch may have written part of it; a
     * retry writes again from the same position.
     *
     * @throws FrameTooLargeException (through the future) if the shard does not fit between position and limit
     * @throws IllegalArgumentException if {@code target} is read-only
     */
    CompletableFuture<ShardReceipt> fetchShard(InetSocketAddress node, Cid cid, int shardIndex, byte[] expectedSha256,
            ByteBuffer target);

    /**
     * The whole shard, written to {@code target} as the bytes arrive (no heap copy of the shard), verified as
     * {@link #fetchShard(InetSocketAddress, Cid, int, byte[], ByteBuffer)}. A {@link java.nio.channels.FileChannel}
     * is written at absolute positions from its position when called (retries start over there; on success its
     * position is past the shard); any other channel is written in order and a request is retried only while
     * nothing was written to it. Writes happen on the client's event loop: give a channel whose writes do not
     * wait long (a file, a buffer), and do not use it until the future completes. The client does not close it.
     */
    CompletableFuture<ShardReceipt> fetchShard(InetSocketAddress node, Cid cid, int shardIndex, byte[] expectedSha256,
            WritableByteChannel target);

    /**
     * The whole shard, written into {@code file} from byte {@code position} on as the bytes arrive (positional
     * writes: the channel's own position is left alone, so several fetches can fill one file at once), verified
     * as {@link #fetchShard(InetSocketAddress, Cid, int, byte[], ByteBuffer)}; retries start over at
     * {@code position}. Writes happen on the client's event loop. The client does not close the file.
     */
    CompletableFuture<ShardReceipt> fetchShard(InetSocketAddress node, Cid cid, int shardIndex, byte[] expectedSha256,
            FileChannel file, long position);

    /**
     * {@code length} bytes of the shard from {@code offset}, written to {@code target} as
     * {@link #fetchShard(InetSocketAddress, Cid, int, byte[], WritableByteChannel)} does; not verifiable.
     */
    CompletableFuture<ShardReceipt> fetchRange(InetSocketAddress node, Cid cid, int shardIndex, long offset, long length,
            WritableByteChannel target);

    /**
     * {@code length} bytes of the shard from {@code offset}, written into {@code file} from byte {@code position} on
     * (positional writes, as {@link #fetchShard(InetSocketAddress, Cid, int, byte[], FileChannel, long)}); not
     * verifiable, and not hashed: for a caller that checks what it fetched as a whole, e.g. a raw chunk against
     * its CID once every piece is in the file.
     */
    CompletableFuture<ShardReceipt> fetchRange(InetSocketAddress node, Cid cid, int shardIndex, long offset, long length,
            FileChannel file, long position);

    /** The indexes of the chunk's shards the node holds; empty if it holds none. */
    CompletableFuture<SortedSet<Integer>> has(InetSocketAddress node, Cid cid);

    /**
     * The chunk's metadata as the node recorded it: spec and, for every shard it holds, SHA-256 and
     * Merkle root. Its {@code quarantined} list is always empty.
     */
    CompletableFuture<ChunkMeta> manifest(InetSocketAddress node, Cid cid);

    /**
     * The whole chunk: asks the nodes for their manifests, fetches the {@code k} cheapest shards in
     * parallel (data shards first, spread over the nodes that hold them), starts a parity shard whenever a
     * fetch fails or is slower than {@link ShardClientBuilder#hedgeAfter}, verifies every shard against
     * the manifest, and decodes with Reed-Solomon.
     *
     * @throws ChunkUnavailableException (through the future) if {@code k} verified shards cannot be had
     */
    CompletableFuture<byte[]> fetchChunk(List<InetSocketAddress> nodes, Cid cid);

    /** As {@link #fetchChunk(List, Cid)} with a manifest the caller already has (e.g. from the DHT). */
    CompletableFuture<byte[]> fetchChunk(List<InetSocketAddress> nodes, ChunkMeta manifest);

    /**
     * Stores {@code chunk} on the node (a {@code PUT}): the client hashes it to its raw-codec CID (off the calling
     * thread), sends it, and the future completes once the node has stored and pinned it. Needs a client
     * certificate ({@link ShardClientBuilder#clientCertificate}) whose fingerprint the node lists as an ingest
     * client. Retried like other requests on {@link ServerBusyException} (the node's PUT memory is taken),
     * connection failures and timeouts: storing the same chunk twice is harmless, chunks being content-addressed.
     * Leave {@code chunk} unmodified until the future completes; it is read while being sent.
     *
     * @param dealBlocks the life of the deal that pins the chunk, in blocks; 0 = the node's default
     * @throws IllegalArgumentException if {@code chunk} is empty or {@code dealBlocks} negative
     * @see UnauthorizedException
     * @see PayloadTooLargeException
     * @see ContentMismatchException
     * @see NodeStorageFullException
     * @see UnsupportedRequestException
     */
    CompletableFuture<PutResult> putChunk(InetSocketAddress node, byte[] chunk, long dealBlocks);

    /**
     * Pins {@code fingerprint} to the node at {@code node} from now on (see {@link ShardClientBuilder#pinnedNodes}),
     * adding the node or replacing its pin; a connection open to it under another pin is closed, and the next
     * request reconnects. For a registry of nodes that changes while the client runs.
     *
     * @throws IllegalArgumentException if {@code fingerprint} is not 64 hex digits
     */
    void pinNode(InetSocketAddress node, String fingerprint);

    /** Removes the node's own pin (and closes a connection open to it); a no-op if it had none. */
    void unpinNode(InetSocketAddress node);

    /**
     * Shards of a chunk by index, for nodes that replicate or restore: asks the nodes for their manifests,
     * fetches each wanted shard from a node that holds it, rotating to the next holder when a fetch fails or
     * the bytes are refused, and when some wanted shard cannot be had from any node, fetches any {@code k}
     * shards (with those the caller holds) and rebuilds it with Reed-Solomon. The same discovery, holder
     * choice, rotation and decoding as {@link #fetchChunk}; see {@link ShardFetchRequest} for the options.
     *
     * @throws ChunkUnavailableException (through the future) if a wanted shard can be neither fetched nor rebuilt
     * @throws ShardIntegrityException (through the future) if a rebuilt shard is refused by the request's verifier
     */
    CompletableFuture<FetchedShards> fetchShards(List<InetSocketAddress> nodes, ShardFetchRequest request);

    /** Closes connections and releases resources. Idempotent. */
    @Override
    void close();
}
