package io.icn.p2p.aead;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The ChaCha20-Poly1305 implementations of this JVM, and the choice of one for Noise.
 *
 * <p>Three exist: the JDK's {@code Cipher} ({@link #jdk}), this package's scalar Java ({@link #javaScalar}) and its
 * Vector API ChaCha20 ({@link #javaVector}: the CPU's widest vectors, one width per JVM, capped by
 * {@code -XX:MaxVectorSize}; needs {@code --add-modules jdk.incubator.vector}, is loaded only once the module is
 * found, and is checked against the scalar code on random data before it is used). All produce the same bytes.
 *
 * <p>{@link #selected()}, the implementation of every Noise session, is decided once, at first use (measured in
 * docs/benchmarks.md, "The AEAD alone" and the host's throughput): from JDK 20 on the JDK's cipher, whose ChaCha20
 * (JDK 20) and Poly1305 (JDK 19) have CPU intrinsics; before, the Vector API code where the module is present, else
 * the scalar code (JDK 17's cipher is no faster than the scalar code and allocates per message). The Vector API code
 * is used only once C2 has compiled it: until then the scalar code runs, and a daemon thread checks and warms the
 * vector code ({@link WarmingChaCha20}, {@link #vectorWarm()}). The system property {@value #PROPERTY} forces one of
 * {@code jdk}, {@code java-scalar} or {@code java-vector}; a forced choice that is unavailable falls back to the
 * automatic one with a warning. One log line (System.Logger {@code io.icn.p2p}) says which and why.
 *
 * <p>Thread-safe; the choice and the probe never change once computed. The instances made are not
 * thread-safe (see {@link ChaChaPoly}).
 */
public final class ChaChaPolys {
    /** The system property that forces an implementation. */
    public static final String PROPERTY = "icn.p2p.aead";
    /** The first JDK whose {@code ChaCha20-Poly1305} has intrinsics for both halves. */
    public static final int FIRST_INTRINSIC_JDK = 20;

    private static final Logger LOG = System.getLogger("io.icn.p2p");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private ChaChaPolys() {
    }

    /** The implementation chosen for this JVM and why; the same value on every call. */
    public record Selection(String name, String reason, Function<byte[], ChaChaPoly> factory) {
        /** A new instance of the chosen implementation with {@code key} (32 bytes). */
        public ChaChaPoly create(byte[] key) {
            return factory.apply(key);
        }

        /** The log line's text: name and reason. */
        public String describe() {
            return name + " (" + reason + ")";
        }
    }

    /** @throws IllegalArgumentException unless {@code key} is 32 bytes */
    static void requireKey(byte[] key) {
        if (key == null || key.length != ChaChaPoly.KEY_BYTES) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes, got "
                    + (key == null ? "null" : key.length + " bytes"));
        }
    }

    /** The JDK's cipher with {@code key}. */
    public static ChaChaPoly jdk(byte[] key) {
        return new JdkChaChaPoly(key);
    }

    /** This package's scalar implementation with {@code key}. */
    public static ChaChaPoly javaScalar(byte[] key) {
        return new JavaChaChaPoly(new ScalarChaCha20(), key);
    }

    /**
     * This package's Vector API implementation with {@code key}, if the module is present and the code passes its
     * self-test.
     */
    public static Optional<ChaChaPoly> javaVector(byte[] key) {
        if (vectorBits() == 0) {
            return Optional.empty();
        }
        return Optional.of(new JavaChaChaPoly(vectorCore(), key));
    }

    /** The Vector API code's width in bits, or 0 if it is unavailable here. */
    public static int vectorBits() {
        return VectorProbe.BITS;
    }

    /** The choice for Noise sessions (see the class comment). */
    public static Selection selected() {
        return Holder.SELECTED;
    }

    /** A new instance of {@link #selected()}'s implementation with {@code key}. */
    public static ChaChaPoly create(byte[] key) {
        return selected().create(key);
    }

    private static final class Holder {
        static final Selection SELECTED = decide(System.getProperty(PROPERTY, "auto"), Runtime.version().feature(),
                vectorWidth());

        static {
            LOG.log(Level.INFO, "Noise cipher: {0}", SELECTED.describe());
        }
    }

    /** The choice for a property value, a JDK feature version and the Vector API's width (0: absent); for tests. */
    static Selection decide(String property, int jdkFeature, int vectorWidth) {
        String forced = property.trim().toLowerCase(Locale.ROOT);
        String by = "forced by -D" + PROPERTY;
        switch (forced) {
            case "auto", "" -> {
                return automatic(jdkFeature, vectorWidth, "");
            }
            case "jdk" -> {
                return new Selection("jdk", by, ChaChaPolys::jdk);
            }
            case "java-scalar" -> {
                return new Selection("java-scalar", by, ChaChaPolys::javaScalar);
            }
            case "java-vector" -> {
                if (vectorWidth > 0) {
                    return new Selection("java-vector-" + vectorWidth, by + "; the scalar code until the vector code is"
                            + " compiled", warming(vectorWidth));
                }
                LOG.log(Level.WARNING, "-D{0}=java-vector is unavailable here (module {1} absent); choosing"
                        + " automatically", PROPERTY, VECTOR_MODULE);
                return automatic(jdkFeature, vectorWidth, "; forced java-vector is unavailable");
            }
            default -> {
                LOG.log(Level.WARNING, "-D{0}={1} is not jdk, java-scalar or java-vector; choosing automatically",
                        PROPERTY, property);
                return automatic(jdkFeature, vectorWidth, "; -D" + PROPERTY + "=" + property + " is not an implementation");
            }
        }
    }

    private static Selection automatic(int jdkFeature, int vectorWidth, String note) {
        if (jdkFeature >= FIRST_INTRINSIC_JDK) {
            return new Selection("jdk", "JDK " + jdkFeature + " >= " + FIRST_INTRINSIC_JDK + ": the JDK's cipher has"
                    + " ChaCha20 and Poly1305 intrinsics" + note, ChaChaPolys::jdk);
        }
        if (vectorWidth > 0) {
            return new Selection("java-vector-" + vectorWidth, "JDK " + jdkFeature + " < " + FIRST_INTRINSIC_JDK
                    + ": no intrinsics in the JDK's cipher; the Vector API code once compiled (the scalar code until"
                    + " then)" + note, warming(vectorWidth));
        }
        return new Selection("java-scalar", "JDK " + jdkFeature + " < " + FIRST_INTRINSIC_JDK + ": no intrinsics in the"
                + " JDK's cipher; the scalar code (no " + VECTOR_MODULE + ": start with --add-modules " + VECTOR_MODULE
                + ")" + note, ChaChaPolys::javaScalar);
    }

    /** Keyed instances of the vector code behind {@link WarmingChaCha20}, whose warm-up this starts. */
    private static Function<byte[], ChaChaPoly> warming(int vectorWidth) {
        return key -> {
            ChaCha20 vector = vectorCore();
            WarmingChaCha20.startWarmUp(vector);
            return new JavaChaChaPoly(new WarmingChaCha20(vector), key);
        };
    }

    /**
     * Whether the selection's Vector API code is in use yet: false until its warm-up has found it compiled and
     * faster than the scalar code (see the log), and always false if the selection is not {@code java-vector}.
     */
    public static boolean vectorWarm() {
        return WarmingChaCha20.warm();
    }

    private static ChaCha20 vectorCore() {
        try {
            return (ChaCha20) Class.forName("io.icn.p2p.aead.VectorChaCha20").getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the Vector API ChaCha20 failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Vector API ChaCha20 is missing from this build: " + e, e);
        }
    }

    /**
     * The Vector API code's width if the module is present and the class loads, else 0; without the self-test, so
     * that choosing runs no vector arithmetic (interpreted, slow) on the caller's thread: the warm-up runs the test.
     */
    private static int vectorWidth() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return 0;
        }
        try {
            return (int) Class.forName("io.icn.p2p.aead.VectorChaCha20").getDeclaredMethod("bits").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Vector API ChaCha20 unavailable: {0}", e.toString());
            return 0;
        }
    }

    /** The Vector API code's width if the module is present and its keystream equals the scalar one, else 0. */
    private static final class VectorProbe {
        static final int BITS = probe();

        private static int probe() {
            int bits = vectorWidth();
            if (bits == 0) {
                return 0;
            }
            try {
                ChaCha20 vector = vectorCore();
                ChaCha20 scalar = new ScalarChaCha20();
                SplittableRandom random = new SplittableRandom(bits);
                for (int length : new int[] {bits * 8 + 37, bits * 16, 3 * bits * 8 + 63}) {
                    int[] s1 = new int[16];
                    for (int i = 0; i < 16; i++) {
                        s1[i] = random.nextInt();
                    }
                    int[] s2 = s1.clone();
                    byte[] data = new byte[length];
                    for (int i = 0; i < length; i++) {
                        data[i] = (byte) random.nextInt();
                    }
                    ByteBuffer a = ByteBuffer.wrap(data.clone());
                    ByteBuffer b = ByteBuffer.wrap(data.clone());
                    vector.xor(s1, a, 0, a, 0, length);
                    scalar.xor(s2, b, 0, b, 0, length);
                    int[] macKey = Arrays.copyOf(s1, 8);
                    Poly1305 vectorMac = new Poly1305(vector.macBulk());
                    Poly1305 scalarMac = new Poly1305();
                    vectorMac.macOf(macKey, a, length);
                    scalarMac.macOf(macKey, b, length);
                    if (!a.equals(b) || s1[12] != s2[12] || !vectorMac.sameTag(scalarMac)) {
                        LOG.log(Level.WARNING, "Vector API ChaCha20 (or its MAC) of {0} bits differs from the scalar code; not used", bits);
                        return 0;
                    }
                }
                return bits;
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "Vector API ChaCha20 unavailable: {0}", e.toString());
                return 0;
            }
        }
    }
}
