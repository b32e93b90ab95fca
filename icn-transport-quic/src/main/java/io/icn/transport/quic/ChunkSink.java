package io.icn.transport.quic;

import io.icn.storage.Cid;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link ShardServer} hands the chunks that authorised clients PUT
 * ({@link ShardServerBuilder#chunkSink}): the node's ingest pipeline (encode, store, pin, announce). The
 * server calls it only for a chunk that arrived whole and whose bytes hash to {@code cid}; it answers the
 * client when the returned stage completes.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The server calls {@link #accept} on its disk executor, never on an event loop. An implementation
 *       that takes long (erasure coding and storing a 50 MB chunk does) should return at once and complete the
 *       stage from its own executor, so as not to hold a disk thread that GETs need.</li>
 *   <li>Complete the stage only once the chunk is durable and pinned: the client is then told it is stored.</li>
 *   <li>Failures complete the stage exceptionally: {@link io.icn.storage.StorageFullException} is answered
 *       {@link Status#STORAGE_FULL}, {@link IllegalArgumentException} (a chunk the node refuses as it is)
 *       {@link Status#BAD_REQUEST}, anything else {@link Status#INTERNAL_ERROR}; the exception's message is
 *       sent to the client.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * {@code chunk} is a heap buffer of exactly the chunk ({@code position 0}, {@code limit} = length, backed by an
 * array of that length) which the sink owns from the call on; the server never touches it again. Its bytes
 * count against the server's {@link ShardServerBuilder#maxConcurrentPutBytes} until the stage completes, so
 * keep no reference to it afterwards.
 *
 * <p>Implementations must be thread-safe: PUTs of several connections may arrive at once.
 */
@FunctionalInterface
public interface ChunkSink {

    /**
     * Stores and pins one chunk.
     *
     * @param cid the chunk's raw-codec CID, already checked against the bytes
     * @param chunk the chunk's bytes (see the class comment for ownership)
     * @param dealBlocks the deal life the client asked for, in blocks; 0 = the node's default
     * @param clientFingerprint SHA-256 fingerprint of the client's certificate (64 lower-case hex digits), one of
     *     {@link ShardServerBuilder#ingestClients}
     * @return completes with what was stored, or exceptionally (see the class comment)
     */
    CompletionStage<PutResult> accept(Cid cid, ByteBuffer chunk, long dealBlocks, String clientFingerprint);
}
