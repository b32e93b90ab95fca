package io.icn.transport.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The UDP plumbing shared by server and client: the native transport when available (epoll), NIO
 * otherwise, and socket options sized for QUIC bursts. Stateless and thread-safe.
 */
final class QuicIo {

    /** Client socket buffers: large enough that a burst of a full congestion window is not dropped on loopback. */
    static final int CLIENT_SOCKET_BUFFER = 4 * 1024 * 1024;

    private QuicIo() {
    }

    /**
     * Fails loudly when the QUIC native library cannot be loaded.
     *
     * @throws TransportException with the loader's failure as cause
     */
    static void ensureQuic() {
        if (!Quic.isAvailable()) {
            throw new TransportException("QUIC native library (netty-codec-native-quic) is not available on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"), Quic.unavailabilityCause());
        }
    }

    /** A new event loop group of {@code threads} named threads; the caller owns and shuts it down. */
    static EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return Epoll.isAvailable() ? new MultiThreadIoEventLoopGroup(threads, factory, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(threads, factory, NioIoHandler.newFactory());
    }

    /**
     * Largest QUIC packet the embedded quiche builds, whatever UDP payload it is allowed: with 32 KiB allowed on
     * loopback every packet it sent was at most 16,383 bytes (2^14 - 1). Sending is configured with at most this,
     * so that GSO batches (whose segments must all be the configured size) form for large payloads instead of
     * one {@code sendto} and one receive per packet.
     */
    static final int MAX_QUIC_PACKET = 16_383;

    /** Most QUIC packets one GSO {@code sendmsg} carries. */
    private static final int MAX_SEGMENTS = 16;
    /**
     * Largest UDP payload of one {@code sendmsg}, GSO or not: an IPv4 datagram is at most 65,535 bytes with a
     * 20-byte IP and an 8-byte UDP header. The kernel refuses a larger GSO batch (EMSGSIZE) and Netty then
     * drops the whole batch silently, which QUIC sees as loss.
     */
    static final int MAX_SENDMSG_PAYLOAD = 65_535 - 20 - 8;

    /**
     * The UDP segmentation offload allocator when the socket is epoll and the kernel supports GSO (one
     * {@code sendmsg} carries up to 16 QUIC packets, and never more than {@link #MAX_SENDMSG_PAYLOAD} bytes of
     * packets of {@code maxPayload} bytes), otherwise {@link SegmentedDatagramPacketAllocator#NONE}. Payloads
     * above half the limit leave room for one packet per call, so they get no GSO at all.
     */
    static SegmentedDatagramPacketAllocator segmentation(EventLoopGroup group, int maxPayload) {
        int segments = gsoSegments(maxPayload);
        return isEpoll(group) && segments > 1 ? EpollQuicUtils.newSegmentedAllocator(segments)
                : SegmentedDatagramPacketAllocator.NONE;
    }

    /** The UDP payload quiche is told to send for a configured {@code maxPayload}: at most {@link #MAX_QUIC_PACKET}. */
    static int sendPayload(int maxPayload) {
        return Math.min(maxPayload, MAX_QUIC_PACKET);
    }

    /** QUIC packets of {@code maxPayload} bytes that fit one GSO {@code sendmsg} (at most 16). */
    static int gsoSegments(int maxPayload) {
        return Math.min(MAX_SEGMENTS, MAX_SENDMSG_PAYLOAD / maxPayload);
    }

    /**
     * A bootstrap for a UDP socket on {@code group} that can receive datagrams of {@code maxPayload} bytes, with
     * the requested socket buffer sizes (the kernel caps them at {@code net.core.rmem_max / wmem_max}).
     */
    static Bootstrap datagramBootstrap(EventLoopGroup group, int maxPayload, int receiveBuffer, int sendBuffer) {
        Class<? extends Channel> type = isEpoll(group) ? EpollDatagramChannel.class : NioDatagramChannel.class;
        Bootstrap bootstrap = new Bootstrap().group(group).channel(type);
        int readBuffer = Math.max(2048, maxPayload + 64);
        if (isEpoll(group)) {
            // With GRO the kernel hands over several datagrams of one flow in one read: room for 64 KiB.
            bootstrap.option(EpollChannelOption.UDP_GRO, true);
            readBuffer = 65536 + 64;
        }
        return bootstrap
                // Pooled receive buffers: a 64 KiB GRO read is above what the default (adaptive) allocator pools
                // in a small heap, and a fresh direct buffer per read costs an allocation and its zeroing.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, receiveBuffer)
                .option(ChannelOption.SO_SNDBUF, sendBuffer)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(readBuffer));
    }

    /**
     * Whether groups from {@link #newGroup} can bind several sockets to one address ({@code SO_REUSEPORT}: the
     * epoll transport only).
     */
    static boolean canReusePort() {
        return Epoll.isAvailable();
    }

    private static boolean isEpoll(EventLoopGroup group) {
        return Epoll.isAvailable() && group instanceof IoEventLoopGroup io && io.isCompatible(EpollIoHandle.class);
    }
}
