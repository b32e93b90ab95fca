package io.icn.p2p;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One bidirectional, flow-controlled byte stream to a peer (a Yamux stream of a Noise-secured connection), on
 * which a protocol has already been agreed by multistream-select. Obtained from {@link P2pHost#newStream} (this
 * host opened it) or handed to a {@link StreamHandler} (the remote opened it).
 *
 * <p><b>Threading.</b> Thread-safe: every method may be called from any thread and never blocks. Every returned
 * future completes on the connection's event loop, so dependent stages ({@code thenApply}, ...) run there unless
 * given an executor: they must not block. Writes are sent in the order of the calls. At most one read
 * ({@link #read} or {@link #readMessage}) may be outstanding at a time.
 *
 * <p><b>Flow control.</b> A write's future completes when its bytes have been handed to the connection, which
 * happens only as the remote's receive window allows (256 KiB per stream, replenished as the remote reads), so
 * waiting for it paces a producer. Bytes received are buffered until read, at most one window per stream; a
 * stream nobody reads stalls its sender, not the connection.
 *
 * <p><b>Ending.</b> {@link #closeWrite} half-closes (Yamux FIN): the remote reads the end, this side can still
 * read. {@link #close} half-closes and discards whatever arrives afterwards. {@link #reset} aborts both
 * directions (Yamux RST): outstanding futures fail with {@link StreamResetException}. When the connection or the
 * host closes, open streams are reset.
 *
 * <p><b>Ownership.</b> Arrays passed to writes are copied before the call returns, except by
 * {@link #writeMessageShared}, which reads the caller's buffers as the window allows; arrays returned by reads
 * belong to the caller.
 */
public interface P2pStream extends AutoCloseable {

    /** The peer at the other end. */
    PeerId remotePeer();

    /** The protocol agreed for this stream, e.g. {@code /ipfs/kad/1.0.0}. */
    String protocol();

    /** Whether the remote opened this stream. */
    boolean isInbound();

    /** The remote's transport address, e.g. {@code /ip4/127.0.0.1/tcp/4001}. */
    Multiaddr remoteAddress();

    /**
     * Writes {@code bytes}.
     *
     * @return completes when all bytes are handed to the connection; fails with {@link StreamResetException} or
     *     {@link HostClosedException} if the stream ends first, or {@link IllegalStateException} after
     *     {@link #closeWrite}
     */
    CompletableFuture<Void> write(byte[] bytes);

    /** Writes {@code message} preceded by its length as an unsigned varint (libp2p's length-prefixed framing). */
    CompletableFuture<Void> writeMessage(byte[] message);

    /**
     * Writes the total length of {@code parts}' remaining bytes as an unsigned varint, then those bytes in order,
     * without copying them first (each is copied into the connection's frames as the remote's window allows): one
     * encoding of a large message can be written to several peers at once, and a message can be written from
     * pieces (a header and a slice of a received frame). The buffers' positions are not moved.
     *
     * @return completes when all bytes are handed to the connection; until then the caller must not modify the
     *     parts' bytes. Fails as {@link #write}.
     * @throws IllegalArgumentException if the parts hold more than {@code Integer.MAX_VALUE} bytes
     */
    CompletableFuture<Void> writeMessageShared(ByteBuffer... parts);

    /**
     * Reads whatever bytes have arrived (waiting for at least one), or an empty array at the end of the stream (the
     * remote half-closed and everything before was read).
     *
     * @return fails with {@link StreamResetException} if the stream is reset
     */
    CompletableFuture<byte[]> read();

    /**
     * Reads one varint-length-prefixed message; its length is checked against this stream's limit before any of
     * it is buffered (the limit of the protocol, {@link HostLimits#maxInboundMessageBytes(String)} or the one given
     * to {@link P2pHost#bind(String, int, StreamHandler)}).
     *
     * @return the message, or empty at a clean end of the stream between messages; fails with
     *     {@link MessageTooLargeException} (the stream is then reset), {@link ProtocolViolationException} if the
     *     stream ends inside a message or the prefix is malformed, {@link StreamResetException}
     */
    CompletableFuture<Optional<byte[]>> readMessage();

    /**
     * As {@link #readMessage()}, but the message is received into an array with {@code headroom} free bytes before
     * it, written straight from the connection's frames once its length prefix has arrived (one array of exactly
     * {@code headroom} + the message's length, allocated when the prefix is read; a prefix over the limit resets the
     * stream before anything is allocated).
     *
     * @param headroom 0..1024 bytes
     * @return a buffer over the array whose position is {@code headroom} and whose limit is the end of the message
     *     (the whole array, headroom included, belongs to the caller), or empty at a clean end of the stream
     * @throws IllegalArgumentException if {@code headroom} is out of range
     */
    CompletableFuture<Optional<ByteBuffer>> readMessage(int headroom);

    /**
     * Half-closes: sends the end of stream after all earlier writes.
     *
     * @return completes when the end of stream is handed to the connection
     */
    CompletableFuture<Void> closeWrite();

    /** Aborts the stream in both directions (Yamux RST). Idempotent. */
    void reset();

    /** Half-closes and stops reading: later inbound bytes are discarded. Idempotent; never blocks. */
    @Override
    void close();
}
