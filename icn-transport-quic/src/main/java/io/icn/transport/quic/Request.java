package io.icn.transport.quic;

import io.icn.storage.Cid;
import java.util.Arrays;
import java.util.Objects;

/** A decoded request frame. Immutable. */
sealed interface Request permits Request.Get, Request.Has, Request.Manifest, Request.Put {

    /** Wire type of {@link Get}. */
    int TYPE_GET = 0x01;
    /** Wire type of {@link Has}. */
    int TYPE_HAS = 0x02;
    /** Wire type of {@link Manifest}. */
    int TYPE_MANIFEST = 0x03;
    /** Wire type of {@link Put}. */
    int TYPE_PUT = 0x04;

    Cid cid();

    /**
     * GET: the bytes of one shard, or of {@code [offset, offset+length)} of it.
     *
     * @param range whether a byte range was asked for; when false {@code offset} and {@code length} are 0
     * @param expectedSha256 the hash the client expects the whole shard to have, or {@code null}
     */
    record Get(Cid cid, int shardIndex, boolean range, long offset, long length, byte[] expectedSha256)
            implements Request {
        public Get {
            Objects.requireNonNull(cid, "cid");
            if (shardIndex < 0 || shardIndex > 255) {
                throw new IllegalArgumentException("shardIndex must be 0..255: " + shardIndex);
            }
            if (offset < 0 || length < 0 || (!range && (offset != 0 || length != 0))) {
                throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
            }
            if (expectedSha256 != null && expectedSha256.length != Protocol.SHA256_LENGTH) {
                throw new IllegalArgumentException("expectedSha256 must be 32 bytes: " + expectedSha256.length);
            }
            expectedSha256 = expectedSha256 == null ? null : expectedSha256.clone();
        }

        @Override
        public byte[] expectedSha256() {
            return expectedSha256 == null ? null : expectedSha256.clone();
        }

        boolean hashMatches(byte[] sha256) {
            return expectedSha256 == null || Arrays.equals(expectedSha256, sha256);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Get g && g.cid.equals(cid) && g.shardIndex == shardIndex && g.range == range
                    && g.offset == offset && g.length == length && Arrays.equals(g.expectedSha256, expectedSha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(cid, shardIndex, range, offset, length) * 31 + Arrays.hashCode(expectedSha256);
        }

        @Override
        public String toString() {
            return "GET " + cid + "/" + shardIndex + (range ? " [" + offset + "+" + length + ")" : "");
        }
    }

    /** HAS: which shards of the chunk this node holds. */
    record Has(Cid cid) implements Request {
        public Has {
            Objects.requireNonNull(cid, "cid");
        }
    }

    /** MANIFEST: the chunk's metadata as this node recorded it. */
    record Manifest(Cid cid) implements Request {
        public Manifest {
            Objects.requireNonNull(cid, "cid");
        }
    }

    /**
     * PUT: the client sends a chunk of {@code length} bytes after the frame, on the same stream, then FIN;
     * the node stores it if the bytes hash to {@code cid}.
     *
     * @param cid the raw-codec CID of the chunk ({@code Cid.ofRaw(bytes)})
     * @param length the chunk's length in bytes, {@code >= 1}
     * @param dealBlocks the life of the deal pinning the chunk, in blocks; 0 = the node's default
     */
    record Put(Cid cid, long length, long dealBlocks) implements Request {
        public Put {
            Objects.requireNonNull(cid, "cid");
            if (cid.codec() != Cid.RAW) {
                throw new IllegalArgumentException("a chunk is addressed by its raw-codec CID (0x55), not codec 0x"
                        + Integer.toHexString(cid.codec()) + ": " + cid);
            }
            if (length < 1) {
                throw new IllegalArgumentException("chunk length must be >= 1: " + length);
            }
            if (dealBlocks < 0) {
                throw new IllegalArgumentException("dealBlocks must be >= 0 (0 = the node's default): " + dealBlocks);
            }
        }

        @Override
        public String toString() {
            return "PUT " + cid + " (" + length + " bytes)";
        }
    }
}
