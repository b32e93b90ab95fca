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
 */
public record LauncherConfig(NodeConfig node, HttpConfig http, LogConfig log) {

    /** The storage path every relative default starts from: {@code ./icn-data}. */
    public static final Path DEFAULT_STORAGE = Path.of("./icn-data");

    public LauncherConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
    }

    /** Every default. */
    public static LauncherConfig defaults() {
        NodeConfig node = NodeConfig.defaults(DEFAULT_STORAGE);
        // An operator's node joins the network unless p2p_enabled = false; an embedded node's default is off.
        return new LauncherConfig(node.withNetwork(node.network().withEnabled(true)), HttpConfig.DEFAULT,
                LogConfig.DEFAULT);
    }

    public LauncherConfig withNode(UnaryOperator<NodeConfig> change) {
        return new LauncherConfig(change.apply(node), http, log);
    }

    public LauncherConfig withHttp(UnaryOperator<HttpConfig> change) {
        return new LauncherConfig(node, change.apply(http), log);
    }

    public LauncherConfig withLog(LogConfig value) {
        return new LauncherConfig(node, http, value);
    }
}
