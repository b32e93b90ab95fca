package io.icn.benchmarks.kad;

import io.icn.benchmarks.LoadProcesses;
import io.icn.erasure.ErasureCodec;
import io.icn.p2p.kad.BootstrapPeers;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.ManifestDht;
import io.icn.p2p.kad.RepublishConfig;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import io.icn.transport.quic.NodeCertificate;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Load tool for "Republishing while serving shards" in docs/benchmarks.md: the DHT record sweep over the real libp2p
 * host (a publisher on 127.0.0.1 and {@code --peers} peers, by default in a child JVM, {@link RepublishPeers}, so that
 * only the publisher's side of each request runs here; {@code --peers-process false} keeps them in this process)
 * while a QUIC {@link ShardServer} in this process serves shards of a file store to {@code --fetchers} clients
 * (also in this process) fetching continuously (one fetch at a time each, 14 shards of {@code --stored} RS(10,4)
 * chunks round-robin). Phases, each reporting fetches, MB/s, latency p50 / p99 / max, this process's CPU and the
 * peers' process's CPU:
 * <ol>
 *   <li>warm-up (fetches and one unpaced sweep of the held chunks; not reported as a figure);
 *   <li>{@code sweep alone}: an unpaced sweep with the fetchers paused: this process's CPU per chunk is the
 *       publisher's cost (the peers being elsewhere);
 *   <li>{@code baseline}: fetching alone for {@code --phase-secs};
 *   <li>{@code paced sweep}: fetching while the held chunks ({@code --chunks}) are swept at the node's rate for
 *       {@code --rate} chunks an hour (the node spreads an hourly sweep over 80 % of the hour: 140,000 chunks =
 *       48.6 chunks/s), at most 32 chunks in flight, not yielding;
 *   <li>{@code paced yielding}: the same, the sweep yielding to the shard server's requests under way as the node
 *       does ({@code ManifestDht.yieldTo}).
 * </ol>
 * {@code --legacy-keys false} sweeps as a node with {@code dht_legacy_keys = false} (no bare-CID copy: half the
 * requests). Takes the JMH lock.
 *
 * <pre>
 *   java -cp benchmarks.jar io.icn.benchmarks.kad.RepublishWhileServingLoad [--chunks 2000] [--peers 20]
 *       [--rate 140000] [--phase-secs 30] [--fetchers 4] [--stored 8] [--shard-kb 256] [--peers-process true]
 *       [--legacy-keys true] [--lock true]
 * </pre>
 */
public final class RepublishWhileServingLoad {
    private RepublishWhileServingLoad() {
    }

    /** Fetch latencies (nanoseconds) and bytes of one phase; fetcher threads add, the main thread reads. */
    private static final class Phase {
        final String name;
        final List<Long> latencies = new ArrayList<>();
        long bytes;
        long failed;

        Phase(String name) {
            this.name = name;
        }

        synchronized void record(long nanos, long n) {
            latencies.add(nanos);
            bytes += n;
        }

        synchronized void fail() {
            failed++;
        }

        synchronized String report(double seconds, double cpu) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return String.format(Locale.ROOT, "%-14s %6d fetches (%d failed) in %5.1f s = %6.1f MB/s; latency ms p50 %.1f"
                    + " p99 %.1f max %.1f; process CPU %.1f s (%.0f %% of one core)", name, sorted.length, failed,
                    seconds, bytes / 1e6 / seconds, pct(sorted, 0.50), pct(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, cpu, 100 * cpu / seconds);
        }

        private static double pct(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = LoadProcesses.options(args, "usage: RepublishWhileServingLoad [--chunks N] [--peers P]"
                + " [--rate CHUNKS_PER_HOUR] [--phase-secs S] [--fetchers F] [--stored C] [--shard-kb K]"
                + " [--peers-process true|false] [--legacy-keys true|false] [--lock true|false]");
        RepublishConfig republish = new RepublishConfig(Duration.ofHours(1), Duration.ofHours(12), 0.8, 32,
                Boolean.parseBoolean(o.getOrDefault("legacy-keys", "true")));
        boolean peersProcess = Boolean.parseBoolean(o.getOrDefault("peers-process", "true"));
        int chunks = Integer.parseInt(o.getOrDefault("chunks", "2000"));
        int peers = Integer.parseInt(o.getOrDefault("peers", "20"));
        double rate = Double.parseDouble(o.getOrDefault("rate", "140000"));
        int phaseSecs = Integer.parseInt(o.getOrDefault("phase-secs", "30"));
        int fetchers = Integer.parseInt(o.getOrDefault("fetchers", "4"));
        int stored = Integer.parseInt(o.getOrDefault("stored", "8"));
        int shardBytes = Integer.parseInt(o.getOrDefault("shard-kb", "256")) << 10;
        Path root = Files.createTempDirectory("icn-republish-serving");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(Boolean.parseBoolean(o.getOrDefault("lock", "true")), 3600);
                ShardStore store = ShardStore.open(root)) {
            List<Cid> cids = fill(store, stored, shardBytes);
            try (ShardServer server = ShardServer.builder(store).bindAddress(new InetSocketAddress("127.0.0.1", 0))
                    .certificate(NodeCertificate.selfSigned("bench", new SecureRandom()))
                    .perClientRequestRate(1_000_000, 1_000_000).start();
                    Peers remote = peersProcess ? Peers.start(peers) : null;
                    RepublishOverHostLoad.HostNetwork network = remote != null
                            ? RepublishOverHostLoad.HostNetwork.start(0, true, remote.bootstrap)
                            : RepublishOverHostLoad.HostNetwork.start(peers);
                    ManifestDht dht = new ManifestDht(network.publisher(), RepublishLoad.manifests(network.publisherPeerId()),
                            republish, network.executor, System::nanoTime)) {
                for (int i = 0; i < chunks; i++) {
                    dht.hold(Cid.ofRaw(ByteBuffer.allocate(8).putLong(i).array()));
                }
                InetSocketAddress node = new InetSocketAddress("127.0.0.1", server.localAddress().getPort());
                double perSecond = rate / 3600 / 0.8;
                Duration window = Duration.ofMillis((long) (1000 * chunks / perSecond));
                LongSupplier peersCpu = remote != null ? remote::cpuNanos : () -> 0;
                LoadProcesses.log("peers %s", remote != null ? "in a child process" : "in this process");
                LoadProcesses.log("%d chunks held, %d peers, %d fetchers of %d KiB shards, paced sweep window %s"
                        + " (%.1f chunks/s = %.0f an hour over 80 %% of it), java %s, load average %s", chunks, peers,
                        fetchers, shardBytes >> 10, window, perSecond, rate, System.getProperty("java.version"),
                        loadAverage());
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicBoolean fetching = new AtomicBoolean(true);
                AtomicReference<Phase> current = new AtomicReference<>(new Phase("warm-up"));
                List<Thread> threads = new ArrayList<>();
                for (int f = 0; f < fetchers; f++) {
                    int id = f;
                    Thread t = new Thread(() -> fetchLoop(id, server.certificateFingerprint(), node, cids, running, fetching,
                            current),
                            "fetcher-" + f);
                    t.setDaemon(true);
                    t.start();
                    threads.add(t);
                }
                try {
                    ManifestDht.SweepResult warm = dht.republishRecords(Duration.ZERO).orTimeout(1, TimeUnit.HOURS).join();
                    LoadProcesses.log("warm-up sweep: %d chunks in %.1f s", warm.chunks(), warm.elapsed().toMillis() / 1e3);
                    Thread.sleep(5_000);

                    fetching.set(false);
                    Thread.sleep(2_000);
                    Phase alone = new Phase("sweep alone");
                    ManifestDht.SweepResult[] aloneResult = new ManifestDht.SweepResult[1];
                    double[] a = measure(current, alone, os, peersCpu,
                            () -> aloneResult[0] = dht.republishRecords(Duration.ZERO).orTimeout(1, TimeUnit.HOURS).join());
                    LoadProcesses.log("sweep alone: %d chunks in %.1f s; this process %.0f us of CPU per chunk (the publisher),"
                            + " the peers' process %.0f us", aloneResult[0].chunks(), a[0], 1e6 * a[1] / aloneResult[0].chunks(),
                            1e6 * a[2] / aloneResult[0].chunks());
                    System.out.printf(Locale.ROOT, "RESULT sweep=alone chunks=%d wall_s=%.1f publisher_cpu_per_chunk_us=%.0f"
                            + " peers_cpu_per_chunk_us=%.0f publisher_cpu_s_per_hour_at_%.0f=%.0f%n", aloneResult[0].chunks(), a[0],
                            1e6 * a[1] / aloneResult[0].chunks(), 1e6 * a[2] / aloneResult[0].chunks(), rate,
                            a[1] / aloneResult[0].chunks() * rate);
                    fetching.set(true);
                    Thread.sleep(3_000);

                    Phase baseline = new Phase("baseline");
                    measure(current, baseline, os, peersCpu, () -> Thread.sleep(phaseSecs * 1000L));
                    for (boolean yielding : List.of(false, true)) {
                        dht.yieldTo(yielding ? server::activeRequests : () -> 0);
                        Phase p = new Phase(yielding ? "paced yielding" : "paced sweep");
                        ManifestDht.SweepResult[] result = new ManifestDht.SweepResult[1];
                        long busy0 = dht.stats().busyPumps();
                        double[] m = measure(current, p, os, peersCpu,
                                () -> result[0] = dht.republishRecords(window).orTimeout(1, TimeUnit.HOURS).join());
                        LoadProcesses.log("%s: %d chunks (%d failed) in %.1f s (window %.1f s, deadline %.1f s); %d pumps"
                                + " held back by a busy server", p.name, result[0].chunks(), result[0].failed(), m[0],
                                window.toMillis() / 1e3, window.toMillis() / 1e3 / 0.8, dht.stats().busyPumps() - busy0);
                        System.out.printf(Locale.ROOT, "RESULT sweep=%s chunks=%d failed=%d wall_s=%.1f window_s=%.1f%n",
                                p.name.replace(' ', '-'), result[0].chunks(), result[0].failed(), m[0], window.toMillis() / 1e3);
                    }
                } finally {
                    running.set(false);
                    for (Thread t : threads) {
                        t.join(70_000);
                    }
                }
                LoadProcesses.log("load average at the end %s", loadAverage());
            }
        } finally {
            LoadProcesses.run(60, "rm", "-rf", root.toString());
        }
    }

    /** Something measured: a sleep or a sweep. */
    private interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} while the fetchers record into {@code phase}; returns wall seconds, this process's CPU seconds
     * and the peers' process's CPU seconds.
     */
    private static double[] measure(AtomicReference<Phase> current, Phase phase, com.sun.management.OperatingSystemMXBean os,
            LongSupplier peersCpu, Work work) throws Exception {
        long c0 = os.getProcessCpuTime();
        long p0 = peersCpu.getAsLong();
        long t0 = System.nanoTime();
        current.set(phase);
        work.run();
        current.set(new Phase("between"));
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - c0) / 1e9;
        double peers = (peersCpu.getAsLong() - p0) / 1e9;
        String line = phase.report(wall, cpu) + String.format(Locale.ROOT, "; peers' process CPU %.1f s", peers);
        LoadProcesses.log("%s", line);
        System.out.println("RESULT " + line);
        return new double[] {wall, cpu, peers};
    }

    /** The peers' child JVM ({@link RepublishPeers}): closing ends its standard input and waits for it. */
    private static final class Peers implements AutoCloseable {
        final Process process;
        final List<KadPeer> bootstrap;

        private Peers(Process process, List<KadPeer> bootstrap) {
            this.process = process;
            this.bootstrap = bootstrap;
        }

        static Peers start(int peers) throws IOException, InterruptedException {
            Path log = Files.createTempFile("icn-republish-peers", ".log");
            List<String> command = new ArrayList<>(List.of(LoadProcesses.currentJava().toString()));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // this JVM's flags, as the node's
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), RepublishPeers.class.getName(), "--peers",
                    String.valueOf(peers), "--run-secs", "3600"));
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
                    if (line.startsWith("BOOTSTRAP ")) {
                        return new Peers(p, BootstrapPeers.parse(List.of(line.substring("BOOTSTRAP ".length()).trim())));
                    }
                }
                throw new IOException("the peers' process printed no BOOTSTRAP line; its log: " + log);
            } catch (IOException | RuntimeException e) {
                p.destroyForcibly();
                throw e;
            }
        }

        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        @Override
        public void close() throws InterruptedException, IOException {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void fetchLoop(int id, String fingerprint, InetSocketAddress node, List<Cid> cids,
            AtomicBoolean running, AtomicBoolean fetching, AtomicReference<Phase> current) {
        try (ShardClient client = ShardClient.builder().pinnedFingerprints(List.of(fingerprint))
                .requestTimeout(Duration.ofSeconds(60)).connectTimeout(Duration.ofSeconds(20)).build()) {
            for (long i = id; running.get(); i += 1) {
                if (!fetching.get()) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                Phase phase = current.get();
                long t0 = System.nanoTime();
                try {
                    int n = client.fetchShard(node, cids.get((int) (i / 14 % cids.size())), (int) (i % 14))
                            .get(60, TimeUnit.SECONDS).bytes().length;
                    phase.record(System.nanoTime() - t0, n);
                } catch (Exception e) {
                    phase.fail();
                }
            }
        }
    }

    private static List<Cid> fill(ShardStore store, int count, int shardBytes) {
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        List<Cid> cids = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            byte[] chunk = new byte[shardBytes * 10];
            new Random(c).nextBytes(chunk);
            Cid cid = Cid.ofRaw(chunk);
            store.putChunk(cid, codec.encode(chunk), new ChunkSpec(chunk.length, 10, 4, "", Long.MAX_VALUE));
            cids.add(cid);
        }
        return cids;
    }

    private static String loadAverage() throws java.io.IOException {
        return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")).limit(3)
                .reduce((a, b) -> a + " " + b).orElse("");
    }
}
