package io.icn.node;

import io.icn.chain.local.LocalChainConfig;
import java.nio.file.Path;
import java.time.Duration;

/** Node configurations for tests: loopback, ports chosen by the system, no fsync, 1 s blocks and audit polls. */
final class TestNodes {
    private TestNodes() {
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
