package io.icn.benchmarks.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icn.benchmarks.LoadProcesses;
import io.icn.p2p.HostIdentity;
import io.icn.p2p.HostLimits;
import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pHost;
import io.icn.p2p.P2pStream;
import io.icn.p2p.PeerId;
import io.icn.p2p.aead.ChaChaPolys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Load tool (not JMH: it times whole transfers between processes) for "p2p: Noise + Yamux throughput" in
 * docs/benchmarks.md, driven by {@code icn-benchmarks/run-p2p-benchmarks.sh}. One stream of {@code --bytes}
 * (default 50 MiB) over a fresh stream of an established TCP + Noise + Yamux connection on loopback, timed by the
 * sender from the stream's opening to the receiver's 8-byte acknowledgement of the byte count, for four pairs in
 * each round, interleaved: Java→Java (two {@code P2pHost}s in this JVM), Java→js, js→Java and js→js (js-libp2p 3.3
 * peers from {@code interop/js/host-peer.mjs}: a sink and a sender, each one process for the whole run, the sender
 * driven by JSON commands on its stdin, so that both languages run warmed up). Prints each
 * transfer, then the median MB/s per pair and the ratios to js→js. The first {@code --warmup} rounds (default 1: the
 * JIT compiles the Java path) are printed but not counted. {@code --window} sets the Java hosts' initial Yamux receive
 * window (default 256 KiB, the Yamux default and the host's) and {@code --max-window} how far it grows (default
 * 16 MiB, the host's; equal to the window turns growth off), {@code --pairs} picks the pairs. The Noise cipher is the
 * host's choice ({@code -Dicn.p2p.aead=...} forces one; run with {@code --add-modules jdk.incubator.vector} as the
 * node does). With the Vector API cipher selected, the tool waits after the warm-up rounds (at most
 * {@code --warm-wait} seconds, default 300) until the host has switched from the scalar code to it (see
 * {@code ChaChaPolys}); it logs which cipher ran.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp benchmarks.jar io.icn.benchmarks.p2p.P2pThroughputLoad
 *       --interop interop/js [--bytes N] [--rounds 5] [--warmup 1] [--window 262144] [--max-window 16777216] [--pairs java->java,java->js,js->java,js->js] [--lock true]
 * </pre>
 */
public final class P2pThroughputLoad {
    private static final String SINK = "/icn/test/sink/1.0.0";
    private static final int WRITE_CHUNK = 1 << 20;
    private static final int WRITES_IN_FLIGHT = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private P2pThroughputLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = LoadProcesses.options(args,
                "usage: P2pThroughputLoad --interop DIR [--bytes N] [--rounds R] [--window BYTES] [--max-window BYTES] [--pairs java->java,...] [--warmup W] [--warm-wait S] [--lock true|false]");
        Path interop = Path.of(o.getOrDefault("interop", "interop/js"));
        long bytes = Long.parseLong(o.getOrDefault("bytes", String.valueOf(50L << 20)));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "1"));
        long warmWaitSeconds = Long.parseLong(o.getOrDefault("warm-wait", "300"));
        int window = Integer.parseInt(o.getOrDefault("window", String.valueOf(HostLimits.YAMUX_INITIAL_WINDOW)));
        int maxWindow = Integer.parseInt(o.getOrDefault("max-window", String.valueOf(HostLimits.MAX_STREAM_WINDOW)));
        List<String> pairs = List.of(o.getOrDefault("pairs", "java->java,java->js,js->java,js->js").split(","));
        if (!Files.isDirectory(interop.resolve("node_modules"))) {
            throw new IllegalStateException("no js peer in " + interop + ": run npm install there (or ./mvnw -pl icn-p2p verify)");
        }
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(Boolean.parseBoolean(o.getOrDefault("lock", "true")), 3600);
                P2pHost sink = host(window, maxWindow); P2pHost sender = host(window, maxWindow);
                Node jsSink = Node.start(interop, Map.of("RUN_SECONDS", "3600"));
                Node jsSender = Node.start(interop, Map.of("RUN_SECONDS", "3600", "SEND_COMMANDS", "1"))) {
            sink.bind(SINK, P2pThroughputLoad::drain);
            sink.start().get(10, TimeUnit.SECONDS);
            sender.start().get(10, TimeUnit.SECONDS);
            Multiaddr javaSink = sink.listenAddresses().get(0).withPeerId(sink.peerId());
            Multiaddr nodeSink = Multiaddr.parse(jsSink.await("listening", 30).get("addrs").get(0).asText());
            sender.connect(javaSink).get(10, TimeUnit.SECONDS);
            sender.connect(nodeSink).get(10, TimeUnit.SECONDS);
            LoadProcesses.log("bytes per transfer %d, rounds %d, Java stream window %d (growing up to %d), java %s, Noise cipher %s,"
                    + " load average %s", bytes, rounds, window, maxWindow, System.getProperty("java.version"),
                    ChaChaPolys.selected().describe(), loadAverage());

            Map<String, List<Double>> mbps = new LinkedHashMap<>();
            for (int r = -warmup; r < rounds; r++) {
                for (String pair : pairs) {
                    long nanos = switch (pair) {
                        case "java->java" -> javaSend(sender, javaSink.peerId().orElseThrow(), bytes);
                        case "java->js" -> javaSend(sender, nodeSink.peerId().orElseThrow(), bytes);
                        case "js->java" -> jsSend(jsSender, javaSink, bytes);
                        case "js->js" -> jsSend(jsSender, nodeSink, bytes);
                        default -> throw new IllegalArgumentException("unknown pair " + pair);
                    };
                    record(r < 0 ? new LinkedHashMap<>() : mbps, (r < 0 ? "(warm-up) " : "") + pair, bytes, nanos);
                }
                LoadProcesses.log("%s %d done, load average %s", r < 0 ? "warm-up round" : "round", r < 0 ? r + warmup + 1 : r + 1,
                        loadAverage());
                if (r == -1) {
                    awaitCipherWarm(warmWaitSeconds);
                }
            }
            LoadProcesses.log("Noise cipher at the end: %s", cipherInUse());
            double base = mbps.containsKey("js->js") ? median(mbps.get("js->js")) : Double.NaN;
            for (Map.Entry<String, List<Double>> e : mbps.entrySet()) {
                double m = median(e.getValue());
                System.out.printf(Locale.ROOT, "RESULT pair=%s median_MBps=%.1f ratio_to_js_js=%.2f runs=%s%n", e.getKey(), m,
                        m / base, e.getValue());
            }
        }
    }

    private static P2pHost host(int window, int maxWindow) {
        return P2pHost.builder().identity(HostIdentity.generate(new SecureRandom()))
                .limits(HostLimits.defaults().withStreamWindowBytes(window).withWindowGrowth(Math.max(window, maxWindow),
                        HostLimits.defaults().connectionWindowBytes()))
                .listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1).build();
    }

    private static void record(Map<String, List<Double>> mbps, String pair, long bytes, long nanos) {
        double rate = bytes / 1e6 / (nanos / 1e9);
        mbps.computeIfAbsent(pair, k -> new ArrayList<>()).add(Math.round(rate * 10) / 10.0);
        LoadProcesses.log("%-10s %6.1f MB/s (%.3f s)", pair, rate, nanos / 1e9);
    }

    /**
     * With the Vector API cipher selected, waits (at most {@code seconds}) until its warm-up has switched the host to
     * it, as a JIT warm-up round does: the figures are then those of the compiled code.
     */
    private static void awaitCipherWarm(long seconds) throws InterruptedException {
        if (!ChaChaPolys.selected().name().contains("java-vector")) {
            return;
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!ChaChaPolys.vectorWarm() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        LoadProcesses.log("Noise cipher after the warm-up rounds: %s", cipherInUse());
    }

    private static String cipherInUse() {
        String name = ChaChaPolys.selected().name();
        return !name.contains("java-vector") ? name
                : ChaChaPolys.vectorWarm() ? name + " (vector code compiled, in use)"
                : name + " (vector code still warming up: the scalar code in its place)";
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
    }

    /** Sends {@code bytes} on a new sink stream and waits for the acknowledgement; the nanoseconds it took. */
    private static long javaSend(P2pHost sender, PeerId to, long bytes) throws Exception {
        byte[] chunk = new byte[WRITE_CHUNK];
        Arrays.fill(chunk, (byte) 0x5A);
        P2pStream stream = sender.newStream(to, SINK).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            byte[] part = bytes - sent >= chunk.length ? chunk : Arrays.copyOf(chunk, (int) (bytes - sent));
            inFlight.add(stream.write(part));
            if (inFlight.size() >= WRITES_IN_FLIGHT) {
                inFlight.remove(0).get(60, TimeUnit.SECONDS);
            }
        }
        stream.closeWrite().get(60, TimeUnit.SECONDS);
        ByteBuffer ack = ByteBuffer.allocate(8);
        while (ack.hasRemaining()) {
            byte[] got = stream.read().get(60, TimeUnit.SECONDS);
            if (got.length == 0) {
                throw new IllegalStateException("the sink closed without acknowledging");
            }
            ack.put(got);
        }
        long nanos = System.nanoTime() - start;
        stream.close();
        if (ack.flip().getLong() != bytes) {
            throw new IllegalStateException("the sink acknowledged " + ack.getLong(0) + " of " + bytes + " bytes");
        }
        return nanos;
    }

    private static long jsSend(Node js, Multiaddr to, long bytes) throws Exception {
        js.command(JSON.createObjectNode().put("id", 1).put("cmd", "send").put("addr", to.toString()).put("bytes", bytes).toString());
        JsonNode sent = js.await("sent", 300);
        if (sent.get("acked").asLong() != bytes) {
            throw new IllegalStateException("js: the sink acknowledged " + sent.get("acked") + " of " + bytes);
        }
        return sent.get("nanos").asLong();
    }

    /** Counts what arrives, then answers the count as 8 bytes and closes: what host-peer.mjs's sink does. */
    private static void drain(P2pStream stream) {
        drain(stream, 0);
    }

    private static void drain(P2pStream stream, long total) {
        stream.read().whenComplete((bytes, error) -> {
            if (error != null) {
                stream.reset();
            } else if (bytes.length == 0) {
                stream.write(ByteBuffer.allocate(8).putLong(total).array()).thenCompose(v -> stream.closeWrite())
                        .whenComplete((v, e) -> stream.close());
            } else {
                drain(stream, total + bytes.length);
            }
        });
    }

    /** A {@code host-peer.mjs} process; its JSON lines read on demand, every wait bounded; closing ends it. */
    static final class Node implements AutoCloseable {
        private final Process process;
        private final BufferedReader lines;

        private Node(Process process) {
            this.process = process;
            this.lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Node start(Path interop, Map<String, String> env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("node", "--import", "./node20-polyfill.mjs", "host-peer.mjs")
                    .directory(interop.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(env);
            return new Node(pb.start());
        }

        /** Sends one command line to the peer (SEND_COMMANDS=1). */
        void command(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** The next line of {@code event}, reading for at most {@code seconds}. */
        JsonNode await(String event, long seconds) throws Exception {
            CompletableFuture<JsonNode> found = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        JsonNode n = JSON.readTree(line);
                        if (event.equals(n.path("event").asText())) {
                            return n;
                        }
                        if (n.path("event").asText().endsWith(":error")) {
                            throw new IllegalStateException("js peer: " + line);
                        }
                    }
                    throw new IllegalStateException("js peer ended before '" + event + "'");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            return found.get(seconds, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
