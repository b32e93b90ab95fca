package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a {@link ShardStreamHandler} words the start of a shard body and its refusals: the binary frames of
 * {@link Protocol#ALPN} version {@value Protocol#VERSION}, or the original network's text form (raw bytes,
 * ASCII {@code ERROR: ...} lines) for a request that {@link LegacyRequestDecoder} decoded.
 *
 * <p>Buffer ownership: each method returns a new buffer that the caller writes (the write releases it).
 * Threading: stateless, thread-safe.
 */
enum ResponseFormat {

    BINARY {
        @Override
        ByteBuf shardHeader(ByteBufAllocator alloc, long shardLength, long offset, long length, byte[] sha256) {
            return Frames.okShard(alloc, shardLength, offset, length, sha256);
        }

        @Override
        ByteBuf error(ByteBufAllocator alloc, Status status, String message) {
            return Frames.error(alloc, status, message);
        }

        @Override
        ByteBuf busy(ByteBufAllocator alloc, Duration retryAfter, String message) {
            return Frames.busy(alloc, retryAfter, message);
        }
    },

    /**
     * The original server's answers: no header before the bytes; {@code ERROR: Shard not found\n} and
     * {@code ERROR: Invalid request format\n} as it wrote them; refusals it did not have (busy, timeout, internal)
     * also start with {@code ERROR: }, which is what its relays test for.
     */
    LEGACY {
        @Override
        ByteBuf shardHeader(ByteBufAllocator alloc, long shardLength, long offset, long length, byte[] sha256) {
            return alloc.buffer(0, 0);
        }

        @Override
        ByteBuf error(ByteBufAllocator alloc, Status status, String message) {
            return switch (status) {
                case NOT_FOUND -> ascii(alloc, NOT_FOUND);
                case BAD_REQUEST -> ascii(alloc, INVALID_REQUEST);
                case TIMEOUT -> ascii(alloc, "ERROR: Request timed out\n");
                default -> ascii(alloc, "ERROR: Server error\n");
            };
        }

        @Override
        ByteBuf busy(ByteBufAllocator alloc, Duration retryAfter, String message) {
            return ascii(alloc, "ERROR: Server busy, retry after " + retryAfter.toMillis() + " ms\n");
        }
    };

    /** The original server's answer to a CID or shard it does not hold. */
    static final String NOT_FOUND = "ERROR: Shard not found\n";
    /** The original server's answer to anything but a well-formed request line. */
    static final String INVALID_REQUEST = "ERROR: Invalid request format\n";

    /** What goes before the shard's bytes (possibly nothing). */
    abstract ByteBuf shardHeader(ByteBufAllocator alloc, long shardLength, long offset, long length, byte[] sha256);

    /** The whole answer to a refused request. */
    abstract ByteBuf error(ByteBufAllocator alloc, Status status, String message);

    /** The whole answer to a request refused for load, to be retried after {@code retryAfter}. */
    abstract ByteBuf busy(ByteBufAllocator alloc, Duration retryAfter, String message);

    private static ByteBuf ascii(ByteBufAllocator alloc, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return alloc.buffer(b.length).writeBytes(b);
    }
}
