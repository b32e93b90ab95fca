package io.icn.transport.quic;

import io.netty.bootstrap.Bootstrap;
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

    /** Socket buffers: large enough that a burst of a full congestion window is not dropped on loopback. */
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

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
     * The UDP segmentation offload allocator when the socket is epoll and the kernel supports GSO (one
     * {@code sendmsg} carries up to 16 QUIC packets), otherwise {@link SegmentedDatagramPacketAllocator#NONE}.
     */
    static SegmentedDatagramPacketAllocator segmentation(EventLoopGroup group) {
        return isEpoll(group) ? EpollQuicUtils.newSegmentedAllocator(16) : SegmentedDatagramPacketAllocator.NONE;
    }

    /** A bootstrap for a UDP socket on {@code group} that can receive datagrams of {@code maxPayload} bytes. */
    static Bootstrap datagramBootstrap(EventLoopGroup group, int maxPayload) {
        Class<? extends Channel> type = isEpoll(group) ? EpollDatagramChannel.class : NioDatagramChannel.class;
        Bootstrap bootstrap = new Bootstrap().group(group).channel(type);
        int receiveBuffer = Math.max(2048, maxPayload + 64);
        if (isEpoll(group)) {
            // With GRO the kernel hands over several datagrams of one flow in one read: room for 64 KiB.
            bootstrap.option(EpollChannelOption.UDP_GRO, true);
            receiveBuffer = 65536 + 64;
        }
        return bootstrap
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveBuffer));
    }

    private static boolean isEpoll(EventLoopGroup group) {
        return Epoll.isAvailable() && group instanceof IoEventLoopGroup io && io.isCompatible(EpollIoHandle.class);
    }
}
