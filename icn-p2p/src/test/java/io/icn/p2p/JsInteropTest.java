package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host against real js-libp2p 3.x peers (interop/js/host-peer.mjs, TCP + Noise + Yamux): Java dials js and js
 * dials Java; identify, ping and a byte echo both ways.
 */
@Timeout(90)
class JsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ECHO = "/icn/test/echo/1.0.0";
    private static final String SINK = "/icn/test/sink/1.0.0";

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Byte i is (i * 31 + 7) mod 251, as host-peer.mjs makes it. */
    static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (((long) i * 31 + 7) % 251);
        }
        return b;
    }

    @Test
    void javaDialsJs() throws Exception {
        try (JsPeer js = JsPeer.start(Map.of()); P2pHost host = Hosts.loopback().agentVersion("icn-test/1").build()) {
            host.bind(ECHO, NettyP2pHost::serveEcho);
            host.start().get(10, TimeUnit.SECONDS);
            JsonNode listening = js.await("listening", WAIT);
            Multiaddr jsAddress = Multiaddr.parse(listening.get("addrs").get(0).asText());

            PeerInfo info = host.connect(jsAddress).get(20, TimeUnit.SECONDS);
            assertThat(info.peerId().toString()).isEqualTo(listening.get("peerId").asText());
            assertThat(info.identified()).isTrue();
            assertThat(info.agentVersion()).contains("js-libp2p");
            assertThat(info.protocols()).contains(P2pHost.IDENTIFY, P2pHost.PING, ECHO, SINK);
            assertThat(info.listenAddresses()).contains(jsAddress.withoutPeerId());

            JsonNode identified = js.await("peer:identify", n -> n.get("peer").asText().equals(host.peerId().toString()), WAIT);
            assertThat(identified.get("protocolVersion").asText()).isEqualTo("/icn/super-node/1.0.0");
            assertThat(identified.get("agent").asText()).isEqualTo("icn-test/1");
            assertThat(texts(identified.get("protocols"))).contains(P2pHost.IDENTIFY, P2pHost.PING, ECHO);
            assertThat(texts(identified.get("listenAddrs"))).contains(host.listenAddresses().get(0).toString());
            assertThat(identified.get("encryption").asText()).isEqualTo("/noise");
            assertThat(identified.get("multiplexer").asText()).isEqualTo("/yamux/1.0.0");

            for (int i = 0; i < 3; i++) {
                assertThat(host.ping(info.peerId()).get(10, TimeUnit.SECONDS)).isPositive();
            }

            byte[] data = pattern(1_000_000);
            P2pStream s = host.newStream(info.peerId(), ECHO).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> sent = s.write(data).thenCompose(v -> s.closeWrite());
            byte[] back = P2pHostTest.readAll(s, data.length);
            sent.get(10, TimeUnit.SECONDS);
            assertThat(back).isEqualTo(data);

            P2pStream sink = host.newStream(info.peerId(), SINK).get(10, TimeUnit.SECONDS);
            sink.write(data).thenCompose(v -> sink.closeWrite()).get(20, TimeUnit.SECONDS);
            byte[] ack = P2pHostTest.readAll(sink, 8);
            assertThat(ByteBuffer.wrap(ack).getLong()).isEqualTo(data.length);
            JsonNode sunk = js.await("sink", WAIT);
            assertThat(sunk.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        }
    }

    @Test
    void jsDialsJava() throws Exception {
        try (P2pHost host = Hosts.loopback().build()) {
            host.bind(ECHO, NettyP2pHost::serveEcho);
            host.bind(SINK, JsInteropTest::sink);
            host.start().get(10, TimeUnit.SECONDS);
            Multiaddr address = Hosts.dialable(host);
            try (JsPeer js = JsPeer.start(Map.of("DIAL", address.toString(), "PING_COUNT", "3", "ECHO_BYTES", "1000000",
                    "SEND_BYTES", "2000000"))) {
                JsonNode dialed = js.await("dialed", WAIT);
                assertThat(dialed.get("remotePeer").asText()).isEqualTo(host.peerId().toString());
                JsonNode identified = js.await("peer:identify", WAIT);
                assertThat(identified.get("protocolVersion").asText()).isEqualTo("/icn/super-node/1.0.0");
                assertThat(texts(identified.get("protocols"))).contains(P2pHost.IDENTIFY, P2pHost.PING, ECHO, SINK);
                assertThat(identified.get("observedAddr").asText()).startsWith("/ip4/127.0.0.1/tcp/");
                for (int i = 0; i < 3; i++) {
                    assertThat(js.await("ping", WAIT).get("rtt").asDouble()).isGreaterThanOrEqualTo(0);
                }
                JsonNode echo = js.await("echo", WAIT);
                assertThat(echo.get("bytes").asLong()).isEqualTo(1_000_000);
                assertThat(echo.get("sha256").asText()).isEqualTo(echo.get("expected").asText());
                JsonNode sent = js.await("sent", WAIT);
                assertThat(sent.get("acked").asLong()).isEqualTo(2_000_000);

                PeerId jsPeer = PeerId.parse(js.await("listening", WAIT).get("peerId").asText());
                PeerInfo info = host.peer(jsPeer).orElseThrow();
                assertThat(info.inbound()).isTrue();
                P2pHostTest.waitFor(() -> host.peer(jsPeer).map(PeerInfo::identified).orElse(false));
                assertThat(host.peer(jsPeer).orElseThrow().agentVersion()).contains("js-libp2p");
            }
        }
    }

    /** Reads to the end, answers the byte count as 8 bytes, closes (what host-peer.mjs's sink does). */
    static void sink(P2pStream stream) {
        drain(stream, 0);
    }

    private static void drain(P2pStream stream, long total) {
        stream.read().whenComplete((bytes, e) -> {
            if (e != null) {
                stream.reset();
            } else if (bytes.length == 0) {
                stream.write(ByteBuffer.allocate(8).putLong(total).array()).thenCompose(v -> stream.closeWrite())
                        .whenComplete((v, x) -> stream.close());
            } else {
                drain(stream, total + bytes.length);
            }
        });
    }
}
