package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConnectionManagerTest {

    @Test
    void maxPeersRefusesInboundAndOutboundConnections() throws Exception {
        HostLimits one = HostLimits.defaults().withMaxPeers(1);
        try (P2pHost server = Hosts.loopback().limits(one).build(); P2pHost a = Hosts.loopback().build();
                P2pHost c = Hosts.loopback().build()) {
            server.start().get(10, TimeUnit.SECONDS);
            c.start().get(10, TimeUnit.SECONDS);
            a.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> c.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DialException.class);
            assertThatThrownBy(() -> server.connect(Hosts.dialable(c)).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LimitExceededException.class).hasMessageContaining("maxPeers 1");
        }
    }

    @Test
    void anInboundMessageOverItsProtocolLimitResetsTheStream() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        try (P2pHost server = Hosts.loopback().build(); P2pHost client = Hosts.loopback().build()) {
            server.bind("/icn/test/small/1.0.0", 100, stream -> stream.readMessage().whenComplete((m, e) -> seen.complete(e)));
            server.start().get(10, TimeUnit.SECONDS);
            client.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
            P2pStream s = client.newStream(server.peerId(), "/icn/test/small/1.0.0").get(10, TimeUnit.SECONDS);
            s.writeMessage(new byte[101]).get(10, TimeUnit.SECONDS);
            assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("101 bytes").hasMessageContaining("limit of 100");
            assertThatThrownBy(() -> s.read().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);

            // a message at the limit passes
            CompletableFuture<Optional<byte[]>> ok = new CompletableFuture<>();
            server.bind("/icn/test/small/1.0.0", 100, stream -> stream.readMessage().whenComplete((m, e) -> ok.complete(m)));
            P2pStream s2 = client.newStream(server.peerId(), "/icn/test/small/1.0.0").get(10, TimeUnit.SECONDS);
            s2.writeMessage(new byte[100]).get(10, TimeUnit.SECONDS);
            assertThat(ok.get(10, TimeUnit.SECONDS)).hasValueSatisfying(m -> assertThat(m).hasSize(100));
        }
    }

    @Test
    void streamsPerPeerAreLimitedBothWays() throws Exception {
        String hold = "/icn/test/hold/1.0.0";
        HostLimits two = HostLimits.defaults().withMaxStreamsPerPeer(2);
        try (P2pHost server = Hosts.loopback().limits(two).build(); P2pHost client = Hosts.loopback().limits(two).build();
                P2pHost greedy = Hosts.loopback().build()) {
            server.bind(hold, stream -> { });
            server.start().get(10, TimeUnit.SECONDS);
            client.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
            client.newStream(server.peerId(), hold).get(10, TimeUnit.SECONDS);
            client.newStream(server.peerId(), hold).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> client.newStream(server.peerId(), hold).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LimitExceededException.class).hasMessageContaining("maxStreamsPerPeer 2");

            greedy.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
            greedy.newStream(server.peerId(), hold).get(10, TimeUnit.SECONDS);
            greedy.newStream(server.peerId(), hold).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> greedy.newStream(server.peerId(), hold).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StreamResetException.class).hasMessageContaining("reset by the peer");
        }
    }

    @Test
    void aSilentPeerTimesTheDialOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                P2pHost client = Hosts.loopback().limits(HostLimits.defaults().withDialTimeout(Duration.ofMillis(300))).build()) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (Exception ended) {
                    // the test closes the socket
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            assertThatThrownBy(() -> client.connect(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort())).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DialTimeoutException.class).hasMessageContaining("PT0.3S");
        }
    }

    @Test
    void newStreamDialsAKnownAddressAndDnsNamesResolve() throws Exception {
        try (P2pHost server = Hosts.loopback().build(); P2pHost client = Hosts.loopback().build()) {
            server.start().get(10, TimeUnit.SECONDS);
            String port = server.listenAddresses().get(0).valueOf(Multiaddr.Protocol.TCP).orElseThrow();
            client.addAddresses(server.peerId(), List.of(Multiaddr.parse("/dns4/localhost/tcp/" + port)));
            assertThat(client.ping(server.peerId()).get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(client.peer(server.peerId())).isPresent();
            assertThatThrownBy(() -> client.addAddresses(server.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + client.peerId()))))
                    .isInstanceOf(InvalidMultiaddrException.class);
            PeerId stranger = HostIdentity.generate(new java.security.SecureRandom()).peerId();
            assertThatThrownBy(() -> client.newStream(stranger, P2pHost.PING).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DialException.class).hasMessageContaining("no address");
        }
    }

    @Test
    void disconnectAndCloseEndStreamsAndLeaveAGivenGroupRunning() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<P2pEvent> events = new CopyOnWriteArrayList<>();
        try {
            P2pHost server = Hosts.loopback().eventLoopGroup(group).build();
            P2pHost client = Hosts.loopback().eventListener(events::add).build();
            try {
                server.bind("/icn/test/hold/1.0.0", stream -> { });
                server.start().get(10, TimeUnit.SECONDS);
                client.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
                P2pStream s = client.newStream(server.peerId(), "/icn/test/hold/1.0.0").get(10, TimeUnit.SECONDS);
                CompletableFuture<byte[]> pending = s.read();
                client.disconnect(server.peerId()).get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
                P2pHostTest.waitFor(() -> events.stream().anyMatch(e -> e instanceof P2pEvent.PeerDisconnected));
                assertThat(client.peers()).isEmpty();

                client.connect(Hosts.dialable(server)).get(10, TimeUnit.SECONDS);
                P2pStream again = client.newStream(server.peerId(), "/icn/test/hold/1.0.0").get(10, TimeUnit.SECONDS);
                CompletableFuture<byte[]> pendingAgain = again.read();
                server.closeAsync().get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> pendingAgain.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
                assertThat(group.isShuttingDown()).isFalse();
            } finally {
                client.close();
                server.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
