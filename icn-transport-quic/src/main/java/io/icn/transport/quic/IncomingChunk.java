package io.icn.transport.quic;

import io.icn.storage.Cid;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;

/**
 * The body of one admitted PUT as it arrives: bytes are counted against the announced length, copied into one
 * heap array of exactly that length and hashed on the way, so that the CID can be checked the moment the
 * client's FIN arrives. The array is allocated off the event loop (zeroing tens of megabytes would stall every
 * connection of the loop); bytes that arrive before it is there wait, retained, in arrival order.
 *
 * <p>Memory: the announced length is reserved in the server's {@link IngestBudget} before this object exists;
 * this object owns that reservation until {@link #handOver()} passes it on (to be released when the sink is
 * done) or {@link #release()} gives it back.
 *
 * <p>Buffer ownership: {@link #add(ByteBuf)} takes over the buffer it is given and releases it, at once or
 * after copying it; {@link #release()} releases whatever still waits.
 *
 * <p>Threading: event-loop confined (the array is allocated elsewhere but handed in on the loop).
 */
final class IncomingChunk {

    private final Request.Put put;
    private final IngestBudget budget;
    private final MessageDigest digest;
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private byte[] array;
    private long received;
    private int copied;
    private boolean ended;
    private boolean reserved = true;

    /** @param budget the budget in which {@code put.length()} bytes are already reserved for this chunk */
    IncomingChunk(Request.Put put, IngestBudget budget) {
        this.put = put;
        this.budget = budget;
        this.digest = Protocol.sha256();
    }

    Request.Put put() {
        return put;
    }

    /** Body bytes received so far. */
    long received() {
        return received;
    }

    /**
     * Takes the next body bytes over.
     *
     * @return false (and the buffer released) if they go beyond the announced length
     */
    boolean add(ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (n > put.length() - received) {
            bytes.release();
            return false;
        }
        received += n;
        if (array == null) {
            waiting.add(bytes);
        } else {
            copy(bytes);
        }
        return true;
    }

    /** The array for the chunk has been allocated: copies what waited for it. */
    void arrayReady(byte[] allocated) {
        array = allocated;
        while (!waiting.isEmpty()) {
            copy(waiting.poll());
        }
    }

    /** The client finished its side of the stream. */
    void end() {
        ended = true;
    }

    /** Whether the client ended the stream before sending the announced length. */
    boolean truncated() {
        return ended && received < put.length();
    }

    /** Whether every announced byte arrived, the client ended the stream, and all bytes are in the array. */
    boolean complete() {
        return ended && array != null && copied == put.length();
    }

    /** Whether the bytes hash to the requested CID; only once {@link #complete()}. */
    boolean matchesCid() {
        return Cid.of(Cid.RAW, digest.digest()).equals(put.cid());
    }

    /**
     * The chunk, for the sink; the budget reservation goes with it (the caller releases it when the sink is done),
     * and {@link #release()} no longer gives it back.
     */
    ByteBuffer handOver() {
        reserved = false;
        ByteBuffer chunk = ByteBuffer.wrap(array);
        array = null;
        return chunk;
    }

    /** Drops what this chunk holds and gives its budget back unless it was handed over. Idempotent. */
    void release() {
        while (!waiting.isEmpty()) {
            waiting.poll().release();
        }
        array = null;
        if (reserved) {
            reserved = false;
            budget.release(put.length());
        }
    }

    private void copy(ByteBuf bytes) {
        try {
            int n = bytes.readableBytes();
            bytes.readBytes(array, copied, n);
            digest.update(array, copied, n);
            copied += n;
        } finally {
            bytes.release();
        }
    }

}
