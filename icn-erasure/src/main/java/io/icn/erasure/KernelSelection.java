package io.icn.erasure;

import java.util.Objects;

/**
 * A choice of GF(2^8) kernel and why it was made: the value {@link Kernels#probed()} and
 * {@link Kernels#calibrate(java.time.Duration)} return, which a node keeps and hands to the codecs it
 * creates ({@link ErasureCodec#reedSolomon(int, int, Gf256Kernel)}). Choosing a kernel changes no
 * process-wide state: codecs created with another selection, or with
 * {@link ErasureCodec#reedSolomon(int, int)}, are unaffected.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kernel the chosen kernel
 * @param reason why it was chosen (forced, probed, or measured with the timings), never blank
 * @param warning whether the choice is a fallback the operator should hear about (a forced kernel
 *     that is unavailable, a calibration that ran out of time)
 */
public record KernelSelection(Gf256Kernel kernel, String reason, boolean warning) {

    /** @throws IllegalArgumentException if {@code reason} is blank */
    public KernelSelection {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a kernel selection needs a reason, was blank for " + kernel.name());
        }
    }

    /** The reason and how the kernel reaches direct buffers; the text of the log line. */
    public String describe() {
        return reason + "; direct buffers: " + kernel.bufferAccess();
    }

    /** A codec on this kernel; the same as {@code ErasureCodec.reedSolomon(k, m, kernel())}. */
    public ErasureCodec reedSolomon(int dataShards, int parityShards) {
        return ErasureCodec.reedSolomon(dataShards, parityShards, kernel);
    }
}
