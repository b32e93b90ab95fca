package io.icn.node.launcher;

import io.icn.node.NodeConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What {@code icn-node} runs with: the node's own configuration, and the launcher's HTTP and logging. Read from
 * {@code super-node.toml} by {@link NodeConfigFile} through the key table {@link ConfigKeys}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param node the super-node's configuration (the library's)
 * @param http the HTTP listeners
 * @param log logging
 * @param substrate how a {@code ws://} / {@code wss://} {@code chain_endpoint} is reached (unused with {@code local})
 */
public record LauncherConfig(NodeConfig node, HttpConfig http, LogConfig log, SubstrateConfig substrate) {

    /**
     * The launcher's settings of a real chain.
     *
     * @param pallet the pinning pallet's name in the runtime ({@code chain_pallet})
     * @param keyEnv the environment variable holding the node's chain key seed; empty: {@code node-key.pk8}
     * @param connectTimeout bound on connecting and on each request ({@code chain_connect_timeout_secs})
     */
    public record SubstrateConfig(String pallet, String keyEnv, java.time.Duration connectTimeout) {
        public static final SubstrateConfig DEFAULT = new SubstrateConfig("IcnPinning", "",
                java.time.Duration.ofSeconds(10));

        public SubstrateConfig {
            Objects.requireNonNull(pallet, "pallet");
            Objects.requireNonNull(keyEnv, "keyEnv");
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
            }
        }
    }

    /** The storage path every relative default starts from: {@code ./icn-data}. */
    public static final Path DEFAULT_STORAGE = Path.of("./icn-data");

    public LauncherConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(substrate, "substrate");
    }

    public LauncherConfig(NodeConfig node, HttpConfig http, LogConfig log) {
        this(node, http, log, SubstrateConfig.DEFAULT);
    }

    /** Every default. */
    public static LauncherConfig defaults() {
        NodeConfig node = NodeConfig.defaults(DEFAULT_STORAGE);
        // An operator's node joins the network unless p2p_enabled = false; an embedded node's default is off.
        return new LauncherConfig(node.withNetwork(node.network().withEnabled(true)), HttpConfig.DEFAULT,
                LogConfig.DEFAULT);
    }

    public LauncherConfig withNode(UnaryOperator<NodeConfig> change) {
        return new LauncherConfig(change.apply(node), http, log, substrate);
    }

    public LauncherConfig withHttp(UnaryOperator<HttpConfig> change) {
        return new LauncherConfig(node, change.apply(http), log, substrate);
    }

    public LauncherConfig withLog(LogConfig value) {
        return new LauncherConfig(node, http, value, substrate);
    }

    public LauncherConfig withSubstrate(UnaryOperator<SubstrateConfig> change) {
        return new LauncherConfig(node, http, log, change.apply(substrate));
    }
}
