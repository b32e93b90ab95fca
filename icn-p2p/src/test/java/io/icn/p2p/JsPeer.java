package io.icn.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A js-libp2p peer ({@code interop/js/host-peer.mjs}) in a child process: configured by environment variables,
 * its JSON lines collected. Every wait is bounded; {@link #close()} ends the process (SIGTERM, then SIGKILL). Shared
 * with icn-node's tests through this module's test jar.
 *
 * <p>Thread-safe for one test thread driving it (the readers are its own daemon threads).
 */
public final class JsPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final LinkedBlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private int nextCommandId = 1_000_000;

    private JsPeer(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    try {
                        lines.add(JSON.readTree(line));
                    } catch (IOException notJson) {
                        synchronized (stderr) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException ended) {
                // the process ended
            }
        }, "js-peer-stdout");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (stderr) {
                        if (stderr.length() < 20_000) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException ended) {
                // the process ended
            }
        }, "js-peer-stderr");
        errors.setDaemon(true);
        errors.start();
    }

    /** The folder of the js peers, as the build installed it. */
    public static Path interopDir() {
        Path dir = Path.of(System.getProperty("icn.interop.js.dir", "../interop/js"));
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new IllegalStateException("the js-libp2p peer is not installed in " + dir.toAbsolutePath()
                    + ": the icn-p2p build runs `npm install` there (needs npm on the PATH)");
        }
        return dir;
    }

    /** Starts {@code host-peer.mjs} with {@code env} (RUN_SECONDS bounds its life). */
    public static JsPeer start(Map<String, String> env) throws IOException {
        Path dir = interopDir();
        ProcessBuilder pb = new ProcessBuilder("node", "--import", "./node20-polyfill.mjs", "host-peer.mjs").directory(dir.toFile());
        pb.environment().put("RUN_SECONDS", "60");
        pb.environment().putAll(env);
        return new JsPeer(pb.start());
    }

    /** The first line whose {@code event} is {@code event} and which matches {@code filter}, waiting at most {@code timeout}. */
    public JsonNode await(String event, Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
        synchronized (seen) {
            for (JsonNode n : seen) {
                if (event.equals(n.path("event").asText()) && filter.test(n)) {
                    return n;
                }
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode n = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (n == null) {
                throw new AssertionError("js peer: no '" + event + "' line within " + timeout + "; saw " + seen
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; stderr: " + stderr());
            }
            synchronized (seen) {
                seen.add(n);
            }
            if (event.equals(n.path("event").asText()) && filter.test(n)) {
                return n;
            }
        }
    }

    public JsonNode await(String event, Duration timeout) throws InterruptedException {
        return await(event, n -> true, timeout);
    }

    /** Writes {@code line} and a newline to the peer's stdin (the kad commands of host-peer.mjs). */
    public void send(String line) throws IOException {
        var in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Writes one command line (JSON) to the peer's stdin (it reads them with SEND_COMMANDS=1). */
    public void command(String json) throws IOException {
        send(json);
    }

    /** Every line that matched nothing yet and has arrived, then the lines already seen, matching {@code event}. */
    public List<JsonNode> all(String event) {
        JsonNode n;
        while ((n = lines.poll()) != null) {
            synchronized (seen) {
                seen.add(n);
            }
        }
        synchronized (seen) {
            return seen.stream().filter(x -> event.equals(x.path("event").asText())).toList();
        }
    }

    /**
     * Waits until js's gossip mesh for its topic ({@code GOSSIP_TOPIC}) holds at least {@code count} peers, asking by
     * command ({@code SEND_COMMANDS=1}) every 200 ms, at most {@code timeout}.
     */
    public void awaitGossipMesh(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int id = nextCommandId++;
            command("{\"id\":" + id + ",\"cmd\":\"mesh\"}");
            JsonNode mesh = await("gossip:mesh", n -> n.path("id").asInt() == id, Duration.ofSeconds(10));
            if (mesh.path("peers").size() >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("js mesh did not reach " + count + " peers in " + timeout + "; stderr: " + stderr());
    }

    /**
     * Publishes {@code bytes} bytes of host-peer.mjs's pattern keyed by {@code seed} on its topic and returns the
     * {@code gossip:published} line (sha256, recipients), waiting at most {@code timeout}.
     */
    public JsonNode publish(int bytes, String seed, Duration timeout) throws Exception {
        int id = nextCommandId++;
        command("{\"id\":" + id + ",\"cmd\":\"publish\",\"bytes\":" + bytes + ",\"seed\":\"" + seed + "\"}");
        return await("gossip:published", n -> n.path("id").asInt() == id, timeout);
    }

    /** The data host-peer.mjs publishes for {@code bytes} and {@code seed}: byte i = (31 i + 7) mod 251, the seed over its start. */
    public static byte[] pattern(int bytes, String seed) {
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            data[i] = (byte) ((i * 31L + 7) % 251);
        }
        byte[] tag = seed.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tag, 0, data, 0, Math.min(tag.length, bytes));
        return data;
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
