package io.icn.benchmarks.chain;

import io.icn.chain.substrate.Head;
import io.icn.chain.substrate.PinningPallet;
import io.icn.chain.substrate.SubstrateChain;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Load tool (not JMH): the Substrate adapter's reads against a running chain (chopsticks, seeded by
 * {@code interop/chain/bench-deals.mjs} and {@code seed-pinning.mjs}), run by {@code run-substrate-benchmarks.sh}
 * beside polkadot.js doing the same reads ({@code bench-deals.mjs}, {@code bench-audits.mjs}). Prints one JSON line.
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.chain.SubstrateReadLoad deals ws://127.0.0.1:PORT REPS
 *     every PinningDeals entry at one block, pages of 1000 keys then their values, each decoded: {"deals":N,"ms":[..]}
 * java ... SubstrateReadLoad audits ws://127.0.0.1:PORT REPS
 *     per rep: dev_newBlock, the new head's notification, then every PendingAudits entry at that block decoded:
 *     {"audits":N,"headMs":[..],"readMs":[..]} (headMs: dev_newBlock sent to head notified; readMs: head notified
 *     to audits decoded)
 * </pre>
 */
public final class SubstrateReadLoad {

    private SubstrateReadLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: SubstrateReadLoad deals|audits ws://host:port REPS");
        }
        int reps = Integer.parseInt(args[2]);
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "substrate-load");
            t.setDaemon(true);
            return t;
        });
        SubstrateChain.Config defaults = SubstrateChain.Config.defaults(URI.create(args[1]));
        try (SubstrateChain chain = SubstrateChain.connect(defaults, Optional.empty(), HttpClient.newHttpClient(),
                scheduler)) {
            String json = switch (args[0]) {
                case "deals" -> deals(chain, reps);
                case "audits" -> audits(chain, reps);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            };
            System.out.println(json);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static String deals(SubstrateChain chain, int reps) {
        List<Double> ms = new ArrayList<>();
        long n = 0;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            long[] count = {0};
            n = chain.forEachDeal(null, d -> count[0] += d.shards().size());
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        return String.format(Locale.ROOT, "{\"deals\":%d,\"ms\":%s}", n, ms);
    }

    private static String audits(SubstrateChain chain, int reps) throws Exception {
        List<Double> headMs = new ArrayList<>();
        List<Double> readMs = new ArrayList<>();
        int n = 0;
        for (int r = 0; r < reps; r++) {
            long target = chain.bestHead().number() + 1;
            CompletableFuture<Head> arrived = new CompletableFuture<>();
            long[] at = new long[1];
            try (var sub = chain.followHeads(false, h -> {
                if (h.number() >= target && !arrived.isDone()) {
                    at[0] = System.nanoTime();
                    arrived.complete(h);
                }
            })) {
                long t0 = System.nanoTime();
                chain.rpc().call("dev_newBlock");
                Head head = arrived.get(60, TimeUnit.SECONDS);
                long t1 = at[0];
                Map<String, PinningPallet.Audit> audits = chain.pendingAudits(head.hash());
                long t2 = System.nanoTime();
                n = audits.size();
                headMs.add((t1 - t0) / 1e6);
                readMs.add((t2 - t1) / 1e6);
            }
        }
        return String.format(Locale.ROOT, "{\"audits\":%d,\"headMs\":%s,\"readMs\":%s}", n, headMs, readMs);
    }
}
