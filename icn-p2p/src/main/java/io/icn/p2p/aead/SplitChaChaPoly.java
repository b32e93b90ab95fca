package io.icn.p2p.aead;

import java.nio.ByteBuffer;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;

/**
 * One key, two implementations: {@link #seal} by one, {@link #open} by the other, each made at its first use (a
 * Noise transport state only seals or only opens, so it makes one). For JVMs where the fastest sealer is not the
 * fastest opener ({@link ChaChaPolys}).
 *
 * <p>Not thread-safe, as the implementations it holds.
 */
final class SplitChaChaPoly implements ChaChaPoly {
    private final String name;
    private final byte[] key;
    private final Function<byte[], ChaChaPoly> sealerFactory;
    private final Function<byte[], ChaChaPoly> openerFactory;
    private ChaChaPoly sealer;
    private ChaChaPoly opener;

    SplitChaChaPoly(String name, byte[] key, Function<byte[], ChaChaPoly> sealerFactory,
            Function<byte[], ChaChaPoly> openerFactory) {
        ChaChaPolys.requireKey(key);
        this.name = name;
        this.key = key.clone();
        this.sealerFactory = sealerFactory;
        this.openerFactory = openerFactory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void seal(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst) {
        if (sealer == null) {
            sealer = sealerFactory.apply(key);
        }
        sealer.seal(nonceWord, nonceLong, ad, src, dst);
    }

    @Override
    public void open(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst)
            throws AEADBadTagException {
        if (opener == null) {
            opener = openerFactory.apply(key);
        }
        opener.open(nonceWord, nonceLong, ad, src, dst);
    }
}
