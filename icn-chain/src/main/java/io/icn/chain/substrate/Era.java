package io.icn.chain.substrate;

/**
 * A transaction's validity window ({@code sp_runtime::generic::Era}): immortal, or mortal for {@code period}
 * blocks (a power of two in [4, 65536]) starting at the block whose number is {@code phase} modulo the
 * period. A mortal extrinsic signs the hash of its birth block, so it cannot be replayed on another fork
 * nor after the window. Immutable.
 */
public record Era(long period, long phase) {
    public static final Era IMMORTAL = new Era(0, 0);

    public Era {
        if (period != 0) {
            if (period < 4 || period > 65536 || Long.bitCount(period) != 1) {
                throw new IllegalArgumentException("era period must be a power of two in [4, 65536]: " + period);
            }
            if (phase < 0 || phase >= period) {
                throw new IllegalArgumentException("era phase " + phase + " must be in [0, " + period + ")");
            }
        } else if (phase != 0) {
            throw new IllegalArgumentException("an immortal era has no phase: " + phase);
        }
    }

    /**
     * The mortal era starting at block {@code current} that lasts at least {@code blocks} blocks (rounded up to a
     * power of two, clamped to [4, 65536]), quantized as the runtime decodes it.
     */
    public static Era mortal(long blocks, long current) {
        if (current < 0) {
            throw new IllegalArgumentException("block number must not be negative: " + current);
        }
        long period = Long.highestOneBit(Math.max(2, blocks) - 1) << 1;
        period = Math.max(4, Math.min(65536, period));
        long quantize = Math.max(period >> 12, 1);
        long phase = current % period / quantize * quantize;
        return new Era(period, phase);
    }

    public boolean isImmortal() {
        return period == 0;
    }

    /** The number of the first block of the window that contains {@code current}: the block whose hash is signed. */
    public long birth(long current) {
        if (isImmortal()) {
            return 0;
        }
        return (Math.max(current, phase) - phase) / period * period + phase;
    }

    /** One byte {@code 0x00} when immortal, else two bytes. */
    public void encode(ScaleWriter out) {
        if (isImmortal()) {
            out.u8(0);
            return;
        }
        long quantize = Math.max(period >> 12, 1);
        int low = (int) Math.min(15, Math.max(1, Long.numberOfTrailingZeros(period) - 1));
        int encoded = low | (int) ((phase / quantize) << 4);
        out.u16(encoded);
    }

    public static Era decode(ScaleReader in) {
        int first = in.u8();
        if (first == 0) {
            return IMMORTAL;
        }
        int encoded = first | in.u8() << 8;
        long period = 2L << (encoded % (1 << 4));
        long quantize = Math.max(period >> 12, 1);
        long phase = (long) (encoded >> 4) * quantize;
        if (period < 4 || phase >= period) {
            throw new ScaleDecodeException("invalid mortal era 0x" + Integer.toHexString(encoded));
        }
        return new Era(period, phase);
    }
}
