package io.icn.transport.quic;

import io.icn.erasure.ErasureCodec;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test {@link ChunkSink}: encodes each chunk with RS(10,4) into a store, as the node's ingest does, and answers
 * with a made-up deal. {@link #holdAnswers()} keeps every answer back until {@link #release()}, so that PUTs stay
 * in the server's memory budget; {@link #failWith} makes every call fail.
 */
final class StoreSink implements ChunkSink {

    private final ShardStore store;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    StoreSink(ShardStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<PutResult> accept(Cid cid, ByteBuffer chunk, long dealBlocks, String clientFingerprint) {
        calls.incrementAndGet();
        RuntimeException fail = failure.get();
        if (fail != null) {
            return CompletableFuture.failedFuture(fail);
        }
        byte[] bytes = chunk.array();
        return gate.thenApply(v -> {
            boolean already = store.contains(cid);
            long expiry = 1000 + dealBlocks;
            ChunkMeta meta = already ? store.meta(cid).orElseThrow()
                    : store.putChunk(cid, ErasureCodec.reedSolomon(10, 4).encode(bytes),
                            ChunkSpec.rs10x4(bytes.length, "deal-" + clientFingerprint.substring(0, 8), expiry));
            return new PutResult(cid, already, meta.dealId(), meta.expiryBlock(), meta.shards().size());
        });
    }

    /** Calls made so far. */
    int calls() {
        return calls.get();
    }

    void holdAnswers() {
        gate = new CompletableFuture<>();
    }

    void release() {
        gate.complete(null);
    }

    void failWith(RuntimeException e) {
        failure.set(e);
    }
}
