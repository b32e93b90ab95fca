package io.icn.benchmarks.chain;

import io.icn.benchmarks.storage.ChunkPutLoad;
import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.local.LocalChain;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.node.IngestLoad;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Load tool (not JMH): what it costs to make one new deal durable on a {@link LocalChain} that already holds N
 * deals, paired round by round with what the same durability cost before the journal.
 *
 * <p>Each round creates one deal (14 shards and a CID, as the node's ingest does) and times {@code persist()}: the
 * journal's append and fsync of that deal's record. Then it creates another and times {@code checkpoint()}: the
 * whole state file serialised, written, forced and renamed, which is exactly what {@code persist()} did before
 * (the old {@code StateFile.write}). The two alternate which runs first. The chain is filled with N deals as
 * {@link IngestLoad} fills it, then checkpointed, as a node's chain is after an hour.
 *
 * <pre>
 * java -Xmx2g -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.chain.ChainPersistLoad \
 *     [--deals 0,140000] [--rounds 15] [--warmup 3] [--dir /tmp]
 * </pre>
 */
public final class ChainPersistLoad {

    private ChainPersistLoad() {
    }

    public static void main(String[] args) throws IOException {
        int[] dealCounts = {0, 140_000};
        int rounds = 15;
        int warmup = 3;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: ChainPersistLoad [--deals N,M] [--rounds N] [--warmup N] [--dir PATH]");
        }
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--deals" -> dealCounts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --deals, --rounds, --warmup, --dir)");
            }
        }
        if (rounds < 1 || warmup < 0 || Arrays.stream(dealCounts).anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("--rounds must be >= 1, --warmup and --deals >= 0");
        }
        List<String> rows = new ArrayList<>();
        for (int deals : dealCounts) {
            rows.addAll(measure(deals, rounds, warmup, dir));
        }
        System.out.printf(Locale.ROOT, "%n| earlier deals | persist() after one deal: journal append + fsync (ms) "
                + "| whole state file write, = persist() before (ms) | before / after, per round | state file |%n");
        System.out.println("|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static List<String> measure(int deals, int rounds, int warmup, Path dir) throws IOException {
        Path root = Files.createTempDirectory(dir, "icn-chain-persist-load");
        double[] journal = new double[rounds];
        double[] whole = new double[rounds];
        long stateBytes;
        try (LocalChain chain = LocalChain.builder().random(new Random(5)).stateFile(root.resolve("local-chain.state"))
                .proofScheme(ProofScheme.merkle()).build()) {
            AccountId node = new AccountId(new byte[32]);
            chain.endow(node, Balance.ofIcn(1_000));
            chain.registerNode(node, Region.EU_WEST, Balance.ofIcn(100));
            long t0 = System.nanoTime();
            IngestLoad.fillDeals(chain, node, deals);
            chain.endow(node, Balance.ofIcn(rounds + warmup + 10L));
            chain.checkpoint();
            System.out.printf(Locale.ROOT, "%d deals made and checkpointed in %.1f s%n", deals,
                    (System.nanoTime() - t0) / 1e9);
            byte[] h = new byte[32];
            for (int round = -warmup; round < rounds; round++) {
                double j = 0;
                double w = 0;
                for (int k = 0; k < 2; k++) {
                    oneDeal(chain, node, h, deals + 2 * (round + warmup) + k);
                    long start = System.nanoTime();
                    if ((k + round + warmup) % 2 == 0) {
                        chain.persist();
                        j = (System.nanoTime() - start) / 1e6;
                    } else {
                        chain.checkpoint();
                        w = (System.nanoTime() - start) / 1e6;
                    }
                }
                if (round >= 0) {
                    journal[round] = j;
                    whole[round] = w;
                }
                System.out.printf(Locale.ROOT, "%s %2d, %d deals: persist %7.2f ms  whole state file %8.2f ms%n",
                        round < 0 ? "warm-up" : "round  ", round, deals, j, w);
            }
            stateBytes = Files.size(root.resolve("local-chain.state"));
        } finally {
            IngestLoad.deleteTree(root);
        }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = whole[i] / journal[i];
        }
        return List.of(String.format(Locale.ROOT, "| %,d | %s | %s | %.0f × | %.2f MB |", deals, quartiles(journal),
                quartiles(whole), ChunkPutLoad.quantile(ratio, 0.5), stateBytes / 1e6));
    }

    private static void oneDeal(LocalChain chain, AccountId node, byte[] h, int n) {
        List<ShardHash> hashes = new ArrayList<>(14);
        for (int s = 0; s < 14; s++) {
            ByteBuffer.wrap(h).putInt(0, n).putInt(4, s).put(8, (byte) 0x7A);
            hashes.add(new ShardHash(h.clone()));
        }
        chain.createDeal(node, hashes, 5_000_000, chain.currentBlock() + 1_000_000, Balance.ofIcn(1),
                "bafkrei" + Integer.toHexString(n));
    }

    private static String quartiles(double[] v) {
        return String.format(Locale.ROOT, "%.2f (p25 %.2f, p75 %.2f)", ChunkPutLoad.quantile(v, 0.5),
                ChunkPutLoad.quantile(v, 0.25), ChunkPutLoad.quantile(v, 0.75));
    }
}
