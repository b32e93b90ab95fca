package io.icn.erasure;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * An erasure code over fixed-size shards: {@code k} data shards and {@code m} parity shards, any
 * {@code k} of which rebuild the rest.
 *
 * <p>The one implementation, {@link #reedSolomon(int, int)}, is systematic Reed-Solomon over
 * GF(2^8) with polynomial 0x11D and the Vandermonde construction made systematic by the inverse of
 * its top square: the format of Backblaze's JavaReedSolomon and of the Rust
 * {@code reed-solomon-erasure} crate. Every kernel produces the same bytes.
 *
 * <h2>Shard layout</h2>
 * Shards are indexed {@code 0 .. k+m-1}: data shards first, then parity. A chunk of length
 * {@code L} becomes {@code k} data shards of {@link #shardSize(long) ceil(L/k)} bytes; the last data
 * bytes are followed by zero padding. {@code L} itself is not stored in any shard: callers keep it
 * (the storage manifest records it) and hand it back to {@link #decode(byte[][], int)}.
 *
 * <h2>Buffer contract</h2>
 * <ul>
 *   <li>{@code ByteBuffer[]} and {@code byte[][]} arguments have exactly {@code k+m} entries. A shard
 *       of a {@code ByteBuffer[]} is the buffer's bytes from {@code position()} to {@code limit()};
 *       every shard of one call has the same {@code remaining()}, and every {@code byte[]} shard the
 *       same length, otherwise {@link ShardSizeMismatchException}.</li>
 *   <li>Heap, direct and read-only buffers (read-only only where the call writes nothing to that
 *       shard) may be mixed freely; positions, limits and marks are never changed. Array-backed
 *       buffers are used through their arrays; the SIMD kernels read and write direct buffers where
 *       they are on JDK 17-19 and 22+ (see docs/erasure.md), other buffers go through per-thread
 *       staging blocks, a copy. Shards must be distinct memory: a call may write an output byte
 *       more than once.</li>
 *   <li>A call writes only what it documents (the parity shards, or the missing shards) and never
 *       modifies any other shard or argument.</li>
 *   <li>Buffers are used during the call only; nothing is retained.</li>
 *   <li>The two in-place calls, {@link #encodeParity(ByteBuffer[])} and
 *       {@link #reconstruct(ByteBuffer[], boolean[])}, allocate nothing per call once warm.</li>
 * </ul>
 *
 * <h2>Thread safety</h2>
 * Instances are immutable and thread-safe: one codec may serve any number of threads at once, as
 * long as threads do not pass the same output buffers concurrently.
 *
 * <h2>Errors</h2>
 * {@link InsufficientShardsException} when fewer than {@code k} shards are present,
 * {@link ShardSizeMismatchException} when shards differ in size, {@link IllegalArgumentException}
 * (naming the value) for any other malformed argument.
 */
public interface ErasureCodec {

    /**
     * Reed-Solomon with {@code dataShards} data and {@code parityShards} parity shards, on the kernel
     * {@link Kernels#best()} probed for this JVM (decided once, never changed; see {@link Kernels}).
     * A node that calibrates ({@link Kernels#calibrate(java.time.Duration)}) passes the kernel of its
     * {@link KernelSelection} to {@link #reedSolomon(int, int, Gf256Kernel)} instead.
     *
     * @throws IllegalArgumentException if {@code dataShards < 1}, {@code parityShards < 1} or
     *     {@code dataShards + parityShards > 256}
     */
    static ErasureCodec reedSolomon(int dataShards, int parityShards) {
        return ReedSolomonCodec.create(dataShards, parityShards, Kernels.best());
    }

    /**
     * Reed-Solomon on a kernel of the caller's choice ({@link Kernels#scalar()},
     * {@link Kernels#vector(int)}, a {@link KernelSelection}'s).
     *
     * @throws IllegalArgumentException as {@link #reedSolomon(int, int)}
     */
    static ErasureCodec reedSolomon(int dataShards, int parityShards, Gf256Kernel kernel) {
        return ReedSolomonCodec.create(dataShards, parityShards, kernel);
    }

    /** Number of data shards, {@code k}. */
    int dataShards();

    /** Number of parity shards, {@code m}. */
    int parityShards();

    /** {@code k + m}. */
    int totalShards();

    /** The size of each shard for a chunk of {@code chunkLength} bytes: {@code ceil(chunkLength / k)}. */
    int shardSize(long chunkLength);

    /** The name of the GF(2^8) kernel doing the arithmetic, e.g. {@code "vector-256"} or {@code "scalar"}. */
    String kernelName();

    /**
     * Splits {@code chunk} into {@code k} data shards of {@link #shardSize(long)} bytes (the last one
     * zero-padded) and computes {@code m} parity shards. The new arrays cost about as much as the
     * arithmetic (the JVM copies or zeroes every byte of them first), so this call runs at about half
     * the speed of {@link #encodeParity(byte[][])} on shard arrays the caller keeps (docs/erasure.md).
     *
     * @return {@code k+m} new arrays; {@code chunk} is not modified
     */
    byte[][] encode(byte[] chunk);

    /**
     * Rebuilds the original chunk from any {@code k} shards. The returned array is new, and zeroed by
     * the JVM before it is filled; with lost data shards this call runs at about half the speed of
     * {@link #reconstruct(byte[][], boolean[])} (docs/erasure.md).
     *
     * @param shards {@code k+m} entries, {@code null} where a shard is missing; not modified
     * @param originalLength the chunk length recorded at encode time
     * @throws InsufficientShardsException if fewer than {@code k} entries are non-null
     * @throws IllegalArgumentException if {@code originalLength} does not fit the shard size
     */
    byte[] decode(byte[][] shards, int originalLength);

    /**
     * Computes the parity shards in place from the data shards.
     *
     * @param shards {@code k+m} buffers; {@code shards[0..k)} are read, {@code shards[k..k+m)} are
     *     overwritten between position and limit
     */
    void encodeParity(ByteBuffer[] shards);

    /** As {@link #encodeParity(ByteBuffer[])} for arrays: {@code shards[k..k+m)} are overwritten. */
    void encodeParity(byte[][] shards);

    /**
     * As {@link #encodeParity(ByteBuffer[])}, splitting the shard byte range into slices computed in
     * parallel on {@code executor}; returns when every slice is done. The result is byte-identical to
     * the single-threaded call. Worth it for large shards (megabytes) and more than one core.
     *
     * @throws ErasureException if a slice fails or the calling thread is interrupted
     */
    void encodeParity(ByteBuffer[] shards, Executor executor);

    /**
     * Regenerates every shard whose {@code present} flag is false (data and parity) from the ones whose
     * flag is true.
     *
     * @param shards {@code k+m} buffers of equal size, including buffers for the missing shards; the
     *     missing ones are overwritten between position and limit, the present ones only read
     * @param present {@code k+m} flags; not modified
     * @throws InsufficientShardsException if fewer than {@code k} flags are true
     */
    void reconstruct(ByteBuffer[] shards, boolean[] present);

    /** As {@link #reconstruct(ByteBuffer[], boolean[])} for arrays. */
    void reconstruct(byte[][] shards, boolean[] present);

    /**
     * Whether the parity shards are consistent with the data shards. Nothing is modified.
     *
     * @param shards {@code k+m} non-null shards of equal size
     */
    boolean verify(byte[][] shards);

    /** As {@link #verify(byte[][])} for buffers. */
    boolean verify(ByteBuffer[] shards);
}
