package io.icn.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The Noise XX handshake of a connection, in 2-byte length-prefixed frames. The initiator (dialer) sends message
 * 1 as soon as it is added; the payloads of messages 2 and 3 carry each side's libp2p identity proof
 * ({@link NoisePayload}). When the handshake completes it calls {@code secured} with the transport ciphers and the
 * proven peer, which installs the next handlers, and removes itself; bytes after message 3 go to those handlers.
 *
 * <p>Faults: {@link BadPeerException} (bad proof, or not the peer dialed), {@link ProtocolViolationException}
 * (short message); the connection's guard closes the channel.
 *
 * <p>Not thread-safe: confined to the channel's event loop.
 */
final class NoiseHandshakeHandler extends ByteToMessageDecoder {
    private final Upgrade upgrade;
    private final NoiseXX noise;
    private final byte[] localPayload;
    private final BiConsumer<ChannelHandlerContext, NoiseCipherState[]> secured;
    private boolean done;

    NoiseHandshakeHandler(Upgrade upgrade, NoiseXX noise, byte[] localPayload,
            BiConsumer<ChannelHandlerContext, NoiseCipherState[]> secured) {
        this.upgrade = upgrade;
        this.noise = noise;
        this.localPayload = localPayload;
        this.secured = secured;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (noise.isInitiator()) {
            send(ctx, noise.writeMessage(new byte[0]));
            ctx.flush();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!done && in.readableBytes() >= 2) {
            int length = in.getUnsignedShort(in.readerIndex());
            if (in.readableBytes() < 2 + length) {
                return;
            }
            in.skipBytes(2);
            byte[] message = new byte[length];
            in.readBytes(message);
            byte[] payload = noise.readMessage(message);
            if (noise.isInitiator()) {
                prove(payload);
                send(ctx, noise.writeMessage(localPayload));
                ctx.flush();
                finish(ctx);
            } else if (!noise.isComplete()) {
                send(ctx, noise.writeMessage(localPayload));
                ctx.flush();
            } else {
                prove(payload);
                finish(ctx);
            }
        }
    }

    private void prove(byte[] payload) {
        PeerId peer = NoisePayload.verify(payload, noise.remoteStatic());
        if (upgrade.expectedPeer != null && !upgrade.expectedPeer.equals(peer)) {
            throw new BadPeerException("dialed " + upgrade.expectedPeer + " but the remote proved to be " + peer);
        }
        upgrade.provenPeer = peer;
    }

    private void finish(ChannelHandlerContext ctx) {
        done = true;
        secured.accept(ctx, noise.split());
        ctx.pipeline().remove(this);
    }

    private static void send(ChannelHandlerContext ctx, byte[] message) {
        ByteBuf frame = ctx.alloc().buffer(2 + message.length);
        frame.writeShort(message.length).writeBytes(message);
        ctx.write(frame, ctx.voidPromise());
    }
}
