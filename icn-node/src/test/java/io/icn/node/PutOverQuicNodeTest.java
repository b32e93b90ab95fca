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
import java.util.Set;
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
        NodeCertificate director = NodeCertificate.loadOrGenerate(tmp.resolve("director-cert.pem"),
                tmp.resolve("director-key.pem"), "icn-director", new java.security.SecureRandom());
        String fingerprint = director.sha256Fingerprint();
        NodeConfig base = TestNodes.config(tmp.resolve("node"));
        NodeConfig config = base.withQuic(base.quic().withIngestClients(Set.of(fingerprint.toUpperCase()))
                .withPutLimits(56L << 20, 112L << 20));
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
                        .isBetween(blockBefore + config.ingest().dealBlocks(), node.chain().currentBlock() + config.ingest().dealBlocks());

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
            assertThat(node.meterRegistry().find("icn.transport.put.bytes").counter()).isNotNull();
            assertThat(node.meterRegistry().find("icn.transport.put").timer().count()).isPositive();
            assertThat(node.meterRegistry().find("icn.transport.requests.refused").tag("reason", "unauthorized")
                    .counter().count()).isPositive();
        } finally {
            node.close();
        }
    }

    @Test
    void withoutIngestClientsTheNodeRefusesEveryPut() throws Exception {
        NodeCertificate director = NodeCertificate.selfSigned("director", new java.security.SecureRandom());
        SuperNode node = SuperNode.builder(TestNodes.config(tmp.resolve("closed")))
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
