package io.icn.benchmarks.storage;

import static io.icn.benchmarks.LoadProcesses.currentJava;
import static io.icn.benchmarks.LoadProcesses.dirBytes;
import static io.icn.benchmarks.LoadProcesses.duBytes;
import static io.icn.benchmarks.LoadProcesses.log;
import static io.icn.benchmarks.LoadProcesses.result;
import static io.icn.benchmarks.LoadProcesses.run;
import static io.icn.benchmarks.LoadProcesses.usedHeapAfterGc;

import io.icn.benchmarks.LoadProcesses;
import io.icn.benchmarks.LoadProcesses.ChildJvm;
import io.icn.storage.ChunkSpec;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import io.icn.storage.StorageUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Load tool (not JMH): startup time and index memory of stores of 10k, 50k and 140k chunks (140k chunks
 * = 1.96 M shard entries), and how the store's disk use and index grow with the chunk count.
 *
 * <p>For each size N, in a temporary directory:
 * <ol>
 *   <li><b>fill</b> (child JVM): N chunks of RS(10,4) with 16-byte shards through {@code putChunk} from
 *       several threads, {@code Durability.NO_FSYNC} and no checkpoint until the end, then the child
 *       halts without closing the store: a crash, so the whole index is in the journal. {@code .index}
 *       is saved aside and {@code sync} run, so no measurement below flushes the fill's dirty pages;</li>
 *   <li><b>journal-replay path</b> (fresh child JVM per run, {@code .index} restored to the crash state
 *       first): {@code ShardStore.builder(root).build()} with the default FSYNC durability (only up to
 *       {@code --fsync-replay-max} chunks, it is slow) and with NO_FSYNC; the clean close writes a
 *       checkpoint;</li>
 *   <li><b>checkpoint path</b> (clean restart): {@code --opens} fresh child JVMs each timing
 *       {@code ShardStore.builder(root).build()} with default options, and the heap the open store
 *       retains (used heap after {@code System.gc()} with the store open, minus before);</li>
 *   <li><b>baselines</b> (fresh child JVMs): reading the raw {@code .index} files with a plain
 *       {@code FileChannel}, the floor of any index load; and {@code Files.walk} of the shard tree,
 *       which the store never does;</li>
 *   <li>disk use ({@code du}) and removal of the directory.</li>
 * </ol>
 * Page cache: warm throughout (nothing is dropped; the machine is shared). Every child JVM has a time
 * bound; the whole run holds the JMH lock ({@code /tmp/jmh.lock}) so no JMH run measures beside it
 * ({@code --lock-held-by-caller true} when a calling script already holds it).
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreStartupLoad \
 *     [--sizes 10000,50000,140000] [--dir /tmp] [--opens 3] [--threads 3] [--fsync-replay-max 10000] \
 *     [--child-timeout 300] [--lock-wait 3600] [--lock-held-by-caller false] [--out table.md]
 * </pre>
 */
public final class StoreStartupLoad {

    private static final int SHARD_BYTES = 16;
    private static final int SHARDS = 14;

    private StoreStartupLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Map<String, String> opt = options(args);
        int[] sizes = Arrays.stream(opt.getOrDefault("sizes", "10000,50000,140000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Path dir = Path.of(opt.getOrDefault("dir", System.getProperty("java.io.tmpdir")));
        int opens = Integer.parseInt(opt.getOrDefault("opens", "3"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "3"));
        int fsyncReplayMax = Integer.parseInt(opt.getOrDefault("fsync-replay-max", "10000"));
        long childTimeout = Long.parseLong(opt.getOrDefault("child-timeout", "300"));
        long lockWait = Long.parseLong(opt.getOrDefault("lock-wait", "3600"));
        Path out = opt.containsKey("out") ? Path.of(opt.get("out")) : null;

        boolean takeLock = !Boolean.parseBoolean(opt.getOrDefault("lock-held-by-caller", "false"));
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(takeLock, lockWait)) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (int n : sizes) {
                rows.add(measure(dir, n, opens, threads, n <= fsyncReplayMax, childTimeout));
                System.out.println(table(rows));
            }
            String report = header(opt) + "\n" + table(rows);
            System.out.println("\n" + report);
            if (out != null) {
                Files.writeString(out, report);
            }
        }
    }

    // ---- parent -------------------------------------------------------------------------------------------

    private static Map<String, String> measure(Path dir, int n, int opens, int threads, boolean fsyncReplay,
            long timeout) throws Exception {
        Path root = Files.createTempDirectory(dir, "icn-startup-" + n + "-");
        Path saved = Files.createTempDirectory(dir, "icn-startup-" + n + "-index-");
        Map<String, String> row = new LinkedHashMap<>();
        row.put("chunks", Integer.toString(n));
        try {
            log("N=%d: fill %s with %d threads (NO_FSYNC, crash at the end)", n, root, threads);
            Map<String, String> fill = child(timeout, "fill", root.toString(), Integer.toString(n),
                    Integer.toString(threads));
            row.put("fill_s", fmt(Double.parseDouble(fill.get("fill_ms")) / 1000, 1));
            copyDir(root.resolve(".index"), saved);
            row.put("journal_mb", fmt(dirBytes(saved) / 1e6, 1));
            run(timeout, "sync");

            if (fsyncReplay) {
                restore(saved, root.resolve(".index"));
                log("N=%d: journal replay, FSYNC", n);
                Map<String, String> r = child(timeout, "open", root.toString(), "FSYNC");
                row.put("replay_fsync_ms", r == null ? ">" + timeout * 1000 : r.get("build_ms"));
            } else {
                row.put("replay_fsync_ms", "-");
            }
            restore(saved, root.resolve(".index"));
            log("N=%d: journal replay, NO_FSYNC", n);
            Map<String, String> replay = child(timeout, "open", root.toString(), "NO_FSYNC");
            row.put("replay_ms", replay.get("build_ms"));
            run(timeout, "sync");

            List<Double> times = new ArrayList<>();
            List<Double> heaps = new ArrayList<>();
            for (int i = 0; i < opens; i++) {
                log("N=%d: checkpoint open %d/%d", n, i + 1, opens);
                Map<String, String> o = child(timeout, "open", root.toString(), "DEFAULT");
                if (!o.get("chunks").equals(Integer.toString(n)) || !"0".equals(o.get("journal_bytes_before"))) {
                    throw new IllegalStateException("unexpected store state: " + o);
                }
                times.add(Double.parseDouble(o.get("build_ms")));
                heaps.add(Double.parseDouble(o.get("heap_bytes")));
            }
            double open = median(times);
            double heap = median(heaps);
            row.put("open_ms", fmt(open, 0));
            row.put("open_range_ms", fmt(min(times), 0) + "-" + fmt(max(times), 0));
            row.put("heap_mb", fmt(heap / 1e6, 1));
            row.put("heap_b_per_chunk", fmt(heap / n, 0));
            long index = dirBytes(root.resolve(".index"));
            row.put("index_mb", fmt(index / 1e6, 1));
            row.put("index_b_per_chunk", fmt((double) index / n, 0));

            log("N=%d: baselines", n);
            Map<String, String> raw = child(timeout, "rawindex", root.resolve(".index").toString());
            double rawMs = Double.parseDouble(raw.get("read_ms"));
            row.put("raw_index_read_ms", fmt(rawMs, 1));
            row.put("open_vs_raw", fmt(open / rawMs, 1));
            Map<String, String> walk = child(timeout, "walk", root.toString());
            if (walk == null) {
                row.put("walk_ms", ">" + timeout * 1000);
            } else {
                double walkMs = Double.parseDouble(walk.get("walk_ms"));
                row.put("walk_ms", fmt(walkMs, 0));
                row.put("walk_files", walk.get("files"));
                row.put("walk_vs_open", fmt(walkMs / open, 1));
            }
            long disk = duBytes(root, timeout);
            row.put("disk_mb", fmt(disk / 1e6, 0));
            row.put("disk_b_per_chunk", fmt((double) disk / n, 0));
        } finally {
            long t0 = System.nanoTime();
            run(timeout, "rm", "-rf", root.toString(), saved.toString());
            log("N=%d: removed in %.1f s", n, (System.nanoTime() - t0) / 1e9);
        }
        return row;
    }

    private static final String[][] COLUMNS = {
        {"chunks", "chunks"},
        {"fill_s", "fill s"},
        {"journal_mb", "journal after crash MB"},
        {"replay_fsync_ms", "replay open FSYNC ms"},
        {"replay_ms", "replay open NO_FSYNC ms"},
        {"open_ms", "checkpoint open ms (median)"},
        {"open_range_ms", "min-max"},
        {"heap_mb", "index heap MB"},
        {"heap_b_per_chunk", "heap B/chunk"},
        {"index_mb", "checkpoint MB"},
        {"index_b_per_chunk", "checkpoint B/chunk"},
        {"raw_index_read_ms", "raw index read ms"},
        {"open_vs_raw", "open / raw read"},
        {"walk_ms", "Files.walk ms"},
        {"walk_files", "files walked"},
        {"walk_vs_open", "walk / open"},
        {"disk_mb", "disk MB (du)"},
        {"disk_b_per_chunk", "disk B/chunk"},
    };

    private static String table(List<Map<String, String>> rows) {
        StringBuilder b = new StringBuilder("|");
        for (String[] c : COLUMNS) {
            b.append(' ').append(c[1]).append(" |");
        }
        b.append("\n|");
        for (int i = 0; i < COLUMNS.length; i++) {
            b.append("---:|");
        }
        for (Map<String, String> r : rows) {
            b.append("\n|");
            for (String[] c : COLUMNS) {
                b.append(' ').append(r.getOrDefault(c[0], "-")).append(" |");
            }
        }
        return b.append('\n').toString();
    }

    private static String header(Map<String, String> opt) throws IOException {
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        return String.format(Locale.ROOT, "StoreStartupLoad %s; java %s (%s); %d cores; load average at end: %s",
                opt, System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), load);
    }

    /** Runs this class in a fresh JVM; returns its RESULT map, or null if it outlived the bound. */
    private static Map<String, String> child(long timeoutSeconds, String... args) throws Exception {
        return new ChildJvm(currentJava(), List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC"), StoreStartupLoad.class, null)
                .run(timeoutSeconds, !args[0].equals("fill"), args);
    }

    private static void copyDir(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path f : ds) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Puts {@code .index} back to the crash state (checkpoint-free, all chunks in the journal). */
    private static void restore(Path saved, Path index) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(index)) {
            for (Path f : ds) {
                Files.delete(f);
            }
        }
        copyDir(saved, index);
    }

    // ---- children ------------------------------------------------------------------------------------------

    private static void child(String[] a) throws Exception {
        switch (a[0]) {
            case "fill" -> fill(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            case "open" -> open(Path.of(a[1]), a[2]);
            case "rawindex" -> rawIndex(Path.of(a[1]));
            case "walk" -> walk(Path.of(a[1]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    private static void fill(Path root, int n, int threads) throws InterruptedException {
        ShardStore store = ShardStore.builder(root).durability(ShardStoreBuilder.Durability.NO_FSYNC).cacheBytes(0)
                .checkpointJournalBytes(Long.MAX_VALUE).build();
        byte[][] shards = new byte[SHARDS][SHARD_BYTES];
        for (int i = 0; i < SHARDS; i++) {
            Arrays.fill(shards[i], (byte) i);
        }
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    store.putChunk(StorageWorkload.cid(i), shards,
                            ChunkSpec.rs10x4(10L * SHARD_BYTES, "deal-" + (i % 1000), 1_000_000 + i));
                    if (i % 10_000 == 0) {
                        log("  filled %d", i);
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        StorageUsage u = store.usage();
        result("fill_ms=" + ms + " chunks=" + u.chunkCount() + " shards=" + u.shardCount());
        System.out.flush();
        Runtime.getRuntime().halt(0); // a crash: no close, no checkpoint
    }

    private static void open(Path root, String durability) {
        long journalBefore = 0;
        try (Stream<Path> s = Files.list(root.resolve(".index"))) {
            journalBefore = s.filter(p -> p.getFileName().toString().startsWith("journal-"))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long heap0 = usedHeapAfterGc();
        long t0 = System.nanoTime();
        ShardStoreBuilder b = ShardStore.builder(root);
        if (!durability.equals("DEFAULT")) {
            b.durability(ShardStoreBuilder.Durability.valueOf(durability));
        }
        ShardStore store = b.build();
        StorageUsage u = store.usage();
        double ms = (System.nanoTime() - t0) / 1e6;
        long heap = usedHeapAfterGc() - heap0;
        result(String.format(Locale.ROOT, "build_ms=%.0f heap_bytes=%d chunks=%d shards=%d journal_bytes_before=%d",
                ms, heap, u.chunkCount(), u.shardCount(), journalBefore));
        long c0 = System.nanoTime();
        store.close();
        result(String.format(Locale.ROOT, "close_ms=%.0f", (System.nanoTime() - c0) / 1e6));
    }

    private static void rawIndex(Path index) throws IOException {
        long t0 = System.nanoTime();
        long bytes = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(index)) {
            for (Path f : ds) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    int r;
                    while ((r = ch.read(buf.clear())) > 0) {
                        bytes += r;
                    }
                }
            }
        }
        result(String.format(Locale.ROOT, "read_ms=%.2f bytes=%d", (System.nanoTime() - t0) / 1e6, bytes));
    }

    private static void walk(Path root) throws IOException {
        long t0 = System.nanoTime();
        long files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.count();
        }
        result(String.format(Locale.ROOT, "walk_ms=%.0f files=%d", (System.nanoTime() - t0) / 1e6, files));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static Map<String, String> options(String[] args) {
        return LoadProcesses.options(args, "usage: StoreStartupLoad [--sizes a,b,c] [--dir d] [--opens n] "
                + "[--threads n] [--fsync-replay-max n] [--child-timeout s] [--lock-wait s] [--lock-held-by-caller b] "
                + "[--out file]");
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
