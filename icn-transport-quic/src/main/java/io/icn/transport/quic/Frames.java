package io.icn.transport.quic;

import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardInfo;
import io.icn.storage.StorageException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Encoders and parsers of {@code icn-shard/1} frames (docs/protocol.md). Stateless and thread-safe.
 *
 * <p>Buffer ownership: every {@code encode*}/response method returns a new buffer that the caller owns
 * and must release (normally by writing it to a channel). Every {@code parse*} method reads from the
 * buffer it is given, never releases it and never retains it.
 */
final class Frames {

    private Frames() {
    }

    // ---- requests ---------------------------------------------------------------------------------------

    /** Encodes a request frame. The caller owns the returned buffer. */
    static ByteBuf encodeRequest(ByteBufAllocator alloc, Request request) {
        ByteBuf out = alloc.buffer(Protocol.MAX_REQUEST_FRAME);
        try {
            out.writeByte(Protocol.VERSION);
            out.writeByte(typeOf(request));
            int lengthAt = out.writerIndex();
            out.writeShort(0);
            writeCid(out, request.cid());
            if (request instanceof Request.Get get) {
                out.writeByte(get.shardIndex());
                byte[] expected = get.expectedSha256();
                int flags = (get.range() ? Protocol.FLAG_RANGE : 0) | (expected != null ? Protocol.FLAG_EXPECTED_HASH : 0);
                out.writeByte(flags);
                if (get.range()) {
                    out.writeLong(get.offset());
                    out.writeLong(get.length());
                }
                if (expected != null) {
                    out.writeBytes(expected);
                }
            } else if (request instanceof Request.Put put) {
                out.writeLong(put.length()).writeLong(put.dealBlocks());
            }
            out.setShort(lengthAt, out.writerIndex() - Protocol.HEADER_LENGTH);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static int typeOf(Request request) {
        if (request instanceof Request.Get) {
            return Request.TYPE_GET;
        } else if (request instanceof Request.Has) {
            return Request.TYPE_HAS;
        } else if (request instanceof Request.Manifest) {
            return Request.TYPE_MANIFEST;
        }
        return Request.TYPE_PUT;
    }

    /**
     * Parses a request body of the given wire type; the whole body must be consumed.
     *
     * @throws MalformedFrameException naming the bad field
     */
    static Request parseRequestBody(int type, ByteBuf body) {
        Cid cid = readCid(body);
        Request request;
        switch (type) {
            case Request.TYPE_GET -> {
                need(body, 2, "shard index and flags");
                int index = body.readUnsignedByte();
                int flags = body.readUnsignedByte();
                if ((flags & ~(Protocol.FLAG_RANGE | Protocol.FLAG_EXPECTED_HASH)) != 0) {
                    throw new MalformedFrameException("unknown GET flags: 0x" + Integer.toHexString(flags));
                }
                long offset = 0;
                long length = 0;
                boolean range = (flags & Protocol.FLAG_RANGE) != 0;
                if (range) {
                    need(body, 16, "range");
                    offset = body.readLong();
                    length = body.readLong();
                    if (offset < 0 || length < 0) {
                        throw new MalformedFrameException("negative range: offset " + offset + ", length " + length);
                    }
                }
                byte[] expected = null;
                if ((flags & Protocol.FLAG_EXPECTED_HASH) != 0) {
                    need(body, Protocol.SHA256_LENGTH, "expected hash");
                    expected = new byte[Protocol.SHA256_LENGTH];
                    body.readBytes(expected);
                }
                request = new Request.Get(cid, index, range, offset, length, expected);
            }
            case Request.TYPE_HAS -> request = new Request.Has(cid);
            case Request.TYPE_MANIFEST -> request = new Request.Manifest(cid);
            case Request.TYPE_PUT -> request = parsePut(cid, body);
            default -> throw new MalformedFrameException("unknown request type: 0x" + Integer.toHexString(type));
        }
        if (body.isReadable()) {
            throw new MalformedFrameException(body.readableBytes() + " trailing bytes after " + request);
        }
        return request;
    }

    private static Request.Put parsePut(Cid cid, ByteBuf body) {
        need(body, 16, "chunk length and deal blocks");
        long length = body.readLong();
        long dealBlocks = body.readLong();
        if (length < 1) {
            throw new MalformedFrameException("PUT chunk length must be 1.." + Long.MAX_VALUE + ": "
                    + Long.toUnsignedString(length));
        }
        if (dealBlocks < 0) {
            throw new MalformedFrameException("PUT deal blocks must be 0.." + Long.MAX_VALUE + ": "
                    + Long.toUnsignedString(dealBlocks));
        }
        if (cid.codec() != Cid.RAW) {
            throw new MalformedFrameException("PUT names " + cid + " of codec 0x" + Integer.toHexString(cid.codec())
                    + "; a chunk is addressed by its raw-codec (0x55) CID");
        }
        return new Request.Put(cid, length, dealBlocks);
    }

    // ---- responses: encoding (server) -------------------------------------------------------------------

    /** OK header of a GET; {@code length} body bytes follow it. The caller owns the returned buffer. */
    static ByteBuf okShard(ByteBufAllocator alloc, long shardLength, long offset, long length, byte[] sha256) {
        ByteBuf out = header(alloc, Status.OK, 24 + Protocol.SHA256_LENGTH);
        out.writeLong(shardLength).writeLong(offset).writeLong(length).writeBytes(sha256);
        return out;
    }

    /** OK answer to HAS. The caller owns the returned buffer. */
    static ByteBuf okHas(ByteBufAllocator alloc, int totalShards, BitSet held) {
        int bitmapBytes = (totalShards + 7) / 8;
        ByteBuf out = header(alloc, Status.OK, 2 + bitmapBytes);
        out.writeShort(totalShards);
        byte[] bitmap = new byte[bitmapBytes];
        for (int i = held.nextSetBit(0); i >= 0 && i < totalShards; i = held.nextSetBit(i + 1)) {
            bitmap[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        }
        out.writeBytes(bitmap);
        return out;
    }

    /** OK answer to MANIFEST: the chunk's spec and its healthy shards. The caller owns the returned buffer. */
    static ByteBuf okManifest(ByteBufAllocator alloc, ChunkMeta meta) {
        byte[] deal = meta.dealId().getBytes(StandardCharsets.UTF_8);
        List<ShardInfo> shards = meta.shards();
        int bodyLength = 8 + 2 + 2 + 4 + 8 + 8 + 2 + deal.length + 2 + shards.size() * (1 + 2 * Protocol.SHA256_LENGTH);
        ByteBuf out = header(alloc, Status.OK, bodyLength);
        out.writeLong(meta.originalLength());
        out.writeShort(meta.dataShards());
        out.writeShort(meta.parityShards());
        out.writeInt(meta.merkleLeafSize());
        out.writeLong(meta.createdAt().toEpochMilli());
        out.writeLong(meta.expiryBlock());
        out.writeShort(deal.length).writeBytes(deal);
        out.writeShort(shards.size());
        for (ShardInfo s : shards) {
            out.writeByte(s.index()).writeBytes(s.sha256()).writeBytes(s.merkleRoot());
        }
        return out;
    }

    /** Flag of a PUT answer: the node held the chunk before. */
    private static final int PUT_ALREADY_STORED = 0x01;

    /** OK answer to PUT: the chunk is stored and pinned. The caller owns the returned buffer. */
    static ByteBuf okPut(ByteBufAllocator alloc, PutResult result) {
        byte[] deal = result.dealId().getBytes(StandardCharsets.UTF_8);
        ByteBuf out = header(alloc, Status.OK, 1 + 2 + deal.length + 8 + 2);
        out.writeByte(result.alreadyStored() ? PUT_ALREADY_STORED : 0);
        out.writeShort(deal.length).writeBytes(deal);
        out.writeLong(result.expiryBlock());
        out.writeShort(result.shardsStored());
        return out;
    }

    /** BUSY with a retry-after delay. The caller owns the returned buffer. */
    static ByteBuf busy(ByteBufAllocator alloc, Duration retryAfter, String message) {
        byte[] text = message(message);
        ByteBuf out = header(alloc, Status.BUSY, 4 + 2 + text.length);
        out.writeInt((int) Math.min(Integer.MAX_VALUE, Math.max(0, retryAfter.toMillis())));
        out.writeShort(text.length).writeBytes(text);
        return out;
    }

    /** Any other non-OK status with a message. The caller owns the returned buffer. */
    static ByteBuf error(ByteBufAllocator alloc, Status status, String message) {
        if (status == Status.OK || status == Status.BUSY) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        byte[] text = message(message);
        ByteBuf out = header(alloc, status, 2 + text.length);
        out.writeShort(text.length).writeBytes(text);
        return out;
    }

    private static ByteBuf header(ByteBufAllocator alloc, Status status, int bodyLength) {
        if (bodyLength > Protocol.MAX_RESPONSE_BODY) {
            throw new FrameTooLargeException("response header body of " + bodyLength + " bytes exceeds "
                    + Protocol.MAX_RESPONSE_BODY);
        }
        ByteBuf out = alloc.directBuffer(Protocol.HEADER_LENGTH + bodyLength);
        out.writeByte(Protocol.VERSION).writeByte(status.code()).writeShort(bodyLength);
        return out;
    }

    private static byte[] message(String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        if (text.length <= Protocol.MAX_MESSAGE_BYTES) {
            return text;
        }
        // Cut on a character boundary so the peer always sees valid UTF-8.
        String cut = message;
        while (cut.getBytes(StandardCharsets.UTF_8).length > Protocol.MAX_MESSAGE_BYTES) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut.getBytes(StandardCharsets.UTF_8);
    }

    // ---- responses: parsing (client) --------------------------------------------------------------------

    /** The OK header of a GET. */
    record ShardHeader(long shardLength, long offset, long length, byte[] sha256) {
        ShardHeader {
            if (shardLength < 0 || offset < 0 || length < 0 || offset > shardLength || length > shardLength - offset) {
                throw new MalformedFrameException("inconsistent shard header: shard " + shardLength + ", offset "
                        + offset + ", length " + length);
            }
        }
    }

    static ShardHeader parseShardHeader(ByteBuf body) {
        need(body, 24 + Protocol.SHA256_LENGTH, "shard header");
        long shardLength = body.readLong();
        long offset = body.readLong();
        long length = body.readLong();
        byte[] sha = new byte[Protocol.SHA256_LENGTH];
        body.readBytes(sha);
        end(body);
        return new ShardHeader(shardLength, offset, length, sha);
    }

    static SortedSet<Integer> parseHas(ByteBuf body) {
        need(body, 2, "shard count");
        int total = body.readUnsignedShort();
        if (total > 256) {
            throw new MalformedFrameException("HAS shard count above 256: " + total);
        }
        need(body, (total + 7) / 8, "HAS bitmap");
        TreeSet<Integer> held = new TreeSet<>();
        for (int i = 0; i < total; i++) {
            if ((body.getByte(body.readerIndex() + (i >>> 3)) & (0x80 >>> (i & 7))) != 0) {
                held.add(i);
            }
        }
        body.skipBytes((total + 7) / 8);
        end(body);
        return Collections.unmodifiableSortedSet(held);
    }

    static ChunkMeta parseManifest(Cid cid, ByteBuf body) {
        need(body, 8 + 2 + 2 + 4 + 8 + 8 + 2, "manifest");
        long originalLength = body.readLong();
        int k = body.readUnsignedShort();
        int m = body.readUnsignedShort();
        int leafSize = body.readInt();
        long createdAt = body.readLong();
        long expiry = body.readLong();
        int dealLength = body.readUnsignedShort();
        need(body, dealLength + 2, "deal id");
        String deal = body.readCharSequence(dealLength, StandardCharsets.UTF_8).toString();
        int count = body.readUnsignedShort();
        need(body, count * (1 + 2 * Protocol.SHA256_LENGTH), "shard list");
        try {
            ChunkSpec spec = new ChunkSpec(originalLength, k, m, deal, expiry);
            List<ShardInfo> shards = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = body.readUnsignedByte();
                byte[] sha = new byte[Protocol.SHA256_LENGTH];
                byte[] root = new byte[Protocol.SHA256_LENGTH];
                body.readBytes(sha).readBytes(root);
                shards.add(new ShardInfo(index, spec.shardLength(), sha, root));
            }
            end(body);
            return new ChunkMeta(cid, spec, leafSize, Instant.ofEpochMilli(createdAt), shards, List.of());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new MalformedFrameException("invalid manifest of " + cid + ": " + e.getMessage());
        }
    }

    static PutResult parsePutResult(Cid cid, ByteBuf body) {
        need(body, 1 + 2, "PUT answer");
        int flags = body.readUnsignedByte();
        if ((flags & ~PUT_ALREADY_STORED) != 0) {
            throw new MalformedFrameException("unknown PUT answer flags: 0x" + Integer.toHexString(flags));
        }
        int dealLength = body.readUnsignedShort();
        if (dealLength > PutResult.MAX_DEAL_ID_BYTES) {
            throw new FrameTooLargeException("deal id of " + dealLength + " bytes exceeds " + PutResult.MAX_DEAL_ID_BYTES);
        }
        need(body, dealLength + 8 + 2, "deal id, expiry and shard count");
        String deal = body.readCharSequence(dealLength, StandardCharsets.UTF_8).toString();
        long expiry = body.readLong();
        int shards = body.readUnsignedShort();
        end(body);
        if (expiry < 0) {
            throw new MalformedFrameException("PUT answer expiry block out of range: " + Long.toUnsignedString(expiry));
        }
        return new PutResult(cid, (flags & PUT_ALREADY_STORED) != 0, deal, expiry, shards);
    }

    /** The exception a non-OK status stands for. */
    static TransportException failure(Status status, ByteBuf body, String what) {
        long retryAfterMillis = 0;
        if (status == Status.BUSY) {
            need(body, 4, "retry-after");
            retryAfterMillis = body.readUnsignedInt();
        }
        need(body, 2, "message length");
        int length = body.readUnsignedShort();
        if (length > Protocol.MAX_MESSAGE_BYTES) {
            throw new FrameTooLargeException("status message of " + length + " bytes exceeds " + Protocol.MAX_MESSAGE_BYTES);
        }
        need(body, length, "message");
        String message = what + ": " + body.readCharSequence(length, StandardCharsets.UTF_8);
        end(body);
        return switch (status) {
            case NOT_FOUND -> new ShardUnavailableException(message);
            case RANGE_NOT_SATISFIABLE -> new RangeNotSatisfiableException(message);
            case BUSY -> new ServerBusyException(Duration.ofMillis(retryAfterMillis), message);
            case CORRUPT, HASH_MISMATCH -> new ShardIntegrityException(status + ": " + message);
            case UNAUTHORIZED -> new UnauthorizedException(message);
            case CONTENT_MISMATCH -> new ContentMismatchException(message);
            case PAYLOAD_TOO_LARGE -> new PayloadTooLargeException(message);
            case STORAGE_FULL -> new NodeStorageFullException(message);
            case UNSUPPORTED_REQUEST -> new UnsupportedRequestException(message);
            case OK -> throw new IllegalArgumentException("OK is not a failure");
            default -> new RequestRejectedException(status, message);
        };
    }

    // ---- shared -----------------------------------------------------------------------------------------

    private static void writeCid(ByteBuf out, Cid cid) {
        byte[] bytes = cid.toBytes();
        out.writeByte(bytes.length).writeBytes(bytes);
    }

    private static Cid readCid(ByteBuf body) {
        need(body, 1, "CID length");
        int length = body.readUnsignedByte();
        if (length == 0 || length > Protocol.MAX_CID_LENGTH) {
            throw new MalformedFrameException("CID length must be 1.." + Protocol.MAX_CID_LENGTH + ": " + length);
        }
        need(body, length, "CID");
        byte[] bytes = new byte[length];
        body.readBytes(bytes);
        try {
            return Cid.fromBytes(bytes);
        } catch (StorageException | IllegalArgumentException e) {
            throw new MalformedFrameException("invalid CID: " + e.getMessage());
        }
    }

    private static void need(ByteBuf body, int bytes, String field) {
        if (body.readableBytes() < bytes) {
            throw new MalformedFrameException("truncated " + field + ": need " + bytes + " bytes, have "
                    + body.readableBytes());
        }
    }

    private static void end(ByteBuf body) {
        if (body.isReadable()) {
            throw new MalformedFrameException(body.readableBytes() + " unexpected trailing bytes");
        }
    }
}
