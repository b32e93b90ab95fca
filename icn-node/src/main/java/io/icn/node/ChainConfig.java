package io.icn.node;

import io.icn.chain.Region;
import io.icn.chain.local.LocalChainConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Which chain the node works for, and as what.
 *
 * <p>Immutable and thread-safe.
 *
 * @param endpoint {@link #LOCAL} (the embedded chain) or a {@code ws://} / {@code wss://} URL of a chain node
 * @param region the region this node registers in
 * @param stakeIcn the stake this node registers with on the embedded chain, in ICN
 * @param local how the embedded chain runs (used only with {@link #LOCAL})
 */
public record ChainConfig(String endpoint, Region region, long stakeIcn, LocalChainConfig local) {

    /** The endpoint that selects the embedded chain. */
    public static final String LOCAL = "local";

    /** The embedded chain, region NA-WEST, the minimum stake of 50 ICN. */
    public static final ChainConfig DEFAULT = new ChainConfig(LOCAL, Region.NA_WEST, 50, LocalChainConfig.DEFAULT);

    public ChainConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(local, "local");
        checkEndpoint(endpoint);
        ConfigChecks.range("stakeIcn", stakeIcn, 50, 1_000_000_000L);
    }

    /** Whether {@link #endpoint()} selects the embedded chain. */
    public boolean isLocal() {
        return LOCAL.equals(endpoint);
    }

    public ChainConfig withEndpoint(String value) {
        return new ChainConfig(value, region, stakeIcn, local);
    }

    public ChainConfig withRegion(Region value) {
        return new ChainConfig(endpoint, value, stakeIcn, local);
    }

    public ChainConfig withStakeIcn(long value) {
        return new ChainConfig(endpoint, region, value, local);
    }

    public ChainConfig withLocal(LocalChainConfig value) {
        return new ChainConfig(endpoint, region, stakeIcn, value);
    }

    private static void checkEndpoint(String endpoint) {
        if (LOCAL.equals(endpoint)) {
            return;
        }
        try {
            URI uri = new URI(endpoint);
            if (("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException("chain endpoint \"" + endpoint + "\" is neither \"local\" (the embedded chain)"
                + " nor a ws:// or wss:// URL such as \"ws://127.0.0.1:9944\"");
    }
}
