package io.icn.examples.relay;

import io.icn.storage.Cid;
import io.icn.testing.LocalCluster;
import io.icn.testing.Placement;
import io.icn.testing.StoredChunk;
import io.icn.transport.quic.ShardClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * What a Tier 2 relay embeds: only the QUIC client (and, inside it, the Reed-Solomon decoder). Given
 * super-nodes' addresses and certificate fingerprints, it asks each which shards of a chunk it holds,
 * fetches ten of them in parallel across the nodes, verifies every shard against the node's manifest,
 * rebuilds the chunk and checks it against its CID.
 *
 * <pre>
 * java -cp ... io.icn.examples.relay.FetchFromThreeNodes                      (standalone)
 * java -cp ... io.icn.examples.relay.FetchFromThreeNodes --cid CID \
 *      --node HOST:PORT --pin FINGERPRINT [--node HOST:PORT --pin FINGERPRINT ...]
 * </pre>
 *
 * Without arguments it first starts three super-nodes in this JVM with {@code icn-test-support}'s
 * {@link LocalCluster} and spreads an 8 MiB chunk over them (shard {@code i} on node {@code i mod 3}, so no
 * node alone can serve it), then runs the same relay code against them.
 */
public final class FetchFromThreeNodes {
    private static final int GENERATED_CHUNK_BYTES = 8 << 20;

    private FetchFromThreeNodes() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            runStandalone();
            return;
        }
        Cid cid = null;
        List<InetSocketAddress> nodes = new ArrayList<>();
        List<String> pins = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--cid" -> cid = Cid.parse(required(value, "--cid"));
                case "--node" -> nodes.add(address(required(value, "--node")));
                case "--pin" -> pins.add(required(value, "--pin"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--cid CID --node HOST:PORT --pin FINGERPRINT ...]");
            }
            i++;
        }
        if (cid == null || nodes.isEmpty() || pins.isEmpty()) {
            throw new IllegalArgumentException("--cid, at least one --node and at least one --pin are required");
        }
        relay(cid, nodes, pins);
    }

    /** Starts three nodes and a chain in this JVM, spreads a chunk over them, and fetches it as a relay would. */
    private static void runStandalone() throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Path root = Files.createTempDirectory("icn-fetch-from-three-");
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(root).build()) {
            byte[] chunk = new byte[GENERATED_CHUNK_BYTES];
            new SplittableRandom(3).nextBytes(chunk);
            StoredChunk stored = cluster.putChunk(chunk, Placement.spread());
            System.out.printf("started %d super-nodes on loopback; spread a %,d-byte chunk over them:%n",
                    cluster.size(), chunk.length);
            for (int n = 0; n < cluster.size(); n++) {
                System.out.printf("  node %d %s  shards %s  fingerprint %s%n", n, cluster.node(n).address(),
                        stored.shardsOn(n), cluster.node(n).certificateFingerprint());
            }
            relay(stored.cid(), cluster.addresses(), cluster.certificateFingerprints());
        } finally {
            deleteTree(root);
        }
    }

    /** The relay: pins the nodes' certificates, asks what they hold, fetches and rebuilds the chunk. */
    private static void relay(Cid cid, List<InetSocketAddress> nodes, List<String> pins)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (ShardClient client = ShardClient.builder().pinnedFingerprints(pins).build()) {
            for (InetSocketAddress node : nodes) {
                try {
                    SortedSet<Integer> held = client.has(node, cid).get(30, TimeUnit.SECONDS);
                    System.out.printf("relay: %s holds shards %s of %s%n", node, held, cid);
                } catch (ExecutionException e) {
                    // A relay carries on without a node that does not answer; the fetch below uses the others.
                    System.out.printf("relay: %s did not answer: %s%n", node, e.getCause());
                }
            }
            long start = System.nanoTime();
            byte[] chunk = client.fetchChunk(nodes, cid).get(60, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - start) / 1e6;
            boolean intact = Cid.ofRaw(chunk).equals(cid);
            System.out.printf("relay: fetched and rebuilt %,d bytes from %d node(s) in %.1f ms%n", chunk.length,
                    nodes.size(), ms);
            System.out.printf("relay: sha-256 of the bytes %s the CID%n", intact ? "matches" : "DOES NOT MATCH");
            if (!intact) {
                throw new IllegalStateException("the rebuilt chunk does not hash to " + cid);
            }
        }
    }

    private static String required(String value, String flag) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
