package io.icn.node;

import io.icn.chain.Region;
import io.icn.chain.local.LocalChain;
import io.icn.chain.local.LocalChainConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/** Node configurations for tests: loopback, ports chosen by the system, no fsync, 1 s blocks and audit polls. */
final class TestNodes {
    private TestNodes() {
    }

    /** {@link #config(Path)} registering in {@code region}. */
    static NodeConfig config(Path storage, Region region) {
        NodeConfig c = config(storage);
        return c.withChain(c.chain().withRegion(region));
    }

    /**
     * A node on a harness's shared chain (blocks produced by the test), seeded, not calibrating, with cleanup out of
     * the way (a pass every million blocks).
     */
    static SuperNode onSharedChain(LocalChain chain, NodeConfig config, long seed) {
        return SuperNode.builder(config.withCleanup(new ServiceConfig.Cleanup(1_000_000))).chain(chain)
                .random(new SplittableRandom(seed)).calibrateKernels(false).build();
    }

    static NodeConfig config(Path storage) {
        NodeConfig d = NodeConfig.defaults(storage);
        return d.withQuic(d.quic().withBind("127.0.0.1", 0))
                .withNetwork(d.network().withListenAddress("/ip4/127.0.0.1/tcp/0"))
                .withStore(d.store().withFsync(FsyncPolicy.NEVER).withCacheBytes(16L << 20))
                .withChain(d.chain().withLocal(LocalChainConfig.DEFAULT.withBlockTime(Duration.ofSeconds(1))))
                .withAudits(new ServiceConfig.Audits(Duration.ofSeconds(1)))
                .withIngest(d.ingest().withChunkBytes(1 << 20));
    }
}
