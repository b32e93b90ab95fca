package io.icn.node;

import static io.icn.benchmarks.storage.ChunkPutLoad.quantile;
import static io.icn.benchmarks.storage.ChunkPutLoad.row;

import io.icn.benchmarks.storage.ChunkPutLoad;
import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.local.LocalChain;
import io.icn.node.ManifestPublisher;
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
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Load tool (not JMH): the node's ingest of one 50 MB chunk end to end, beside a raw write + fsync of the 70 MB
 * the chunk becomes, paired round by round (issue 6: ingest &le; 1.5 &times; raw).
 *
 * <p>Three things are timed each round, in rotating order, each on a chunk of its own: the <b>received chunk</b>,
 * what a QUIC {@code PUT} runs once the last byte is in (the transport hashed the CID while the bytes arrived):
 * {@link ChunkIngest#ingestChunk} (Reed-Solomon 10+4 and the fsync'd store, overlapped by
 * {@code ShardStore.encodeAndPut}; the deal on the node's own {@link LocalChain}; the chain's journal record of
 * the deal written and forced before the answer, {@code LocalChain.persist()}); the <b>stream</b>, what an admin
 * {@code put} runs on an upload already in memory: {@link ChunkIngest#ingest} (reading it and hashing its CID,
 * then the same); and <b>raw</b>: the same 70 MB (the 14 encoded shards) written to one new file and forced
 * once. The target is on the received chunk: "encode + durable store + registration". The tool keeps the
 * package {@code io.icn.node} that run-node-benchmarks.sh names; the pinning is the embedded chain's
 * self-dealing ({@code LocalChain.selfDealing}), as a node on its own chain pins.
 *
 * <p>{@code --deals N} first fills the local chain with N deals (as many earlier puts would), to show that what
 * is written before each answer (the chain's journal record of the new deal) does not grow with the chain.
 * {@code --block B} sets the chain's Merkle block size, and with it the store's leaf size (default 4096, as a new
 * node's; 1024 is that of chains made before 2026-11-25).
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.node.IngestLoad [--rounds 15] [--warmup 3] [--deals 0] [--block 4096] [--dir /tmp]
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
        int block = ProofScheme.DEFAULT_MERKLE_BLOCK_SIZE;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: IngestLoad [--rounds N] [--warmup N] [--deals N] [--block B] [--dir PATH]");
        }
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--deals" -> deals = Integer.parseInt(args[i + 1]);
                case "--block" -> block = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --rounds, --warmup, --deals, --block, --dir)");
            }
        }
        if (rounds < 1 || warmup < 0 || deals < 0 || block < 1) {
            throw new IllegalArgumentException("--rounds and --block must be >= 1, --warmup and --deals >= 0");
        }
        Path root = Files.createTempDirectory(dir, "icn-ingest-load");
        double[] received = new double[rounds];
        double[] stream = new double[rounds];
        double[] raw = new double[rounds];
        long stateBytes;
        try (ShardStore store = ShardStore.builder(root.resolve("store")).cacheBytes(0).merkleLeafSize(block).build();
                LocalChain chain = LocalChain.builder().random(new java.util.Random(5)).stateFile(root.resolve("local-chain.state"))
                        .proofScheme(ProofScheme.merkle(block)).build()) {
            AccountId node = NodeIdentity.loadOrCreate(root.resolve("store")).account();
            chain.endow(node, Balance.ofIcn(1_000));
            chain.registerNode(node, Region.EU_WEST, Balance.ofIcn(100));
            fillDeals(chain, node, deals);
            chain.checkpoint(); // as a node's chain is at most an hour after the deals were made
            ManifestPublisher quiet = cid -> { };
            ChunkIngest pipeline = new ChunkIngest(store, new StoreExpiredContent(store, chain.proofScheme()),
                    chain.selfDealing(node, true), quiet, CHUNK);
            byte[] chunk = new byte[CHUNK];
            new SplittableRandom(11).nextBytes(chunk);
            byte[][] shards = io.icn.erasure.ErasureCodec.reedSolomon(10, 4).encode(chunk);
            for (int round = -warmup; round < rounds; round++) {
                int n = round + warmup;
                Path rawFile = root.resolve("raw-" + n);
                double[] ms = new double[3];
                List<Cid> stored = new ArrayList<>(2);
                for (int k = 0; k < 3; k++) {
                    int what = (k + n) % 3; // each of the three goes first, second and third in turn
                    long t0;
                    if (what == 0) {
                        ByteBuffer.wrap(chunk).putLong(0, 2L * n); // a new chunk, a new CID
                        Cid cid = Cid.ofRaw(chunk); // the QUIC PUT hashed it while the bytes arrived
                        stored.add(cid);
                        t0 = System.nanoTime();
                        pipeline.ingestChunk(cid, chunk, 1_000);
                    } else if (what == 1) {
                        ByteBuffer.wrap(chunk).putLong(0, 2L * n + 1);
                        stored.add(Cid.ofRaw(chunk));
                        t0 = System.nanoTime();
                        pipeline.ingest(new java.io.ByteArrayInputStream(chunk), 1_000);
                    } else {
                        t0 = System.nanoTime();
                        ChunkPutLoad.writeOne(rawFile, shards);
                    }
                    ms[what] = (System.nanoTime() - t0) / 1e6;
                }
                for (Cid cid : stored) {
                    store.delete(cid);
                }
                Files.delete(rawFile);
                if (round >= 0) {
                    received[round] = ms[0];
                    stream[round] = ms[1];
                    raw[round] = ms[2];
                }
                System.out.printf(Locale.ROOT, "%s %2d: received chunk %6.1f ms  stream %6.1f ms  raw 70 MB write+fsync"
                        + " %6.1f ms  ratios %.2f %.2f%n", round < 0 ? "warm-up" : "round  ", round, ms[0], ms[1], ms[2],
                        ms[0] / ms[2], ms[1] / ms[2]);
            }
            stateBytes = Files.size(root.resolve("local-chain.state"));
        } finally {
            deleteTree(root);
        }
        double[] ratio = new double[rounds];
        double[] streamRatio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = received[i] / raw[i];
            streamRatio[i] = stream[i] / raw[i];
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| 50 MB chunk, %d rounds, %d earlier deals (state file %.1f MB), Merkle blocks of %d B"
                + " | median | p25 | p75 |%n", rounds, deals, stateBytes / 1e6, block);
        System.out.println("|---|---:|---:|---:|");
        row("received chunk (QUIC PUT path): encode + fsync'd store + deal + chain journal append (ms)", received);
        row("stream (admin put path): read + CID + the same (ms)", stream);
        row("raw: one 70 MB file write+force (ms)", raw);
        row("received chunk / raw, per round", ratio);
        row("stream / raw, per round", streamRatio);
        double m = quantile(ratio, 0.5);
        System.out.printf(Locale.ROOT, "%nTarget ingest <= 1.5 x raw (received chunk): %.2f x, %s%n", m,
                m <= 1.5 ? "met" : "NOT met");
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

    /** Deletes a directory tree; also used by the chain's load tool. */
    public static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
