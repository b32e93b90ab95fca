package io.icn.benchmarks.p2p;

import io.icn.benchmarks.LoadProcesses;
import io.icn.p2p.aead.ChaChaPoly;
import io.icn.p2p.aead.ChaChaPolys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Load tool for "The AEAD alone" in docs/benchmarks.md: ChaCha20-Poly1305 on Noise-sized frames (65,519 bytes of
 * plaintext, the most one Noise transport message carries), sealing and opening, for every implementation this JVM
 * has: the JDK's cipher, this project's scalar Java and Vector API code ({@link ChaChaPolys}), and BouncyCastle's
 * pure-Java {@code ChaCha20Poly1305}. Ours and the JDK's work on direct buffers as the Noise codec does; BouncyCastle
 * takes arrays. Each round runs every implementation for {@code --millis} in turn (interleaved, so all share the
 * machine's moment); the first {@code --warmup} rounds are not counted. Prints the median MB/s (10^6 bytes of
 * plaintext a second) of sealing and of opening, and the ratio to the JDK's of the same run. Takes the JMH lock.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp benchmarks.jar io.icn.benchmarks.p2p.AeadLoad
 *       [--rounds 7] [--warmup 2] [--millis 1000] [--frame 65519] [--lock true]
 * </pre>
 */
public final class AeadLoad {
    private AeadLoad() {
    }

    /**
     * One implementation: seals one frame per call with a fresh nonce, or opens one of two frames sealed beforehand,
     * alternately (the JDK's cipher refuses two inits in a row with the same key and nonce, even to decrypt).
     */
    private interface Frames {
        void seal(long nonce);

        void open() throws Exception;
    }

    /** Nonces of the two frames opened (none of the sealing loop's reaches them). */
    private static final long OPEN_NONCE = 1L << 40;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = LoadProcesses.options(args,
                "usage: AeadLoad [--rounds R] [--warmup W] [--millis MS] [--frame BYTES] [--lock true|false]");
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "7"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "2"));
        long millis = Long.parseLong(o.getOrDefault("millis", "1000"));
        int frame = Integer.parseInt(o.getOrDefault("frame", "65519"));
        byte[] key = new byte[32];
        new SplittableRandom(1).nextBytes(key);
        Map<String, Frames> impls = new LinkedHashMap<>();
        impls.put("jdk", ours(() -> ChaChaPolys.jdk(key), frame));
        impls.put("java-scalar", ours(() -> ChaChaPolys.javaScalar(key), frame));
        if (ChaChaPolys.vectorBits() > 0) {
            impls.put("java-vector-" + ChaChaPolys.vectorBits(), ours(() -> ChaChaPolys.javaVector(key).orElseThrow(), frame));
        }
        impls.put("bouncycastle", bouncyCastle(key, frame));
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(Boolean.parseBoolean(o.getOrDefault("lock", "true")), 3600)) {
            LoadProcesses.log("frame %d bytes, %d ms per implementation and round, java %s, selected %s, load average %s",
                    frame, millis, System.getProperty("java.version"), ChaChaPolys.selected().describe(),
                    P2pThroughputLoad.loadAverage());
            Map<String, List<Double>> seal = new LinkedHashMap<>();
            Map<String, List<Double>> open = new LinkedHashMap<>();
            long nonce = 0;
            for (int round = 0; round < warmup + rounds; round++) {
                for (Map.Entry<String, Frames> e : impls.entrySet()) {
                    Frames f = e.getValue();
                    long start = System.nanoTime();
                    long n = 0;
                    long first = nonce;
                    while (System.nanoTime() - start < millis * 1_000_000L) {
                        f.seal(nonce++);
                        n++;
                    }
                    double sealRate = n * (double) frame / 1e6 / ((System.nanoTime() - start) / 1e9);
                    start = System.nanoTime();
                    long m = 0;
                    while (System.nanoTime() - start < millis * 1_000_000L) {
                        f.open();
                        m++;
                    }
                    double openRate = m * (double) frame / 1e6 / ((System.nanoTime() - start) / 1e9);
                    LoadProcesses.log("round %d %-16s seal %7.1f MB/s  open %7.1f MB/s  (%d frames from nonce %d)%s",
                            round, e.getKey(), sealRate, openRate, n, first, round < warmup ? " warm-up" : "");
                    if (round >= warmup) {
                        seal.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(sealRate);
                        open.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(openRate);
                    }
                }
            }
            double jdkSeal = P2pThroughputLoad.median(seal.get("jdk"));
            double jdkOpen = P2pThroughputLoad.median(open.get("jdk"));
            for (String name : impls.keySet()) {
                double s = P2pThroughputLoad.median(seal.get(name));
                double p = P2pThroughputLoad.median(open.get(name));
                System.out.printf(Locale.ROOT, "RESULT aead=%s seal_median_MBps=%.1f seal_ratio_to_jdk=%.2f"
                        + " open_median_MBps=%.1f open_ratio_to_jdk=%.2f seal_runs=%s%n", name, s, s / jdkSeal, p,
                        p / jdkOpen, seal.get(name).stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
            }
            LoadProcesses.log("load average at the end %s", P2pThroughputLoad.loadAverage());
        }
    }

    /** Ours or the JDK's, on direct buffers as the Noise codec uses them. */
    private static Frames ours(Supplier<ChaChaPoly> factory, int frame) {
        ChaChaPoly sealer = factory.get();
        ChaChaPoly opener = factory.get();
        ByteBuffer plain = ByteBuffer.allocateDirect(frame);
        ByteBuffer sealed = ByteBuffer.allocateDirect(frame + ChaChaPoly.TAG_BYTES);
        ByteBuffer opened = ByteBuffer.allocateDirect(frame);
        ByteBuffer[] toOpen = new ByteBuffer[2];
        for (int i = 0; i < 2; i++) {
            toOpen[i] = ByteBuffer.allocateDirect(frame + ChaChaPoly.TAG_BYTES);
            factory.get().seal(0, OPEN_NONCE + i, null, plain.clear(), toOpen[i]);
        }
        return new Frames() {
            @Override
            public void seal(long nonce) {
                sealer.seal(0, nonce, null, plain.clear(), sealed.clear());
            }

            private int which;

            @Override
            public void open() throws AEADBadTagException {
                which ^= 1;
                opener.open(0, OPEN_NONCE + which, null, toOpen[which].clear(), opened.clear());
            }
        };
    }

    private static Frames bouncyCastle(byte[] key, int frame) {
        ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
        KeyParameter k = new KeyParameter(key);
        byte[] plain = new byte[frame];
        byte[] sealed = new byte[frame + 16];
        byte[][] toOpen = new byte[2][frame + 16];
        byte[] opened = new byte[frame];
        byte[] nonceBytes = new byte[12];
        for (int i = 0; i < 2; i++) {
            run(cipher, k, nonceBytes, true, OPEN_NONCE + i, plain, frame, toOpen[i]);
        }
        return new Frames() {
            @Override
            public void seal(long nonce) {
                run(cipher, k, nonceBytes, true, nonce, plain, frame, sealed);
            }

            private int which;

            @Override
            public void open() {
                which ^= 1;
                run(cipher, k, nonceBytes, false, OPEN_NONCE + which, toOpen[which], frame + 16, opened);
            }
        };
    }

    private static void run(ChaCha20Poly1305 cipher, KeyParameter k, byte[] nonceBytes, boolean encrypt, long nonce,
            byte[] in, int length, byte[] out) {
        for (int i = 0; i < 8; i++) {
            nonceBytes[4 + i] = (byte) (nonce >>> (8 * i));
        }
        cipher.init(encrypt, new AEADParameters(k, 128, nonceBytes));
        int n = cipher.processBytes(in, 0, length, out, 0);
        try {
            cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("BouncyCastle rejected its own frame: " + e.getMessage(), e);
        }
    }
}
