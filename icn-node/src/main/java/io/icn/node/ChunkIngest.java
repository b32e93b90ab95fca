package io.icn.node;

import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.local.LocalChain;
import io.icn.chain.PinningDeal;
import io.icn.chain.ShardHash;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's ingest pipeline, one component for every way content arrives: the admin {@code put} (a byte
 * stream, cut here into chunks of {@code limits.chunk_mb}) and the QUIC {@code PUT} of a director (one chunk
 * whose CID the transport already checked, see {@link ChunkIngestSink}); the gossip path will be a third. Each
 * chunk is erasure-coded with Reed-Solomon 10+4, its 14 shards are stored atomically under the chunk's CID, it
 * is pinned with a deal on the local chain whose shard hashes are the ones the store recorded (so the node's
 * audits are answerable) and whose recorded content is the chunk's CID (so the other assigned nodes can fetch
 * it, see {@link Replicator}), and it is announced through the {@link ManifestPublisher}. The node is its own
 * director on the local chain: each deal's payment comes from the development faucet ({@link LocalChain#endow}).
 *
 * <p>A chunk is stored before its deal is made; if the deal is refused, a chunk this ingest added is deleted
 * again, so nothing unpinned remains. Chunks of a stream that fails half-way stay stored and pinned; the
 * error lists them. A failed announcement is logged and changes nothing (the chunk is stored and pinned).
 * With {@code persistDeals} (the node's own chain), before an ingest returns, or fails after pinning some
 * chunks, the chain's changes are made durable ({@link LocalChain#persist()}), so that a deal the caller was
 * told about survives a crash of the node as the stored shards do; without it the embedded chain would keep the
 * deal only from its next periodic journal force. That is one append and fsync of the chain's journal (shared by
 * concurrent ingests), whatever the number of deals on the local chain (see docs/chain.md).
 *
 * <p>Thread-safe: chunks are encoded, stored and pinned one at a time (each holds its 14 shards in memory,
 * 1.4 times the chunk, besides the chunk itself), so two ingests of the same chunk cannot race; a stream put
 * holds its current chunk while it waits. Does not own the store, the chain or the publisher.
 */
public final class ChunkIngest {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkIngest.class);
    /** The payment of one chunk's deal on the local chain. */
    static final Balance PAYMENT_PER_CHUNK = Balance.ofIcn(1);

    private final ShardStore store;
    private final LocalChain chain;
    private final StoreExpiredContent hashes;
    private final AccountId director;
    private final ManifestPublisher manifests;
    private final int chunkBytes;
    private final boolean persistDeals;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    ChunkIngest(ShardStore store, LocalChain chain, StoreExpiredContent hashes, AccountId director,
            ManifestPublisher manifests, int chunkBytes, boolean persistDeals) {
        this.store = Objects.requireNonNull(store, "store");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.hashes = Objects.requireNonNull(hashes, "hashes");
        this.director = Objects.requireNonNull(director, "director");
        this.manifests = Objects.requireNonNull(manifests, "manifests");
        if (chunkBytes < 10) {
            throw new IllegalArgumentException("chunkBytes must be >= 10: " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
        this.persistDeals = persistDeals;
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
        try {
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
                    done.add(ingestOne(Cid.of(Cid.RAW, cid.digest()), chunk, offset, dealBlocks));
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
            persistDeals();
            return new IngestReport(done, offset);
        } catch (PartialIngestException e) {
            if (!done.isEmpty()) {
                try {
                    persistDeals();
                } catch (RuntimeException p) {
                    e.addSuppressed(p);
                }
            }
            throw e;
        }
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
        checkDealBlocks(dealBlocks);
        IngestedChunk stored = ingestOne(Objects.requireNonNull(cid, "cid"), chunk, 0, dealBlocks);
        persistDeals();
        return stored;
    }

    /** With {@code persistDeals}, makes the chain's changes (the deals) durable before an ingest is acknowledged. */
    private void persistDeals() {
        if (persistDeals) {
            chain.persist();
        }
    }

    private static void checkDealBlocks(long dealBlocks) {
        if (dealBlocks <= 0) {
            throw new IllegalArgumentException("deal length must be positive: " + dealBlocks + " blocks");
        }
    }

    private IngestedChunk ingestOne(Cid cid, byte[] chunk, long offset, long dealBlocks) {
        if (chunk.length == 0) {
            throw new IllegalArgumentException("the upload is empty; there is nothing to store");
        }
        oneAtATime.lock();
        try {
            IngestedChunk stored = storeAndPin(cid, chunk, offset, dealBlocks);
            announce(stored.cid());
            return stored;
        } finally {
            oneAtATime.unlock();
        }
    }

    private void announce(String cid) {
        try {
            manifests.publish(cid);
        } catch (RuntimeException e) {
            LOG.warn("announcing cid={} failed; it stays stored and pinned: {}", cid, e.toString());
        }
    }

    private IngestedChunk storeAndPin(Cid cid, byte[] chunk, long offset, long dealBlocks) {
        boolean already = store.contains(cid);
        long expiresAt = chain.currentBlock() + dealBlocks;
        // Content addressing: a chunk already held keeps its shards and spec; only its expiry may move.
        ChunkMeta meta = already ? store.meta(cid).orElse(null) : null;
        if (meta == null) {
            meta = store.encodeAndPut(cid, chunk, ChunkSpec.rs10x4(chunk.length, "", expiresAt));
        }
        List<ShardHash> shardHashes = hashes.shardHashes(cid.toString());
        PinningDeal deal;
        try {
            chain.endow(director, PAYMENT_PER_CHUNK);
            // The CID goes on chain with the deal: it is how the other assigned nodes know what to fetch.
            deal = chain.createDeal(director, shardHashes, meta.spec().shardLength(), expiresAt, PAYMENT_PER_CHUNK,
                    cid.toString());
        } catch (RuntimeException e) {
            if (!already) {
                store.delete(cid);
            }
            throw e;
        }
        if (meta.expiryBlock() < deal.expiresAt()) {
            store.setExpiry(cid, deal.expiresAt());
        }
        LOG.info("ingested cid={} bytes={} deal={} expires_at={}", cid, chunk.length, deal.id(), deal.expiresAt());
        return new IngestedChunk(cid.toString(), offset, chunk.length, deal.id().toString(), deal.expiresAt(), already,
                meta.shards().size());
    }
}
