package io.icn.node;

import io.icn.benchmarks.storage.ChunkPutLoad;
import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.LocalChain;
import io.icn.chain.ManifestPublisher;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Load tool (not JMH): the node's ingest of one 50 MB chunk end to end, beside a raw write + fsync of the 70 MB
 * the chunk becomes, paired round by round (issue 6: ingest &le; 1.5 &times; raw).
 *
 * <p>Ingest is exactly what a QUIC {@code PUT} or an admin {@code put} runs once the bytes are in memory:
 * {@link ChunkIngest#ingest} of the chunk (its CID, SHA-256 of the 50 MB; Reed-Solomon 10+4; the fsync'd
 * {@code putChunk} of the 14 shards; the deal on the node's own {@link LocalChain}; the chain's journal record
 * of the deal written and forced before the answer, {@code LocalChain.persist()}). It lives in the launcher's
 * package for that package-private component. Raw is the same 70 MB (the 14 encoded shards) written to one new file and forced once. Every
 * round ingests a different chunk, alternating which of the two runs first.
 *
 * <p>{@code --deals N} first fills the local chain with N deals (as many earlier puts would), to show that what
 * is written before each answer (the chain's journal record of the new deal) does not grow with the chain.
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.node.IngestLoad [--rounds 15] [--warmup 3] [--deals 0] [--dir /tmp]
 * </pre>
 */
public final class IngestLoad {

    private static final int CHUNK = 50_000_000;

    private IngestLoad() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = 15;
        int warmup = 3;
        int deals = 0;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: IngestLoad [--rounds N] [--warmup N] [--deals N] [--dir PATH]");
        }
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--deals" -> deals = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --rounds, --warmup, --deals, --dir)");
            }
        }
        if (rounds < 1 || warmup < 0 || deals < 0) {
            throw new IllegalArgumentException("--rounds must be >= 1, --warmup and --deals >= 0");
        }
        Path root = Files.createTempDirectory(dir, "icn-ingest-load");
        double[] ingest = new double[rounds];
        double[] raw = new double[rounds];
        long stateBytes;
        try (ShardStore store = ShardStore.builder(root.resolve("store")).cacheBytes(0).build();
                LocalChain chain = LocalChain.builder().random(new java.util.Random(5)).stateFile(root.resolve("local-chain.state"))
                        .proofScheme(ProofScheme.merkle()).build()) {
            AccountId node = NodeIdentity.loadOrCreate(root.resolve("store")).account();
            chain.endow(node, Balance.ofIcn(1_000));
            chain.registerNode(node, Region.EU_WEST, Balance.ofIcn(100));
            fillDeals(chain, node, deals);
            chain.checkpoint(); // as a node's chain is at most an hour after the deals were made
            ManifestPublisher quiet = cid -> { };
            ChunkIngest pipeline = new ChunkIngest(store, chain, new StoreExpiredContent(store, chain.proofScheme()),
                    node, quiet, CHUNK, true);
            byte[] chunk = new byte[CHUNK];
            new SplittableRandom(11).nextBytes(chunk);
            byte[][] shards = io.icn.erasure.ErasureCodec.reedSolomon(10, 4).encode(chunk);
            for (int round = -warmup; round < rounds; round++) {
                ByteBuffer.wrap(chunk).putLong(0, round + warmup); // a new chunk, a new CID
                Path rawFile = root.resolve("raw-" + (round + warmup));
                double in = 0;
                double r = 0;
                for (int k = 0; k < 2; k++) {
                    long t0 = System.nanoTime();
                    if ((k + round + warmup) % 2 == 0) {
                        pipeline.ingest(new java.io.ByteArrayInputStream(chunk), 1_000);
                        in = (System.nanoTime() - t0) / 1e6;
                    } else {
                        ChunkPutLoad.writeOne(rawFile, shards);
                        r = (System.nanoTime() - t0) / 1e6;
                    }
                }
                store.delete(Cid.ofRaw(chunk));
                Files.delete(rawFile);
                if (round >= 0) {
                    ingest[round] = in;
                    raw[round] = r;
                }
                System.out.printf(Locale.ROOT, "%s %2d: ingest %6.1f ms  raw 70 MB write+fsync %6.1f ms  ratio %.2f%n",
                        round < 0 ? "warm-up" : "round  ", round, in, r, in / r);
            }
            stateBytes = Files.size(root.resolve("local-chain.state"));
        } finally {
            deleteTree(root);
        }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = ingest[i] / raw[i];
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| 50 MB chunk, %d paired rounds, %d earlier deals (state file %.1f MB) | median | p25 | p75 |%n",
                rounds, deals, stateBytes / 1e6);
        System.out.println("|---|---:|---:|---:|");
        row("ingest: CID + encode + fsync'd store + deal + chain journal append (ms)", ingest);
        row("raw: one 70 MB file write+force (ms)", raw);
        row("ingest / raw, per round", ratio);
        double m = quantile(ratio, 0.5);
        System.out.printf(Locale.ROOT, "%nTarget ingest <= 1.5 x raw: %.2f x, %s%n", m, m <= 1.5 ? "met" : "NOT met");
    }

    /**
     * {@code n} deals of distinct made-up shard hashes, as earlier puts would have left on the chain; also used by
     * {@code io.icn.benchmarks.chain.ChainPersistLoad}.
     */
    public static void fillDeals(LocalChain chain, AccountId node, int n) {
        if (n == 0) {
            return;
        }
        chain.endow(node, Balance.ofIcn(n));
        byte[] h = new byte[32];
        for (int d = 0; d < n; d++) {
            List<ShardHash> hashes = new ArrayList<>(14);
            for (int s = 0; s < 14; s++) {
                ByteBuffer.wrap(h).putInt(0, d).putInt(4, s).put(8, (byte) 0x5E);
                hashes.add(new ShardHash(h.clone()));
            }
            chain.createDeal(node, hashes, 5_000_000, chain.currentBlock() + 1_000_000, Balance.ofIcn(1),
                    Cid.ofRaw(ByteBuffer.allocate(8).putLong(d).array()).toString());
        }
    }

    private static void row(String what, double[] v) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", what, quantile(v, 0.5), quantile(v, 0.25),
                quantile(v, 0.75));
    }

    /** The {@code q} quantile of {@code v} (nearest rank); also used by the chain's load tool. */
    public static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }

    /** Deletes a directory tree; also used by the chain's load tool. */
    public static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
