package io.icn.benchmarks.storage;

import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Load tool (not JMH): an fsync'd put of a 50 MB chunk (14 shards of 5,000,000 bytes, the store's default
 * {@code Durability.FSYNC}) <em>paired</em> with its raw baselines, so that every ratio compares runs
 * made seconds apart under the same machine and disk load. {@link ChunkPutBenchmark} runs the put and the
 * baseline as separate JMH benchmarks, minutes apart; on this shared machine the disk's speed drifts more
 * than that between them (we saw the same raw write take 62 ms and 195 ms in one minute).
 *
 * <p>Each round runs, in an order that rotates from round to round:
 * <ul>
 *   <li><b>put</b>: {@code store.putChunk} of a new CID;</li>
 *   <li><b>raw14</b>: the same 14 shards written to 14 new files of a new directory, each forced, then the
 *       directory forced: the I/O a durable put cannot avoid;</li>
 *   <li><b>raw1</b>: the same 70 MB written to one new file and forced once: the cheapest durable write
 *       of these bytes (the baseline issue 6 names for ingest).</li>
 * </ul>
 * then deletes what the round wrote. Reported: the median and quartiles of each, and the median of the
 * per-round ratios put/raw14 and put/raw1 (target: put &le; 1.3 &times; raw). Rounds before
 * {@code --warmup} are not counted.
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.storage.ChunkPutLoad [--rounds 21] [--warmup 3] [--dir /tmp]
 * </pre>
 */
public final class ChunkPutLoad {

    private ChunkPutLoad() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = 21;
        int warmup = 3;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --rounds N, --warmup N, --dir PATH)");
            }
        }
        if (args.length % 2 != 0 || rounds < 1 || warmup < 0) {
            throw new IllegalArgumentException("usage: ChunkPutLoad [--rounds N>=1] [--warmup N>=0] [--dir PATH]");
        }
        byte[][] shards = StorageWorkload.shards(7, StorageWorkload.SHARD_SIZE);
        ChunkSpec spec = ChunkSpec.rs10x4(StorageWorkload.CHUNK_SIZE, "bench", 1);
        Path root = Files.createTempDirectory(dir, "icn-put-load");
        double[] put = new double[rounds];
        double[] raw14 = new double[rounds];
        double[] raw1 = new double[rounds];
        try (ShardStore store = ShardStore.builder(root.resolve("store")).cacheBytes(0).build()) {
            Files.createDirectory(root.resolve("raw"));
            for (int round = -warmup; round < rounds; round++) {
                Cid cid = StorageWorkload.cid(round + warmup);
                Path rawDir = root.resolve("raw").resolve("c" + (round + warmup));
                Path rawFile = root.resolve("raw").resolve("f" + (round + warmup));
                double p = 0;
                double r14 = 0;
                double r1 = 0;
                for (int k = 0; k < 3; k++) {
                    long t0 = System.nanoTime();
                    switch ((k + round + warmup) % 3) {
                        case 0 -> {
                            store.putChunk(cid, shards, spec);
                            p = millisSince(t0);
                        }
                        case 1 -> {
                            writeFourteen(rawDir, shards);
                            r14 = millisSince(t0);
                        }
                        default -> {
                            writeOne(rawFile, shards);
                            r1 = millisSince(t0);
                        }
                    }
                }
                store.delete(cid);
                StorageWorkload.deleteTree(rawDir);
                Files.delete(rawFile);
                if (round >= 0) {
                    put[round] = p;
                    raw14[round] = r14;
                    raw1[round] = r1;
                }
                System.out.printf(Locale.ROOT, "%s %2d: put %6.1f ms  raw14 %6.1f ms  raw1 %6.1f ms  put/raw14 %.2f  put/raw1 %.2f%n",
                        round < 0 ? "warm-up" : "round  ", round, p, r14, r1, p / r14, p / r1);
            }
        } finally {
            StorageWorkload.deleteTree(root);
        }
        double[] vs14 = new double[rounds];
        double[] vs1 = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            vs14[i] = put[i] / raw14[i];
            vs1[i] = put[i] / raw1[i];
        }
        System.out.println();
        System.out.println("| 50 MB chunk, " + rounds + " paired rounds | median | p25 | p75 |");
        System.out.println("|---|---:|---:|---:|");
        row("store `putChunk`, FSYNC (ms)", put);
        row("raw14: 14 files write+force, dir force (ms)", raw14);
        row("raw1: one 70 MB file write+force (ms)", raw1);
        row("put / raw14, per round", vs14);
        row("put / raw1, per round", vs1);
        double m14 = quantile(vs14, 0.5);
        System.out.printf(Locale.ROOT, "%nTarget put <= 1.3 x raw (raw14, the same files): %.2f x, %s; against one file: %.2f x%n",
                m14, m14 <= 1.3 ? "met" : "NOT met", quantile(vs1, 0.5));
    }

    /** A Markdown table row: median, p25 and p75 of {@code v}; also used by the other load tools. */
    public static void row(String what, double[] v) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", what, quantile(v, 0.5), quantile(v, 0.25),
                quantile(v, 0.75));
    }

    /** The {@code q} quantile of {@code v} (nearest rank); also used by the other load tools. */
    public static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }

    private static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static void writeFourteen(Path dir, byte[][] shards) throws IOException {
        Files.createDirectory(dir);
        for (int i = 0; i < shards.length; i++) {
            try (FileChannel ch = FileChannel.open(dir.resolve(String.format(Locale.ROOT, "shard_%02d.bin", i)),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeAll(ch, shards[i]);
                ch.force(false);
            }
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The raw baseline: {@code shards} written one after the other to one new file, forced once. */
    public static void writeOne(Path file, byte[][] shards) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (byte[] s : shards) {
                writeAll(ch, s);
            }
            ch.force(false);
        }
    }

    private static void writeAll(FileChannel ch, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
