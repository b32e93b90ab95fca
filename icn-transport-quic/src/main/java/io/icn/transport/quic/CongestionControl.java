package io.icn.transport.quic;

import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import java.util.Locale;

/**
 * The congestion controller QUIC (quiche) runs for a connection's sending.
 *
 * <p>{@link #CUBIC} is the default (quiche's). {@link #BBR} keeps about two bandwidth-delay products in flight; the
 * loss-based controllers grow
 * their window until a datagram is lost; Netty's codec does not pace (it sends what the window allows as soon as
 * there is data), so on a fast path such as loopback a window larger than the receiver's socket buffer arrives in
 * one burst and overflows it (measured in docs/benchmarks.md: hundreds of drops per 50 MiB chunk with CUBIC, none
 * with BBR); but with BBR some transport tests timed out at loads of 20-30 where main's did not, so it is not the
 * default until that is understood. Immutable.
 */
public enum CongestionControl {
    /** Bottleneck bandwidth and round-trip propagation time: bounded bytes in flight, not driven by loss. */
    BBR(QuicCongestionControlAlgorithm.BBR),
    /** CUBIC (RFC 9438), loss-based. */
    CUBIC(QuicCongestionControlAlgorithm.CUBIC),
    /** NewReno (RFC 9002), loss-based. */
    RENO(QuicCongestionControlAlgorithm.RENO);

    private final QuicCongestionControlAlgorithm algorithm;

    CongestionControl(QuicCongestionControlAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    QuicCongestionControlAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The controller named {@code name}, case-insensitive ({@code bbr}, {@code cubic}, {@code reno}).
     *
     * @throws IllegalArgumentException naming the accepted values if {@code name} is none of them
     */
    public static CongestionControl parse(String name) {
        for (CongestionControl c : values()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown congestion control '" + name + "': one of bbr, cubic, reno");
    }

    /** The lower-case name {@link #parse} accepts. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
