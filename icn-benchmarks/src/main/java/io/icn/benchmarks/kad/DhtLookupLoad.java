package io.icn.benchmarks.kad;

import io.icn.p2p.kad.InMemoryKadNetwork;
import io.icn.p2p.kad.KadConfig;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.Kademlia;
import io.icn.p2p.kad.RecordValidator;
import io.icn.p2p.kad.RecordValidators;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Load tool (not JMH): Kademlia lookups in a simulated network of N nodes in one JVM (the real {@link Kademlia}
 * on {@link InMemoryKadNetwork}: every message encoded, size-checked and decoded), for N from 25 to 400 so that
 * the growth can be set beside log2 N. Per N: every node bootstraps through the first, then {@code --lookups}
 * FIND_NODE lookups of random ids from random nodes, one at a time, and as many GET_VALUE lookups of 50 stored
 * records (quorum 1). Reported: requests per lookup (median, p90) and latency (median, p99), and how often
 * FIND_NODE returned exactly the true 20 closest. With {@code --latency-ms L} each message takes L ms one way,
 * so latency over 2L is the lookup's number of sequential round trips.
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.kad.DhtLookupLoad \
 *     [--nodes 25,50,100,200,400] [--lookups 300] [--latency-ms 0] [--seed 1]
 * </pre>
 */
public final class DhtLookupLoad {

    private DhtLookupLoad() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = {25, 50, 100, 200, 400};
        int lookups = 300;
        int latencyMs = 0;
        long seed = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--nodes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--lookups" -> lookups = Integer.parseInt(args[i + 1]);
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "DHT lookups, in-memory network, k=20 alpha=3, one-way latency %d ms, %d lookups"
                + " per size, seed %d, JDK %s%n", latencyMs, lookups, seed, Runtime.version());
        System.out.println("| nodes | log2 N | FIND_NODE requests median / p90 | FIND_NODE latency median / p99 (ms)"
                + " | exact 20 closest | GET_VALUE requests median / p90 | GET_VALUE latency median / p99 (ms) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            run(n, lookups, latencyMs, seed);
        }
    }

    private static void run(int n, int lookups, int latencyMs, long seed) throws Exception {
        Random random = new Random(seed * 31 + n);
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
        KadConfig config = KadConfig.builder().refreshInterval(Duration.ofDays(1)).requestTimeout(Duration.ofSeconds(30))
                .queryTimeout(Duration.ofSeconds(60)).maxRecords(4096).build();
        RecordValidators validators = RecordValidators.of(RecordValidator.acceptAll()).with("bench", RecordValidator.acceptAll());
        List<Kademlia> nodes = new ArrayList<>();
        try (InMemoryKadNetwork network = new InMemoryKadNetwork(executor, Duration.ofMillis(latencyMs))) {
            for (int i = 0; i < n; i++) {
                KadPeer self = KadPeer.of(randomId(random), List.of(new byte[] {4, 127, 0, 0, 1, 6, 0x0f, (byte) 0xa1}));
                Kademlia k = Kademlia.builder(network.join(self, config)).config(config).validators(validators)
                        .scheduler(executor).random(new Random(random.nextLong())).build().start();
                nodes.add(k);
                if (i > 0) {
                    await(k.bootstrap(List.of(nodes.get(0).self())));
                }
            }
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] key = ("/bench/record-" + i).getBytes(StandardCharsets.UTF_8);
                await(nodes.get(random.nextInt(n)).putValue(key, ("value " + i).getBytes(StandardCharsets.UTF_8)));
                keys.add(key);
            }
            // warm-up
            for (int i = 0; i < 50; i++) {
                await(nodes.get(random.nextInt(n)).findClosestPeers(randomId(random)));
            }
            long[] findRequests = new long[lookups];
            long[] findNanos = new long[lookups];
            int exact = 0;
            for (int i = 0; i < lookups; i++) {
                Kademlia asker = nodes.get(random.nextInt(n));
                byte[] target = randomId(random);
                long before = network.requests();
                long t = System.nanoTime();
                List<KadPeer> found = await(asker.findClosestPeers(target));
                findNanos[i] = System.nanoTime() - t;
                findRequests[i] = network.requests() - before;
                if (found.equals(trueClosest(nodes, asker, target))) {
                    exact++;
                }
            }
            long[] getRequests = new long[lookups];
            long[] getNanos = new long[lookups];
            for (int i = 0; i < lookups; i++) {
                Kademlia asker = nodes.get(random.nextInt(n));
                byte[] key = keys.get(random.nextInt(keys.size()));
                long before = network.requests();
                long t = System.nanoTime();
                await(asker.getValue(key));
                getNanos[i] = System.nanoTime() - t;
                getRequests[i] = network.requests() - before;
            }
            System.out.printf(Locale.ROOT, "| %d | %.2f | %d / %d | %.2f / %.2f | %d %% | %d / %d | %.2f / %.2f |%n", n,
                    Math.log(n) / Math.log(2), quantile(findRequests, 0.5), quantile(findRequests, 0.9),
                    quantile(findNanos, 0.5) / 1e6, quantile(findNanos, 0.99) / 1e6, 100 * exact / lookups,
                    quantile(getRequests, 0.5), quantile(getRequests, 0.9), quantile(getNanos, 0.5) / 1e6,
                    quantile(getNanos, 0.99) / 1e6);
        } finally {
            nodes.forEach(Kademlia::close);
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static List<KadPeer> trueClosest(List<Kademlia> nodes, Kademlia asker, byte[] target) throws Exception {
        byte[] t = sha256(target);
        List<KadPeer> all = new ArrayList<>();
        for (Kademlia k : nodes) {
            if (k != asker) {
                all.add(k.self());
            }
        }
        all.sort(Comparator.comparing(p -> distance(t, p)));
        return all.subList(0, Math.min(20, all.size()));
    }

    private static BigInteger distance(byte[] target, KadPeer p) {
        byte[] k = sha256(p.id());
        for (int i = 0; i < k.length; i++) {
            k[i] ^= target[i];
        }
        return new BigInteger(1, k);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A random sha2-256-multihash-shaped peer id. */
    static byte[] randomId(Random random) {
        byte[] id = new byte[34];
        random.nextBytes(id);
        id[0] = 0x12;
        id[1] = 0x20;
        return id;
    }

    private static <T> T await(CompletableFuture<T> f) {
        return f.orTimeout(120, TimeUnit.SECONDS).join();
    }

    static long quantile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
