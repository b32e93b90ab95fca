package io.icn.node.launcher;

import io.icn.node.ConfigException;
import io.icn.node.NodeConfig;
import io.icn.node.StorageLockedException;
import io.icn.node.SuperNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.ChainClient;
import io.icn.chain.ChainStateException;
import io.icn.storage.Cid;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node in this JVM, as the launcher configures it, on loopback ports chosen by the system: lifecycle, the
 * storage lock, a corrupt chain state, the scrub's own thread, an older chain's Merkle block size. The HTTP
 * interface and the CLI are {@link NodeHttpTest}'s.
 */
@Timeout(90)
class SuperNodeTest {
    @TempDir
    Path tmp;

    /** The test configuration of NodeHttpTest, without the launcher's parts. */
    static NodeConfig testConfig(Path storage, String... moreToml) {
        return NodeHttpTest.testConfig(storage, moreToml).node();
    }

    private static SuperNode node(NodeConfig config) {
        return SuperNode.builder(config).random(new SplittableRandom(42)).calibrateKernels(false).build();
    }

    @Test
    void lifecycleFromNewToStoppedAndStateSurvivesARestart() throws Exception {
        Path storage = tmp.resolve("data");
        SuperNode node = node(testConfig(storage));
        String account;
        try {
            assertThat(node.state()).isEqualTo(SuperNode.State.NEW);
            node.start();
            assertThat(node.state()).isEqualTo(SuperNode.State.RUNNING);
            account = node.identity().accountHex();
            assertThat(storage.resolve("node.lock") /* docs/configuration.md */).exists();
            assertThat(Files.getPosixFilePermissions(node.identity().privateKeyFile()))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class);
        } finally {
            node.close();
        }
        assertThat(node.state()).isEqualTo(SuperNode.State.STOPPED);
        node.close(); // idempotent
        assertThat(storage.resolve(SuperNode.CHAIN_STATE_FILE)).exists();

        SuperNode again = node(testConfig(storage));
        try {
            again.start();
            assertThat(again.identity().accountHex()).as("the key persists").isEqualTo(account);
        } finally {
            again.close();
        }
    }

    @Test
    void aSecondNodeOnTheSameStorageIsRefused() {
        Path storage = tmp.resolve("shared");
        SuperNode first = node(testConfig(storage));
        SuperNode second = node(testConfig(storage));
        try {
            first.start();
            assertThatThrownBy(second::start).isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining(storage.toString()).hasMessageContaining("in use");
            assertThat(second.state()).isEqualTo(SuperNode.State.FAILED);
            assertThat(first.state()).isEqualTo(SuperNode.State.RUNNING);
        } finally {
            second.close();
            first.close();
        }
    }

    @Test
    void aCorruptChainStateFailsTheStartAndReleasesTheStore() throws Exception {
        Path storage = tmp.resolve("corrupt-chain");
        SuperNode first = node(testConfig(storage));
        first.start();
        first.close();
        Path state = storage.resolve(SuperNode.CHAIN_STATE_FILE);
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 1;
        Files.write(state, bytes);

        // The chain loads beside the store's open: its failure must still close the store and the lock.
        SuperNode broken = node(testConfig(storage));
        assertThatThrownBy(broken::start).isInstanceOf(ChainStateException.class)
                .hasMessageContaining("CRC32C");
        assertThat(broken.state()).isEqualTo(SuperNode.State.FAILED);
        broken.close();

        Files.delete(state);
        SuperNode again = node(testConfig(storage));
        try {
            again.start();
            assertThat(again.state()).isEqualTo(SuperNode.State.RUNNING);
        } finally {
            again.close();
        }
    }

    @Test
    void aNonLocalChainIsRefusedBeforeAnythingIsTouched() {
        Path storage = tmp.resolve("untouched");
        SuperNode node = node(testConfig(storage, "chain_endpoint = \"ws://127.0.0.1:9944\""));
        try {
            assertThatThrownBy(node::start).isInstanceOf(ConfigException.class).hasMessageContaining("chain_endpoint");
            assertThat(storage).doesNotExist();
        } finally {
            node.close();
        }
    }

    @Test
    void blocksKeepComingWhileASlowScrubPassRunsOnItsOwnThread() throws Exception {
        // 1 KiB/s: the pass over one chunk's 14 shards of 6.5 KiB takes about 90 s.
        SuperNode node = node(testConfig(tmp.resolve("scrub"), "scrub_interval_secs = 1", "scrub_bytes_per_sec = 1024"));
        Set<String> producers = ConcurrentHashMap.newKeySet();
        try {
            node.start();
            try (ChainClient observer = node.chain().clientFor(node.identity().account())) {
                observer.subscribeBlocks(b -> producers.add(Thread.currentThread().getName()));
                byte[] file = new byte[65_536];
                new SplittableRandom(9).nextBytes(file);
                node.ingest().ingest(new ByteArrayInputStream(file), 100);

                Thread scrub = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while ((scrub = threadIn("io.icn.storage.Scrubber", "scrub")) == null) {
                    assertThat(System.nanoTime()).as("no scrub pass started in 20 s").isLessThan(deadline);
                    Thread.sleep(50);
                }
                long from = node.chain().currentBlock();
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (node.chain().currentBlock() < from + 3) {
                    assertThat(System.nanoTime()).as("blocks stalled at %d during the scrub", node.chain().currentBlock())
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
                assertThat(threadIn("io.icn.storage.Scrubber", "scrub")).as("the slow pass still runs")
                        .isSameAs(scrub);
                assertThat(scrub.getName()).startsWith("icn-node-scrub");
                assertThat(producers).as("threads that produced blocks").isNotEmpty().doesNotContain(scrub.getName());
            }
        } finally {
            node.close(); // ends the slow pass: the store's close stops its pacing
        }
    }

    /** The live thread with a frame in {@code className.method}, or null. */
    private static Thread threadIn(String className, String method) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : e.getValue()) {
                if (f.getClassName().equals(className) && f.getMethodName().equals(method)) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    @Test
    void aNodeOnAChainOfTheFormerBlockSizeKeepsUsingIt() throws Exception {
        // A chain made when 1 KiB was the default Merkle block size: the node reopens it with that scheme and
        // gives new shards 1 KiB leaves, so that their recorded roots are the shard hashes the chain checks.
        Path storage = tmp.resolve("older-chain");
        Files.createDirectories(storage);
        io.icn.chain.local.LocalChain.builder().random(new SplittableRandom(1))
                .stateFile(storage.resolve(SuperNode.CHAIN_STATE_FILE))
                .proofScheme(io.icn.chain.ProofScheme.merkle(1024)).build().close();
        SuperNode older = node(testConfig(storage));
        try {
            older.start();
            assertThat(older.chain().proofScheme()).isEqualTo(io.icn.chain.ProofScheme.merkle(1024));
            byte[] file = new byte[300_000];
            new SplittableRandom(3).nextBytes(file);
            Cid cid = Cid.parse(older.ingest().ingest(new ByteArrayInputStream(file), 100).chunks().get(0).cid());
            assertThat(older.store().meta(cid).orElseThrow().merkleLeafSize()).isEqualTo(1024);
        } finally {
            older.close();
        }

        Path fresh = tmp.resolve("new-chain");
        SuperNode node = node(testConfig(fresh));
        try {
            node.start();
            assertThat(node.chain().proofScheme()).isEqualTo(io.icn.chain.ProofScheme.merkle());
            assertThat(node.chain().proofScheme().merkleBlockSize()).isEqualTo(io.icn.storage.MerkleProof.DEFAULT_LEAF_SIZE);
        } finally {
            node.close();
        }
    }

    // ---------------------------------------------------------------- helpers

}
