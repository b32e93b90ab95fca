package io.icn.node;

import io.icn.storage.Cid;
import io.icn.transport.quic.ChunkSink;
import io.icn.transport.quic.PutResult;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard server's {@link ChunkSink}: a chunk a director PUT over QUIC goes through the node's one ingest
 * pipeline ({@link ChunkIngest}: encode, store, pin on the local chain, announce), on an executor of the node's,
 * so the server's disk threads stay free for GETs. A PUT that asks for no particular deal life gets
 * {@code deal_blocks}.
 *
 * <p>Thread-safe. Owns neither the ingest nor the executor.
 */
final class ChunkIngestSink implements ChunkSink {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkIngestSink.class);

    private final ChunkIngest ingest;
    private final Executor executor;
    private final long defaultDealBlocks;

    ChunkIngestSink(ChunkIngest ingest, Executor executor, long defaultDealBlocks) {
        this.ingest = Objects.requireNonNull(ingest, "ingest");
        this.executor = Objects.requireNonNull(executor, "executor");
        if (defaultDealBlocks <= 0) {
            throw new IllegalArgumentException("defaultDealBlocks must be positive: " + defaultDealBlocks);
        }
        this.defaultDealBlocks = defaultDealBlocks;
    }

    @Override
    public CompletionStage<PutResult> accept(Cid cid, ByteBuffer chunk, long dealBlocks, String clientFingerprint) {
        long blocks = dealBlocks == 0 ? defaultDealBlocks : dealBlocks;
        return CompletableFuture.supplyAsync(() -> {
            ChunkIngest.IngestedChunk stored = ingest.ingestChunk(cid, bytes(chunk), blocks);
            LOG.info("quic put stored cid={} bytes={} client={} already_stored={} deal={}", cid, stored.length(),
                    clientFingerprint, stored.alreadyStored(), stored.dealId());
            return new PutResult(cid, stored.alreadyStored(), stored.dealId(), stored.expiresAt(), stored.shards());
        }, executor);
    }

    /** The buffer's bytes: its array when it is exactly the chunk (as the shard server hands it), else a copy. */
    private static byte[] bytes(ByteBuffer chunk) {
        if (chunk.hasArray() && chunk.arrayOffset() == 0 && chunk.position() == 0
                && chunk.remaining() == chunk.array().length) {
            return chunk.array();
        }
        byte[] copy = new byte[chunk.remaining()];
        chunk.duplicate().get(copy);
        return copy;
    }
}
