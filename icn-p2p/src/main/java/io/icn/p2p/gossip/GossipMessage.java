package io.icn.p2p.gossip;

import io.icn.p2p.PeerId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A message received (or published) on a topic, as handed to validators and subscribers. Its data is shared with
 * the router's message cache, so it is exposed read-only ({@link #dataView()}) or copied ({@link #data()}).
 *
 * <p>Immutable and thread-safe.
 */
public final class GossipMessage {
    private final String topic;
    /** Position 0, limit the length; never moved (every reader gets a duplicate). */
    private final ByteBuffer data;
    private final PeerId from;
    private final long seqno;
    private final MessageId id;
    private final PeerId receivedFrom;
    private final long receivedNanos;

    GossipMessage(String topic, ByteBuffer data, PeerId from, long seqno, MessageId id, PeerId receivedFrom,
            long receivedNanos) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.data = Objects.requireNonNull(data, "data").slice();
        this.from = Objects.requireNonNull(from, "from");
        this.seqno = seqno;
        this.id = Objects.requireNonNull(id, "id");
        this.receivedFrom = Objects.requireNonNull(receivedFrom, "receivedFrom");
        this.receivedNanos = receivedNanos;
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** The data, a copy. */
    public byte[] data() {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return copy;
    }

    /** The data without copying, read-only. */
    public ByteBuffer dataView() {
        return data.asReadOnlyBuffer();
    }

    /**
     * The data itself, not copied, as a buffer over the array that holds it (position 0, limit the length; for a
     * received message a slice of the RPC frame it arrived in, {@code arrayOffset()} where the data starts): for a
     * consumer that takes the message over whole (the node's ingest of a 50 MB chunk) and must not pay for a copy,
     * and may need the array (an erasure kernel that works on arrays). The bytes are shared with the router's
     * message cache (which forwards and answers IWANT from them) and every other subscriber: the caller must never
     * modify them. The buffer is new on each call: its position and limit are the caller's.
     */
    public ByteBuffer sharedData() {
        return data.duplicate();
    }

    /** The data's length in bytes. */
    public int size() {
        return data.remaining();
    }

    /** The publisher, whose StrictSign signature the message carries (verified). */
    public PeerId from() {
        return from;
    }

    /** The publisher's sequence number. */
    public long seqno() {
        return seqno;
    }

    /** The message id under the router's {@link MessageIdFunction}. */
    public MessageId id() {
        return id;
    }

    /** The peer this router received it from (this host for its own messages). */
    public PeerId receivedFrom() {
        return receivedFrom;
    }

    /**
     * {@link System#nanoTime()} when the last byte of the RPC frame that carried this message had arrived (when it
     * was published, for this router's own messages): the start of a delivery's latency.
     */
    public long receivedNanos() {
        return receivedNanos;
    }

    @Override
    public String toString() {
        return "GossipMessage[" + topic + " " + id + " " + data.remaining() + " bytes from " + from + "]";
    }
}
