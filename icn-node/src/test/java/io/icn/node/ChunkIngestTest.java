package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.DealId;
import io.icn.chain.local.LocalChain;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.erasure.ErasureCodec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ingest pipeline cut into chunks: boundaries, CIDs, slow and failing uploads. */
class ChunkIngestTest {

    private static final int CHUNK = 100_000;

    private final Random rnd = new Random(17);
    private final List<String> announced = new ArrayList<>();
    private ShardStore store;
    private LocalChain chain;
    private ChunkIngest ingest;

    @BeforeEach
    void setUp() {
        store = new InMemoryShardStore();
        chain = LocalChain.builder().random(new Random(3)).proofScheme(ProofScheme.merkle()).build();
        AccountId node = new AccountId(new byte[32]);
        chain.endow(node, Balance.ofIcn(1_000));
        chain.registerNode(node, Region.EU_WEST, Balance.ofIcn(100));
        ManifestPublisher recording = new ManifestPublisher() {
            @Override
            public void publish(String cid) {
                announced.add(cid);
            }

            @Override
            public void unpublish(String cid) {
                announced.remove(cid);
            }
        };
        ingest = new ChunkIngest(store, new StoreExpiredContent(store, chain.proofScheme()),
                chain.selfDealing(node, false), recording, CHUNK);
    }

    @AfterEach
    void tearDown() {
        chain.close();
        store.close();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** Every chunk of the report is the slice of the upload at its offset, stored, pinned and announced. */
    private void assertStored(byte[] upload, ChunkIngest.IngestReport report) {
        assertThat(report.bytes()).isEqualTo(upload.length);
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        long offset = 0;
        for (ChunkIngest.IngestedChunk c : report.chunks()) {
            assertThat(c.offset()).isEqualTo(offset);
            byte[] slice = Arrays.copyOfRange(upload, (int) offset, (int) offset + c.length());
            assertThat(c.cid()).isEqualTo(Cid.ofRaw(slice).toString());
            assertThat(store.readShard(Cid.parse(c.cid()), 13)).isEqualTo(codec.encode(slice)[13]);
            assertThat(c.shards()).isEqualTo(14);
            offset += c.length();
        }
        assertThat(announced).containsExactlyElementsOf(report.chunks().stream().map(ChunkIngest.IngestedChunk::cid).toList());
    }

    @Test
    void anUploadIsCutIntoChunksOfTheConfiguredSize() {
        byte[] upload = bytes(2 * CHUNK + 12_345);
        ChunkIngest.IngestReport report = ingest.ingest(new ByteArrayInputStream(upload), 50);
        assertThat(report.chunks()).extracting(ChunkIngest.IngestedChunk::length).containsExactly(CHUNK, CHUNK, 12_345);
        assertStored(upload, report);
    }

    @Test
    void anExactMultipleLeavesNoEmptyChunk() {
        byte[] upload = bytes(2 * CHUNK);
        ChunkIngest.IngestReport report = ingest.ingest(new ByteArrayInputStream(upload), 50);
        assertThat(report.chunks()).hasSize(2);
        assertStored(upload, report);
    }

    /** An upload that arrives a few bytes at a time (a slow client) gives the same chunks and CIDs. */
    @Test
    void aTrickleGivesTheSameChunks() {
        byte[] upload = bytes(CHUNK + 7_777);
        InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(upload)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + rnd.nextInt(3000)));
            }
        };
        ChunkIngest.IngestReport report = ingest.ingest(trickle, 50);
        assertThat(report.chunks()).hasSize(2);
        assertStored(upload, report);
    }

    /**
     * Files shorter than the 10 data shards, or of one repeated byte, have identical shards: they are stored and
     * pinned like any other (the deal names the repeated hash at each position).
     */
    @Test
    void aOneByteFileAndOtherFilesWithRepeatingShardsAreStoredAndPinned() {
        for (byte[] upload : new byte[][] {{7}, {0}, bytes(9), new byte[1_000], bytes(10)}) {
            announced.clear();
            ChunkIngest.IngestReport report = ingest.ingest(new ByteArrayInputStream(upload), 50);
            assertThat(report.chunks()).hasSize(1);
            assertStored(upload, report);
            DealId deal = DealId.fromHex(report.chunks().get(0).dealId());
            assertThat(chain.deal(deal).orElseThrow().shards()).hasSize(14);
            assertThat(chain.dealContent(deal)).contains(report.chunks().get(0).cid());
        }
    }

    @Test
    void anEmptyUploadIsRefusedAndStoresNothing() {
        assertThatThrownBy(() -> ingest.ingest(InputStream.nullInputStream(), 50))
                .isInstanceOf(ChunkIngest.PartialIngestException.class).hasMessageContaining("empty");
        assertThat(store.list()).isEmpty();
    }

    /** The chunks before a failed read stay stored and pinned, and the error names them. */
    @Test
    void anUploadFailingHalfWayKeepsTheChunksBeforeIt() {
        byte[] first = bytes(CHUNK + 500);
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(first), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset by peer");
            }
        });
        assertThatThrownBy(() -> ingest.ingest(failing, 50)).isInstanceOfSatisfying(
                ChunkIngest.PartialIngestException.class, e -> {
                    assertThat(e).hasMessageContaining("connection reset by peer").hasMessageContaining("after " + CHUNK);
                    assertThat(e.stored()).hasSize(1);
                    String cid = Cid.ofRaw(Arrays.copyOf(first, CHUNK)).toString();
                    assertThat(e.stored().get(0).cid()).isEqualTo(cid);
                    assertThat(chain.dealContent(DealId.fromHex(e.stored().get(0).dealId()))).contains(cid);
                });
        assertThat(store.list()).hasSize(1);
    }
}
