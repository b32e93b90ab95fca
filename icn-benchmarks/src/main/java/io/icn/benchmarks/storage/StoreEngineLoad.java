package io.icn.benchmarks.storage;

import io.icn.benchmarks.LoadProcesses;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

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
 *       ({@code --threads} threads, {@code NO_FSYNC}, no checkpoint until the close, as the 140,000-chunk open
 *       measurement fills its store) and closes it: its checkpoint then holds N entries (~1 KB each), the size a
 *       checkpoint costs to write.</li>
 *   <li>{@code --measure}: opens that store with the default {@code FSYNC} and
 *       {@code checkpointJournalBytes = --checkpoint-bytes} (small, so that checkpoints come every few dozen
 *       puts), runs {@code --puts} {@code encodeAndPut}s of new {@code --chunk-bytes} chunks on one thread,
 *       timing each, then deletes them and closes. Prints P50, P90, P99 and max in ms and the number of
 *       checkpoints written during the puts (new {@code checkpoint-*.bin} names seen in {@code .index}); apart, the
 *       puts that overlapped a checkpoint (a {@code checkpoint-*.bin.tmp} in {@code .index} when the put began or
 *       ended, or a checkpoint became durable while it ran: with the checkpoint on the writer thread such a put
 *       queued behind it) against the others. The listing of {@code .index} is outside the timed call.</li>
 *   <li>{@code --compare}: runs {@code --measure} in fresh JVMs on two builds in alternating rounds (the old
 *       build first in odd rounds, the new one first in even ones; each round holds {@code /tmp/jmh.lock}, unless
 *       {@code --lock-held-by-caller true} says that the caller holds it for the whole run) and
 *       prints a table of both builds' figures and the ratios new / old per round with their median.
 *       {@code --old-cp} and {@code --new-cp} are the class paths of the two builds (this class first, compiled
 *       against that build), {@code --labels} their names in the table, {@code --java-opts} the child JVMs'
 *       flags.</li>
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
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --fill 140000 --store /tmp/ckpt-store \
 *     [--threads 3]
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --measure --store /tmp/ckpt-store \
 *     [--puts 300] [--chunk-bytes 1000000] [--checkpoint-bytes 65536] [--seed 1]
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --compare --store /tmp/ckpt-store \
 *     --old-cp OLD --new-cp NEW [--labels old,new] [--rounds 4] [--lock-held-by-caller false] \
 *     [--java-opts "-Xmx2g --add-modules jdk.incubator.vector"] \
 *     [--puts 300] [--chunk-bytes 1000000] [--checkpoint-bytes 65536]
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.StoreEngineLoad --open --store /tmp/ckpt-store \
 *     [--crash-state /tmp/crash-index]
 * </pre>
 */
public final class StoreEngineLoad {

    /** The figures {@code --compare} puts side by side, as the keys {@code --measure} prints them. */
    private static final String[] COMPARED = {"p50_ms", "p90_ms", "p99_ms", "max_ms", "overlapping_p50_ms",
        "overlapping_max_ms", "other_p50_ms", "other_p90_ms", "other_p99_ms"};

    private StoreEngineLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path store = null;
        long fill = -1;
        boolean measure = false;
        boolean open = false;
        boolean compare = false;
        boolean crash = false;
        Path crashState = null;
        int puts = 300;
        int chunkBytes = 1_000_000;
        long checkpointBytes = 64 * 1024;
        long seed = 1;
        int threads = 3;
        int rounds = 4;
        String oldCp = null;
        String newCp = null;
        String javaOpts = "-Xmx2g --add-modules jdk.incubator.vector";
        String[] labels = {"old", "new"};
        boolean lockHeldByCaller = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--measure") || a.equals("--open") || a.equals("--compare")) {
                measure |= a.equals("--measure");
                open |= a.equals("--open");
                compare |= a.equals("--compare");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--store" -> store = Path.of(v);
                case "--fill" -> fill = Long.parseLong(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--puts" -> puts = Integer.parseInt(v);
                case "--chunk-bytes" -> chunkBytes = Integer.parseInt(v);
                case "--checkpoint-bytes" -> checkpointBytes = Long.parseLong(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--crash" -> crash = Boolean.parseBoolean(v);
                case "--crash-state" -> crashState = Path.of(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--old-cp" -> oldCp = v;
                case "--new-cp" -> newCp = v;
                case "--java-opts" -> javaOpts = v;
                case "--labels" -> labels = v.split(",");
                case "--lock-held-by-caller" -> lockHeldByCaller = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (known: --fill N, --threads N,"
                        + " --crash B, --measure, --compare, --open, --crash-state DIR, --store PATH, --puts N,"
                        + " --chunk-bytes N, --checkpoint-bytes N, --seed N, --rounds N, --old-cp CP, --new-cp CP,"
                        + " --java-opts FLAGS, --labels OLD,NEW, --lock-held-by-caller B)");
            }
        }
        int modes = (fill >= 0 ? 1 : 0) + (measure ? 1 : 0) + (open ? 1 : 0) + (compare ? 1 : 0);
        if (store == null || modes != 1 || puts < 1 || chunkBytes < 10 || checkpointBytes < 1 || threads < 1
                || rounds < 1 || labels.length != 2 || compare && (oldCp == null || newCp == null)) {
            throw new IllegalArgumentException("usage: StoreEngineLoad (--fill N [--threads N] [--crash B] | --measure"
                    + " [--seed N] | --compare --old-cp CP --new-cp CP [--rounds N>=1] [--java-opts FLAGS]"
                    + " [--labels OLD,NEW] [--lock-held-by-caller B] | --open [--crash-state DIR]) --store PATH"
                    + " [--puts N>=1] [--chunk-bytes N>=10] [--checkpoint-bytes N>=1]");
        }
        if (measure) {
            measure(store, puts, chunkBytes, checkpointBytes, seed);
        } else if (compare) {
            compare(store, rounds, oldCp, newCp, labels, !lockHeldByCaller, javaOpts, puts, chunkBytes,
                    checkpointBytes);
        } else if (open) {
            open(store, crashState);
        } else {
            fill(store, fill, threads, crash);
        }
    }

    private static void fill(Path root, long n, int threads, boolean crash) throws Exception {
        ChunkSpec spec = ChunkSpec.rs10x4(160, "fill", 1_000_000);
        byte[][] shards = StorageWorkload.shards(3, 16);
        long start = System.nanoTime();
        ShardStore s = ShardStore.builder(root).durability(crash ? ShardStoreBuilder.Durability.FSYNC
                : ShardStoreBuilder.Durability.NO_FSYNC).checkpointJournalBytes(Long.MAX_VALUE).build();
        try {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int part = t;
                parts.add(pool.submit(() -> {
                    for (long c = part; c < n; c += threads) {
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
        boolean[] overlapped = new boolean[puts];
        List<Cid> written = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        int before = checkpointsIn(listIndex(root), seen);
        long chunks;
        long t0;
        try (ShardStore s = ShardStore.builder(root).checkpointJournalBytes(checkpointBytes).build()) {
            chunks = s.usage().chunkCount();
            t0 = System.nanoTime();
            for (int i = 0; i < puts; i++) {
                random.nextBytes(chunk);
                Cid cid = Cid.ofRaw(chunk);
                boolean writing = checkpointsIn(listIndex(root), seen) < 0;
                long p0 = System.nanoTime();
                s.encodeAndPut(cid, chunk, spec);
                nanos[i] = System.nanoTime() - p0;
                written.add(cid);
                int ended = checkpointsIn(listIndex(root), seen);
                overlapped[i] = writing || ended != 0;
            }
            t0 = System.nanoTime() - t0;
            for (Cid c : written) {
                s.delete(c);
            }
        }
        long[] all = sorted(nanos, overlapped, null);
        long[] during = sorted(nanos, overlapped, true);
        long[] others = sorted(nanos, overlapped, false);
        System.out.printf(Locale.ROOT,
                "RESULT chunks=%d puts=%d chunkBytes=%d checkpointBytes=%d checkpoints=%d run_s=%.1f p50_ms=%.2f"
                        + " p90_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f overlapping=%d overlapping_p50_ms=%.2f"
                        + " overlapping_max_ms=%.2f other_p50_ms=%.2f other_p90_ms=%.2f other_p99_ms=%.2f%n",
                chunks, puts, chunkBytes, checkpointBytes, seen.size() - before, t0 / 1e9, ms(all, 0.50),
                ms(all, 0.90), ms(all, 0.99), ms(all, 1), Arrays.stream(all).average().orElse(0) / 1e6, during.length,
                ms(during, 0.5), ms(during, 1), ms(others, 0.5), ms(others, 0.9), ms(others, 0.99));
    }

    /** The put times whose overlap flag is {@code which} (all of them when null), sorted. */
    private static long[] sorted(long[] nanos, boolean[] overlapped, Boolean which) {
        return IntStream.range(0, nanos.length).filter(i -> which == null || overlapped[i] == which)
                .mapToLong(i -> nanos[i]).sorted().toArray();
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static List<String> listIndex(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = root.resolve(".index");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "checkpoint-*")) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        }
        return out;
    }

    /**
     * Adds the durable checkpoints of {@code names} not yet in {@code seen} to it.
     *
     * @return how many were new, or -1 when a checkpoint is being written (a {@code .tmp} is among the names)
     */
    private static int checkpointsIn(List<String> names, List<String> seen) {
        int added = 0;
        boolean writing = false;
        for (String n : names) {
            if (n.endsWith(".tmp")) {
                writing = true;
            } else if (!seen.contains(n)) {
                seen.add(n);
                added++;
            }
        }
        return writing ? -1 : added;
    }

    private static void compare(Path store, int rounds, String oldCp, String newCp, String[] labels, boolean takeLock,
            String javaOpts, int puts, int chunkBytes, long checkpointBytes) throws Exception {
        List<String[]> rows = new ArrayList<>(); // round, build, load, figures...
        List<Map<String, String>> results = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            String[] order = r % 2 == 1 ? new String[] {"old", "new"} : new String[] {"new", "old"};
            try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(takeLock, 3600)) {
                for (String build : order) {
                    String load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
                    List<String> cmd = new ArrayList<>();
                    cmd.add(LoadProcesses.currentJava().toString());
                    cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
                    cmd.addAll(List.of("-cp", build.equals("old") ? oldCp : newCp, StoreEngineLoad.class.getName(),
                            "--measure", "--store", store.toString(), "--puts", Integer.toString(puts),
                            "--chunk-bytes", Integer.toString(chunkBytes), "--checkpoint-bytes",
                            Long.toString(checkpointBytes), "--seed", Integer.toString(r)));
                    String label = labels[build.equals("old") ? 0 : 1];
                    LoadProcesses.log("round %d, %s build, load %s", r, label, load);
                    Map<String, String> m = runChild(cmd);
                    m.put("round", Integer.toString(r));
                    m.put("build", build);
                    m.put("label", label);
                    m.put("load", load);
                    results.add(m);
                }
            }
            System.out.println(table(results, rounds, labels));
        }
    }

    /** Runs a {@code --measure} child; its RESULT line as a map. */
    private static Map<String, String> runChild(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, String> m = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("    | " + line);
                if (line.startsWith("RESULT ")) {
                    for (String kv : line.substring(7).split(" ")) {
                        int eq = kv.indexOf('=');
                        m.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
        }
        if (p.waitFor() != 0 || m.isEmpty()) {
            throw new IllegalStateException("measure child " + cmd + " exited " + p.exitValue() + " without a result");
        }
        return m;
    }

    private static String table(List<Map<String, String>> results, int rounds, String[] labels) {
        StringBuilder b = new StringBuilder("\n| round | build | load | chunks | checkpoints | overlapping puts |");
        for (String k : COMPARED) {
            b.append(' ').append(k).append(" |");
        }
        b.append("\n|---:|---|---:|---:|---:|---:|").append("---:|".repeat(COMPARED.length)).append('\n');
        for (Map<String, String> m : results) {
            b.append("| ").append(m.get("round")).append(" | ").append(m.get("label")).append(" | ")
                    .append(m.get("load")).append(" | ").append(m.get("chunks")).append(" | ")
                    .append(m.get("checkpoints")).append(" | ").append(m.get("overlapping")).append(" |");
            for (String k : COMPARED) {
                b.append(' ').append(m.get(k)).append(" |");
            }
            b.append('\n');
        }
        b.append("\n| ").append(labels[1]).append(" / ").append(labels[0]).append(" | ");
        for (int r = 1; r <= rounds; r++) {
            b.append("round ").append(r).append(" | ");
        }
        b.append("median |\n|---|").append("---:|".repeat(rounds + 1)).append('\n');
        for (String k : COMPARED) {
            b.append("| ").append(k).append(" | ");
            List<Double> ratios = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                Double ratio = ratio(results, r, k);
                if (ratio != null) {
                    ratios.add(ratio);
                }
                b.append(ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio)).append(" | ");
            }
            b.append(ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", median(ratios))).append(" |\n");
        }
        return b.toString();
    }

    /** new / old of figure {@code k} in round {@code r}; null while the round lacks a build or a figure is 0. */
    private static Double ratio(List<Map<String, String>> results, int r, String k) {
        Double oldV = null;
        Double newV = null;
        for (Map<String, String> m : results) {
            if (m.get("round").equals(Integer.toString(r))) {
                double v = Double.parseDouble(m.get(k));
                if (m.get("build").equals("old")) {
                    oldV = v;
                } else {
                    newV = v;
                }
            }
        }
        return oldV == null || newV == null || oldV == 0 ? null : newV / oldV;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
