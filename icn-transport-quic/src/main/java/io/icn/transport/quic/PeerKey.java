package io.icn.transport.quic;

/**
 * What the server treats as one client when it applies per-client limits (bandwidth and request rate).
 */
public enum PeerKey {
    /** The client's IP address: every connection from one host shares one budget. The default. */
    IP,
    /**
     * The client's IP address and UDP port: every connection is its own client. For test harnesses and
     * benchmarks that run many clients on one host; in production it lets a client multiply its budget by
     * opening more connections (still bounded by the connection limit).
     */
    IP_AND_PORT
}
