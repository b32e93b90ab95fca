/**
 * Reed-Solomon erasure coding over GF(2^8), byte-compatible with Backblaze JavaReedSolomon and the
 * Rust {@code reed-solomon-erasure} crate.
 *
 * <p>Start with {@link io.icn.erasure.ErasureCodec#reedSolomon(int, int)}:
 * <pre>{@code
 * ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);   // immutable, thread-safe
 * byte[][] shards = codec.encode(chunk);                   // 14 shards of ceil(len/10) bytes
 * shards[2] = null; shards[12] = null;                     // any 4 may be lost
 * byte[] again = codec.decode(shards, chunk.length);
 * }</pre>
 *
 * <p>The arithmetic runs on a {@link io.icn.erasure.Gf256Kernel}: a portable scalar kernel, or SIMD
 * kernels on the JDK Vector API when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 * {@link io.icn.erasure.Kernels} chooses and explains its choice. This package depends on the JDK
 * only.
 */
package io.icn.erasure;
