package io.icn.transport.quic;

import io.icn.storage.ChunkMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;

/**
 * Client side of one request stream: parses the response header, copies a GET body into a heap array
 * or writes it to the caller's {@link BodyTarget} as it arrives (hashing it on the way when it is the whole shard: the
 * copy just written when it lands in a heap array, the received buffers otherwise), and completes the request's future
 * with a {@link ShardData} (or a {@link ShardReceipt} for a target), a {@code SortedSet<Integer>} (HAS), a {@link ChunkMeta} (MANIFEST) or a
 * {@link PutResult} (PUT) once the node's FIN arrives, or exceptionally.
 *
 * <p>Buffer ownership: every inbound {@code ByteBuf} is copied and released here; nothing is retained.
 *
 * <p>Threading: event-loop confined; the future may be completed or cancelled by other threads, which
 * only makes this reader drop further input.
 */
final class ResponseReader extends ChannelInboundHandlerAdapter {

    private final Request request;
    private final NodeConnection connection;
    private final CompletableFuture<Object> result;
    private final long maxBodyBytes;
    private byte[] header = new byte[Protocol.HEADER_LENGTH];
    private int headerFilled;
    private boolean headerDone;
    private Frames.ShardHeader shard;
    private byte[] body;
    private int bodyFilled;
    private MessageDigest digest;
    /** The heap array a caller's target puts the body in, from {@link #heapOffset} on, or null. */
    private byte[] heap;
    private int heapOffset;
    private Object parsed;
    /** The caller's target of a GET body, or null for a heap array. */
    private final BodyTarget target;
    private final int token;
    private long received;

    /**
     * @param target where a GET's body goes ({@link ShardReceipt}), or null for a heap array ({@link ShardData})
     * @param token the attempt's token of {@code target}
     */
    ResponseReader(Request request, NodeConnection connection, CompletableFuture<Object> result, long maxBodyBytes,
            BodyTarget target, int token) {
        this.request = request;
        this.connection = connection;
        this.result = result;
        this.maxBodyBytes = maxBodyBytes;
        this.target = target;
        this.token = token;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!result.isDone() && msg instanceof ByteBuf buf) {
                consume(buf);
            }
        } catch (TransportException e) {
            fail(ctx, e);
        } catch (IOException e) {
            fail(ctx, new TransportException(request + ": cannot write the body to the target: " + e.getMessage(), e));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            endOfInput(ctx);
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String closedByNode = connection.closedByNode();
        if (closedByNode != null && !result.isDone()) { // cut by the node's CONNECTION_CLOSE, not ended by its FIN
            fail(ctx, new ConnectionFailedException(request + ": connection closed by the node: " + closedByNode, null));
            return;
        }
        endOfInput(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof QuicStreamResetException reset) {
            long code = reset.applicationProtocolCode();
            if (code == Protocol.ERR_SHUTDOWN) { // the node, not the request: worth trying again, elsewhere
                fail(ctx, new ConnectionFailedException(request + ": stream reset by the node: " + Protocol.SHUTTING_DOWN,
                        null));
                return;
            }
            fail(ctx, new RequestRejectedException(Status.INTERNAL_ERROR, request + ": node reset the stream with code 0x"
                    + Long.toHexString(code)));
        } else {
            fail(ctx, new ConnectionFailedException(request + ": stream failed", cause));
        }
    }

    private void consume(ByteBuf in) throws IOException {
        if (!headerDone) {
            int n = Math.min(in.readableBytes(), header.length - headerFilled);
            in.readBytes(header, headerFilled, n);
            headerFilled += n;
            if (headerFilled == Protocol.HEADER_LENGTH && header.length == Protocol.HEADER_LENGTH) {
                int bodyLength = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                if (bodyLength > Protocol.MAX_RESPONSE_BODY) {
                    throw new FrameTooLargeException(request + ": response header body of " + bodyLength
                            + " bytes exceeds " + Protocol.MAX_RESPONSE_BODY);
                }
                header = Arrays.copyOf(header, Protocol.HEADER_LENGTH + bodyLength);
                n = Math.min(in.readableBytes(), header.length - headerFilled);
                in.readBytes(header, headerFilled, n);
                headerFilled += n;
            }
            if (headerFilled < header.length) {
                return;
            }
            headerDone = true;
            onHeader();
        }
        if (in.isReadable()) {
            if (shard == null || in.readableBytes() > shard.length() - received) {
                throw new MalformedFrameException(request + ": " + in.readableBytes() + " bytes more than announced");
            }
            int n = in.readableBytes();
            if (target != null) {
                if (digest != null && heap == null) {
                    for (ByteBuffer b : in.nioBuffers()) {
                        digest.update(b);
                    }
                }
                target.write(token, in);
                if (digest != null && heap != null) {
                    // the copy just written, still in cache: no staging of the direct buffer through a temp array
                    digest.update(heap, heapOffset + (int) received, n);
                }
            } else {
                in.readBytes(body, bodyFilled, n);
                if (digest != null) {
                    digest.update(body, bodyFilled, n);
                }
                bodyFilled += n;
            }
            received += n;
        }
    }

    private void onHeader() {
        if ((header[0] & 0xff) != Protocol.VERSION) {
            throw new MalformedFrameException(request + ": response version " + (header[0] & 0xff) + " not supported");
        }
        Status status = Status.ofCode(header[1] & 0xff);
        ByteBuf fields = Unpooled.wrappedBuffer(header, Protocol.HEADER_LENGTH, header.length - Protocol.HEADER_LENGTH);
        if (status != Status.OK) {
            throw Frames.failure(status, fields, request.toString());
        }
        if (request instanceof Request.Get get) {
            shard = Frames.parseShardHeader(fields);
            long expectedOffset = get.range() ? get.offset() : 0;
            long expectedLength = get.range() ? get.length() : shard.shardLength();
            if (shard.offset() != expectedOffset || shard.length() != expectedLength) {
                throw new MalformedFrameException(request + ": node answered with range [" + shard.offset() + ", +"
                        + shard.length() + ")");
            }
            if (shard.length() > maxBodyBytes) {
                throw new FrameTooLargeException(request + ": " + shard.length() + "-byte body exceeds the client limit of "
                        + maxBodyBytes);
            }
            byte[] expected = get.expectedSha256();
            if (expected != null && !Arrays.equals(expected, shard.sha256())) {
                throw new ShardIntegrityException(request + ": node advertises SHA-256 "
                        + HexFormat.of().formatHex(shard.sha256()) + ", expected " + HexFormat.of().formatHex(expected));
            }
            if (target != null) {
                target.expect(shard.length(), request.toString());
                heap = target.heapArray();
                heapOffset = heap == null ? 0 : target.heapOffset();
            } else {
                body = new byte[(int) shard.length()];
            }
            if (!get.range()) {
                // A range is never hashed, even one that covers the whole shard: the caller of a range checks
                // what it fetched itself (fetchRange's contract), and hashing it here too would cost a second
                // pass over the bytes on the event loop.
                digest = Protocol.sha256();
            }
        } else if (request instanceof Request.Has) {
            SortedSet<Integer> held = Frames.parseHas(fields);
            parsed = held;
        } else if (request instanceof Request.Put) {
            parsed = Frames.parsePutResult(request.cid(), fields);
        } else {
            ChunkMeta meta = Frames.parseManifest(request.cid(), fields);
            parsed = meta;
        }
    }

    private void endOfInput(ChannelHandlerContext ctx) {
        if (result.isDone()) {
            return;
        }
        if (!headerDone) {
            fail(ctx, new ConnectionFailedException(request + ": stream ended before a complete response header", null));
            return;
        }
        if (shard == null) {
            result.complete(parsed);
            return;
        }
        if (received != shard.length()) {
            fail(ctx, new MalformedFrameException(request + ": stream ended after " + received + " of " + shard.length()
                    + " body bytes"));
            return;
        }
        Request.Get get = (Request.Get) request;
        boolean verified = false;
        if (digest != null) {
            byte[] actual = digest.digest();
            if (!Arrays.equals(actual, shard.sha256())) {
                fail(ctx, new ShardIntegrityException(request + ": received bytes hash to "
                        + HexFormat.of().formatHex(actual) + ", node advertised " + HexFormat.of().formatHex(shard.sha256())));
                return;
            }
            verified = true;
        }
        if (target == null) {
            result.complete(new ShardData(get.cid(), get.shardIndex(), shard.shardLength(), shard.offset(), body,
                    shard.sha256(), verified));
            body = null;
            return;
        }
        try {
            target.complete(token, shard.length());
        } catch (IOException e) {
            fail(ctx, new TransportException(request + ": cannot position the target after the body: " + e.getMessage(),
                    e));
            return;
        }
        result.complete(new ShardReceipt(get.cid(), get.shardIndex(), shard.shardLength(), shard.offset(),
                shard.length(), shard.sha256(), verified));
    }

    private void fail(ChannelHandlerContext ctx, TransportException e) {
        body = null;
        if (result.completeExceptionally(e) && ctx.channel().isActive()) {
            ctx.close();
        }
    }

}
