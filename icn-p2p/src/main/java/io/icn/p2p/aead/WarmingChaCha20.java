package io.icn.p2p.aead;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The Vector API ChaCha20 (and its {@linkplain ChaCha20#macBulk bulk MAC}, {@link VectorPoly1305}, where there is
 * one) once the JIT has compiled it, the scalar code until then. Interpreted or compiled by C1,
 * the Vector API code is hundreds of times slower than compiled by C2 (every lane-wise operation allocates), and C2
 * compiles the keystream only after thousands of calls. So a daemon thread ({@link #startWarmUp}, once per JVM)
 * first checks the vector code against the scalar code ({@link ChaChaPolys#vectorBits()}), then runs both (keystream and MAC) on
 * scratch buffers, pausing after each pass as long as the pass took (at most half a core), and flips
 * {@link #warm} only when, at three checks in a row, the vector code's output equals the scalar code's and it ran
 * at least {@link #REQUIRED_SPEEDUP} times as fast as the scalar code in the same thread. The scalar code runs on
 * every pass, so that it is compiled when compared: compared with interpreted scalar code, C1's slow vector code
 * looked faster, and the first version of this class flipped after 96 passes, seconds before C2 had compiled the
 * vector code, leaving every connection on C1's vector code (see docs/p2p.md). Every instance reads the flag per
 * call. If the vector code is not that fast within {@link #WARM_UP_LIMIT_NANOS}, the scalar code stays and a
 * warning says so.
 *
 * <p>A guard keeps it so: should the compiled code be thrown away later (a deoptimization sends the keystream back
 * to slower tiers), calls of at least
 * {@link #GUARD_MIN_BYTES} are timed, and {@link #GUARD_SLOW_CALLS} of them in a row slower than
 * {@link #GUARD_NANOS_PER_BYTE} (10 MB/s; compiled, the vector code runs at hundreds of MB/s, interpreted at
 * under 1) switch every instance back to the scalar code and start the warm-up again.
 *
 * <p>Not thread-safe per instance (scratch of both cores); the flag and the warm-up are process-wide and
 * thread-safe.
 */
final class WarmingChaCha20 implements ChaCha20 {
    static final long WARM_UP_LIMIT_NANOS = 300_000_000_000L;
    /**
     * How many times as fast as the compiled scalar code the vector code must be: C2's is about 4 times as fast on
     * AVX-512, C1's and the interpreter's a small fraction of it; a CPU whose vectors do not gain this much keeps the
     * scalar code.
     */
    static final double REQUIRED_SPEEDUP = 1.5;
    /** Calls at least this long are timed by the guard. */
    static final int GUARD_MIN_BYTES = 16 * 1024;
    /** Slower than this (10 MB/s) is slow. */
    static final long GUARD_NANOS_PER_BYTE = 100;
    /** This many slow calls in a row on one instance end the vector code's use. */
    static final int GUARD_SLOW_CALLS = 8;
    private static final int PASS_BYTES = 16 * 1024;
    private static final int CHECK_EVERY = 16;
    private static final Logger LOG = System.getLogger("io.icn.p2p");
    private static volatile boolean warm;
    private static volatile boolean started;

    private final ChaCha20 vector;
    private final ChaCha20 scalar = new ScalarChaCha20();
    private int slowCalls;

    WarmingChaCha20(ChaCha20 vector) {
        this.vector = vector;
    }

    /** Whether the vector code is in use (compiled and measured faster than the scalar code). */
    static boolean warm() {
        return warm;
    }

    @Override
    public String name() {
        return vector.name();
    }

    @Override
    public void block(int[] state, int[] out) {
        scalar.block(state, out);
    }

    /** The vector code's bulk MAC, in use only while the vector code is ({@link #warm()}); null if it has none. */
    @Override
    public Poly1305.Bulk macBulk() {
        Poly1305.Bulk bulk = vector.macBulk();
        if (bulk == null) {
            return null;
        }
        return new Poly1305.Bulk() {
            @Override
            public int absorb(Poly1305 mac, ByteBuffer b, int index, int length) {
                return bulk.absorb(mac, b, index, length);
            }

            @Override
            public boolean active() {
                return warm;
            }
        };
    }

    @Override
    public void xor(int[] state, ByteBuffer src, int srcIndex, ByteBuffer dst, int dstIndex, int length) {
        if (!warm) {
            scalar.xor(state, src, srcIndex, dst, dstIndex, length);
        } else if (length < GUARD_MIN_BYTES) {
            vector.xor(state, src, srcIndex, dst, dstIndex, length);
        } else {
            long t0 = System.nanoTime();
            vector.xor(state, src, srcIndex, dst, dstIndex, length);
            long nanos = System.nanoTime() - t0;
            slowCalls = nanos > length * GUARD_NANOS_PER_BYTE ? slowCalls + 1 : 0;
            if (slowCalls >= GUARD_SLOW_CALLS) {
                slowCalls = 0;
                cooled(vector, nanos, length);
            }
        }
    }

    /** The guard's verdict: back to the scalar code everywhere, and warm up again. */
    private static synchronized void cooled(ChaCha20 vector, long nanos, int length) {
        if (!warm) {
            return;
        }
        warm = false;
        started = false;
        LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 ran {0} calls in a row below 10 MB/s (the last: {1}"
                + " bytes in {2} us), no longer compiled; back to the scalar code until it is again", GUARD_SLOW_CALLS,
                length, nanos / 1000);
        startWarmUp(vector);
    }

    /** Starts the warm-up thread of {@code vector} unless it has started already. */
    static synchronized void startWarmUp(ChaCha20 vector) {
        if (started) {
            return;
        }
        started = true;
        Thread t = new Thread(() -> warmUp(vector), "icn-p2p-chacha20-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void warmUp(ChaCha20 vector) {
        long start = System.nanoTime();
        if (ChaChaPolys.vectorBits() == 0) {
            LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 failed its self-test; the scalar code stays in use");
            return;
        }
        ChaCha20 scalar = new ScalarChaCha20();
        Poly1305 vectorMac = new Poly1305(vector.macBulk());
        Poly1305 scalarMac = new Poly1305();
        int[] macKey = new int[8];
        ByteBuffer[] vectorOut = {ByteBuffer.allocate(PASS_BYTES), ByteBuffer.allocateDirect(PASS_BYTES)};
        ByteBuffer[] scalarOut = {ByteBuffer.allocate(PASS_BYTES), ByteBuffer.allocateDirect(PASS_BYTES)};
        int[] vectorState = new int[16];
        int[] scalarState = new int[16];
        int faster = 0;
        try {
            for (long pass = 1; System.nanoTime() - start < WARM_UP_LIMIT_NANOS; pass++) {
                int which = (int) (pass & 1);
                ByteBuffer v = vectorOut[which];
                ByteBuffer s = scalarOut[which];
                for (int i = 0; i < PASS_BYTES; i += 8) {
                    v.putLong(i, pass * 0x9E3779B97F4A7C15L + i);
                    s.putLong(i, pass * 0x9E3779B97F4A7C15L + i);
                }
                vectorState[12] = (int) pass;
                scalarState[12] = (int) pass;
                for (int i = 0; i < 8; i++) {
                    macKey[i] = (int) (pass * 0x9E3779B97F4A7C15L >>> (4 * i));
                }
                long t0 = System.nanoTime();
                vector.xor(vectorState, v, 0, v, 0, PASS_BYTES);
                vectorMac.macOf(macKey, v, PASS_BYTES);
                long t1 = System.nanoTime();
                scalar.xor(scalarState, s, 0, s, 0, PASS_BYTES);
                scalarMac.macOf(macKey, s, PASS_BYTES);
                long t2 = System.nanoTime();
                // at most half a core: as long a pause as the pass took (interpreted, a pass takes tens of ms)
                Thread.sleep((t2 - t0) / 1_000_000, (int) ((t2 - t0) % 1_000_000));
                if (!v.equals(s) || vectorState[12] != scalarState[12] || !vectorMac.sameTag(scalarMac)) {
                    LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 differs from the scalar code at warm-up"
                            + " pass {0}; the scalar code stays in use", pass);
                    return;
                }
                if (pass % CHECK_EVERY == 0) {
                    faster = (t1 - t0) * REQUIRED_SPEEDUP < t2 - t1 ? faster + 1 : 0;
                    if (faster == 3) {
                        warm = true;
                        LOG.log(Level.INFO, "Noise cipher: the Vector API ChaCha20 is compiled and in use after"
                                + " {0} ms of warm-up ({1} passes of 16 KiB; last pass {2} us, the scalar code''s {3} us)",
                                (System.nanoTime() - start) / 1_000_000, pass, (t1 - t0) / 1000, (t2 - t1) / 1000);
                        return;
                    }
                }
            }
            LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 was not " + REQUIRED_SPEEDUP + " times as fast"
                    + " as the scalar code after {0} s of warm-up; the scalar code stays in use",
                    WARM_UP_LIMIT_NANOS / 1_000_000_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 warm-up failed, the scalar code stays in use: {0}",
                    e.toString());
        }
    }
}
