package io.icn.transport.quic;

import io.icn.storage.Cid;
import io.icn.storage.InvalidCidException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes the original network's text request, {@code GET /shards/<CID>/shard_<NN>.bin} then FIN, into a
 * whole-shard {@link Request.Get}, or into a {@link RequestDecoder.Failure} ({@link Status#BAD_REQUEST}) for
 * anything else: another path, a CID that does not parse, a shard number outside 0..255, more than
 * {@value #MAX_REQUEST} bytes (the original server read at most that many). One trailing {@code \n} or
 * {@code \r\n} is accepted. {@link RequestDecoder} puts this decoder in its place when a stream's first byte is
 * {@code G}; exactly one message is produced per stream, and bytes after it are discarded.
 *
 * <p>Buffer ownership: inbound {@code ByteBuf}s are consumed and released by {@link ByteToMessageDecoder}; the
 * decoded messages hold no buffers. Never buffers more than {@value #MAX_REQUEST} bytes plus one read.
 *
 * <p>Threading: event-loop confined, one instance per stream.
 */
final class LegacyRequestDecoder extends ByteToMessageDecoder {

    /** The most bytes the original server read of a request. */
    static final int MAX_REQUEST = 256;

    private static final Pattern LINE = Pattern.compile("GET /shards/([A-Za-z0-9]{1,128})/shard_([0-9]{1,3})\\.bin\r?\n?");

    private boolean done;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
        } else if (in.readableBytes() > MAX_REQUEST) {
            emit(in, out, new RequestDecoder.Failure(Status.BAD_REQUEST, "text request longer than " + MAX_REQUEST
                    + " bytes"));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!done) {
            emit(in, out, parse(in.toString(StandardCharsets.US_ASCII)));
        }
    }

    /** The request a complete text line asks for, or the failure that names what is wrong with it. */
    static Object parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return new RequestDecoder.Failure(Status.BAD_REQUEST, "not a request line of the form "
                    + "GET /shards/<CID>/shard_<NN>.bin: " + printable(line));
        }
        int index = Integer.parseInt(m.group(2));
        if (index > 255) {
            return new RequestDecoder.Failure(Status.BAD_REQUEST, "shard number " + index + " outside 0..255");
        }
        try {
            return new Request.Get(Cid.parse(m.group(1)), index, false, 0, 0, null);
        } catch (InvalidCidException e) {
            return new RequestDecoder.Failure(Status.BAD_REQUEST, "bad CID " + m.group(1) + ": " + e.getMessage());
        }
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private void emit(ByteBuf in, List<Object> out, Object message) {
        done = true;
        in.skipBytes(in.readableBytes());
        out.add(message);
    }
}
