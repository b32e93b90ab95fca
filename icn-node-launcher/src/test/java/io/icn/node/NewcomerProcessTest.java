package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as a newcomer starts it: a separate JVM running {@code io.icn.node.Main run} with a fresh
 * storage directory and system-chosen ports reaches RUNNING, answers {@code /health} and {@code /metrics},
 * and on SIGTERM shuts down cleanly with exit code 0.
 */
@Timeout(120)
class NewcomerProcessTest {

    @TempDir
    Path tmp;

    @Test
    void startsAnswersAndExitsZeroOnSigterm() throws Exception {
        Path storage = tmp.resolve("fresh/icn-data");
        Path config = Files.writeString(tmp.resolve("super-node.toml"), String.join("\n",
                "storage_path = \"" + storage + "\"",
                "quic_port = 0", "quic_bind = \"127.0.0.1\"", "metrics_port = 0", "admin_port = 0",
                "metrics_bind = \"127.0.0.1\"",
                "region = \"EU-WEST\"", "fsync = \"never\"", "block_time_secs = 1", "cache_mb = 16", ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:+IgnoreUnrecognizedVMOptions",
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dicn.erasure.calibrationMillis=2000", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<String> metricsUrl = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("  metrics ")) {
                        metricsUrl.complete(line.substring("  metrics ".length()).trim());
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            metricsUrl.complete(null);
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        try {
            String url = metricsUrl.get(90, TimeUnit.SECONDS);
            assertThat(url).as("banner with the metrics URL; output:%n%s", String.join("\n", output)).isNotNull();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(url.replace("/metrics", "/health")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("RUNNING");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("icn_super_node_shard_count", "jvm_memory_used_bytes",
                    "icn_super_node_chain_block ");
            if (Files.isReadable(Path.of("/proc/self/status"))) {
                assertThat(metrics.body()).contains("process_resident_memory_bytes ");
            }

            // SIGTERM through the handle: Process.destroy() would also close our end of the child's output
            // and lose its shutdown log.
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            reader.join(10_000);
            assertThat(process.exitValue()).as("exit code; output:%n%s", String.join("\n", output)).isZero();
            assertThat(output).as("output").anyMatch(l -> l.contains("configuration from"))
                    .anyMatch(l -> l.contains("node stopped"));
            assertThat(storage.resolve(SuperNode.CHAIN_STATE_FILE)).exists();
            assertThat(storage.resolve(NodeIdentity.PRIVATE_FILE)).exists();
        } finally {
            process.destroyForcibly();
        }
    }
}
