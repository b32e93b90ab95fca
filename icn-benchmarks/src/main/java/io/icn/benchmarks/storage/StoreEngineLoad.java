package io.icn.benchmarks.storage;

import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load tool (not JMH) for the store's engine: the latency of {@code encodeAndPut} while the store writes index
 * checkpoints (whether a put waits behind a checkpoint), and the time to open a large store, cleanly or after a
 * crash. It uses only the API that the store had before checkpoints moved off the writer thread (no maintenance
 * view), so the same source, built against either, measures the code before and after that change on the same
 * filled store, in alternating rounds.
 *
 * <p>Modes, so that one filled store serves every round of both builds:
 * <ul>
 *   <li>{@code --fill N}: fills a store at {@code --store} with N chunks of RS(10,4) with 16-byte shards
 *       (3 threads, {@code NO_FSYNC}) and closes it: its checkpoint then holds N entries (~1 KB each), the
 *       size a checkpoint costs to write.</li>
 *   <li>{@code --measure}: opens that store with the default {@code FSYNC} and
 *       {@code checkpointJournalBytes = --checkpoint-bytes} (small, so that checkpoints come every few dozen
 *       puts), runs {@code --puts} {@code encodeAndPut}s of new {@code --chunk-bytes} chunks on one thread,
 *       timing each, then deletes them and closes. Prints P50, P90, P99 and max in ms and the number of
 *       checkpoints written during the puts (new {@code checkpoint-*.bin} names seen in {@code .index}), and apart
 *       the puts during which a checkpoint became durable (with the checkpoint on the writer thread, the put queued
 *       behind it) against the others.</li>
 *   <li>{@code --fill N --crash true}: as {@code --fill} but with {@code FSYNC} and then {@code Runtime.halt}
 *       without closing (a crash: the whole index is in the journal); copy {@code .index} aside for
 *       {@code --crash-state}.</li>
 *   <li>{@code --open}: times {@code ShardStore.builder(store).build()} (default options) and prints
 *       {@code open_ms}; then closes it, or, with {@code --crash-state DIR}, first replaces {@code .index} by the
 *       files of DIR (the saved crash state) and halts after the open instead of closing, so every round
 *       replays the same journal.</li>
 * </ul>
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --fill 20000 --store /tmp/ckpt-store
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --measure --store /tmp/ckpt-store \
 *     [--puts 300] [--chunk-bytes 1000000] [--checkpoint-bytes 65536] [--seed 1]
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --open --store /tmp/ckpt-store \
 *     [--crash-state /tmp/crash-index]
 * </pre>
 */
public final class StoreEngineLoad {

    private StoreEngineLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path store = null;
        long fill = -1;
        boolean measure = false;
        boolean open = false;
        boolean crash = false;
        Path crashState = null;
        int puts = 300;
        int chunkBytes = 1_000_000;
        long checkpointBytes = 64 * 1024;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--measure") || a.equals("--open")) {
                measure |= a.equals("--measure");
                open |= a.equals("--open");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--store" -> store = Path.of(v);
                case "--fill" -> fill = Long.parseLong(v);
                case "--puts" -> puts = Integer.parseInt(v);
                case "--chunk-bytes" -> chunkBytes = Integer.parseInt(v);
                case "--checkpoint-bytes" -> checkpointBytes = Long.parseLong(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--crash" -> crash = Boolean.parseBoolean(v);
                case "--crash-state" -> crashState = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (known: --fill N, --crash B, --measure,"
                        + " --open, --crash-state DIR, --store PATH, --puts N, --chunk-bytes N, --checkpoint-bytes N, --seed N)");
            }
        }
        int modes = (fill >= 0 ? 1 : 0) + (measure ? 1 : 0) + (open ? 1 : 0);
        if (store == null || modes != 1 || puts < 1 || chunkBytes < 10 || checkpointBytes < 1) {
            throw new IllegalArgumentException("usage: StoreEngineLoad (--fill N [--crash B] | --measure | --open"
                    + " [--crash-state DIR]) --store PATH [--puts N>=1] [--chunk-bytes N>=10] [--checkpoint-bytes N>=1]"
                    + " [--seed N]");
        }
        if (measure) {
            measure(store, puts, chunkBytes, checkpointBytes, seed);
        } else if (open) {
            open(store, crashState);
        } else {
            fill(store, fill, crash);
        }
    }

    private static void fill(Path root, long n, boolean crash) throws Exception {
        ChunkSpec spec = ChunkSpec.rs10x4(160, "fill", 1_000_000);
        byte[][] shards = StorageWorkload.shards(3, 16);
        long start = System.nanoTime();
        ShardStore s = ShardStore.builder(root).durability(crash ? ShardStoreBuilder.Durability.FSYNC
                : ShardStoreBuilder.Durability.NO_FSYNC).checkpointJournalBytes(Long.MAX_VALUE).build();
        try {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int part = t;
                parts.add(pool.submit(() -> {
                    for (long c = part; c < n; c += 3) {
                        s.putChunk(StorageWorkload.cid(c), shards, spec);
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            pool.shutdown();
            if (crash) {
                System.out.printf(Locale.ROOT, "filled %d chunks in %.1f s; halting without close%n", n,
                        (System.nanoTime() - start) / 1e9);
                System.out.flush();
                Runtime.getRuntime().halt(0);
            }
        } finally {
            s.close();
        }
        System.out.printf(Locale.ROOT, "filled %d chunks in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
    }

    private static void open(Path root, Path crashState) throws IOException {
        if (crashState != null) {
            Path index = root.resolve(".index");
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(index)) {
                for (Path p : ds) {
                    Files.delete(p);
                }
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(crashState)) {
                for (Path p : ds) {
                    Files.copy(p, index.resolve(p.getFileName()));
                }
            }
        }
        long t0 = System.nanoTime();
        ShardStore s = ShardStore.builder(root).build();
        double ms = (System.nanoTime() - t0) / 1e6;
        long chunks = s.usage().chunkCount();
        System.out.printf(Locale.ROOT, "open_ms=%.1f chunks=%d crash=%b%n", ms, chunks, crashState != null);
        System.out.flush();
        if (crashState != null) {
            Runtime.getRuntime().halt(0);
        }
        s.close();
    }

    private static void measure(Path root, int puts, int chunkBytes, long checkpointBytes, long seed)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ChunkSpec spec = ChunkSpec.rs10x4(chunkBytes, "measure", 2_000_000);
        byte[] chunk = new byte[chunkBytes];
        long[] nanos = new long[puts];
        boolean[] overlapped = new boolean[puts]; // a checkpoint became durable while this put ran
        List<Cid> written = new ArrayList<>();
        List<String> checkpointsBefore = checkpoints(root);
        List<String> seen = new ArrayList<>(checkpointsBefore);
        try (ShardStore s = ShardStore.builder(root).checkpointJournalBytes(checkpointBytes).build()) {
            for (int i = 0; i < puts; i++) {
                random.nextBytes(chunk);
                Cid cid = Cid.ofRaw(chunk);
                long t0 = System.nanoTime();
                s.encodeAndPut(cid, chunk, spec);
                nanos[i] = System.nanoTime() - t0;
                written.add(cid);
                for (String c : checkpoints(root)) {
                    if (!seen.contains(c)) {
                        seen.add(c);
                        overlapped[i] = true;
                    }
                }
            }
            for (Cid c : written) {
                s.delete(c);
            }
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long[] during = java.util.stream.IntStream.range(0, puts).filter(i -> overlapped[i]).mapToLong(i -> nanos[i])
                .sorted().toArray();
        long[] others = java.util.stream.IntStream.range(0, puts).filter(i -> !overlapped[i]).mapToLong(i -> nanos[i])
                .sorted().toArray();
        System.out.printf(Locale.ROOT,
                "puts=%d chunkBytes=%d checkpointBytes=%d checkpoints=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                        + " mean_ms=%.2f | puts_ending_a_checkpoint=%d their_p50_ms=%.2f their_max_ms=%.2f"
                        + " | other_puts_p50_ms=%.2f other_puts_p99_ms=%.2f%n",
                puts, chunkBytes, checkpointBytes, seen.size() - checkpointsBefore.size(), ms(sorted, 0.50),
                ms(sorted, 0.90), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6,
                Arrays.stream(sorted).average().orElse(0) / 1e6, during.length, ms(during, 0.5),
                during.length == 0 ? 0 : during[during.length - 1] / 1e6, ms(others, 0.5), ms(others, 0.99));
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static List<String> checkpoints(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = root.resolve(".index");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "checkpoint-*.bin")) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        }
        return out;
    }
}
