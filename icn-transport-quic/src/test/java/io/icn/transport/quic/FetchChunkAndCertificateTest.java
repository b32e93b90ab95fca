package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchChunkAndCertificateTest {

    @Test
    void certificateIsGeneratedOnceAndReloaded(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("tls/node.crt");
        Path key = dir.resolve("tls/node.key");
        NodeCertificate first = NodeCertificate.loadOrGenerate(cert, key, new SecureRandom());
        NodeCertificate again = NodeCertificate.loadOrGenerate(cert, key, new SecureRandom());
        assertThat(again.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint()).hasSize(64);
        assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        Files.delete(cert);
        assertThatThrownBy(() -> NodeCertificate.loadOrGenerate(cert, key, new SecureRandom()))
                .isInstanceOf(TransportException.class);
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> ShardClient.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ShardClient.builder().pinnedFingerprints(java.util.List.of("abc")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardServer.builder(new InMemoryShardStore()).chunkSize(100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardServer.builder(new InMemoryShardStore()).start())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commandLineFetchesAChunk(@TempDir Path dir) throws Exception {
        Fixtures.requireQuic();
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(20);
        byte[] chunk = Fixtures.storeChunk(store, cid, 20, 500_000);
        ShardServer server = null;
        try {
            server = ShardServer.builder(store).bindAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                    .certificateFiles(dir.resolve("node.crt"), dir.resolve("node.key")).start();
            Path out = dir.resolve("chunk.bin");
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            int status = FetchChunk.run(new String[] {"--cid", cid.toString(), "--node",
                "127.0.0.1:" + server.localAddress().getPort(), "--pin", server.certificateFingerprint(), "--out",
                out.toString()}, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
            assertThat(status).isZero();
            assertThat(Files.readAllBytes(out)).isEqualTo(chunk);
            assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("fetched " + cid);
            assertThat(FetchChunk.run(new String[] {"--cid", "nope"}, System.out, new PrintStream(
                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isEqualTo(2);
        } finally {
            ShardTransferTest.close(null, server);
            store.close();
        }
    }
}
