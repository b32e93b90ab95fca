package io.icn.node;

import io.icn.chain.PinRequest;
import io.icn.chain.PinningDeal;
import io.icn.chain.PinningPolicy;
import io.icn.chain.ShardHash;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's ingest pipeline, one component for every way content arrives: the admin {@code put} (a byte
 * stream, cut here into chunks of {@code chunkBytes}) and the QUIC {@code PUT} of a director (one chunk whose CID
 * the transport already checked, see {@link ChunkIngestSink}); the gossip path will be a third. Each chunk is
 * erasure-coded with Reed-Solomon 10+4, its 14 shards are stored atomically under the chunk's CID, it is pinned
 * by the chain's {@link PinningPolicy} with the shard hashes the store recorded (so the node's audits are
 * answerable): on the embedded chain the node makes the deal itself, recording the chunk's CID as its content
 * (so the other assigned nodes can fetch it, see {@link Replicator}); on a real chain it waits for a director's
 * deal naming those shards. Then it is announced through the {@link ManifestPublisher}.
 *
 * <p>A chunk is stored before it is pinned; if no deal pins it (refused, or none came within the grace), a chunk
 * this ingest added is deleted again, so nothing unpinned remains. Chunks of a stream that fails half-way stay
 * stored and pinned; the error lists them. A failed announcement is logged and changes nothing (the chunk is
 * stored and pinned). A pin completes only once the deal is durable on the chain (see
 * {@link io.icn.chain.local.LocalChain#selfDealing}), so a deal the caller was told about survives a crash of the
 * node as the stored shards do.
 *
 * <p>Thread-safe: chunks are encoded and stored one at a time (each holds its 14 shards in memory, 1.4 times the
 * chunk, besides the chunk itself), so two ingests of the same chunk cannot race; waiting for a pin holds no lock.
 * A stream put holds its current chunk while it waits. Does not own the store, the policy or the publisher.
 */
public final class ChunkIngest {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkIngest.class);

    private final ShardStore store;
    private final StoreExpiredContent hashes;
    private final PinningPolicy pinning;
    private final ManifestPublisher manifests;
    private final int chunkBytes;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    /**
     * @param hashes reads the chain's hashes of a stored chunk's shards
     * @param pinning how a stored chunk becomes pinned on the node's chain
     * @param chunkBytes an upload is cut into chunks of this many bytes
     */
    public ChunkIngest(ShardStore store, StoreExpiredContent hashes, PinningPolicy pinning, ManifestPublisher manifests,
            int chunkBytes) {
        this.store = Objects.requireNonNull(store, "store");
        this.hashes = Objects.requireNonNull(hashes, "hashes");
        this.pinning = Objects.requireNonNull(pinning, "pinning");
        this.manifests = Objects.requireNonNull(manifests, "manifests");
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    /**
     * One stored and pinned chunk.
     *
     * @param offset where the chunk starts in its put's stream (0 for a single chunk)
     * @param shards how many of its shards the node holds now
     */
    public record IngestedChunk(String cid, long offset, int length, String dealId, long expiresAt, boolean alreadyStored,
            int shards) {
    }

    /** The chunks of one put, in stream order. */
    public record IngestReport(List<IngestedChunk> chunks, long bytes) {
        public IngestReport {
            chunks = List.copyOf(chunks);
        }
    }

    /** Thrown when a put fails after some chunks were stored; they stay pinned and are listed. */
    public static final class PartialIngestException extends NodeException {
        private static final long serialVersionUID = 1L;
        private final transient List<IngestedChunk> stored;

        PartialIngestException(String message, List<IngestedChunk> stored, Throwable cause) {
            super(message, cause);
            this.stored = List.copyOf(stored);
        }

        public List<IngestedChunk> stored() {
            return stored;
        }
    }

    /**
     * Reads {@code in} to its end (not closed here) and ingests it.
     *
     * @param dealBlocks the life of each chunk's deal, in blocks from now
     * @throws PartialIngestException if reading, storing or pinning fails; names the chunks already done
     */
    public IngestReport ingest(InputStream in, long dealBlocks) {
        checkDealBlocks(dealBlocks);
        List<IngestedChunk> done = new ArrayList<>();
        long offset = 0;
        while (true) {
            byte[] chunk;
            MessageDigest cid;
            try {
                cid = MessageDigest.getInstance("SHA-256");
                chunk = readChunk(in, cid);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JVM", e);
            } catch (IOException e) {
                throw new PartialIngestException("reading the upload failed after " + offset + " bytes: " + e.getMessage(),
                        done, new UncheckedIOException(e));
            }
            if (chunk.length == 0 && !(offset == 0 && done.isEmpty())) {
                break;
            }
            try {
                done.add(ingestOne(Cid.of(Cid.RAW, cid.digest()), ByteBuffer.wrap(chunk), offset, dealBlocks));
            } catch (RuntimeException e) {
                throw new PartialIngestException("chunk at offset " + offset + " failed: " + e.getMessage()
                        + (done.isEmpty() ? "" : "; the " + done.size() + " chunk(s) before it are stored and pinned"),
                        done, e);
            }
            offset += chunk.length;
            if (chunk.length < chunkBytes) {
                break;
            }
        }
        return new IngestReport(done, offset);
    }

    /**
     * Bytes read from an upload at a time: each piece is hashed for the CID as it arrives, still in cache. Below
     * half of G1's smallest region (1 MiB), so that the pieces are never humongous objects.
     */
    private static final int READ_PIECE = 256 << 10;

    /**
     * Reads the next chunk of {@code in}: up to {@code chunkBytes}, fewer only at the end of the stream (none
     * when it has ended), feeding every byte to {@code cid} as it arrives, so that the CID is ready when the last
     * byte is, however slowly the upload comes.
     */
    private byte[] readChunk(InputStream in, MessageDigest cid) throws IOException {
        List<byte[]> pieces = new ArrayList<>();
        int total = 0;
        while (total < chunkBytes) {
            byte[] piece = new byte[Math.min(READ_PIECE, chunkBytes - total)];
            int n = in.readNBytes(piece, 0, piece.length);
            cid.update(piece, 0, n);
            pieces.add(piece);
            total += n;
            if (n < piece.length) {
                break;
            }
        }
        byte[] chunk = new byte[total];
        int at = 0;
        for (byte[] piece : pieces) {
            int n = Math.min(piece.length, total - at);
            System.arraycopy(piece, 0, chunk, at, n);
            at += n;
        }
        return chunk;
    }

    /**
     * Ingests one chunk whose CID the caller has computed or checked (the QUIC PUT verifies it while the bytes
     * arrive): encode, store, pin, announce.
     *
     * @param cid must be {@code Cid.ofRaw(chunk)}
     * @param dealBlocks the life of the chunk's deal, in blocks from now
     * @throws IllegalArgumentException if the chunk is empty, or cannot be pinned as it is (see {@link #ingest})
     * @throws io.icn.storage.StorageFullException if the store has no room for its shards
     */
    public IngestedChunk ingestChunk(Cid cid, byte[] chunk, long dealBlocks) {
        return ingestChunk(cid, ByteBuffer.wrap(chunk), dealBlocks);
    }

    /**
     * As {@link #ingestChunk(Cid, byte[], long)} for the chunk in {@code chunk}'s remaining bytes, which are read in
     * place (not copied: the store writes the data shards from them) and not modified; the position does not move.
     * For a chunk that is a slice of a larger buffer, such as a GossipSub message's data in its RPC frame.
     */
    public IngestedChunk ingestChunk(Cid cid, ByteBuffer chunk, long dealBlocks) {
        checkDealBlocks(dealBlocks);
        return ingestOne(Objects.requireNonNull(cid, "cid"), chunk.duplicate(), 0, dealBlocks);
    }

    private static void checkDealBlocks(long dealBlocks) {
        if (dealBlocks <= 0) {
            throw new IllegalArgumentException("deal length must be positive: " + dealBlocks + " blocks");
        }
    }

    private IngestedChunk ingestOne(Cid cid, ByteBuffer chunk, long offset, long dealBlocks) {
        int length = chunk.remaining();
        if (length == 0) {
            throw new IllegalArgumentException("the upload is empty; there is nothing to store");
        }
        boolean already;
        ChunkMeta meta;
        oneAtATime.lock();
        try {
            // Content addressing: a chunk already held keeps its shards and spec; only its expiry may move.
            meta = store.contains(cid) ? store.meta(cid).orElse(null) : null;
            already = meta != null;
            if (meta == null) {
                meta = store.encodeAndPut(cid, chunk, ChunkSpec.rs10x4(length, "", 0));
            }
        } finally {
            oneAtATime.unlock();
        }
        PinningDeal deal;
        try {
            List<ShardHash> shardHashes = hashes.shardHashes(cid.toString());
            deal = pinning.pin(new PinRequest(cid.toString(), shardHashes, meta.spec().shardLength(), dealBlocks))
                    .join();
        } catch (CompletionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
            dropUnpinned(cid, already, cause);
            throw cause;
        } catch (RuntimeException e) {
            dropUnpinned(cid, already, e);
            throw e;
        }
        if (meta.expiryBlock() < deal.expiresAt()) {
            store.setExpiry(cid, deal.expiresAt());
        }
        LOG.info("ingested cid={} bytes={} deal={} expires_at={}", cid, length, deal.id(), deal.expiresAt());
        announce(cid.toString());
        return new IngestedChunk(cid.toString(), offset, length, deal.id().toString(), deal.expiresAt(), already,
                meta.shards().size());
    }

    /** A chunk this ingest stored that no deal pins is deleted again; one held before stays. */
    private void dropUnpinned(Cid cid, boolean heldBefore, RuntimeException why) {
        if (heldBefore) {
            return;
        }
        try {
            store.delete(cid);
        } catch (RuntimeException e) {
            why.addSuppressed(e);
        }
    }

    private void announce(String cid) {
        try {
            manifests.publish(cid);
        } catch (RuntimeException e) {
            LOG.warn("announcing cid={} failed; it stays stored and pinned: {}", cid, e.toString());
        }
    }
}
