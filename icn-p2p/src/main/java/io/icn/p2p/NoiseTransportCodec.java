package io.icn.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Noise transport messages as libp2p frames them: a 2-byte big-endian length, then ChaCha20-Poly1305 ciphertext
 * and its 16-byte tag, at most 65,535 bytes in all. Outbound plaintext of any size is cut into frames of at most
 * {@link #MAX_PLAINTEXT} bytes; inbound frames come out as plaintext buffers.
 *
 * <p><b>Ownership.</b> Inbound plaintext buffers passed on belong to the next handler; outbound buffers are
 * released once encrypted. A frame that fails authentication raises {@link BadPeerException} (the connection is
 * then closed), one shorter than a tag {@link ProtocolViolationException}.
 *
 * <p>Not thread-safe: confined to the channel's event loop.
 */
final class NoiseTransportCodec extends ByteToMessageCodec<ByteBuf> {
    static final int MAX_FRAME = 65_535;
    static final int MAX_PLAINTEXT = MAX_FRAME - NoiseCipherState.TAG_BYTES;

    private final NoiseCipherState sender;
    private final NoiseCipherState receiver;

    NoiseTransportCodec(NoiseCipherState sender, NoiseCipherState receiver) {
        super(ByteBuf.class);
        this.sender = sender;
        this.receiver = receiver;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        while (msg.isReadable()) {
            int chunk = Math.min(msg.readableBytes(), MAX_PLAINTEXT);
            int sealed = chunk + NoiseCipherState.TAG_BYTES;
            out.ensureWritable(2 + sealed + Math.min(msg.readableBytes() - chunk, MAX_FRAME));
            out.writeShort(sealed);
            ByteBuffer dst = out.nioBuffer(out.writerIndex(), sealed);
            sender.encrypt(msg.nioBuffer(msg.readerIndex(), chunk), dst);
            out.writerIndex(out.writerIndex() + sealed);
            msg.skipBytes(chunk);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int length = in.getUnsignedShort(in.readerIndex());
            if (length < NoiseCipherState.TAG_BYTES) {
                throw new ProtocolViolationException("Noise transport frame of " + length + " bytes is shorter than its tag");
            }
            if (in.readableBytes() < 2 + length) {
                return;
            }
            in.skipBytes(2);
            ByteBuf plain = ctx.alloc().buffer(length);
            try {
                ByteBuffer dst = plain.nioBuffer(0, length);
                receiver.decrypt(in.nioBuffer(in.readerIndex(), length), dst);
                plain.writerIndex(dst.position());
                in.skipBytes(length);
            } catch (RuntimeException e) {
                plain.release();
                throw e;
            }
            if (plain.isReadable()) {
                out.add(plain);
            } else {
                plain.release();
            }
        }
    }
}
