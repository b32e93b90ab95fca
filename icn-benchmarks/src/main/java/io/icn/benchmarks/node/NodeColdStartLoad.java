package io.icn.benchmarks.node;

import static io.icn.benchmarks.LoadProcesses.currentJava;
import static io.icn.benchmarks.LoadProcesses.dirBytes;
import static io.icn.benchmarks.LoadProcesses.duBytes;
import static io.icn.benchmarks.LoadProcesses.log;
import static io.icn.benchmarks.LoadProcesses.result;
import static io.icn.benchmarks.LoadProcesses.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.icn.benchmarks.LoadProcesses;
import io.icn.benchmarks.LoadProcesses.ChildJvm;
import io.icn.chain.Balance;
import io.icn.chain.local.LocalChain;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.erasure.ErasureCodec;
import io.icn.node.NodeConfig;
import io.icn.node.launcher.NodeConfigFile;
import io.icn.node.NodeIdentity;
import io.icn.node.StoreExpiredContent;
import io.icn.node.SuperNode;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Load tool (not JMH): a super-node's cold start to RUNNING with 140,000 chunks stored, the way an operator
 * starts it, and the memory it holds once started. Issue 6 asks for under 5 s.
 *
 * <ol>
 *   <li><b>fill</b> (child JVM): a node storage directory with {@code --chunks} chunks exactly as the node's own
 *       {@code put} leaves them ({@code ChunkIngest}): the node's key ({@code NodeIdentity}), the node registered on
 *       its local chain at genesis with its configured region and stake, and per chunk a distinct 160-byte chunk
 *       cut into RS(10,4) shards of 16 bytes, stored under its raw CID with {@code putChunk} and the node's fsync
 *       policy ({@code fsync = "always"}: every put forced), then pinned by a deal of {@code deal_blocks} on the
 *       local chain paid by the node as its own director, with the store's shard hashes (Merkle roots) and the CID
 *       as the deal's content. Puts run on {@code --threads} threads (the store's group commit; the node's put
 *       runs one at a time, which only changes how long the fill takes; 2 threads were the fastest here, 3.5-5 ms
 *       a chunk, ~11 min for 140,000). The store closes with a checkpoint and
 *       the chain writes {@code local-chain.state}, as at a clean shutdown. The node's start loads both: the
 *       store's index and every deal (with its 14 shard assignments), so the deals are part of the start;</li>
 *   <li><b>first start</b> (not timed: it generates the QUIC certificate, as any node's first start does), and a
 *       check that the node sees the fill as its own: {@code /admin/usage} counts the chunks, a dry-run cleanup
 *       finds nothing expired, and a put of chunk 0's bytes through {@code /admin/put} answers
 *       {@code already_stored} under the same CID;</li>
 *   <li><b>cold starts</b> ({@code --starts}, default 5, each followed by one with {@code ICN_AOT=0}, the script's
 *       AOT cache off, unless {@code --no-aot-starts false}): {@code bin/icn-node run --config node.toml} as a new
 *       process; time from spawning it to reading the RUNNING banner on its output; its split (spawn to JVM
 *       start, JVM start to the {@code configuration from} log line, that line to {@code node running}, which is
 *       {@code SuperNode.start()}); CPU time used by then; RSS and used heap at RUNNING; after {@code --settle-secs}
 *       (the replicator's first pass over every deal runs in the background after RUNNING) RSS, used heap, and the
 *       heap after a full GC ({@code jcmd GC.run}); then SIGTERM and the time to exit;</li>
 *   <li><b>store only</b> ({@code --store-only-starts}, default 3): the same with {@code local-chain.state} moved
 *       aside (the node registers on a fresh chain), to show what the 140k deals cost; the state is put back;</li>
 *   <li><b>in-process</b> ({@code --inprocess-jvms}, default 5): fresh JVMs with the node's JDK and flags, each
 *       timing {@code SuperNode.builder(config).build().start()} three times (the first cold, the next two with
 *       classes loaded and JIT warm) and {@code close()}.</li>
 * </ol>
 * Page cache: warm throughout (nothing is dropped; the machine is shared). The whole run holds the JMH lock
 * ({@code /tmp/jmh.lock}), or relies on its caller holding it ({@code --lock-held-by-caller true}).
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.node.NodeColdStartLoad \
 *     [--chunks 140000] [--dir /tmp] [--starts 5] [--no-aot-starts true] [--store-only-starts 3] \
 *     [--inprocess-jvms 5] [--threads 2] \
 *     [--settle-secs 20] [--script bin/icn-node] [--java-opts ''] [--reuse DIR] [--keep false] \
 *     [--child-timeout 1800] [--lock-wait 3600] [--lock-held-by-caller false] [--out table.md]
 * </pre>
 * {@code --reuse DIR} starts from a directory a previous run kept ({@code --keep true}) instead of filling anew.
 */
public final class NodeColdStartLoad {

    /** Chunk bytes: 10 data shards of 16 bytes, as StoreStartupLoad's 16-byte shards. */
    static final int CHUNK_BYTES = 160;
    private static final long CONTENT_SEED = 0x1C4E_C01DL;
    private static final Pattern ALREADY = Pattern.compile("\"cid\":\"([a-z2-7]+)\".*\"already_stored\":(true|false)");

    private NodeColdStartLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Map<String, String> opt = options(args);
        int chunks = Integer.parseInt(opt.getOrDefault("chunks", "140000"));
        Path dir = Path.of(opt.getOrDefault("dir", System.getProperty("java.io.tmpdir")));
        int starts = Integer.parseInt(opt.getOrDefault("starts", "5"));
        int storeOnlyStarts = Integer.parseInt(opt.getOrDefault("store-only-starts", "3"));
        int inprocessJvms = Integer.parseInt(opt.getOrDefault("inprocess-jvms", "5"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "2"));
        int settleSecs = Integer.parseInt(opt.getOrDefault("settle-secs", "20"));
        boolean noAot = Boolean.parseBoolean(opt.getOrDefault("no-aot-starts", "true"));
        Path script = Path.of(opt.getOrDefault("script", "bin/icn-node")).toAbsolutePath();
        String javaOpts = opt.getOrDefault("java-opts", "");
        long childTimeout = Long.parseLong(opt.getOrDefault("child-timeout", "1800"));
        long lockWait = Long.parseLong(opt.getOrDefault("lock-wait", "3600"));
        boolean keep = Boolean.parseBoolean(opt.getOrDefault("keep", "false"));
        Path out = opt.containsKey("out") ? Path.of(opt.get("out")) : null;
        if (!Files.isExecutable(script)) {
            throw new IllegalArgumentException("--script " + script + " is not an executable (run from the checkout's"
                    + " root, or pass --script /path/to/bin/icn-node)");
        }

        boolean takeLock = !Boolean.parseBoolean(opt.getOrDefault("lock-held-by-caller", "false"));
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(takeLock, lockWait)) {
            Path work = opt.containsKey("reuse") ? Path.of(opt.get("reuse")).toAbsolutePath()
                    : Files.createTempDirectory(dir, "icn-node-coldstart-" + chunks + "-");
            Path toml = work.resolve("node.toml");
            Path data = work.resolve("data");
            Map<String, String> row = new LinkedHashMap<>();
            row.put("chunks", Integer.toString(chunks));
            Report report = new Report();
            try {
                if (!opt.containsKey("reuse")) {
                    writeConfig(toml, data);
                    log("fill %s with %d chunks on %d threads (fsync always)", data, chunks, threads);
                    Map<String, String> fill = child(currentJava(), childTimeout, List.of("-Xmx3g"), "fill",
                            toml.toString(), Integer.toString(chunks), Integer.toString(threads));
                    if (fill == null) {
                        throw new IllegalStateException("the fill outlived " + childTimeout + " s");
                    }
                    report.fill = fill;
                    run(childTimeout, "sync");
                }
                report.du = duBytes(data, childTimeout);
                report.stateBytes = Files.size(data.resolve(SuperNode.CHAIN_STATE_FILE));
                report.indexBytes = dirBytes(data.resolve(".index"));

                Path logs = Files.createDirectories(work.resolve("logs"));
                log("first start (QUIC certificate, endpoint registration) and checks");
                report.javaHome = firstStart(script, toml, logs.resolve("node-first.log"), javaOpts, chunks,
                        childTimeout);

                // Alternating, so that the machine's load (shared, 2 cores) weighs on both alike.
                for (int i = 1; i <= starts; i++) {
                    log("cold start %d/%d", i, starts);
                    report.starts.add(timedStart(script, toml, logs.resolve("node-start-" + i + ".log"), javaOpts,
                            Map.of(), settleSecs, childTimeout));
                    log("  %s", report.starts.get(report.starts.size() - 1));
                    if (noAot) {
                        log("cold start %d/%d without the AOT cache (ICN_AOT=0)", i, starts);
                        report.noAot.add(timedStart(script, toml, logs.resolve("node-start-noaot-" + i + ".log"),
                                javaOpts, Map.of("ICN_AOT", "0"), settleSecs, childTimeout));
                        log("  %s", report.noAot.get(report.noAot.size() - 1));
                    }
                }

                if (storeOnlyStarts > 0) {
                    Path state = data.resolve(SuperNode.CHAIN_STATE_FILE);
                    Path aside = work.resolve(SuperNode.CHAIN_STATE_FILE + ".aside");
                    Files.move(state, aside);
                    try {
                        for (int i = 1; i <= storeOnlyStarts; i++) {
                            log("store-only start %d/%d (no chain state: a fresh local chain)", i, storeOnlyStarts);
                            report.storeOnly.add(timedStart(script, toml, logs.resolve("node-store-only-" + i + ".log"),
                                    javaOpts, Map.of(), settleSecs, childTimeout));
                            log("  %s", report.storeOnly.get(report.storeOnly.size() - 1));
                            Files.deleteIfExists(state);
                        }
                    } finally {
                        Files.move(aside, state, StandardCopyOption.REPLACE_EXISTING);
                    }
                }

                List<String> flags = nodeFlags();
                for (int i = 1; i <= inprocessJvms; i++) {
                    log("in-process JVM %d/%d: SuperNode start/close x3", i, inprocessJvms);
                    Map<String, String> r = child(report.javaHome.resolve("bin/java"), childTimeout, flags, "inprocess",
                            toml.toString(), "3");
                    if (r == null) {
                        throw new IllegalStateException("the in-process child outlived " + childTimeout + " s");
                    }
                    report.inprocess.add(r);
                }
            } finally {
                if (keep) {
                    log("kept %s (pass --reuse %s to start from it again)", work, work);
                } else {
                    long t0 = System.nanoTime();
                    run(childTimeout, "rm", "-rf", work.toString());
                    log("removed %s in %.1f s", work, (System.nanoTime() - t0) / 1e9);
                }
            }
            String text = header(opt) + "\n\n" + report.table(chunks);
            System.out.println("\n" + text);
            if (out != null) {
                Files.writeString(out, text);
            }
        }
    }

    // ---- parent: node starts ----------------------------------------------------------------------------

    /** The configuration a fresh operator node would have, with ports chosen by the system and loopback binds. */
    private static void writeConfig(Path toml, Path data) throws IOException {
        Files.writeString(toml, NodeProcess.loopbackConfig(
                "# NodeColdStartLoad: the defaults of docs/configuration.md but for the paths and ports", data));
    }

    /** The JVM flags bin/icn-node passes to {@code run}. */
    private static List<String> nodeFlags() {
        return List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0");
    }

    private static Path firstStart(Path script, Path toml, Path log, String javaOpts, int chunks, long timeout)
            throws Exception {
        try (NodeProcess node = NodeProcess.start(script, toml, log, javaOpts, Map.of())) {
            node.awaitRunning(Duration.ofSeconds(timeout));
            Path javaHome = node.javaHome();
            String usage = node.admin("/admin/usage");
            long stored = jsonLong(usage, "chunks");
            if (stored != chunks) {
                throw new IllegalStateException("the node counts " + stored + " chunks, the fill stored " + chunks);
            }
            NodeProcess.Reply dry = node.http("POST", node.adminUrl() + "/admin/cleanup?dry_run=true", null,
                    Duration.ofSeconds(120)).requireOk("dry-run cleanup");
            if (jsonLong(dry.body(), "examined") != 0) {
                throw new IllegalStateException("a dry-run cleanup examined expired content: " + dry.body());
            }
            byte[] chunk0 = chunk(0);
            NodeProcess.Reply put = node.http("POST", node.adminUrl() + "/admin/put", chunk0, Duration.ofSeconds(60))
                    .requireOk("put of chunk 0");
            Matcher m = ALREADY.matcher(put.body());
            if (!m.find() || !m.group(1).equals(Cid.ofRaw(chunk0).toString()) || !m.group(2).equals("true")) {
                throw new IllegalStateException("the node's put of chunk 0 did not find it stored under "
                        + Cid.ofRaw(chunk0) + ": " + put.body());
            }
            log("  node sees %d chunks, nothing expired, chunk 0 already stored under %s; java %s", stored, m.group(1),
                    javaHome);
            node.stop(Duration.ofSeconds(timeout));
            return javaHome;
        }
    }

    /** One cold start's figures. */
    record Start(double toRunningMs, double toJvmMs, double bootMs, double startMs, long cpuMs, long rssRunning,
            double heapRunning, long rssSettled, double heapSettled, double heapAfterGc, long rssAfterGc,
            double stopMs, double load) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "RUNNING after %.0f ms (spawn->JVM %.0f, JVM->config %.0f, start() %.0f;"
                    + " cpu %d ms); at RUNNING rss %.0f MB heap %.0f MB; settled rss %.0f MB heap %.0f MB, after GC"
                    + " heap %.0f MB rss %.0f MB; stop %.0f ms; load average before %.2f", toRunningMs, toJvmMs, bootMs,
                    startMs, cpuMs, rssRunning / 1e6, heapRunning / 1e6, rssSettled / 1e6, heapSettled / 1e6,
                    heapAfterGc / 1e6, rssAfterGc / 1e6, stopMs, load);
        }
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
    }

    private static Start timedStart(Path script, Path toml, Path log, String javaOpts, Map<String, String> env,
            int settleSecs, long timeout) throws Exception {
        double load = loadAverage();
        try (NodeProcess node = NodeProcess.start(script, toml, log, javaOpts, env)) {
            node.awaitRunning(Duration.ofSeconds(timeout));
            long rss = node.rssBytes();
            NodeProcess.Scrape s = node.metrics();
            double toJvm = node.msToJvmStart();
            double boot = node.bootLogged().map(d -> (double) d.toMillis()).orElse(Double.NaN);
            double start = node.startLogged().map(d -> (double) d.toMillis()).orElse(Double.NaN);
            Thread.sleep(settleSecs * 1000L);
            long rssSettled = node.rssBytes();
            double heapSettled = node.metrics().heapUsed();
            node.fullGc();
            double heapAfterGc = node.metrics().heapUsed();
            long rssAfterGc = node.rssBytes();
            double stop = node.stop(Duration.ofSeconds(timeout));
            if (node.errorLines() > 0) {
                throw new IllegalStateException("the node logged errors: " + node.problems());
            }
            return new Start(node.msToRunning(), toJvm, boot, start, node.cpuAtRunningMillis(), rss, s.heapUsed(),
                    rssSettled, heapSettled, heapAfterGc, rssAfterGc, stop, load);
        }
    }

    // ---- report ----------------------------------------------------------------------------------------------

    private static final class Report {
        Map<String, String> fill;
        long du;
        long stateBytes;
        long indexBytes;
        Path javaHome;
        final List<Start> starts = new ArrayList<>();
        final List<Start> noAot = new ArrayList<>();
        final List<Start> storeOnly = new ArrayList<>();
        final List<Map<String, String>> inprocess = new ArrayList<>();

        String table(int chunks) {
            StringBuilder b = new StringBuilder();
            if (fill != null) {
                double s = Double.parseDouble(fill.get("fill_ms")) / 1000;
                b.append(String.format(Locale.ROOT, "Fill: %,d chunks (%d B each, 14 x 16-byte shards), %,d deals, in"
                        + " %.0f s (%.0f chunks/s, fsync always, %s threads).%n", chunks, CHUNK_BYTES,
                        Long.parseLong(fill.get("deals")), s, chunks / s, fill.get("threads")));
            }
            b.append(String.format(Locale.ROOT, "Storage: %.0f MB on disk (du), index checkpoint %.1f MB,"
                    + " local-chain.state %.1f MB. Node JDK: %s.%n%n", du / 1e6, indexBytes / 1e6, stateBytes / 1e6,
                    javaHome));
            b.append("Medians; settled = " + "after the settle time, with the replicator's first pass over every deal;"
                    + " heap after GC = live heap (jcmd GC.run).\n\n");
            b.append("| start | n | to RUNNING ms, median (min-max) | spawn→JVM ms | JVM→config ms | `start()` ms |"
                    + " CPU ms by RUNNING | RSS at RUNNING MB | heap at RUNNING MB | RSS settled MB | heap settled MB |"
                    + " heap after GC MB | stop ms | load avg before |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            String deals = String.format(Locale.ROOT, "%,d", chunks) + " deals";
            row(b, "cold, store + " + deals + " (bin/icn-node: AOT cache on JDK 25)", starts);
            row(b, "cold, store + " + deals + ", ICN_AOT=0", noAot);
            row(b, "cold, store only (no chain state), AOT cache", storeOnly);
            if (!inprocess.isEmpty()) {
                b.append("\nIn-process `SuperNode.builder(config).build().start()` (fresh JVMs with the node's JDK and"
                        + " flags; start 1 cold, 2-3 warm):\n\n");
                b.append("| | n | median ms | min-max ms |\n|---|---:|---:|---:|\n");
                stat(b, "JVM start → main", inprocess, "jvm_to_main_ms");
                stat(b, "`start()` #1 (cold)", inprocess, "start1_ms");
                stat(b, "`start()` #2-3 (warm)", inprocess, "start2_ms", "start3_ms");
                stat(b, "`close()` #1", inprocess, "close1_ms");
                stat(b, "heap after start #1 + GC, MB", inprocess, "heap1_mb");
            }
            return b.toString();
        }

        private static void row(StringBuilder b, String what, List<Start> xs) {
            if (xs.isEmpty()) {
                return;
            }
            b.append(String.format(Locale.ROOT, "| %s | %d | **%.0f** (%.0f-%.0f) | %.0f | %.0f | %.0f | %.0f | %.0f |"
                    + " %.0f | %.0f | %.0f | %.0f | %.0f | %.1f |%n", what, xs.size(), med(xs, Start::toRunningMs),
                    xs.stream().mapToDouble(Start::toRunningMs).min().orElse(0),
                    xs.stream().mapToDouble(Start::toRunningMs).max().orElse(0), med(xs, Start::toJvmMs),
                    med(xs, Start::bootMs), med(xs, Start::startMs), med(xs, x -> x.cpuMs),
                    med(xs, x -> x.rssRunning / 1e6), med(xs, x -> x.heapRunning / 1e6),
                    med(xs, x -> x.rssSettled / 1e6), med(xs, x -> x.heapSettled / 1e6),
                    med(xs, x -> x.heapAfterGc / 1e6), med(xs, Start::stopMs), med(xs, Start::load)));
        }

        private static void stat(StringBuilder b, String what, List<Map<String, String>> rs, String... keys) {
            List<Double> v = new ArrayList<>();
            for (Map<String, String> r : rs) {
                for (String k : keys) {
                    if (r.containsKey(k)) {
                        v.add(Double.parseDouble(r.get(k)));
                    }
                }
            }
            if (!v.isEmpty()) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f-%.0f |%n", what, v.size(), median(v),
                        v.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                        v.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
            }
        }
    }

    private static double med(List<Start> xs, java.util.function.ToDoubleFunction<Start> f) {
        List<Double> v = new ArrayList<>();
        xs.forEach(x -> v.add(f.applyAsDouble(x)));
        return median(v);
    }

    private static String header(Map<String, String> opt) throws IOException {
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        return String.format(Locale.ROOT, "NodeColdStartLoad %s; tool java %s; %d cores; load average at end: %s",
                opt, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), load);
    }

    // ---- children ----------------------------------------------------------------------------------------

    private static void child(String[] a) throws Exception {
        switch (a[0]) {
            case "fill" -> fill(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            case "inprocess" -> inprocess(Path.of(a[1]), Integer.parseInt(a[2]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    /** Chunk {@code i}'s bytes: 160 random bytes of a fixed seed, so the parent can put chunk 0 again. */
    static byte[] chunk(long i) {
        byte[] b = new byte[CHUNK_BYTES];
        new SplittableRandom(streamSeed(CONTENT_SEED, i)).nextBytes(b);
        return b;
    }

    /**
     * The seed of random stream {@code i} of {@code base}: a mixed 64-bit value. Not {@code base + i * c}: streams
     * of SplittableRandom seeded a multiple of its gamma apart are the same stream shifted, so chunks made that
     * way would share their shards (as real chunks never do).
     */
    static long streamSeed(long base, long i) {
        long z = base + i * 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Fills the node storage of {@code toml} as {@code ChunkIngest} would: store first, then the deal with the
     * store's shard hashes and the CID as content, paid by the node from the faucet.
     */
    private static void fill(Path toml, int n, int threads) throws Exception {
        quietLogging();
        NodeConfig config = NodeConfigFile.load(toml).build().node();
        Path storage = Files.createDirectories(config.storagePath());
        NodeIdentity identity = NodeIdentity.loadOrCreate(storage);
        ShardStore store = ShardStore.builder(storage)
                .capacityBytes(config.store().capacityBytes())
                .cacheBytes(config.store().cacheBytes())
                .durability(config.store().fsync().durability())
                .verifyOnRead(config.store().verifyOnRead())
                .build();
        LocalChain chain = LocalChain.builder()
                .random(new SplittableRandom(CONTENT_SEED))
                .stateFile(storage.resolve(SuperNode.CHAIN_STATE_FILE))
                .proofScheme(ProofScheme.merkle())
                .build();
        chain.registerNode(identity.account(), config.region(), Balance.ofIcn(config.chain().stakeIcn()));
        StoreExpiredContent hashes = new StoreExpiredContent(store, chain.proofScheme());
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        Balance payment = Balance.ofIcn(1); // ChunkIngest.PAYMENT_PER_CHUNK
        long expiresAt = chain.currentBlock() + config.ingest().dealBlocks();

        AtomicLong next = new AtomicLong();
        AtomicLong deals = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                        byte[] chunk = chunk(i);
                        Cid cid = Cid.ofRaw(chunk);
                        ChunkMeta meta = store.putChunk(cid, codec.encode(chunk), ChunkSpec.rs10x4(chunk.length, "",
                                expiresAt));
                        List<ShardHash> shardHashes = hashes.shardHashes(cid.toString());
                        if (shardHashes.stream().distinct().count() < shardHashes.size()) {
                            throw new IllegalStateException("chunk " + i + " has two equal shards; change the seed");
                        }
                        chain.endow(identity.account(), payment);
                        PinningDeal deal = chain.createDeal(identity.account(), shardHashes, meta.spec().shardLength(),
                                expiresAt, payment, cid.toString());
                        if (deal.expiresAt() != meta.expiryBlock()) {
                            throw new IllegalStateException("deal and store disagree on the expiry of " + cid);
                        }
                        deals.incrementAndGet();
                        if (i % 10_000 == 0) {
                            log("  filled %d (%.0f s)", i, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("fill failed", failure.get());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long chunks = store.usage().chunkCount();
        long c0 = System.nanoTime();
        store.close();
        chain.close();
        result(String.format(Locale.ROOT, "fill_ms=%d chunks=%d deals=%d threads=%d close_ms=%.0f", ms, chunks,
                deals.get(), threads, (System.nanoTime() - c0) / 1e6));
    }

    /** Starts and closes a node {@code repeats} times in this JVM, timing each. */
    private static void inprocess(Path toml, int repeats) {
        quietLogging();
        long main = System.currentTimeMillis();
        result("jvm_to_main_ms=" + (main - ManagementFactory.getRuntimeMXBean().getStartTime()));
        NodeConfig config = NodeConfigFile.load(toml).build().node();
        for (int i = 1; i <= repeats; i++) {
            long t0 = System.nanoTime();
            SuperNode node = SuperNode.builder(config).build();
            node.start();
            double startMs = (System.nanoTime() - t0) / 1e6;
            long heap = usedHeapAfterGc();
            long c0 = System.nanoTime();
            node.close();
            result(String.format(Locale.ROOT, "start%d_ms=%.0f heap%d_mb=%.0f close%d_ms=%.0f", i, startMs, i,
                    heap / 1e6, i, (System.nanoTime() - c0) / 1e6));
        }
        System.exit(0); // the node's non-daemon threads (Netty) are closed; exit promptly regardless
    }

    /** INFO and above, like the node's default, instead of logback's unconfigured DEBUG. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- process helpers ---------------------------------------------------------------------------------

    /** Runs this class in a fresh JVM; returns its RESULT map, or null if it outlived the bound. */
    private static Map<String, String> child(Path java, long timeoutSeconds, List<String> jvmFlags, String... args)
            throws Exception {
        return new ChildJvm(java, jvmFlags, NodeColdStartLoad.class, "WARNING: Using incubator modules")
                .run(timeoutSeconds, args);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static long jsonLong(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no \"" + key + "\" in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    private static Map<String, String> options(String[] args) {
        return LoadProcesses.options(args, "usage: NodeColdStartLoad [--chunks n] [--dir d] [--starts n]"
                + " [--no-aot-starts b] [--store-only-starts n] [--inprocess-jvms n] [--threads n]"
                + " [--settle-secs s] [--script f]"
                + " [--java-opts s] [--reuse dir] [--keep b] [--child-timeout s] [--lock-wait s]"
                + " [--lock-held-by-caller b] [--out file]");
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.removeIf(d -> d.isNaN());
        if (s.isEmpty()) {
            return Double.NaN;
        }
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
