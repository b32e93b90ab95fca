package io.icn.benchmarks.storage;

import static io.icn.benchmarks.storage.StorageWorkload.RANGE;
import static io.icn.benchmarks.storage.StorageWorkload.SHARD_SIZE;
import static io.icn.benchmarks.storage.StorageWorkload.TOTAL_SHARDS;

import io.icn.storage.CacheCounters;
import io.icn.storage.Cid;
import io.icn.storage.ShardRegion;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Random shard reads, one thread, as latency percentiles (SampleTime): 64 KiB ranges at a random
 * offset and whole 5,000,000-byte shards of a random chunk and shard, each store path beside the
 * baseline doing the same I/O without the store:
 *
 * <table>
 *   <caption>store path and its baseline</caption>
 *   <tr><th>store</th><th>baseline</th></tr>
 *   <tr><td>{@link #rangeStoreCached} (hot-shard cache)</td><td>{@link #rangeHeapCopy}: copy 64 KiB out of the
 *       same shard held in a heap array</td></tr>
 *   <tr><td>{@link #rangeStorePageCache} (cache off)</td><td>{@link #rangeFileChannel}: open the shard file,
 *       read 64 KiB at the offset, close</td></tr>
 *   <tr><td>{@link #shardStoreCached}</td><td>{@link #shardHeapCopy}: clone the held array</td></tr>
 *   <tr><td>{@link #shardStorePageCache}</td><td>{@link #shardFileChannel}: open, read the whole file
 *       into a new array, close</td></tr>
 *   <tr><td>{@link #shardRegionStore}: {@code openRegion} + {@code transferTo(/dev/null)} (sendfile)</td>
 *       <td>{@link #shardRegionFileChannel}: open + {@code FileChannel.transferTo(/dev/null)}</td></tr>
 * </table>
 *
 * <p>Each method collects at least 10,000 samples (whole-shard reads measure longer for that). The
 * store holds {@code chunks} chunks (default 8: 560 MB of shards, so everything fits both the
 * 1 GiB hot-shard cache and the page cache, which setup warms by reading every shard once). "Page
 * cache" reads therefore measure the store's read path over warm kernel pages, not the disk.
 *
 * <pre>java -jar icn-benchmarks/target/benchmarks.jar 'storage.ShardStoreBenchmark'</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class ShardStoreBenchmark {

    /** Chunks in the store: 14 shards of 5,000,000 bytes each, all fitting the cache and page cache. */
    @State(Scope.Benchmark)
    public abstract static class Filled {
        @Param({"8"})
        public int chunks;

        Path root;
        Cid[] cids;
        ShardStore store;

        abstract long cacheBytes();

        @Setup(Level.Trial)
        public void fill() throws IOException {
            root = StorageWorkload.tempDir("icn-read-bench");
            cids = StorageWorkload.fill(root, chunks);
            store = ShardStore.builder(root).cacheBytes(cacheBytes()).build();
            warm();
        }

        abstract void warm() throws IOException;

        @TearDown(Level.Trial)
        public void close() {
            store.close();
            StorageWorkload.deleteTree(root);
        }
    }

    /** The store with the hot-shard cache on (1 GiB) and every shard in it; the same shards on the heap. */
    @State(Scope.Benchmark)
    public static class Cached extends Filled {
        byte[][] heap;

        @Override
        long cacheBytes() {
            return 1L << 30;
        }

        @Override
        void warm() {
            heap = new byte[chunks * TOTAL_SHARDS][];
            for (int c = 0; c < chunks; c++) {
                for (int s = 0; s < TOTAL_SHARDS; s++) {
                    store.readShard(cids[c], s); // fills the cache
                    heap[c * TOTAL_SHARDS + s] = store.readShard(cids[c], s);
                }
            }
        }

        @TearDown(Level.Iteration)
        public void report() {
            CacheCounters c = store.maintenance().cacheCounters();
            System.out.printf(" [cache: %d hits, %d misses, %d evictions, %d bytes] ", c.hits(), c.misses(),
                    c.evictions(), c.weightBytes());
        }
    }

    /** The store with the cache off; the page cache warmed by reading every shard file once. */
    @State(Scope.Benchmark)
    public static class Disk extends Filled {
        Path[] files;
        FileChannel devNull;

        @Override
        long cacheBytes() {
            return 0;
        }

        @Override
        void warm() throws IOException {
            files = new Path[chunks * TOTAL_SHARDS];
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            for (int c = 0; c < chunks; c++) {
                for (int s = 0; s < TOTAL_SHARDS; s++) {
                    Path f = StorageWorkload.shardFile(root, cids[c], s);
                    files[c * TOTAL_SHARDS + s] = f;
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                        while (ch.read(buf.clear()) > 0) {
                            // pull the file into the page cache
                        }
                    }
                }
            }
            devNull = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        }

        @TearDown(Level.Trial)
        public void closeDevNull() throws IOException {
            devNull.close();
        }
    }

    /** The random choice of chunk, shard and offset, per thread. */
    @State(Scope.Thread)
    public static class Pick {
        final SplittableRandom rnd = new SplittableRandom(42);
        int chunk;
        int shard;
        int offset;

        /** Draws the next read; the draw is a few nanoseconds, inside the measured time for every method alike. */
        Pick next(int chunks) {
            chunk = rnd.nextInt(chunks);
            shard = rnd.nextInt(TOTAL_SHARDS);
            offset = rnd.nextInt(SHARD_SIZE - RANGE + 1);
            return this;
        }

        int slot() {
            return chunk * TOTAL_SHARDS + shard;
        }
    }

    // ---- 64 KiB ranges --------------------------------------------------------------------------------

    @Benchmark
    public byte[] rangeStoreCached(Cached s, Pick p) {
        p.next(s.chunks);
        return s.store.readRange(s.cids[p.chunk], p.shard, p.offset, RANGE);
    }

    @Benchmark
    public byte[] rangeHeapCopy(Cached s, Pick p) {
        p.next(s.chunks);
        byte[] out = new byte[RANGE];
        System.arraycopy(s.heap[p.slot()], p.offset, out, 0, RANGE);
        return out;
    }

    @Benchmark
    public byte[] rangeStorePageCache(Disk s, Pick p) {
        p.next(s.chunks);
        return s.store.readRange(s.cids[p.chunk], p.shard, p.offset, RANGE);
    }

    @Benchmark
    public byte[] rangeFileChannel(Disk s, Pick p) throws IOException {
        p.next(s.chunks);
        byte[] out = new byte[RANGE];
        try (FileChannel ch = FileChannel.open(s.files[p.slot()], StandardOpenOption.READ)) {
            readFully(ch, ByteBuffer.wrap(out), p.offset);
        }
        return out;
    }

    // ---- whole shards ---------------------------------------------------------------------------------

    @Benchmark
    @Measurement(iterations = 5, time = 6) // ~1-2 ms a read: >= 10,000 samples
    public byte[] shardStoreCached(Cached s, Pick p) {
        p.next(s.chunks);
        return s.store.readShard(s.cids[p.chunk], p.shard);
    }

    /** The no-copy form of {@link #shardStoreCached}: a read-only view of the cached bytes. */
    @Benchmark
    public ByteBuffer shardViewStoreCached(Cached s, Pick p) {
        p.next(s.chunks);
        return s.store.readShardView(s.cids[p.chunk], p.shard);
    }

    @Benchmark
    @Measurement(iterations = 5, time = 6) // ~1-2 ms a read: >= 10,000 samples
    public byte[] shardHeapCopy(Cached s, Pick p) {
        p.next(s.chunks);
        return s.heap[p.slot()].clone();
    }

    @Benchmark
    @Measurement(iterations = 5, time = 6) // ~1-2 ms a read: >= 10,000 samples
    public byte[] shardStorePageCache(Disk s, Pick p) {
        p.next(s.chunks);
        return s.store.readShard(s.cids[p.chunk], p.shard);
    }

    @Benchmark
    @Measurement(iterations = 5, time = 6) // ~1-2 ms a read: >= 10,000 samples
    public byte[] shardFileChannel(Disk s, Pick p) throws IOException {
        p.next(s.chunks);
        try (FileChannel ch = FileChannel.open(s.files[p.slot()], StandardOpenOption.READ)) {
            byte[] out = new byte[(int) ch.size()];
            readFully(ch, ByteBuffer.wrap(out), 0);
            return out;
        }
    }

    @Benchmark
    public long shardRegionStore(Disk s, Pick p) throws IOException {
        p.next(s.chunks);
        try (ShardRegion r = s.store.openRegion(s.cids[p.chunk], p.shard, 0, SHARD_SIZE)) {
            return r.transferTo(s.devNull);
        }
    }

    @Benchmark
    public long shardRegionFileChannel(Disk s, Pick p) throws IOException {
        p.next(s.chunks);
        try (FileChannel ch = FileChannel.open(s.files[p.slot()], StandardOpenOption.READ)) {
            long done = 0;
            while (done < SHARD_SIZE) {
                done += ch.transferTo(done, SHARD_SIZE - done, s.devNull);
            }
            return done;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new IOException("short file");
            }
            pos += n;
        }
    }
}
