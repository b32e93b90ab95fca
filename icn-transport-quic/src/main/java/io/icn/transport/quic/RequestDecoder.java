package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Decodes the one request frame a stream carries into a {@link Request}, or into a {@link Failure} that
 * names the status to answer with. A stream whose first byte is {@code G} is the original network's text
 * request: this decoder hands the stream to a {@link LegacyRequestDecoder} and the legacy handler instead. Exactly one such message is produced per stream. After a GET, HAS or
 * MANIFEST frame every further byte is discarded; after a {@link Request.Put PUT} frame the decoder removes
 * itself from the pipeline, so the chunk bytes that follow (those of the same read first) reach the next
 * handler as they are, as {@code ByteBuf}s. The decoder never buffers more than
 * {@link Protocol#MAX_REQUEST_FRAME} bytes plus what one read delivered, because the length is checked as soon
 * as the 4-byte header is in.
 *
 * <p>Buffer ownership: inbound {@code ByteBuf}s are consumed and released by {@link ByteToMessageDecoder};
 * the decoded messages hold no buffers; the body {@code ByteBuf}s passed on after a PUT are the next
 * handler's to release.
 *
 * <p>Threading: event-loop confined, one instance per stream.
 */
final class RequestDecoder extends ByteToMessageDecoder {

    /** A frame that could not be decoded, and the status the server answers it with. */
    record Failure(Status status, String message) {
        Failure {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The first byte of the original network's text request ({@code GET ...}); never a binary version. */
    static final int LEGACY_FIRST_BYTE = 'G';

    private final Supplier<? extends ChannelHandler> legacyHandler;
    private boolean done;

    /**
     * @param legacyHandler makes the handler that serves a text request in the original format; it replaces
     *     the {@link ShardStreamHandler} after this decoder in the pipeline when the stream starts with
     *     {@code G}, and a {@link LegacyRequestDecoder} replaces this decoder
     */
    RequestDecoder(Supplier<? extends ChannelHandler> legacyHandler) {
        this.legacyHandler = Objects.requireNonNull(legacyHandler, "legacyHandler");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.isReadable() && in.getUnsignedByte(in.readerIndex()) == LEGACY_FIRST_BYTE) {
            // The original's text request: its own decoder and handler take the stream; the bytes read so far
            // pass to the new decoder when this one leaves the pipeline.
            done = true;
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(ShardStreamHandler.class) != null) {
                pipeline.replace(ShardStreamHandler.class, "legacy-handler", legacyHandler.get());
            } else {
                pipeline.addLast("legacy-handler", legacyHandler.get());
            }
            pipeline.replace(this, "legacy-decoder", new LegacyRequestDecoder());
            return;
        }
        if (in.readableBytes() < Protocol.HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start);
        int type = in.getUnsignedByte(start + 1);
        int bodyLength = in.getUnsignedShort(start + 2);
        if (version != Protocol.VERSION) {
            emit(in, out, new Failure(Status.UNSUPPORTED_VERSION, "version " + version + " not supported; this node speaks "
                    + Protocol.VERSION));
            return;
        }
        if (bodyLength > Protocol.MAX_REQUEST_BODY) {
            emit(in, out, new Failure(Status.BAD_REQUEST, "request body of " + bodyLength + " bytes exceeds the limit of "
                    + Protocol.MAX_REQUEST_BODY));
            return;
        }
        if (in.readableBytes() < Protocol.HEADER_LENGTH + bodyLength) {
            return;
        }
        ByteBuf body = in.slice(start + Protocol.HEADER_LENGTH, bodyLength);
        Object message;
        try {
            message = Frames.parseRequestBody(type, body);
        } catch (MalformedFrameException e) {
            message = new Failure(Status.BAD_REQUEST, e.getMessage());
        }
        if (message instanceof Request.Put) {
            // The chunk follows: hand over the rest of this read and every later one untouched.
            done = true;
            in.skipBytes(Protocol.HEADER_LENGTH + bodyLength);
            out.add(message);
            ctx.pipeline().remove(this);
            return;
        }
        emit(in, out, message);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!done && !ctx.isRemoved()) {
            emit(in, out, new Failure(Status.BAD_REQUEST, "stream ended after " + in.readableBytes()
                    + " bytes, before a complete request frame"));
        }
    }

    private void emit(ByteBuf in, List<Object> out, Object message) {
        done = true;
        in.skipBytes(in.readableBytes());
        out.add(message);
    }
}
