package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class P2pHostTest {
    private static final String ECHO = "/icn/test/echo/1.0.0";

    /** Echoes each length-prefixed message until the end of stream. */
    static void echoMessages(P2pStream stream) {
        stream.readMessage().thenCompose(m -> m.isPresent()
                ? stream.writeMessage(m.get()).thenApply(v -> true)
                : stream.closeWrite().thenApply(v -> false))
                .whenComplete((more, e) -> {
                    if (e != null) {
                        stream.reset();
                    } else if (more) {
                        echoMessages(stream);
                    } else {
                        stream.close();
                    }
                });
    }

    @Test
    void twoHostsConnectIdentifyPingAndEcho() throws Exception {
        List<P2pEvent> events = new CopyOnWriteArrayList<>();
        try (P2pHost a = Hosts.loopback().eventListener(events::add).build(); P2pHost b = Hosts.loopback().agentVersion("test-b/1").build()) {
            a.start().get(10, TimeUnit.SECONDS);
            b.start().get(10, TimeUnit.SECONDS);
            assertThat(b.listenAddresses().get(0).toString()).startsWith("/ip4/127.0.0.1/tcp/").doesNotEndWith("/tcp/0");
            b.bind(ECHO, P2pHostTest::echoMessages);

            PeerInfo info = a.connect(Hosts.dialable(b)).get(10, TimeUnit.SECONDS);
            assertThat(info.peerId()).isEqualTo(b.peerId());
            assertThat(info.identified()).isTrue();
            assertThat(info.agentVersion()).isEqualTo("test-b/1");
            assertThat(info.protocolVersion()).isEqualTo("/icn/super-node/1.0.0");
            assertThat(info.protocols()).contains(P2pHost.IDENTIFY, P2pHost.PING, ECHO);
            assertThat(info.listenAddresses()).containsExactlyElementsOf(b.listenAddresses());
            assertThat(info.observedAddress()).isPresent();
            assertThat(a.peers()).extracting(PeerInfo::peerId).containsExactly(b.peerId());

            Duration rtt = a.ping(b.peerId()).get(10, TimeUnit.SECONDS);
            assertThat(rtt).isPositive();

            P2pStream s = a.newStream(b.peerId(), ECHO).get(10, TimeUnit.SECONDS);
            assertThat(s.protocol()).isEqualTo(ECHO);
            for (int i = 0; i < 20; i++) {
                byte[] m = ("message " + i).repeat(i * 50).getBytes(StandardCharsets.UTF_8);
                s.writeMessage(m).get(10, TimeUnit.SECONDS);
                assertThat(s.readMessage().get(10, TimeUnit.SECONDS)).hasValueSatisfying(r -> assertThat(r).isEqualTo(m));
            }
            s.closeWrite().get(10, TimeUnit.SECONDS);
            assertThat(s.readMessage().get(10, TimeUnit.SECONDS)).isEmpty();
            s.close();
            assertThat(events).anyMatch(e -> e instanceof P2pEvent.PeerIdentified);
            // b sees a too (it was dialed), and identified it
            waitFor(() -> b.peer(a.peerId()).map(PeerInfo::identified).orElse(false));
            assertThat(b.peer(a.peerId()).orElseThrow().inbound()).isTrue();
        }
    }

    @Test
    void bulkBytesCrossTheWindowInBothDirections() throws Exception {
        try (P2pHost a = Hosts.loopback().build(); P2pHost b = Hosts.loopback().build()) {
            a.start().get(10, TimeUnit.SECONDS);
            b.start().get(10, TimeUnit.SECONDS);
            b.bind("/icn/test/raw-echo/1.0.0", NettyP2pHost::serveEcho);
            a.connect(Hosts.dialable(b)).get(10, TimeUnit.SECONDS);
            P2pStream s = a.newStream(b.peerId(), "/icn/test/raw-echo/1.0.0").get(10, TimeUnit.SECONDS);
            byte[] data = new byte[3 * 1024 * 1024 + 17];
            new Random(7).nextBytes(data);
            CompletableFuture<Void> writing = s.write(data).thenCompose(v -> s.closeWrite());
            byte[] back = readAll(s, data.length);
            writing.get(30, TimeUnit.SECONDS);
            assertThat(back).isEqualTo(data);
        }
    }

    @Test
    void unboundProtocolIsNoSuchProtocol() throws Exception {
        try (P2pHost a = Hosts.loopback().build(); P2pHost b = Hosts.loopback().build()) {
            a.start().get(10, TimeUnit.SECONDS);
            b.start().get(10, TimeUnit.SECONDS);
            a.connect(Hosts.dialable(b)).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> a.newStream(b.peerId(), "/nope/1.0.0").get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoSuchProtocolException.class)
                    .hasMessageContaining("/nope/1.0.0");
        }
    }

    @Test
    void dialingTheWrongPeerIdIsABadPeer() throws Exception {
        try (P2pHost a = Hosts.loopback().build(); P2pHost b = Hosts.loopback().build()) {
            a.start().get(10, TimeUnit.SECONDS);
            b.start().get(10, TimeUnit.SECONDS);
            PeerId someoneElse = HostIdentity.generate(new java.security.SecureRandom()).peerId();
            assertThatThrownBy(() -> a.connect(b.listenAddresses().get(0).withPeerId(someoneElse)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BadPeerException.class)
                    .hasMessageContaining(b.peerId().toString());
            // a second try is refused by the back-off without dialing
            assertThatThrownBy(() -> a.connect(b.listenAddresses().get(0).withPeerId(someoneElse)).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DialBackoffException.class);
        }
    }

    @Test
    void aClosedPortIsADialException() throws Exception {
        try (P2pHost a = Hosts.loopback().build()) {
            a.start().get(10, TimeUnit.SECONDS);
            Multiaddr nowhere;
            try (P2pHost b = Hosts.loopback().build()) {
                b.start().get(10, TimeUnit.SECONDS);
                nowhere = Hosts.dialable(b);
            }
            assertThatThrownBy(() -> a.connect(nowhere).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DialException.class);
        }
    }

    @Test
    void closeFailsLaterCallsAndIsIdempotent() throws Exception {
        P2pHost a = Hosts.loopback().build();
        a.start().get(10, TimeUnit.SECONDS);
        a.close();
        a.close();
        assertThatThrownBy(() -> a.connect(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(HostClosedException.class);
        assertThat(a.newStream(a.peerId(), "/x").handle((s, e) -> e).get(10, TimeUnit.SECONDS)).isInstanceOf(HostClosedException.class);
    }

    static byte[] readAll(P2pStream s, int expected) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(expected);
        while (true) {
            byte[] chunk = s.read().get(30, TimeUnit.SECONDS);
            if (chunk.length == 0) {
                return out.toByteArray();
            }
            out.write(chunk);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }
}
