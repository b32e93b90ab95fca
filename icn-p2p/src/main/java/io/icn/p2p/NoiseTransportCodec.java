package io.icn.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Noise transport messages as libp2p frames them: a 2-byte big-endian length, then ChaCha20-Poly1305 ciphertext
 * and its 16-byte tag, at most 65,535 bytes in all. Outbound plaintext of any size is cut into frames of at most
 * {@link #MAX_PLAINTEXT} bytes, sealed into one buffer of exactly the frames' size; inbound frames come out as
 * plaintext buffers.
 *
 * <p><b>Ownership.</b> Inbound plaintext buffers passed on belong to the next handler; outbound buffers are
 * released once encrypted. A frame that fails authentication raises {@link BadPeerException} (the connection is
 * then closed), one shorter than a tag {@link ProtocolViolationException}.
 *
 * <p>Not thread-safe: confined to the channel's event loop.
 */
final class NoiseTransportCodec extends CombinedChannelDuplexHandler<NoiseTransportCodec.Decoder, NoiseTransportCodec.Encoder> {
    static final int MAX_FRAME = 65_535;
    static final int MAX_PLAINTEXT = MAX_FRAME - NoiseCipherState.TAG_BYTES;

    NoiseTransportCodec(NoiseCipherState sender, NoiseCipherState receiver) {
        init(new Decoder(receiver), new Encoder(sender));
    }

    /** Opens inbound frames. */
    static final class Decoder extends ByteToMessageDecoder {
        private final NoiseCipherState receiver;

        Decoder(NoiseCipherState receiver) {
            this.receiver = receiver;
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

    /** Seals outbound plaintext. */
    static final class Encoder extends ChannelOutboundHandlerAdapter {
        private final NoiseCipherState sender;

        Encoder(NoiseCipherState sender) {
            this.sender = sender;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof ByteBuf plain)) {
                ctx.write(msg, promise);
                return;
            }
            ByteBuf sealed = null;
            try {
                int n = plain.readableBytes();
                int frames = (n + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT;
                sealed = ctx.alloc().ioBuffer(n + frames * (2 + NoiseCipherState.TAG_BYTES));
                while (plain.isReadable()) {
                    int chunk = Math.min(plain.readableBytes(), MAX_PLAINTEXT);
                    int size = chunk + NoiseCipherState.TAG_BYTES;
                    sealed.writeShort(size);
                    ByteBuffer dst = sealed.nioBuffer(sealed.writerIndex(), size);
                    sender.encrypt(plain.nioBuffer(plain.readerIndex(), chunk), dst);
                    sealed.writerIndex(sealed.writerIndex() + size);
                    plain.skipBytes(chunk);
                }
                ByteBuf out = sealed;
                sealed = null;
                ctx.write(out, promise);
            } catch (RuntimeException e) {
                promise.tryFailure(e);
            } finally {
                plain.release();
                if (sealed != null) {
                    sealed.release();
                }
            }
        }
    }
}
