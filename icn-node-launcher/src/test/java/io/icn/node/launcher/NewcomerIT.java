package io.icn.node.launcher;

import io.icn.node.*;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command as a newcomer types it in a fresh clone: {@code bin/icn-node run}, which runs the
 * shaded {@code icn-node.jar} (built in {@code package}, hence an integration test), with a configuration of free
 * loopback ports and a fresh storage directory. The node reaches RUNNING, answers {@code /health} and
 * {@code /metrics} with every meter of the seed report, takes a file through {@code bin/icn-node put} and gives
 * it back through {@code bin/icn-node get}, and on SIGTERM drains and exits 0.
 */
@Timeout(300)
class NewcomerIT {
    /**
     * The meters the seed report names, by their Prometheus names: storage, retrieval latency, audits, cleanup,
     * replication, transfers, and the JVM and process.
     */
    static final List<String> SEED_METRICS = List.of(
            "icn_super_node_shard_count", "icn_super_node_chunk_count", "icn_super_node_bytes_stored_bytes",
            "icn_super_node_storage_capacity_bytes", "icn_super_node_storage_utilization_ratio",
            "icn_super_node_shard_retrieval_seconds_bucket", "icn_super_node_cache_hits_total",
            "icn_super_node_cache_misses_total", "icn_super_node_scrub_bytes_total",
            "icn_super_node_scrub_corrupt_shards_total", "icn_super_node_repaired_shards_total",
            "icn_super_node_repair_failures_total", "icn_super_node_audit_success_total",
            "icn_super_node_audit_failure_total", "icn_super_node_audit_proof_latency_seconds_bucket",
            "icn_super_node_audit_response_blocks", "icn_super_node_audit_in_flight", "icn_super_node_audit_late_total",
            "icn_super_node_cleanup_runs_total", "icn_super_node_cleanup_deleted_total",
            "icn_super_node_cleanup_bytes_freed_bytes_total", "icn_super_node_replication_shards_total",
            "icn_super_node_replication_in_flight", "icn_transport_bytes_served_bytes_total",
            "icn_transport_streams_active", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_count",
            "jvm_threads_live_threads", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files",
            "system_cpu_usage", "icn_super_node_chain_block", "icn_super_node_replication_restored_total",
            "process_resident_memory_bytes"); // RSS from /proc/self/status: the node (and this test) runs on Linux

    /** A client command: a cold JVM, after the script has looked at every installed JDK. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void theReadmeRunCommandServesAFileAndStopsCleanly() throws Exception {
        Path root = Path.of(System.getProperty("icn.repo.root", "..")).toAbsolutePath().normalize();
        Path script = root.resolve("bin/icn-node");
        assertThat(script).as("the README's script").isExecutable();
        assertThat(root.resolve("icn-node-launcher/target/icn-node.jar"))
                .as("the shaded jar, built in package (else the script would build it)").exists();
        // The client commands find the node through admin_port, so it is a real free port; the others are 0.
        Path config = NodeProcess.writeConfig(tmp.resolve("super-node.toml"), "admin_port = " + freeTcpPort());
        Path storage = tmp.resolve("icn-data");

        try (NodeProcess node = NodeProcess.start(List.of(script.toString(), "run", "--config", config.toString(),
                "--storage-path", storage.toString()))) {
            NodeProcess.Banner banner = node.awaitRunning();
            assertThat(node.output()).as("the script chose a JDK and ran the jar")
                    .anyMatch(l -> l.startsWith("icn-node: java ") && l.contains("icn-node.jar"));

            HttpResponse<String> health = node.get(banner.health());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"", "\"state\":\"RUNNING\"");
            HttpResponse<String> metrics = node.get(banner.metrics());
            assertThat(metrics.statusCode()).isEqualTo(200);
            List<String> names = metrics.body().lines().filter(l -> !l.startsWith("#"))
                    .map(l -> l.split("[{ ]", 2)[0]).distinct().toList();
            assertThat(names).as("/metrics").containsAll(SEED_METRICS);

            byte[] file = new byte[300_000];
            new SplittableRandom(1).nextBytes(file);
            Path in = Files.write(tmp.resolve("clip.bin"), file);
            String cid = Cid.ofRaw(file).toString(); // smaller than a chunk: one CID
            assertThat(client(script, "put", "--config", config.toString(), in.toString())).contains(cid);
            Path out = tmp.resolve("clip-back.bin");
            client(script, "get", "--config", config.toString(), "-o", out.toString(), cid);
            assertThat(Files.readAllBytes(out)).as("the file back").isEqualTo(file);

            node.sigterm();
            assertThat(node.awaitExit(NodeProcess.STOP_TIMEOUT)).as("exit code; output:%n%s", node.transcript()).isZero();
            assertThat(node.output()).anyMatch(l -> l.contains("configuration from " + config))
                    .anyMatch(l -> l.contains("drained in ")).anyMatch(l -> l.contains("node stopped"));
        }
        assertThat(storage.resolve(SuperNode.CHAIN_STATE_FILE)).exists();
        assertThat(storage.resolve("node-key.pk8")).exists();
    }

    /** Runs {@code bin/icn-node args...}, asserts exit 0, returns its output. */
    private static String client(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        try (NodeProcess client = NodeProcess.start(command)) {
            int code = client.awaitExit(CLIENT_TIMEOUT);
            assertThat(code).as("exit code of icn-node %s; output:%n%s", String.join(" ", args), client.transcript())
                    .isZero();
            return client.transcript();
        }
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
