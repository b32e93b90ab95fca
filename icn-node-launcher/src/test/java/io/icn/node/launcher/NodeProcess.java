package io.icn.node.launcher;

import io.icn.node.*;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A super-node in a child process, as an operator runs it: {@code Main run} on this test classpath
 * ({@link #startOnClasspath}) or any command line, such as the README's {@code bin/icn-node run}
 * ({@link #start}). Its standard output and error are captured line by line, its RUNNING banner is parsed
 * for the addresses it chose, and it is stopped with SIGTERM or SIGKILL. Also the admin HTTP calls the
 * process tests make.
 *
 * <p>The process tests' only harness. {@link #close()} kills the child if it still runs and is idempotent.
 * Thread-safe: the output list may be read while the child writes.
 */
final class NodeProcess implements AutoCloseable {
    /** A cold JVM on a busy two-core machine: generous, and only a bound. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Bounds a SIGTERM: the drain ({@code shutdown_grace_secs} = 20 by default) plus closing. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);

    private static final Pattern CIDS = Pattern.compile("\"cids\":\\[([^\\]]*)\\]");
    private static final Pattern DEALS = Pattern.compile("\"deal\":\"([0-9a-f]{64})\"");

    /** The addresses a node printed in its RUNNING banner. */
    record Banner(long pid, URI metrics, URI health, URI admin, InetSocketAddress quic, String fingerprint) {
    }

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Banner> banner = new CompletableFuture<>();
    private final Thread reader;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private NodeProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "node-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * A node configuration with loopback addresses and ports the system picks, a one-second block, a small
     * cache, and then {@code lines} verbatim, each replacing the default of its key (a {@code [limits]} table goes
     * last).
     */
    static Path writeConfig(Path file, String... lines) throws IOException {
        List<String> all = new ArrayList<>();
        for (String line : List.of("quic_port = 0", "quic_bind = \"127.0.0.1\"", "metrics_port = 0",
                "metrics_bind = \"127.0.0.1\"", "admin_port = 0", "admin_bind = \"127.0.0.1\"", "block_time_secs = 1",
                "cache_mb = 16", "p2p_listen_addr = \"/ip4/127.0.0.1/tcp/0\"")) {
            String key = line.substring(0, line.indexOf(' '));
            if (Stream.of(lines).noneMatch(l -> l.startsWith(key + " "))) {
                all.add(line);
            }
        }
        all.addAll(List.of(lines));
        all.add("");
        return Files.writeString(file, String.join("\n", all));
    }

    /** Starts {@code command} (stdout and stderr merged). */
    static NodeProcess start(List<String> command) throws IOException {
        return new NodeProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Starts {@code java ... io.icn.node.Main run --config config --storage-path storage} on this classpath. */
    static NodeProcess startOnClasspath(Path config, Path storage) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return start(List.of(java, "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dicn.erasure.calibrationMillis=500", "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--config", config.toString(), "--storage-path", storage.toString()));
    }

    private void readOutput() {
        List<String> pending = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                if (line.startsWith("ICN super-node ") && line.contains(" RUNNING ")) {
                    pending.clear();
                }
                pending.add(line);
                if (line.startsWith("  stop with")) {
                    banner.complete(parseBanner(pending));
                }
            }
        } catch (IOException | RuntimeException e) {
            banner.completeExceptionally(e);
        }
        banner.completeExceptionally(new IllegalStateException("the node's output ended without a RUNNING banner"));
    }

    private static Banner parseBanner(List<String> lines) {
        long pid = -1;
        URI metrics = null;
        URI health = null;
        URI admin = null;
        InetSocketAddress quic = null;
        String fingerprint = null;
        for (String line : lines) {
            Matcher running = Pattern.compile("RUNNING \\(pid (\\d+)\\)").matcher(line);
            if (running.find()) {
                pid = Long.parseLong(running.group(1));
            }
            String value = line.length() > 14 ? line.substring(14).trim() : "";
            if (line.startsWith("  metrics ")) {
                metrics = URI.create(value);
            } else if (line.startsWith("  health ")) {
                health = URI.create(value);
            } else if (line.startsWith("  admin ")) {
                admin = URI.create(value.split(" ")[0]);
            } else if (line.startsWith("  quic ")) {
                Matcher m = Pattern.compile("^(\\S+):(\\d+) .*certificate sha-256 ([0-9a-f]{64})").matcher(value);
                if (m.find()) {
                    quic = new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
                    fingerprint = m.group(3);
                }
            }
        }
        return new Banner(pid, metrics, health, admin, quic, fingerprint);
    }

    /** Waits for the RUNNING banner; fails with the output so far if the node ends or takes too long. */
    Banner awaitRunning() throws InterruptedException {
        try {
            Banner b = banner.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(b.pid()).as("pid in the banner").isEqualTo(process.pid());
            assertThat(b.quic()).as("quic line of the banner").isNotNull();
            return b;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the node did not reach RUNNING: " + e.getMessage() + "; output:\n" + transcript(), e);
        }
    }

    /** SIGTERM, the operator's stop. Through the handle: {@link Process#destroy()} would close our end of the output. */
    void sigterm() {
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
    }

    /** SIGKILL: the crash. */
    void sigkill() {
        assertThat(process.toHandle().destroyForcibly()).as("SIGKILL sent").isTrue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the child to end and for its last output line; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .as("the node exited within %s; output:%n%s", timeout, transcript()).isTrue();
        reader.join(10_000);
        return process.exitValue();
    }

    /** The lines printed so far. */
    List<String> output() {
        return output;
    }

    /** The last 60 lines of output, for assertion messages. */
    String transcript() {
        List<String> lines = List.copyOf(output);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    // ---------------------------------------------------------------- HTTP

    /** {@code GET} of an admin path such as {@code /admin/usage}. */
    HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(adminUri(path)).GET());
    }

    /** {@code POST} of {@code body} to an admin path such as {@code /admin/put}. */
    HttpResponse<String> adminPost(String path, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(adminUri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /**
     * {@code POST} of an admin job such as {@code /admin/verify}: expects 202, then polls the job until it ends
     * (at most two minutes) and returns its final JSON.
     */
    String adminJob(String path) throws IOException, InterruptedException {
        HttpResponse<String> accepted = adminPost(path, new byte[0]);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Matcher poll = Pattern.compile("\"poll\":\"([^\"]+)\"").matcher(accepted.body());
        assertThat(poll.find()).as(accepted.body()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            String job = adminGet(poll.group(1)).body();
            if (job.contains("\"state\":\"SUCCEEDED\"") || job.contains("\"state\":\"FAILED\"")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job unfinished after 2 min: %s", job).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** {@code GET} of a full URL, such as the banner's {@code /health} or {@code /metrics}. */
    HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private URI adminUri(String path) {
        return banner.join().admin().resolve(path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code cids} array of a put's JSON answer, in order. */
    static List<String> cids(String putAnswer) {
        Matcher m = CIDS.matcher(putAnswer);
        assertThat(m.find()).as("cids in %s", putAnswer).isTrue();
        List<String> out = new ArrayList<>();
        for (String s : m.group(1).split(",")) {
            out.add(s.replace("\"", "").trim());
        }
        return out;
    }

    /** The deal ids of a put's JSON answer, one per chunk, in order. */
    static List<String> deals(String putAnswer) {
        List<String> out = new ArrayList<>();
        Matcher m = DEALS.matcher(putAnswer);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The whole number {@code "key":n} of a JSON answer. */
    static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
