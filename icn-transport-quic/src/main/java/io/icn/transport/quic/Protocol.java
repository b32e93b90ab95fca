package io.icn.transport.quic;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Constants of {@code icn-shard/1}; docs/protocol.md is the normative description.
 */
final class Protocol {

    /** The ALPN token. */
    static final String ALPN = "icn-shard/1";
    /** The frame version byte. */
    static final int VERSION = 1;
    /** Request and response headers: version, type/status, u16 body length. */
    static final int HEADER_LENGTH = 4;
    /** Hard limit on a request body. */
    static final int MAX_REQUEST_BODY = 128;
    /** Hard limit on a whole request frame. */
    static final int MAX_REQUEST_FRAME = HEADER_LENGTH + MAX_REQUEST_BODY;
    /** Hard limit on a response header body (the largest is a MANIFEST of 256 shards). */
    static final int MAX_RESPONSE_BODY = 32 * 1024;
    /** Longest CID accepted in binary form. */
    static final int MAX_CID_LENGTH = 64;
    /** Longest UTF-8 message carried by an error status. */
    static final int MAX_MESSAGE_BYTES = 256;
    static final int SHA256_LENGTH = 32;

    /** GET flag: an offset and length follow. */
    static final int FLAG_RANGE = 0x01;
    /** GET flag: an expected SHA-256 follows. */
    static final int FLAG_EXPECTED_HASH = 0x02;

    /** Stream reset / stop-sending code: the request deadline passed. */
    static final int ERR_DEADLINE = 0x101;
    /** Stream reset and connection close code: the server is shutting down. */
    static final int ERR_SHUTDOWN = 0x102;
    /** The reason phrase of {@link #ERR_SHUTDOWN}, also the message of the BUSY answer while draining. */
    static final String SHUTTING_DOWN = "the node is shutting down";
    /** Stream reset code: the server failed mid-body (e.g. a disk read failed). */
    static final int ERR_INTERNAL = 0x103;
    /** Stream reset code: the client no longer wants the response. */
    static final int ERR_CANCELLED = 0x104;
    /** Stop-sending code: the server has read the one request frame it accepts on a stream. */
    static final int ERR_NO_MORE_INPUT = 0x105;
    /** Connection close code: the server's connection limit is reached. */
    static final int ERR_TOO_MANY_CONNECTIONS = 0x201;
    /** Connection close code: normal shutdown of either side. */
    static final int ERR_NONE = 0x0;

    private Protocol() {
    }

    /** A new SHA-256 digest: shards are verified and chunks addressed with it. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
