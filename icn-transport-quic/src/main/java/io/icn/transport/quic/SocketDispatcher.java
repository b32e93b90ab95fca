package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Routes QUIC packets between the server's UDP sockets that share one address with {@code SO_REUSEPORT}.
 * The kernel picks a socket by the client's address; a connection lives on the socket (and event loop) that
 * received its first packet. Every connection id this server issues starts with that socket's index as an
 * unsigned 16-bit big-endian number, so a 1-RTT packet that arrives on another socket (the kernel's choice
 * changes when a socket is added or closed, or the client's address changes) is handed to the right one.
 * Packets with long headers (handshake) stay on the socket that received them.
 *
 * <p>One instance is shared by all sockets of one server. Sharable and thread-safe (Netty's dispatcher keeps
 * its socket list in a copy-on-write list; this class adds only immutable state). Received datagrams are
 * passed on, never released here: the codec that gets them owns them.
 */
final class SocketDispatcher extends QuicCodecDispatcher {

    private static final int INDEX_BYTES = Short.BYTES;

    private final BiFunction<Integer, QuicConnectionIdGenerator, ChannelHandler> codecs;

    /**
     * @param codecs builds the QUIC codec of one socket from the connection id length and the id generator it
     *     must use
     */
    SocketDispatcher(BiFunction<Integer, QuicConnectionIdGenerator, ChannelHandler> codecs) {
        this.codecs = Objects.requireNonNull(codecs, "codecs");
    }

    @Override
    protected void initChannel(Channel channel, int localConnectionIdLength, QuicConnectionIdGenerator idGenerator) {
        channel.pipeline().addLast(codecs.apply(localConnectionIdLength, idGenerator));
    }

    @Override
    protected QuicConnectionIdGenerator newIdGenerator(int index) {
        return new IndexedIds(index, QuicConnectionIdGenerator.signGenerator());
    }

    @Override
    protected int decodeIndex(ByteBuf connectionId) {
        return connectionId.readableBytes() > INDEX_BYTES
                ? connectionId.getUnsignedShort(connectionId.readerIndex()) : -1;
    }

    /**
     * Connection ids of one socket: its index, then the rest of the id from a signing (HMAC) generator. Signing
     * rather than random bytes keeps ids derived from the same input equal, so a retransmitted Initial packet
     * finds the connection its first copy created instead of opening a second one. Immutable, thread-safe.
     */
    static final class IndexedIds implements QuicConnectionIdGenerator {

        private final int index;
        private final QuicConnectionIdGenerator rest;

        IndexedIds(int index, QuicConnectionIdGenerator rest) {
            if (index < 0 || index > 0xFFFF) {
                throw new IllegalArgumentException("socket index must be 0..65535: " + index);
            }
            this.index = index;
            this.rest = Objects.requireNonNull(rest, "rest");
        }

        @Override
        public ByteBuffer newId(int length) {
            return length > INDEX_BYTES ? prefixed(rest.newId(length - INDEX_BYTES)) : rest.newId(length);
        }

        @Override
        public ByteBuffer newId(ByteBuffer input, int length) {
            return length > INDEX_BYTES ? prefixed(rest.newId(input, length - INDEX_BYTES)) : rest.newId(input, length);
        }

        @Override
        public ByteBuffer newId(ByteBuffer scid, ByteBuffer dcid, int length) {
            return length > INDEX_BYTES ? prefixed(rest.newId(scid, dcid, length - INDEX_BYTES))
                    : rest.newId(scid, dcid, length);
        }

        @Override
        public int maxConnectionIdLength() {
            return rest.maxConnectionIdLength();
        }

        @Override
        public boolean isIdempotent() {
            return rest.isIdempotent();
        }

        private ByteBuffer prefixed(ByteBuffer id) {
            ByteBuffer out = ByteBuffer.allocate(INDEX_BYTES + id.remaining());
            out.putShort((short) index).put(id).flip();
            return out;
        }
    }
}
