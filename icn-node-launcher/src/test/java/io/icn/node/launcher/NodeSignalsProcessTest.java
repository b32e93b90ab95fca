package io.icn.node.launcher;

import io.icn.node.*;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.DealId;
import io.icn.chain.local.LocalChain;
import io.icn.chain.ProofScheme;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import io.icn.transport.quic.ShardClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's life at process level, under load: client threads put random files of a few MB over the admin
 * API while others fetch acknowledged chunks over QUIC, and the node is stopped by a signal.
 *
 * <ul>
 *   <li>SIGTERM: the node drains (puts and transfers under way finish, new ones are refused), exits 0, and
 *       after a restart on the same storage every acknowledged put reads back bit for bit; a second node on
 *       that storage is refused.</li>
 *   <li>SIGKILL at random moments, several times over: each restart reaches RUNNING, and at the end every
 *       acknowledged put reads back bit for bit, its deal is on the chain, nothing is corrupt, and the store's
 *       index names exactly the chunk directories on disk, each whole. A put that was never acknowledged may
 *       be there or not, but never in part.</li>
 * </ul>
 *
 * The SIGKILL test prints its seed; {@code -Dicn.test.seed=N} replays it.
 */
@Timeout(300)
class NodeSignalsProcessTest {
    private static final int CHUNK_BYTES = 1 << 20;
    private static final String[] CONFIG = {"[limits]", "chunk_mb = 1"};
    /** A put or fetch sent this long before the signal reached the node before it (loopback, a busy machine). */
    private static final long ADMITTED_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path tmp;

    @Test
    void sigtermDrainsPutsAndTransfersExitsZeroAndLosesNoAcknowledgedPut() throws Exception {
        Path storage = tmp.resolve("data");
        Path config = NodeProcess.writeConfig(tmp.resolve("node.toml"), CONFIG);
        List<Put> puts;
        List<Fetch> fetches;
        long signalled;
        try (NodeProcess node = NodeProcess.startOnClasspath(config, storage)) {
            NodeProcess.Banner banner = node.awaitRunning();
            try (Load load = Load.start(node, banner, 42)) {
                load.awaitPutsUnderWay(2, Duration.ofMillis(75), Duration.ofSeconds(60));
                signalled = System.nanoTime();
                node.sigterm();
                assertThat(node.awaitExit(NodeProcess.STOP_TIMEOUT)).as("exit code; output:%n%s", node.transcript())
                        .isZero();
                load.stop(Duration.ofSeconds(20));
                System.out.println("SIGTERM under load: " + load.summary());
                puts = load.puts();
                fetches = load.fetches();
            }
            assertThat(node.output()).as("the shutdown log").anyMatch(l -> l.contains("draining: "))
                    .anyMatch(l -> l.contains("drained in ")).noneMatch(l -> l.contains("drain incomplete"))
                    .anyMatch(l -> l.contains("node stopped"));
        }

        List<Put> inFlight = puts.stream().filter(p -> p.wasInFlightAt(signalled)).toList();
        assertThat(inFlight).as("puts under way when SIGTERM came").isNotEmpty()
                .allSatisfy(p -> assertThat(p.status()).as("a put under way at SIGTERM finishes: %s", p.answer())
                        .isEqualTo(200));
        assertThat(puts).as("every put is acknowledged, or refused (503 while draining, or no connection after)")
                .allSatisfy(p -> assertThat(p.status()).as(p.answer()).isIn(200, 503, -1));
        assertThat(fetches.stream().filter(f -> f.wasInFlightAt(signalled)))
                .as("QUIC fetches under way at SIGTERM finish whole, or lose only the race with the drain")
                .allSatisfy(f -> assertThat(f.failure() == null || refusedByTheDrain(f.failure()))
                        .as("%s", stackTrace(f.failure())).isTrue());
        assertThat(fetches.stream().filter(f -> f.endNanos() < signalled))
                .as("fetches before SIGTERM").isNotEmpty().allSatisfy(f -> assertThat(f.failure()).isNull());

        List<Put> acknowledged = puts.stream().filter(Put::acknowledged).toList();
        try (NodeProcess again = NodeProcess.startOnClasspath(config, storage)) {
            NodeProcess.Banner banner = again.awaitRunning();
            assertSecondNodeRefused(config, storage);
            assertReadableAndVerified(again, banner, acknowledged);
            again.sigterm();
            assertThat(again.awaitExit(NodeProcess.STOP_TIMEOUT)).isZero();
        }
        assertIndexMatchesDisk(storage, acknowledged, puts);
    }

    @Test
    void sigkillAtRandomMomentsLosesNoAcknowledgedPutAndKeepsTheIndexWhole() throws Exception {
        long seed = Long.getLong("icn.test.seed", new SecureRandom().nextLong());
        System.out.println("NodeSignalsProcessTest SIGKILL seed = " + seed + " (replay with -Dicn.test.seed=" + seed + ")");
        Random random = new Random(seed);
        Path storage = tmp.resolve("data");
        Path config = NodeProcess.writeConfig(tmp.resolve("node.toml"), CONFIG);
        List<Put> puts = new ArrayList<>();
        for (int kill = 1; kill <= 3; kill++) {
            try (NodeProcess node = NodeProcess.startOnClasspath(config, storage)) {
                NodeProcess.Banner banner = node.awaitRunning();
                long acknowledgedSoFar = puts.stream().filter(Put::acknowledged).flatMap(p -> p.cids().stream()).distinct().count();
                assertThat(NodeProcess.number(node.adminGet("/admin/usage").body(), "chunks"))
                        .as("seed %d, start %d: chunks after a SIGKILL", seed, kill).isGreaterThanOrEqualTo(acknowledgedSoFar);
                try (Load load = Load.start(node, banner, random.nextLong())) {
                    load.awaitPutsUnderWay(1, Duration.ZERO, Duration.ofSeconds(60));
                    Thread.sleep(200 + random.nextInt(1_300)); // a random moment under load
                    node.sigkill();
                    assertThat(node.awaitExit(Duration.ofSeconds(30))).as("seed %d: killed", seed).isEqualTo(128 + 9);
                    load.stop(Duration.ZERO);
                    puts.addAll(load.puts());
                }
            }
        }

        List<Put> acknowledged = puts.stream().filter(Put::acknowledged).toList();
        assertThat(acknowledged).as("seed %d: puts acknowledged before the kills", seed).isNotEmpty();
        // Over QUIC a sample (the node serves a client 100 Mbit/s); every one is read back from the disk below.
        List<Put> sample = new ArrayList<>(acknowledged);
        Collections.shuffle(sample, random);
        try (NodeProcess node = NodeProcess.startOnClasspath(config, storage)) {
            NodeProcess.Banner banner = node.awaitRunning();
            assertReadableAndVerified(node, banner, sample.subList(0, Math.min(12, sample.size())));
            node.sigterm();
            assertThat(node.awaitExit(NodeProcess.STOP_TIMEOUT)).isZero();
        }
        assertIndexMatchesDisk(storage, acknowledged, puts);
    }

    // ---------------------------------------------------------------- checks

    /** A second node on a storage directory in use stops at once with exit 3 and says why. */
    private static void assertSecondNodeRefused(Path config, Path storage) throws Exception {
        try (NodeProcess second = NodeProcess.startOnClasspath(config, storage)) {
            assertThat(second.awaitExit(NodeProcess.START_TIMEOUT)).as("exit code of a second node").isEqualTo(Main.FAILED);
            assertThat(second.output()).as("its output").anyMatch(l -> l.contains("is in use by another running node")
                    && l.contains(storage.toString()));
        }
    }

    /**
     * These acknowledged puts read back over QUIC bit for bit, {@code /admin/verify} finds nothing corrupt, and
     * the usage agrees with the scrub.
     */
    private static void assertReadableAndVerified(NodeProcess node, NodeProcess.Banner banner, List<Put> acknowledged)
            throws Exception {
        try (ShardClient relay = ShardClient.builder().pinnedFingerprints(List.of(banner.fingerprint())).build()) {
            // A few puts at a time: the node serves one client 100 Mbit/s, and queued requests would time out.
            for (int from = 0; from < acknowledged.size(); from += 4) {
                List<Put> window = acknowledged.subList(from, Math.min(from + 4, acknowledged.size()));
                List<CompletableFuture<List<byte[]>>> reads = new ArrayList<>();
                for (Put p : window) {
                    List<CompletableFuture<byte[]>> chunks = p.cids().stream()
                            .map(c -> relay.fetchChunk(List.of(banner.quic()), Cid.parse(c))).toList();
                    reads.add(CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new))
                            .thenApply(v -> chunks.stream().map(CompletableFuture::join).toList()));
                }
                for (int i = 0; i < window.size(); i++) {
                    List<byte[]> chunks = reads.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(sha256(chunks)).as("the bytes of put %s", window.get(i).cids()).isEqualTo(window.get(i).sha256());
                }
            }
        }
        String usage = node.adminGet("/admin/usage").body();
        String verify = node.adminJob("/admin/verify");
        assertThat(verify).contains("\"state\":\"SUCCEEDED\"", "\"corrupt\":[]", "\"unrepairable\":[]");
        assertThat(NodeProcess.number(verify, "chunks_scanned")).as("scrubbed chunks vs usage %s", usage)
                .isEqualTo(NodeProcess.number(usage, "chunks"));
        assertThat(NodeProcess.number(usage, "shards")).isEqualTo(14 * NodeProcess.number(usage, "chunks"));
    }

    /**
     * With the node stopped: the store's index names exactly the chunk directories on disk, each chunk has its 14
     * shards and none quarantined, nothing is left in staging; every acknowledged put reads back from the store
     * bit for bit, and every chunk there belongs to a put that was sent; and every acknowledged deal is on the
     * chain.
     */
    private static void assertIndexMatchesDisk(Path storage, List<Put> acknowledged, List<Put> sent) throws IOException {
        Set<String> onDisk;
        try (Stream<Path> entries = Files.list(storage)) {
            onDisk = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(Cid::isValid)
                    .collect(Collectors.toSet());
        }
        Set<String> acknowledgedCids = acknowledged.stream().flatMap(p -> p.cids().stream()).collect(Collectors.toSet());
        Set<String> sentCids = sent.stream().flatMap(p -> p.cids().stream()).collect(Collectors.toSet());
        try (ShardStore store = ShardStore.open(storage)) {
            Set<String> indexed = store.list().stream().map(Cid::toString).collect(Collectors.toSet());
            assertThat(indexed).as("the index vs the chunk directories").isEqualTo(onDisk);
            assertThat(indexed).as("acknowledged chunks").containsAll(acknowledgedCids);
            assertThat(sentCids).as("every stored chunk was sent").containsAll(indexed);
            for (Cid cid : store.list()) {
                ChunkMeta meta = store.meta(cid).orElseThrow();
                assertThat(meta.shards()).as("shards of %s", cid).hasSize(14);
                assertThat(meta.quarantined()).as("quarantined shards of %s", cid).isEmpty();
            }
            for (Put p : acknowledged) {
                List<byte[]> chunks = p.cids().stream().map(c -> dataOf(store, Cid.parse(c))).toList();
                assertThat(sha256(chunks)).as("the bytes of put %s on disk", p.cids()).isEqualTo(p.sha256());
            }
        }
        Path staging = storage.resolve(".staging");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> left = Files.list(staging)) {
                assertThat(left).as("writes left in staging").isEmpty();
            }
        }
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(1)).proofScheme(ProofScheme.merkle())
                .stateFile(storage.resolve(SuperNode.CHAIN_STATE_FILE)).build()) {
            assertThat(acknowledged.stream().flatMap(p -> p.deals().stream()))
                    .as("the deals of acknowledged puts are on the chain")
                    .allSatisfy(d -> assertThat(chain.deal(DealId.fromHex(d))).isPresent());
        }
    }

    /**
     * A fetch the client started just before SIGTERM may send some of its shard requests after the drain began
     * (on a loaded machine the gap is long): those are refused as new requests, "the node is shutting down", and
     * the fetch fails as unavailable, perhaps only after a retry found the node gone (the client keeps each
     * shard's earlier attempts with its last failure). That is the drain's contract (admitted transfers finish, new ones are
     * refused); a wrong byte or a hash mismatch never is.
     */
    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        if (t != null) {
            t.printStackTrace(new java.io.PrintWriter(out));
        }
        return out.toString();
    }

    private static void collect(List<Throwable> from, List<Throwable> into) {
        for (Throwable t : from) {
            for (Throwable c = t; c != null && !into.contains(c); c = c.getCause()) {
                into.add(c);
                collect(List.of(c.getSuppressed()), into);
            }
        }
    }

    private static boolean refusedByTheDrain(Throwable failure) {
        if (!(failure instanceof io.icn.transport.quic.ChunkUnavailableException)) {
            return false;
        }
        List<Throwable> causes = new ArrayList<>();
        collect(List.of(failure.getSuppressed()), causes); // each shard's failure, its causes and earlier attempts
        boolean corrupt = causes.stream().anyMatch(t -> t instanceof io.icn.transport.quic.ShardIntegrityException
                || t instanceof io.icn.transport.quic.ContentMismatchException);
        boolean toldByTheNode = causes.stream().anyMatch(t -> String.valueOf(t.getMessage()).contains("shutting down"));
        // Shard requests the node never answered before it exited, ended only by this test closing its client after
        // the grace: seen on a quiet machine (5 of 10 shards pending 20 s after the exit, no close heard from the
        // node). The likely cause, found in ServerLimitsTest: quiche sends no CONNECTION_CLOSE beyond a full congestion
        // window and Netty freed the connection at once, so the node closed silently; the server now resets its
        // streams and lets the window drain first (QuicShardServer.closeConnection). Kept as an accepted ending for
        // a process that may exit before then. Admitted requests are covered by the drain's own log lines asserted above.
        boolean cutByTheExit = !causes.isEmpty()
                && causes.stream().allMatch(t -> t instanceof io.icn.transport.quic.TransportClosedException);
        return !corrupt && (toldByTheNode || cutByTheExit);
    }

    /** A chunk's bytes from its data shards (the code is systematic). */
    private static byte[] dataOf(ShardStore store, Cid cid) {
        ChunkMeta meta = store.meta(cid).orElseThrow();
        byte[] out = new byte[Math.toIntExact(meta.originalLength())];
        int shardLength = meta.spec().shardLength();
        for (int i = 0, at = 0; at < out.length; i++, at += shardLength) {
            System.arraycopy(store.readShard(cid, i), 0, out, at, Math.min(shardLength, out.length - at));
        }
        return out;
    }

    private static byte[] sha256(List<byte[]> parts) {
        MessageDigest md = sha256();
        parts.forEach(md::update);
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- load

    /**
     * A put the load sent: its chunks' CIDs (computed here), its bytes' SHA-256, the deals of its answer, when it
     * ran, and how it ended: the HTTP status, or -1 when the connection failed.
     */
    record Put(List<String> cids, byte[] sha256, List<String> deals, long startNanos, long endNanos, int status,
            String answer) {
        boolean acknowledged() {
            return status == 200;
        }

        boolean wasInFlightAt(long nanos) {
            return startNanos <= nanos - ADMITTED_NANOS && endNanos >= nanos;
        }
    }

    /** A QUIC fetch of one acknowledged chunk: when it ran, and its failure (null when it read back whole). */
    record Fetch(String cid, long startNanos, long endNanos, Throwable failure) {
        boolean wasInFlightAt(long nanos) {
            return startNanos <= nanos - ADMITTED_NANOS && endNanos >= nanos;
        }
    }

    /**
     * Three threads putting random files of 0.5 to 2.5 MB (one to three 1 MiB chunks) over {@code /admin/put}
     * and two fetching random acknowledged chunks over QUIC, until {@link #stop()}; every loop is bounded.
     */
    private static final class Load implements AutoCloseable {
        private static final int PUT_THREADS = 3;
        private static final int FETCH_THREADS = 2;
        private static final int MAX_PUTS_PER_THREAD = 60;
        private static final int MAX_FETCHES_PER_THREAD = 2_000;

        private final NodeProcess node;
        private final InetSocketAddress quic;
        private final ShardClient relay;
        private final List<Put> puts = new CopyOnWriteArrayList<>();
        private final List<Put> acknowledged = new CopyOnWriteArrayList<>();
        private final List<Fetch> fetches = new CopyOnWriteArrayList<>();
        /** Start times of the puts under way, by thread. */
        private final Map<Integer, Long> putsUnderWay = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        /** What went wrong on the load's own threads, asserted empty by {@link #stop()}. */
        private final List<String> problems = new CopyOnWriteArrayList<>();

        private Load(NodeProcess node, NodeProcess.Banner banner) {
            this.node = node;
            this.quic = banner.quic();
            this.relay = ShardClient.builder().pinnedFingerprints(List.of(banner.fingerprint()))
                    .connectTimeout(Duration.ofSeconds(2)).maxAttempts(2).build();
        }

        static Load start(NodeProcess node, NodeProcess.Banner banner, long seed) {
            Load load = new Load(node, banner);
            for (int i = 0; i < PUT_THREADS; i++) {
                int id = i;
                SplittableRandom random = new SplittableRandom(seed + i);
                load.threads.add(load.thread("load-put-" + i, () -> load.putLoop(id, random)));
            }
            for (int i = 0; i < FETCH_THREADS; i++) {
                SplittableRandom random = new SplittableRandom(seed + 100 + i);
                load.threads.add(load.thread("load-fetch-" + i, () -> load.fetchLoop(random)));
            }
            return load;
        }

        private Thread thread(String name, Runnable loop) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (RuntimeException | Error e) {
                    problems.add(name + ": " + e);
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void putLoop(int id, SplittableRandom random) {
            for (int n = 0; n < MAX_PUTS_PER_THREAD && !stop.get(); n++) {
                byte[] file = new byte[CHUNK_BYTES / 2 + random.nextInt(2 * CHUNK_BYTES)];
                random.nextBytes(file);
                List<String> cids = new ArrayList<>();
                for (int at = 0; at < file.length; at += CHUNK_BYTES) {
                    cids.add(Cid.ofRaw(Arrays.copyOfRange(file, at, Math.min(file.length, at + CHUNK_BYTES))).toString());
                }
                long start = System.nanoTime();
                putsUnderWay.put(id, start);
                int status;
                String answer;
                try {
                    HttpResponse<String> r = node.adminPost("/admin/put", file);
                    status = r.statusCode();
                    answer = r.body();
                } catch (IOException e) {
                    status = -1;
                    answer = e.toString();
                } catch (InterruptedException e) {
                    return;
                } finally {
                    putsUnderWay.remove(id);
                }
                List<String> deals = status == 200 ? NodeProcess.deals(answer) : List.of();
                Put put = new Put(cids, sha256(List.of(file)), deals, start, System.nanoTime(), status, answer);
                puts.add(put);
                if (put.acknowledged()) {
                    if (!NodeProcess.cids(answer).equals(cids) || deals.size() != cids.size()) {
                        problems.add("the node acknowledged " + cids + " with " + answer);
                    }
                    acknowledged.add(put);
                } else if (!pause(50)) {
                    return; // refused or cut off: do not spin
                }
            }
        }

        private void fetchLoop(SplittableRandom random) {
            for (int n = 0; n < MAX_FETCHES_PER_THREAD && !stop.get(); n++) {
                if (acknowledged.isEmpty()) {
                    if (!pause(20)) {
                        return;
                    }
                    continue;
                }
                Put put = acknowledged.get(random.nextInt(acknowledged.size()));
                String cid = put.cids().get(random.nextInt(put.cids().size()));
                long start = System.nanoTime();
                Throwable failure = null;
                try {
                    byte[] chunk = relay.fetchChunk(List.of(quic), Cid.parse(cid)).get(30, TimeUnit.SECONDS);
                    if (!Cid.ofRaw(chunk).toString().equals(cid)) {
                        failure = new AssertionError("chunk " + cid + " came back with other bytes");
                    }
                } catch (ExecutionException e) {
                    failure = e.getCause();
                } catch (TimeoutException e) {
                    failure = e;
                } catch (InterruptedException e) {
                    return;
                }
                fetches.add(new Fetch(cid, start, System.nanoTime(), failure));
                if (failure != null && !pause(50)) {
                    return;
                }
            }
        }

        private static boolean pause(long millis) {
            try {
                Thread.sleep(millis);
                return true;
            } catch (InterruptedException e) {
                return false;
            }
        }

        /**
         * Waits until at least {@code count} puts are under way, the oldest for {@code age} or more, once a put was
         * acknowledged and a fetch of it has ended.
         */
        void awaitPutsUnderWay(int count, Duration age, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                List<Long> starts = List.copyOf(putsUnderWay.values());
                long oldest = starts.stream().mapToLong(t -> System.nanoTime() - t).max().orElse(-1);
                if (!acknowledged.isEmpty() && !fetches.isEmpty() && starts.size() >= count && oldest >= age.toNanos()) {
                    return;
                }
                Thread.sleep(2);
            }
            throw new AssertionError("not " + count + " puts under way, the oldest for " + age + ", within " + timeout
                    + "; " + summary() + "\noutput:\n" + node.transcript());
        }

        /**
         * Stops the threads and waits for them, first up to {@code grace} for the fetches under way to end on their
         * own: after a SIGTERM the node's CONNECTION_CLOSE fails them with its reason and their retries find no node,
         * which is the story the test reads. Then closing the QUIC client fails what is left at once: after a SIGKILL
         * nothing would tell it the connection is gone before its idle timeout.
         */
        void stop(Duration grace) throws InterruptedException {
            stop.set(true);
            long deadline = System.nanoTime() + grace.toNanos();
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            relay.close();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(90));
                assertThat(t.isAlive()).as("%s stopped", t.getName()).isFalse();
            }
            assertThat(problems).as("failures on the load's threads").isEmpty();
        }

        /** Counts of what the load did, and its first fetch failures, for messages. */
        String summary() {
            return puts.size() + " puts (" + acknowledged.size() + " acknowledged), " + fetches.size() + " fetches ("
                    + fetches.stream().filter(f -> f.failure() != null).count() + " failed: " + fetches.stream()
                            .filter(f -> f.failure() != null).limit(3).map(f -> String.valueOf(f.failure()))
                            .collect(Collectors.joining("; ")) + ")";
        }

        List<Put> puts() {
            return List.copyOf(puts);
        }

        List<Fetch> fetches() {
            return List.copyOf(fetches);
        }

        @Override
        public void close() throws InterruptedException {
            stop(Duration.ZERO); // idempotent, as the client's close is
        }
    }
}
