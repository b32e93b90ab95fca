package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several sockets on one port: connection ids carry the socket index, and packets are routed by it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketDispatcherTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 9002);

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void connectionIdsStartWithTheSocketIndexAndAreStableForOneInput() {
        QuicConnectionIdGenerator ids = new SocketDispatcher.IndexedIds(0x0102, QuicConnectionIdGenerator.signGenerator());
        ByteBuffer dcid = ByteBuffer.wrap(Fixtures.randomBytes(1, 16));
        ByteBuffer scid = ByteBuffer.wrap(Fixtures.randomBytes(2, 16));

        ByteBuffer first = ids.newId(scid.duplicate(), dcid.duplicate(), 20);
        ByteBuffer again = ids.newId(scid.duplicate(), dcid.duplicate(), 20);
        ByteBuffer other = ids.newId(scid.duplicate(), ByteBuffer.wrap(Fixtures.randomBytes(3, 16)), 20);

        assertThat(first.remaining()).isEqualTo(20);
        assertThat(first.get(0)).isEqualTo((byte) 0x01);
        assertThat(first.get(1)).isEqualTo((byte) 0x02);
        assertThat(again).as("a retransmitted Initial maps to the same connection").isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(other.getShort(0)).isEqualTo((short) 0x0102);
    }

    @Test
    void shortHeaderPacketsGoToTheSocketNamedInTheirConnectionId() {
        SocketDispatcher dispatcher = new SocketDispatcher((length, ids) -> new ChannelInboundHandlerAdapter());
        EmbeddedChannel socket0 = new EmbeddedChannel(dispatcher);
        EmbeddedChannel socket1 = new EmbeddedChannel(dispatcher);
        try {
            // Arrives on socket 0, but its connection id was issued by socket 1.
            socket0.writeInbound(packet(shortHeader(1)));
            assertThat((Object) socket0.readInbound()).isNull();
            release(socket1.readInbound());

            socket1.writeInbound(packet(shortHeader(0)));
            assertThat((Object) socket1.readInbound()).isNull();
            release(socket0.readInbound());

            // Long headers (handshake) and unknown indexes stay where the kernel put them.
            socket1.writeInbound(packet(longHeader()));
            release(socket1.readInbound());
            socket0.writeInbound(packet(shortHeader(7)));
            release(socket0.readInbound());
        } finally {
            socket0.finishAndReleaseAll();
            socket1.finishAndReleaseAll();
        }
    }

    /** Many clients over four sockets on one port: every transfer completes and verifies. */
    @Test
    void serverWithSeveralSocketsServesManyClients() throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(40);
        Fixtures.storeChunk(store, cid, 40, 2_000_000);
        ShardServer server = null;
        List<ShardClient> clients = new ArrayList<>();
        try {
            server = Fixtures.server(store).ioThreads(4).start();
            assertThat(((QuicShardServer) server).socketCount()).isEqualTo(4);
            InetSocketAddress node = server.localAddress();
            List<CompletableFuture<ShardData>> fetches = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                ShardClient client = Fixtures.client(server).build();
                clients.add(client);
                fetches.add(client.fetchShard(node, cid, c % 14));
            }
            for (int c = 0; c < fetches.size(); c++) {
                ShardData data = fetches.get(c).get(30, TimeUnit.SECONDS);
                assertThat(data.verified()).isTrue();
                assertThat(data.bytes()).isEqualTo(store.readShard(cid, c % 14));
            }
            ServerLimitsTest.waitUntilIdle(server);
        } finally {
            clients.forEach(ShardClient::close);
            ShardTransferTest.close(null, server);
            store.close();
        }
    }

    @Test
    void oneThreadMeansOneSocket() {
        InMemoryShardStore store = Fixtures.store();
        ShardServer server = null;
        try {
            server = Fixtures.server(store).ioThreads(1).start();
            assertThat(((QuicShardServer) server).socketCount()).isEqualTo(1);
        } finally {
            ShardTransferTest.close(null, server);
            store.close();
        }
    }

    /** A 1-RTT packet: header byte {@code 0b01......}, then the 20-byte destination connection id, then payload. */
    private static ByteBuf shortHeader(int socketIndex) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x40);
        b.writeShort(socketIndex);
        b.writeBytes(Fixtures.randomBytes(socketIndex, 18));
        b.writeBytes(new byte[24]);
        return b;
    }

    /** An Initial packet's first bytes: long header form, version 1, and a connection id naming socket 0. */
    private static ByteBuf longHeader() {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0xC0);
        b.writeInt(1);
        b.writeByte(20);
        b.writeShort(0);
        b.writeBytes(new byte[18 + 40]);
        return b;
    }

    private static DatagramPacket packet(ByteBuf content) {
        return new DatagramPacket(content, LOCAL, PEER);
    }

    private static void release(Object packet) {
        assertThat(packet).isInstanceOf(DatagramPacket.class);
        ((DatagramPacket) packet).release();
    }
}
