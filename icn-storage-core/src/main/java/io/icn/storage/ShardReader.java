package io.icn.storage;

import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjIntConsumer;

/**
 * The file store's reads: whole shards through the hot-shard cache (verified against the recorded SHA-256 when
 * asked, a mismatch quarantining the shard), ranges, and regions for zero-copy sending; each timed on the
 * retrieval timer. Reads never wait for the writer: they see the index as last published. Thread-safe.
 */
final class ShardReader {

    private final StoreLayout layout;
    private final StoreIndex index;
    private final ShardCache cache;
    private final boolean verifyOnRead;
    private final Timer retrieval;
    private final ObjIntConsumer<Cid> quarantine;

    /** @param quarantine takes a shard that failed its check out of service (through the writer) */
    ShardReader(StoreLayout layout, StoreIndex index, ShardCache cache, boolean verifyOnRead, Timer retrieval,
            ObjIntConsumer<Cid> quarantine) {
        this.layout = layout;
        this.index = index;
        this.cache = cache;
        this.verifyOnRead = verifyOnRead;
        this.retrieval = retrieval;
        this.quarantine = quarantine;
    }

    byte[] readShard(Cid cid, int shardIndex) {
        long start = System.nanoTime();
        try {
            boolean[] shared = new boolean[1];
            byte[] b = shardBytes(cid, shardIndex, verifyOnRead, shared);
            return shared[0] ? b.clone() : b;
        } finally {
            retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    ByteBuffer readShardView(Cid cid, int shardIndex) {
        long start = System.nanoTime();
        try {
            return ByteBuffer.wrap(shardBytes(cid, shardIndex, verifyOnRead, null)).asReadOnlyBuffer();
        } finally {
            retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The whole shard, from the cache or the disk; the returned array may be the cached one: never modify it.
     * {@code shared[0]}, when given, tells whether it is (so only then does a caller need a copy).
     */
    byte[] shardBytes(Cid cid, int shardIndex, boolean verify, boolean[] shared) {
        ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
        byte[] hit = cache.get(cid, shardIndex);
        if (hit != null) {
            if (shared != null) {
                shared[0] = true;
            }
            return hit;
        }
        byte[] b = new byte[e.spec.shardLength()];
        readInto(cid, shardIndex, 0, ByteBuffer.wrap(b));
        if (verify && !e.sha256Equals(shardIndex, ShardChecks.sha256(b))) {
            CorruptShardException c = new CorruptShardException(cid, shardIndex, e.sha256(shardIndex),
                    ShardChecks.sha256(b));
            quarantine.accept(cid, shardIndex);
            throw c;
        }
        if (cache.offer(cid, shardIndex, b) && shared != null) {
            shared[0] = true;
        }
        return b;
    }

    /** Fills {@code dst} from the shard's file at {@code offset}, bypassing the cache. */
    void readInto(Cid cid, int shardIndex, long offset, ByteBuffer dst) {
        try (FileChannel ch = FileChannel.open(layout.shardPath(cid, shardIndex), StandardOpenOption.READ)) {
            long pos = offset;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    throw new CorruptShardException(cid, shardIndex, "file is shorter than recorded");
                }
                pos += n;
            }
        } catch (NoSuchFileException e) {
            throw new ShardNotFoundException(cid, shardIndex);
        } catch (IOException e) {
            throw new StorageException("cannot read shard " + shardIndex + " of " + cid + ": " + e.getMessage(), e);
        }
    }

    byte[] readRange(Cid cid, int shardIndex, long offset, int length) {
        long start = System.nanoTime();
        try {
            ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
            ShardChecks.checkRange(e, offset, length);
            byte[] out = new byte[length];
            byte[] hit = cache.get(cid, shardIndex);
            if (hit != null) {
                System.arraycopy(hit, (int) offset, out, 0, length);
            } else {
                readInto(cid, shardIndex, offset, ByteBuffer.wrap(out));
            }
            return out;
        } finally {
            retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    ShardRegion openRegion(Cid cid, int shardIndex, long offset, long length) {
        long start = System.nanoTime();
        try {
            ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
            ShardChecks.checkRange(e, offset, length);
            FileChannel ch = FileChannel.open(layout.shardPath(cid, shardIndex), StandardOpenOption.READ);
            return new FileShardRegion(cid, shardIndex, offset, length, ch);
        } catch (NoSuchFileException e) {
            throw new ShardNotFoundException(cid, shardIndex);
        } catch (IOException e) {
            throw new StorageException("cannot open shard " + shardIndex + " of " + cid + ": " + e.getMessage(), e);
        } finally {
            retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
