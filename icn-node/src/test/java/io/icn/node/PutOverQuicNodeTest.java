package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.DealId;
import io.icn.chain.PinningDeal;
import io.icn.storage.Cid;
import io.icn.transport.quic.NodeCertificate;
import io.icn.transport.quic.PayloadTooLargeException;
import io.icn.transport.quic.PutResult;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardData;
import io.icn.transport.quic.UnauthorizedException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A director PUTs a 50 MiB chunk over QUIC into a whole node in this JVM: the node erasure-codes, stores and pins it
 * through the same ingest as the admin put, then serves it back; its certificate comes from
 * {@code icn-node director-cert}, and a client without an allow-listed certificate is refused.
 */
@Timeout(240)
class PutOverQuicNodeTest {
    private static final int CHUNK_BYTES = 50 << 20;

    @TempDir
    Path tmp;

    @Test
    void anAllowListedDirectorPutsA50MibChunkThatIsStoredPinnedAndServed() throws Exception {
        Path directorDir = tmp.resolve("director");
        String printed = SuperNodeTest.cli("director-cert", "--dir", directorDir.toString());
        Matcher m = Pattern.compile("fingerprint ([0-9a-f]{64})").matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        String fingerprint = m.group(1);
        NodeCertificate director = NodeCertificate.load(directorDir.resolve(Main.DirectorCert.CERTIFICATE_FILE),
                directorDir.resolve(Main.DirectorCert.KEY_FILE));
        assertThat(director.sha256Fingerprint()).isEqualTo(fingerprint);
        assertThat(SuperNodeTest.cli("director-cert", "--dir", directorDir.toString())).as("a second run loads the same certificate")
                .startsWith("loaded").contains(fingerprint);

        NodeConfig config = SuperNodeTest.testConfig(tmp.resolve("node")).ingestClients(List.of(fingerprint.toUpperCase()))
                .maxQuicPutMb(56).quicPutBudgetMb(112).build();
        SuperNode node = SuperNode.builder(config).random(new SplittableRandom(9)).calibrateKernels(false).build();
        try {
            node.start();
            assertThat(node.quicPutSummary()).contains("enabled for 1 director");
            InetSocketAddress address = node.quicAddress();
            byte[] chunk = new byte[CHUNK_BYTES];
            new SplittableRandom(50).nextBytes(chunk);
            Cid cid = Cid.ofRaw(chunk);

            try (ShardClient client = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint()))
                    .clientCertificate(director).requestTimeout(Duration.ofSeconds(150)).maxAttempts(1).build()) {
                long blockBefore = node.chain().currentBlock();
                PutResult stored = client.putChunk(address, chunk, 0).get(180, TimeUnit.SECONDS);
                assertThat(stored.cid()).isEqualTo(cid);
                assertThat(stored.alreadyStored()).isFalse();
                assertThat(stored.shardsStored()).isEqualTo(14);
                assertThat(stored.expiryBlock()).as("deal_blocks applies when the PUT names none")
                        .isBetween(blockBefore + config.dealBlocks(), node.chain().currentBlock() + config.dealBlocks());

                // Pinned on the local chain, by this node, for this CID.
                DealId deal = DealId.fromHex(stored.dealId());
                PinningDeal onChain = node.chain().deal(deal).orElseThrow();
                assertThat(onChain.expiresAt()).isEqualTo(stored.expiryBlock());
                assertThat(onChain.shards()).hasSize(14);
                assertThat(node.chain().dealContent(deal)).contains(cid.toString());
                assertThat(node.chain().pinnersOf(deal)).containsExactly(node.identity().account());

                // Served back: a data shard is the chunk's first tenth, and the whole chunk decodes.
                ShardData first = client.fetchShard(address, cid, 0).get(60, TimeUnit.SECONDS);
                assertThat(first.verified()).isTrue();
                assertThat(first.bytes()).isEqualTo(Arrays.copyOf(chunk, CHUNK_BYTES / 10));
                assertThat(client.fetchChunk(List.of(address), cid).get(120, TimeUnit.SECONDS)).isEqualTo(chunk);

                PutResult again = client.putChunk(address, chunk, 5_000).get(180, TimeUnit.SECONDS);
                assertThat(again.alreadyStored()).isTrue();
                assertThat(again.dealId()).isNotEqualTo(stored.dealId());
            }

            byte[] small = new byte[100_000];
            new SplittableRandom(51).nextBytes(small);
            try (ShardClient anonymous = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint()))
                    .maxAttempts(1).build()) {
                assertThatThrownBy(() -> anonymous.putChunk(address, small, 0).join())
                        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(UnauthorizedException.class);
            }
            try (ShardClient client = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint()))
                    .clientCertificate(director).maxAttempts(1).build()) {
                byte[] tooBig = new byte[(56 << 20) + 1];
                assertThatThrownBy(() -> client.putChunk(address, tooBig, 0).join())
                        .hasCauseInstanceOf(PayloadTooLargeException.class);
            }
            assertThat(node.store().contains(Cid.ofRaw(small))).isFalse();
            assertThat(node.store().usage().chunkCount()).isEqualTo(1);
            assertThat(node.prometheus().scrape()).contains("icn_transport_put_bytes_total",
                    "icn_transport_put_seconds_count", "icn_transport_requests_refused_total{reason=\"unauthorized\"}");
        } finally {
            node.close();
        }
    }

    @Test
    void withoutIngestClientsTheNodeRefusesEveryPut() throws Exception {
        NodeCertificate director = NodeCertificate.selfSigned("director", new java.security.SecureRandom());
        SuperNode node = SuperNode.builder(SuperNodeTest.testConfig(tmp.resolve("closed")).build())
                .random(new SplittableRandom(10)).calibrateKernels(false).build();
        try {
            node.start();
            assertThat(node.quicPutSummary()).startsWith("disabled");
            try (ShardClient client = ShardClient.builder().pinnedFingerprints(List.of(node.quicFingerprint()))
                    .clientCertificate(director).maxAttempts(1).build()) {
                byte[] chunk = new byte[10_000];
                new SplittableRandom(52).nextBytes(chunk);
                assertThatThrownBy(() -> client.putChunk(node.quicAddress(), chunk, 0).join())
                        .hasCauseInstanceOf(UnauthorizedException.class).hasMessageContaining("ingest clients is empty");
                // Reading needs no certificate and still works for everyone.
                assertThat(client.has(node.quicAddress(), Cid.ofRaw(chunk)).get(30, TimeUnit.SECONDS)).isEmpty();
            }
        } finally {
            node.close();
        }
    }
}
