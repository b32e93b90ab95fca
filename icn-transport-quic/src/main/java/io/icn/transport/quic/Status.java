package io.icn.transport.quic;

/**
 * Response status codes of {@code icn-shard/1}, one byte on the wire (see docs/protocol.md).
 */
public enum Status {
    /** The request succeeded; the response body follows the header. */
    OK(0x00),
    /** The node holds no such chunk or shard. */
    NOT_FOUND(0x01),
    /** The request frame was malformed, truncated or too large. */
    BAD_REQUEST(0x02),
    /** The byte range is not inside the shard. */
    RANGE_NOT_SATISFIABLE(0x03),
    /** A limit was reached; the header carries a retry-after delay. */
    BUSY(0x04),
    /** The node found its copy of the shard corrupt. */
    CORRUPT(0x05),
    /** The node's shard hash differs from the hash the request expected. */
    HASH_MISMATCH(0x06),
    /** The request frame's version is not spoken by this node. */
    UNSUPPORTED_VERSION(0x07),
    /** The request did not arrive, or could not start, within the node's time limits. */
    TIMEOUT(0x08),
    /** The node failed while serving the request. */
    INTERNAL_ERROR(0x09),
    /** PUT only: the client presented no certificate, or one whose fingerprint the node does not accept. */
    UNAUTHORIZED(0x0A),
    /** PUT only: the bytes received do not hash to the CID the request named; nothing was stored. */
    CONTENT_MISMATCH(0x0B),
    /** PUT only: the announced chunk length exceeds the node's limit; no byte of the body was kept. */
    PAYLOAD_TOO_LARGE(0x0C),
    /** PUT only: the node's store has no room for the chunk; nothing was stored. */
    STORAGE_FULL(0x0D),
    /** The node does not serve this kind of request, e.g. a PUT to a node that takes no ingest. */
    UNSUPPORTED_REQUEST(0x0E);

    private static final Status[] BY_CODE = new Status[256];

    static {
        for (Status s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The wire code. */
    public int code() {
        return code;
    }

    /**
     * The status with this wire code.
     *
     * @throws MalformedFrameException if no status has this code
     */
    public static Status ofCode(int code) {
        Status s = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (s == null) {
            throw new MalformedFrameException("unknown status code: " + code);
        }
        return s;
    }
}
