package io.icn.p2p.gossip;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.InvalidPeerIdException;
import io.icn.p2p.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * GossipSub's StrictSign policy: every message carries {@code from}, an 8-byte {@code seqno} and the publisher's
 * Ed25519 signature over {@code "libp2p-pubsub:" || protobuf(message without signature and key)}; {@code key} is
 * omitted because an Ed25519 peer id inlines its key (and, when present, must be that key). A received message is
 * verified over the signed bytes found in its frame when the decoder left them there
 * ({@link Rpc.PubMessage#signedBytes()}), without a copy of its data; else they are encoded into one array.
 *
 * <p>Stateless and thread-safe.
 */
final class StrictSign {
    private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);
    /** The length of the prefix the signature covers before the message. */
    static final int PREFIX_BYTES = PREFIX.length;

    private StrictSign() {
    }

    /** Why a received message fails StrictSign, or empty when it passes. */
    enum Fault {
        MISSING_FROM, BAD_FROM, MISSING_SEQNO, BAD_SEQNO, MISSING_SIGNATURE, KEY_MISMATCH, BAD_SIGNATURE
    }

    /** A message of {@code identity} on {@code topic} with {@code seqno}, signed. */
    static Rpc.PubMessage sign(HostIdentity identity, String topic, byte[] data, long seqno) {
        byte[] seq = ByteBuffer.allocate(8).putLong(seqno).array();
        Rpc.PubMessage unsigned = new Rpc.PubMessage(identity.peerId().toBytes(), data, seq, topic, null, null);
        byte[] signature = identity.sign(signedBytes(unsigned));
        return new Rpc.PubMessage(unsigned.from(), data, seq, topic, signature, null);
    }

    /** Checks {@code m} against StrictSign; empty when it passes. */
    static Optional<Fault> verify(Rpc.PubMessage m) {
        if (m.from() == null) {
            return Optional.of(Fault.MISSING_FROM);
        }
        PeerId from;
        try {
            from = PeerId.fromBytes(m.from());
        } catch (InvalidPeerIdException e) {
            return Optional.of(Fault.BAD_FROM);
        }
        if (m.seqno() == null) {
            return Optional.of(Fault.MISSING_SEQNO);
        }
        if (m.seqno().length != 8) {
            return Optional.of(Fault.BAD_SEQNO);
        }
        if (m.signature() == null) {
            return Optional.of(Fault.MISSING_SIGNATURE);
        }
        if (m.key() != null && !from.inlinePublicKeyProtobuf().map(k -> Arrays.equals(k, m.key())).orElse(false)) {
            return Optional.of(Fault.KEY_MISMATCH);
        }
        ByteBuffer signed = m.signedBytes();
        boolean valid = signed != null
                ? from.verifies(signed.array(), signed.arrayOffset() + signed.position(), signed.remaining(), m.signature())
                : from.verifies(signedBytes(m.unsigned()), m.signature());
        return valid ? Optional.empty() : Optional.of(Fault.BAD_SIGNATURE);
    }

    /** Writes the prefix the signature covers into {@code buf} at {@code at}. */
    static void writePrefix(byte[] buf, int at) {
        System.arraycopy(PREFIX, 0, buf, at, PREFIX.length);
    }

    /** {@code "libp2p-pubsub:"} and the unsigned message's protobuf, in one array of its exact size. */
    private static byte[] signedBytes(Rpc.PubMessage unsigned) {
        return RpcCodec.prefixedMessage(PREFIX, unsigned);
    }
}
