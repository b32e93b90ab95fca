package io.icn.p2p.kad;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ManifestDht} republishes what this node holds: every record every {@code recordInterval}
 * (rust-libp2p's replication interval, 1 h) and every provider record every {@code providerInterval}
 * (12 h, half the 24 h provider TTL). A sweep is spread evenly over {@code spread} of its interval, at
 * most {@code maxInFlight} chunks at a time, so that 140,000 chunks become a steady trickle rather than
 * a burst that would compete with shard serving; a sweep still running when the next is due is not
 * doubled (the next one is skipped and counted as {@link ManifestDht.Stats#sweepsSkipped()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param recordInterval how often manifest records are put again
 * @param providerInterval how often provider records are announced again
 * @param spread the fraction (0, 1] of an interval a sweep is spread over
 * @param maxInFlight chunks being republished at once
 * @param legacyKeys whether manifests are also put under the bare CID ({@code dht_legacy_keys})
 */
public record RepublishConfig(Duration recordInterval, Duration providerInterval, double spread, int maxInFlight,
        boolean legacyKeys) {

    public RepublishConfig {
        Objects.requireNonNull(recordInterval, "recordInterval");
        Objects.requireNonNull(providerInterval, "providerInterval");
        if (recordInterval.isNegative() || recordInterval.isZero() || providerInterval.isNegative()
                || providerInterval.isZero()) {
            throw new IllegalArgumentException("republish intervals must be positive: " + recordInterval + ", "
                    + providerInterval);
        }
        if (!(spread > 0 && spread <= 1)) {
            throw new IllegalArgumentException("spread must be in (0, 1]: " + spread);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1: " + maxInFlight);
        }
    }

    /** Records hourly, providers every 12 h, spread over 80 % of the interval, 32 in flight, legacy keys on. */
    public static RepublishConfig defaults() {
        return new RepublishConfig(Duration.ofHours(1), Duration.ofHours(12), 0.8, 32, true);
    }
}
