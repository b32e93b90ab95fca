package io.icn.node.launcher;

import io.icn.chain.Region;
import io.icn.node.SuperNode;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code GET /admin/status} shows of a running node, and no more: the status endpoint depends on this
 * rather than on the whole {@link SuperNode}. Implementations are thread-safe (read by the HTTP threads).
 */
interface StatusView {
    String version();

    /** The lifecycle state, STOPPING from the moment the launcher begins to stop. */
    SuperNode.State state();

    Region region();

    /** The node's chain account, hex. */
    String account();

    Duration uptime();

    String chainEndpoint();

    long currentBlock();

    Duration blockTime();

    int trackedAudits();

    String kernelName();

    String kernelReason();

    /** Where the node answers: {@code metrics}, {@code admin}, {@code quic}, {@code quic_fingerprint}. */
    Map<String, String> endpoints();

    /** The node on the p2p network: {@code enabled}, and when on its peer id, listen multiaddrs and peer count. */
    Map<String, Object> network();
}
