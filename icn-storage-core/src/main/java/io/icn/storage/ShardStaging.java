package io.icn.storage;

import io.icn.erasure.ErasureCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first half of a put, on the putting thread: reserves the capacity, writes the shard files and the manifest
 * into {@code .staging/<CID>.<txid>/} while a pool of one thread per core hashes each shard (SHA-256 and Merkle root
 * in one pass) and, with fsync, a pool of {@value #FORCING_THREADS} forcing threads forces each file as soon as it
 * is written (so the disk and every core work at once), then forces the staging directory. The result, a
 * {@link Staged} write, is what the writer commits ({@link PutOp}).
 *
 * <p>Thread-safe: any number of threads stage at once; the capacity reservation never over-commits.
 */
final class ShardStaging implements AutoCloseable {

    /** Forcing waits on the disk: more threads than cores let the file system batch the forces of one put. */
    private static final int FORCING_THREADS = 16;
    private static final int SPARE_PARITY_SETS = 2;

    /**
     * A put's shards written, hashed and forced in its staging directory, with the bytes reserved for them.
     * {@link #release()} (or {@link #releaseReservation()} once committed) ends it.
     */
    record Staged(Cid cid, ChunkSpec spec, long txid, Path dir, int[] indexes, byte[][] hashes, long createdMillis,
            int leafSize, long reservedBytes, AtomicLong reservations) {

        /** The put is abandoned: its staging directory goes, its reservation ends. */
        void release() {
            StoreLayout.deleteQuietly(dir);
            releaseReservation();
        }

        /** The put's bytes are in the index now (or were never added): its reservation ends. */
        void releaseReservation() {
            reservations.addAndGet(-reservedBytes);
        }
    }

    private final StoreLayout layout;
    private final StoreIndex index;
    private final long capacityBytes;
    private final ExecutorService forcingPool;
    private final ExecutorService hashPool;
    /** Parity arrays of earlier encodings for the next ones; see {@link #spareParity}. */
    private final ArrayBlockingQueue<byte[][]> spareParity = new ArrayBlockingQueue<>(SPARE_PARITY_SETS);
    private final AtomicLong reserved = new AtomicLong();

    ShardStaging(StoreLayout layout, StoreIndex index, long capacityBytes, ThreadFactory threads) {
        this.layout = layout;
        this.index = index;
        this.capacityBytes = capacityBytes;
        this.forcingPool = Executors.newFixedThreadPool(FORCING_THREADS, threads);
        this.hashPool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), threads);
    }

    /**
     * Parity arrays for an encoding of {@code spec}: a spare set of the right shape, else new ones. Each array of a
     * 50 MB chunk's shard is 5 MB, a humongous object that a new allocation per put would make the collector chase;
     * the few sets that concurrent puts need are kept (at most {@link #SPARE_PARITY_SETS}).
     */
    byte[][] spareParity(ChunkSpec spec) {
        byte[][] set;
        while ((set = spareParity.poll()) != null) {
            if (set.length == spec.parityShards() && set[0].length == spec.shardLength()) {
                return set;
            }
        }
        return new byte[spec.parityShards()][spec.shardLength()];
    }

    /** Gives back arrays from {@link #spareParity} once no task reads them. */
    void returnParity(byte[][] set) {
        spareParity.offer(set);
    }

    /** Encodes the parity of {@code shards} on the hash pool; the future completes when {@code shards[k..]} hold it. */
    Future<?> encodeParity(ErasureCodec codec, ByteBuffer[] shards) {
        return hashPool.submit(() -> codec.encodeParity(ShardChecks.duplicates(shards)));
    }

    /**
     * Reserves the bytes, then writes, hashes and forces {@code shards[i]} for each index of {@code toWrite} and the
     * manifest into a new staging directory.
     *
     * @param current the chunk's entry now, or null
     * @param shards read from position 0 to limit, never modified here
     * @param parity when not null, the encoding of the parity shards (indexes {@code >= k}) into {@code shards}:
     *     they are written and hashed only after it completes
     * @throws StorageFullException when the bytes do not fit, or the disk fills; nothing remains
     */
    Staged stage(Cid cid, ChunkEntry current, int[] toWrite, ByteBuffer[] shards, ChunkSpec spec, Future<?> parity,
            long txid, long createdMillis, int newLeafSize) {
        long bytes = (long) toWrite.length * spec.shardLength();
        reserve(bytes);
        Path dir = layout.stagingDir.resolve(IndexJournal.stagingName(cid, txid));
        byte[][] hashes = new byte[spec.totalShards()][];
        long created = current != null ? current.createdMillis : createdMillis;
        int leaf = current != null ? current.leafSize : newLeafSize;
        List<Future<?>> pending = new ArrayList<>(2 * toWrite.length + 2);
        if (parity != null) {
            pending.add(parity);
        }
        List<Future<byte[]>> hashing = new ArrayList<>(toWrite.length);
        try {
            Files.createDirectory(dir);
            ChunkEntry manifest = ChunkEntry.empty(cid, spec, leaf, created);
            Future<?> encoding = parity;
            for (int i : toWrite) {
                if (encoding != null && i >= spec.dataShards()) {
                    await(encoding, pending, "encoding the parity shards");
                    encoding = null;
                }
                ByteBuffer shard = shards[i];
                Future<byte[]> hash = hashPool.submit(() -> hashShard(shard.duplicate(), leaf));
                hashing.add(hash);
                pending.add(hash);
                pending.add(writeForced(dir.resolve(StoreLayout.shardFileName(i)), shard.duplicate()));
            }
            for (int k = 0; k < toWrite.length; k++) {
                int i = toWrite[k];
                hashes[i] = await(hashing.get(k), pending, "hashing a shard");
                manifest = manifest.withHealthy(i, Arrays.copyOf(hashes[i], 32), Arrays.copyOfRange(hashes[i], 32, 64));
            }
            pending.add(writeForced(dir.resolve(StoreLayout.MANIFEST), ByteBuffer.wrap(manifest.encode())));
            awaitAll(pending);
            layout.force(dir);
        } catch (IOException | RuntimeException e) {
            awaitQuietly(pending); // no forcer may still hold a file of the staging directory
            StoreLayout.deleteQuietly(dir);
            reserved.addAndGet(-bytes);
            throw StoreLayout.failure(e, bytes, "write shards of " + cid);
        }
        return new Staged(cid, spec, txid, dir, toWrite, hashes, created, leaf, bytes, reserved);
    }

    private void reserve(long bytes) {
        while (true) {
            long r = reserved.get();
            long available = capacityBytes - index.bytesStored() - r;
            if (bytes > available) {
                throw new StorageFullException(bytes, Math.max(0, available));
            }
            if (reserved.compareAndSet(r, r + bytes)) {
                return;
            }
        }
    }

    /** {@code sha256 || merkleRoot} of one shard. */
    private static byte[] hashShard(ByteBuffer shard, int leaf) {
        MessageDigest md = Merkle.newSha256();
        byte[] root = Merkle.root(shard, leaf, md);
        byte[] out = Arrays.copyOf(md.digest(), 64);
        System.arraycopy(root, 0, out, 32, 32);
        return out;
    }

    /**
     * Writes {@code b} to a new file; with fsync its force and close run on a forcing thread (the future completes
     * when the file is forced and closed), else the file is closed before returning.
     */
    private Future<?> writeForced(Path file, ByteBuffer b) throws IOException {
        FileChannel ch = layout.writeNew(file, b);
        if (!layout.fsync) {
            ch.close();
            return CompletableFuture.completedFuture(null);
        }
        try {
            return forcingPool.submit(() -> {
                try (ch) {
                    ch.force(false);
                }
                return null;
            });
        } catch (RuntimeException e) { // rejected: the store is closing
            ch.close();
            throw e;
        }
    }

    /** The result of {@code task}, one step of a put named by {@code what}; waits for {@code all} when interrupted. */
    private static <T> T await(Future<T> task, List<Future<?>> all, String what) throws IOException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            awaitQuietly(all);
            throw new InterruptedIOException("interrupted while " + what);
        }
    }

    /** Waits for every task; throws the first failure. */
    private static void awaitAll(List<Future<?>> tasks) throws IOException {
        IOException first = null;
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (ExecutionException e) {
                IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                if (first == null) {
                    first = io;
                } else {
                    first.addSuppressed(io);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                awaitQuietly(tasks);
                throw new InterruptedIOException("interrupted while forcing shard files");
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits for every task, whatever their outcome; keeps an interrupt for the caller. */
    static void awaitQuietly(List<? extends Future<?>> tasks) {
        boolean interrupted = false;
        for (Future<?> f : tasks) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets queued work of puts still staging finish; accepts nothing new. */
    @Override
    public void close() {
        forcingPool.shutdown();
        hashPool.shutdown();
    }
}
