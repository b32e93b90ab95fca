package io.icn.benchmarks.storage;

import static io.icn.benchmarks.LoadProcesses.usedHeapAfterGc;

import io.icn.benchmarks.LoadProcesses;
import io.icn.storage.InMemoryShardStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Load tool (not JMH): what the shard hash index behind {@code ShardStore.locate} costs at first use and
 * in memory. For each repeat, a fresh in-memory store of N chunks of 14 shards (two index entries per shard,
 * see {@code StorageWorkload.tinyShardStore}); then the used heap after {@code System.gc()}, the first
 * {@code locate} (which builds the index from the chunk index) timed (wall and thread CPU), the heap again, and the mean of
 * 10,000 further lookups; beside them, one walk of every chunk's metadata, as proving an audit did before
 * (a scan for a hash that is absent: all chunks visited). Holds the JMH lock ({@code /tmp/jmh.lock}) while it runs.
 *
 * <pre>
 * java -Xms4g -Xmx4g -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.ShardLocateLoad \
 *     [chunks=140000] [repeats=3] [lock-held-by-caller=false]
 * </pre>
 */
public final class ShardLocateLoad {

    /** Thread CPU time beside wall time: on a shared machine the wall time says more about the neighbours. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ShardLocateLoad() {
    }

    public static void main(String[] args) throws Exception {
        int chunks = args.length > 0 ? Integer.parseInt(args[0]) : 140_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean lockHeldByCaller = args.length > 2 && Boolean.parseBoolean(args[2]);
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(!lockHeldByCaller, 3600)) {
            measure(chunks, repeats);
        }
    }

    private static void measure(int chunks, int repeats) {
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            InMemoryShardStore store = StorageWorkload.tinyShardStore(chunks);
            byte[][] targets = StorageWorkload.randomShardRoots(store, chunks, 10_000, r);
            long heap0 = usedHeapAfterGc();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            store.maintenance().locate(targets[0]).orElseThrow();
            double buildMs = (System.nanoTime() - t0) / 1e6;
            double buildCpuMs = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6;
            long heap1 = usedHeapAfterGc();
            t0 = System.nanoTime();
            for (byte[] t : targets) {
                store.maintenance().locate(t).orElseThrow();
            }
            double lookupUs = (System.nanoTime() - t0) / 1e3 / targets.length;
            cpu0 = THREADS.getCurrentThreadCpuTime();
            t0 = System.nanoTime();
            if (AuditLocateBenchmark.walk(store, new byte[32]).isPresent()) {
                throw new IllegalStateException("a zero hash was found");
            }
            double walkMs = (System.nanoTime() - t0) / 1e6;
            double walkCpuMs = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6;
            double perChunk = (double) (heap1 - heap0) / chunks;
            rows.add(new double[] {buildMs, buildCpuMs, perChunk, lookupUs, walkMs, walkCpuMs});
            System.out.printf(Locale.ROOT, "repeat %d: chunks=%d first locate (builds the index) %.0f ms (CPU %.0f ms),"
                    + " index heap %.1f MB = %.0f B/chunk, later lookups %.2f us each, full walk of the metadata %.0f ms"
                    + " (CPU %.0f ms)%n", r + 1, chunks, buildMs, buildCpuMs, (heap1 - heap0) / 1e6, perChunk, lookupUs,
                    walkMs, walkCpuMs);
            store.close();
        }
        System.out.printf(Locale.ROOT, "median: build %.0f ms (CPU %.0f ms), %.0f B/chunk, lookup %.2f us, walk %.0f ms"
                + " (CPU %.0f ms) (JDK %s)%n", median(rows, 0), median(rows, 1), median(rows, 2), median(rows, 3),
                median(rows, 4), median(rows, 5), System.getProperty("java.version"));
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
