package io.icn.p2p.aead;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The Vector API ChaCha20 once the JIT has compiled it, the scalar one until then. Interpreted, the Vector API code
 * is a thousand times slower than compiled (every lane-wise operation allocates), and C2 compiles the keystream
 * only after thousands of calls: seconds at 0.3 MB/s for the first connections of a node. So a daemon thread
 * ({@link #startWarmUp}, once per JVM) runs the vector code on scratch buffers, pausing after each pass as long as
 * the pass took (at most half a core), timing it against the scalar code now and then, and flips {@link #warm} when the vector code is the faster; every instance reads the flag per call.
 * If the vector code is not faster within {@link #WARM_UP_LIMIT_NANOS}, the scalar code stays and a warning says so.
 *
 * <p>Not thread-safe per instance (scratch of both cores); the flag and the warm-up are process-wide and
 * thread-safe.
 */
final class WarmingChaCha20 implements ChaCha20 {
    static final long WARM_UP_LIMIT_NANOS = 300_000_000_000L;
    private static final Logger LOG = System.getLogger("io.icn.p2p");
    private static volatile boolean warm;
    private static volatile boolean started;

    private final ChaCha20 vector;
    private final ChaCha20 scalar = new ScalarChaCha20();

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

    @Override
    public void xor(int[] state, ByteBuffer src, int srcIndex, ByteBuffer dst, int dstIndex, int length) {
        (warm ? vector : scalar).xor(state, src, srcIndex, dst, dstIndex, length);
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
        ChaCha20 scalar = new ScalarChaCha20();
        ByteBuffer heap = ByteBuffer.allocate(16 * 1024);
        ByteBuffer direct = ByteBuffer.allocateDirect(16 * 1024);
        int[] state = new int[16];
        int faster = 0;
        try {
            for (long pass = 1; System.nanoTime() - start < WARM_UP_LIMIT_NANOS; pass++) {
                ByteBuffer b = (pass & 1) == 0 ? heap : direct;
                long t0 = System.nanoTime();
                vector.xor(state, b, 0, b, 0, b.capacity());
                long t1 = System.nanoTime();
                // at most half a core: as long a pause as the pass took (interpreted, a pass takes tens of ms)
                Thread.sleep((t1 - t0) / 1_000_000, (int) ((t1 - t0) % 1_000_000));
                if (pass % 32 == 0) {
                    scalar.xor(state, b, 0, b, 0, b.capacity());
                    long t2 = System.nanoTime();
                    faster = t1 - t0 < t2 - t1 ? faster + 1 : 0;
                    if (faster == 3) {
                        warm = true;
                        LOG.log(Level.INFO, "Noise cipher: the Vector API ChaCha20 is compiled and in use after"
                                + " {0} ms of warm-up ({1} passes of 16 KiB)", (System.nanoTime() - start) / 1_000_000, pass);
                        return;
                    }
                }
            }
            LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 was not faster than the scalar code after"
                    + " {0} s of warm-up; the scalar code stays in use", WARM_UP_LIMIT_NANOS / 1_000_000_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Noise cipher: the Vector API ChaCha20 warm-up failed, the scalar code stays in use: {0}",
                    e.toString());
        }
    }
}
