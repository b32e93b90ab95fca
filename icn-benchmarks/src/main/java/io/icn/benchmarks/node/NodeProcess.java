package io.icn.benchmarks.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A super-node run the way an operator runs it: {@code bin/icn-node run --config FILE} as its own process
 * (the script picks the JDK and passes the node's JVM flags, then {@code exec}s java, so the child's pid is the
 * node's). Its standard output and error go to a log file; the banner the node prints once it is RUNNING gives
 * the time to RUNNING and the node's addresses (every port may be 0 in the configuration).
 *
 * <p>Besides the process, this reads the node's own figures: {@code VmRSS} and CPU time from {@code /proc},
 * {@code /metrics} (Prometheus text), the admin endpoints, and a full GC on demand through the JDK's
 * {@code jcmd} (so heap after GC is the live heap, not whatever the collector has not yet reclaimed).
 *
 * <p>Not thread-safe except {@link #http}, {@link #metrics}, {@link #rssBytes} and {@link #alive}, which the
 * load threads of {@link NodeSoak} share. {@link #close()} stops the node (SIGTERM, then SIGKILL after the
 * bound) and is idempotent.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern BANNER = Pattern.compile("RUNNING \\(pid (\\d+)\\)");
    private static final Pattern METRICS = Pattern.compile("^\\s+metrics\\s+(http://\\S+/metrics)");
    private static final Pattern ADMIN = Pattern.compile("^\\s+admin\\s+(http://\\S+)/admin/status");
    private static final Pattern QUIC = Pattern.compile("^\\s+quic\\s+(\\S+):(\\d+) .*sha-256 ([0-9a-f]{64})");
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) ");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    private final Process process;
    private final long spawnedAtMillis;
    private final long spawnedAtNanos;
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private final List<String> problems = new ArrayList<>();
    private final AtomicInteger errorLines = new AtomicInteger();
    private final AtomicInteger warnLines = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Thread reader;
    private volatile long runningAtNanos;
    private volatile String metricsUrl;
    private volatile String adminUrl;
    private volatile String quicHost;
    private volatile int quicPort;
    private volatile String fingerprint;
    private volatile Instant configLoggedAt;
    private volatile Instant runningLoggedAt;
    private volatile long cpuAtRunningMillis = -1;
    private boolean closed;

    private NodeProcess(Process process, long spawnedAtMillis, long spawnedAtNanos, Path log) throws IOException {
        this.process = process;
        this.spawnedAtMillis = spawnedAtMillis;
        this.spawnedAtNanos = spawnedAtNanos;
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true);
        this.reader = new Thread(() -> read(out), "node-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code script run --config config}, output to {@code log}.
     *
     * @param javaOpts extra JVM options for the node (the script's {@code JAVA_OPTS}); empty for none
     * @param env further environment of the script, e.g. {@code ICN_AOT=0}
     */
    static NodeProcess start(Path script, Path config, Path log, String javaOpts, Map<String, String> env)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "run", "--config", config.toString())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("JAVA_OPTS", javaOpts);
        long millis = System.currentTimeMillis();
        long nanos = System.nanoTime();
        return new NodeProcess(pb.start(), millis, nanos, log);
    }

    /**
     * The text of a {@code node.toml} for a node on loopback: {@code comment} (a {@code #} line), storage in
     * {@code data}, every port chosen by the system ({@code 0}), QUIC and metrics bound to 127.0.0.1,
     * {@code fsync = "always"}, then the {@code extra} lines; the rest the defaults of docs/configuration.md.
     */
    static String loopbackConfig(String comment, Path data, String... extra) {
        List<String> lines = new ArrayList<>(List.of(comment,
                "storage_path = \"" + data + "\"",
                "quic_port = 0",
                "metrics_port = 0",
                "admin_port = 0",
                "quic_bind = \"127.0.0.1\"",
                "metrics_bind = \"127.0.0.1\"",
                "fsync = \"always\""));
        lines.addAll(List.of(extra));
        lines.add("");
        return String.join("\n", lines);
    }

    private void read(PrintWriter out) {
        try (out; BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.println(line);
                onLine(line);
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            running.completeExceptionally(new IllegalStateException("the node's output ended before RUNNING"));
        }
    }

    private void onLine(String line) {
        if (runningAtNanos == 0) {
            Matcher b = BANNER.matcher(line);
            if (b.find()) {
                runningAtNanos = System.nanoTime();
                cpuAtRunningMillis = cpuMillis();
            }
        }
        Matcher m;
        if ((m = METRICS.matcher(line)).find()) {
            metricsUrl = m.group(1);
        } else if ((m = ADMIN.matcher(line)).find()) {
            adminUrl = m.group(1);
        } else if ((m = QUIC.matcher(line)).find()) {
            quicHost = m.group(1);
            quicPort = Integer.parseInt(m.group(2));
            fingerprint = m.group(3);
        } else if (line.startsWith("  stop with")) {
            running.complete(null); // the banner's last line: every address is known
        }
        Matcher t = LOG_TIME.matcher(line);
        if (t.find()) {
            if (line.contains(" ERROR ")) {
                errorLines.incrementAndGet();
                remember(line);
            } else if (line.contains(" WARN ")) {
                warnLines.incrementAndGet();
                remember(line);
            }
            if (configLoggedAt == null && line.contains("configuration from")) {
                configLoggedAt = Instant.parse(t.group(1));
            } else if (runningLoggedAt == null && line.contains("node running:")) {
                runningLoggedAt = Instant.parse(t.group(1));
            }
        }
    }

    private void remember(String line) {
        synchronized (problems) {
            if (problems.size() < 50) {
                problems.add(line);
            }
        }
    }

    /**
     * Waits for the banner.
     *
     * @throws IllegalStateException if the node ended first or the bound passed (the node is then killed)
     */
    void awaitRunning(Duration bound) throws InterruptedException {
        try {
            running.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            process.waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("the node did not start (exit " + (process.isAlive() ? "-"
                    : process.exitValue()) + "); see its log", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            close();
            throw new IllegalStateException("the node was not RUNNING within " + bound.toSeconds() + " s; killed");
        }
    }

    /** Milliseconds from spawning the script to reading the RUNNING banner. */
    double msToRunning() {
        return (runningAtNanos - spawnedAtNanos) / 1e6;
    }

    /** Milliseconds from spawning the script to the JVM's own start time, read from {@code /metrics}. */
    double msToJvmStart() throws IOException, InterruptedException {
        double jvmStartSeconds = metrics().value("process_start_time_seconds");
        return jvmStartSeconds * 1000 - spawnedAtMillis;
    }

    /** The CLI's {@code configuration from} log line to its {@code node running} line: {@code SuperNode.start()}. */
    Optional<Duration> startLogged() {
        return configLoggedAt == null || runningLoggedAt == null ? Optional.empty()
                : Optional.of(Duration.between(configLoggedAt, runningLoggedAt));
    }

    /** The JVM's start to the {@code configuration from} line (JVM boot, CLI parsing, config, logging). */
    Optional<Duration> bootLogged() throws IOException, InterruptedException {
        if (configLoggedAt == null) {
            return Optional.empty();
        }
        long jvmStart = Math.round(metrics().value("process_start_time_seconds") * 1000);
        return Optional.of(Duration.between(Instant.ofEpochMilli(jvmStart), configLoggedAt));
    }

    /** CPU time (user + system) the node had used when its banner was read, ms; -1 if unknown. */
    long cpuAtRunningMillis() {
        return cpuAtRunningMillis;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while the node runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    String metricsUrl() {
        return metricsUrl;
    }

    String adminUrl() {
        return adminUrl;
    }

    String quicHost() {
        return quicHost;
    }

    int quicPort() {
        return quicPort;
    }

    String fingerprint() {
        return fingerprint;
    }

    int errorLines() {
        return errorLines.get();
    }

    int warnLines() {
        return warnLines.get();
    }

    /** The first ERROR and WARN lines of the node's log (up to 50). */
    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** {@code VmRSS} of the node's process, bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** User + system CPU time of the node's process so far, ms; -1 if it cannot be read. */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The JDK the script chose for the node: the directory above {@code bin/java}. */
    Path javaHome() throws IOException {
        return Path.of("/proc", Long.toString(pid()), "exe").toRealPath().getParent().getParent();
    }

    /** A full GC in the node ({@code jcmd PID GC.run}), so that the heap figures read next are live data. */
    void fullGc() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaHome().resolve("bin/jcmd").toString(), Long.toString(pid()), "GC.run")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd GC.run failed: " + new String(out, StandardCharsets.UTF_8).trim());
        }
    }

    /** An HTTP answer: status and body. */
    record Reply(int status, String body) {
        Reply requireOk(String what) {
            if (status != 200) {
                throw new IllegalStateException(what + " answered HTTP " + status + ": " + body.trim());
            }
            return this;
        }
    }

    /** {@code GET} or {@code POST} (with {@code body}, or none when null) of the node's admin or metrics URL. */
    Reply http(String method, String url, byte[] body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** {@code GET} of an admin path such as {@code /admin/status}, which must answer 200. */
    String admin(String path) throws IOException, InterruptedException {
        return http("GET", adminUrl + path, null, Duration.ofSeconds(30)).requireOk("GET " + path).body();
    }

    /** A scrape of {@code /metrics}. */
    Scrape metrics() throws IOException, InterruptedException {
        return Scrape.parse(http("GET", metricsUrl, null, Duration.ofSeconds(30)).requireOk("GET /metrics").body());
    }

    /** One scrape of Prometheus text: each sample's name, label text and value. */
    record Scrape(List<Sample> samples) {
        record Sample(String name, String labels, double value) {
        }

        static Scrape parse(String text) {
            List<Sample> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("#")) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                if (m.find()) {
                    out.add(new Sample(m.group(1), m.group(2) == null ? "" : m.group(2),
                            Double.parseDouble(m.group(3))));
                }
            }
            return new Scrape(out);
        }

        /** The sum of every sample of {@code name} whose labels contain each of {@code labels} ({@code k="v"}). */
        double sum(String name, String... labels) {
            double total = 0;
            for (Sample s : samples) {
                if (s.name.equals(name) && List.of(labels).stream().allMatch(s.labels::contains)) {
                    total += s.value;
                }
            }
            return total;
        }

        /** The one sample of {@code name}; NaN if absent. */
        double value(String name) {
            return samples.stream().filter(s -> s.name.equals(name)).mapToDouble(Sample::value).findFirst()
                    .orElse(Double.NaN);
        }

        /** Used heap, all pools, bytes. */
        double heapUsed() {
            return sum("jvm_memory_used_bytes", "area=\"heap\"");
        }

        /** Samples of {@code name} by label text, for the report. */
        Map<String, Double> byLabels(String name) {
            Map<String, Double> m = new java.util.TreeMap<>();
            samples.stream().filter(s -> s.name.equals(name)).forEach(s -> m.put(s.labels, s.value));
            return m;
        }
    }

    /**
     * Stops the node as an operator does (SIGTERM) and waits for it.
     *
     * @return milliseconds from the signal to the process's end
     * @throws IllegalStateException if it had to be killed after {@code bound}, or exited non-zero
     */
    double stop(Duration bound) throws InterruptedException {
        long t0 = System.nanoTime();
        closed = true;
        process.destroy();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the node did not stop within " + bound.toSeconds()
                    + " s of SIGTERM; killed");
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        reader.join(5_000);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the node exited " + process.exitValue() + " after SIGTERM");
        }
        return ms;
    }

    /** Kills the node if it still runs. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
