package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RequestDecoderTest {

    private static final Cid CID = Fixtures.cid(42);

    @Test
    void decodesEveryRequestTypeEvenByteByByte() {
        List<Request> requests = List.of(
                new Request.Get(CID, 13, false, 0, 0, null),
                new Request.Get(CID, 0, true, 5, 65_536, new byte[32]),
                new Request.Has(CID),
                new Request.Manifest(CID),
                new Request.Put(CID, 50L << 20, 0),
                new Request.Put(CID, 1, Long.MAX_VALUE));
        for (Request request : requests) {
            EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(ChannelInboundHandlerAdapter::new));
            ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, request);
            while (frame.isReadable()) {
                ch.writeInbound(frame.readRetainedSlice(1));
            }
            frame.release();
            assertThat((Object) ch.readInbound()).isEqualTo(request);
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void answersMalformedFramesWithAStatus() {
        assertFailure(bytes(2, 1, 0, 0), Status.UNSUPPORTED_VERSION);
        assertFailure(bytes(1, 9, 0, 1, 0), Status.BAD_REQUEST);       // unknown type
        assertFailure(bytes(1, 1, 0x7f, 0xff), Status.BAD_REQUEST);    // oversized body
        assertFailure(bytes(1, 2, 0, 2, 1, 7), Status.BAD_REQUEST);    // invalid CID
    }

    @Test
    void reportsTruncatedFrameAtEndOfInput() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(ChannelInboundHandlerAdapter::new));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(1, 1, 0, 40, 36)));
        assertThat((Object) ch.readInbound()).isNull();
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        RequestDecoder.Failure failure = ch.readInbound();
        assertThat(failure.status()).isEqualTo(Status.BAD_REQUEST);
        ch.finishAndReleaseAll();
    }

    @Test
    void passesTheChunkAfterAPutFrameOnUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(ChannelInboundHandlerAdapter::new));
        Request.Put put = new Request.Put(CID, 3000, 7);
        ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, put);
        byte[] chunk = Fixtures.randomBytes(9, 3000);
        ch.writeInbound(Unpooled.wrappedBuffer(frame, Unpooled.wrappedBuffer(chunk, 0, 1000)));
        assertThat((Object) ch.readInbound()).isEqualTo(put);
        assertThat(ch.pipeline().get(RequestDecoder.class)).as("the decoder stepped aside").isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(chunk, 1000, 2000));
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        byte[] received = new byte[3000];
        first.readBytes(received, 0, 1000);
        second.readBytes(received, 1000, 2000);
        first.release();
        second.release();
        assertThat(received).isEqualTo(chunk);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void refusesMalformedPutFrames() {
        ByteBuf dagPb = Frames.encodeRequest(ByteBufAllocator.DEFAULT, new Request.Has(Cid.of(Cid.DAG_PB, new byte[32])));
        dagPb.setByte(1, Request.TYPE_PUT);
        byte[] frame = new byte[dagPb.readableBytes() + 16];
        dagPb.getBytes(0, frame, 0, dagPb.readableBytes());
        frame[3] += 16;
        frame[frame.length - 9] = 1; // length 1
        dagPb.release();
        assertFailure(frame, Status.BAD_REQUEST);                       // not a raw-codec CID
        byte[] zero = PutOverQuicTest.putFrame(CID, 1);
        zero[zero.length - 9] = 0;
        assertFailure(zero, Status.BAD_REQUEST);                        // length 0
        byte[] huge = PutOverQuicTest.putFrame(CID, 1);
        huge[huge.length - 16] = (byte) 0x80;
        assertFailure(huge, Status.BAD_REQUEST);                        // length >= 2^63
        assertFailure(Arrays.copyOf(zero, zero.length - 8), Status.BAD_REQUEST); // body cut short
    }

    @Test
    void ignoresBytesAfterTheFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(ChannelInboundHandlerAdapter::new));
        ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, new Request.Has(CID));
        ch.writeInbound(Unpooled.wrappedBuffer(frame, Unpooled.wrappedBuffer(new byte[1000])));
        assertThat((Object) ch.readInbound()).isEqualTo(new Request.Has(CID));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[5000]));
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    /**
     * 120,000 random and mutated frames: each yields exactly one Request or Failure (or nothing while
     * incomplete), never an exception, and no buffer leaks (LeakCheck runs after the class).
     */
    @Test
    void fuzzRandomAndMutatedFrames() {
        long seed = System.nanoTime();
        System.out.println("RequestDecoderTest.fuzz seed=" + seed);
        Random random = new Random(seed);
        List<byte[]> valid = new ArrayList<>();
        for (Request r : List.of(new Request.Get(CID, 3, true, 10, 20, new byte[32]), new Request.Get(CID, 1, false, 0, 0,
                null), new Request.Has(CID), new Request.Manifest(CID), new Request.Put(CID, 100, 0),
                new Request.Put(CID, 1L << 40, 12))) {
            ByteBuf b = Frames.encodeRequest(ByteBufAllocator.DEFAULT, r);
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            valid.add(a);
        }
        int decoded = 0;
        int failures = 0;
        int puts = 0;
        for (int i = 0; i < 120_000; i++) {
            byte[] input = mutate(random, valid.get(random.nextInt(valid.size())), i);
            EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(ChannelInboundHandlerAdapter::new));
            int at = 0;
            while (at < input.length) {
                int n = 1 + random.nextInt(Math.max(1, input.length - at));
                ch.writeInbound(Unpooled.copiedBuffer(input, at, Math.min(n, input.length - at)));
                at += n;
            }
            ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            Object out = ch.readInbound();
            assertThat(out).as("seed %d case %d", seed, i).isNotNull();
            if (out instanceof Request.Put) {
                // Everything after a PUT frame is the chunk: passed on byte for byte.
                puts++;
                int passed = 0;
                for (Object body = ch.readInbound(); body != null; body = ch.readInbound()) {
                    passed += ((ByteBuf) body).readableBytes();
                    ((ByteBuf) body).release();
                }
                assertThat(passed).as("seed %d case %d", seed, i).isEqualTo(input.length - frameLength(input));
            }
            assertThat((Object) ch.readInbound()).isNull();
            if (out instanceof Request) {
                decoded++;
            } else {
                assertThat(out).isInstanceOf(RequestDecoder.Failure.class);
                failures++;
            }
            ch.finishAndReleaseAll();
        }
        assertThat(decoded).isPositive();
        assertThat(failures).isPositive();
        assertThat(puts).isPositive();
    }

    private static int frameLength(byte[] frame) {
        return Protocol.HEADER_LENGTH + (((frame[2] & 0xff) << 8) | (frame[3] & 0xff));
    }

    private static byte[] mutate(Random random, byte[] base, int i) {
        switch (i % 5) {
            case 0 -> {
                byte[] r = new byte[random.nextInt(300)];
                random.nextBytes(r);
                if (r.length > 0 && random.nextBoolean()) {
                    r[0] = 1;
                }
                return r;
            }
            case 1 -> {
                byte[] c = base.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return c;
            }
            case 2 -> {
                return java.util.Arrays.copyOf(base, random.nextInt(base.length));
            }
            case 3 -> {
                byte[] c = java.util.Arrays.copyOf(base, base.length + 1 + random.nextInt(200));
                if (random.nextBoolean()) {
                    c[2] = (byte) random.nextInt(256);
                    c[3] = (byte) random.nextInt(256);
                }
                return c;
            }
            default -> {
                return base.clone();
            }
        }
    }

    private static void assertFailure(byte[] input, Status status) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(ChannelInboundHandlerAdapter::new));
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        RequestDecoder.Failure failure = ch.readInbound();
        assertThat(failure.status()).isEqualTo(status);
        ch.finishAndReleaseAll();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
