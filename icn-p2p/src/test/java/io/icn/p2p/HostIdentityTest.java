package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HostIdentityTest {
    private static final byte[] SEED_01 = filled((byte) 1);

    private static byte[] filled(byte b) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, b);
        return seed;
    }

    @Test
    void seedOf01GivesTheSharedVector() {
        HostIdentity id = HostIdentity.fromSeed(SEED_01);
        assertThat(HexFormat.of().formatHex(id.publicKey()))
                .isEqualTo("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
        assertThat(id.peerId().toString()).isEqualTo("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
        assertThat(HexFormat.of().formatHex(id.publicKeyProtobuf())).startsWith("08011220");
        byte[] priv = id.privateKeyProtobuf();
        assertThat(priv).hasSize(4 + 64);
        assertThat(Arrays.copyOfRange(priv, 4, 36)).isEqualTo(SEED_01);
    }

    @Test
    void theNodeKeyPairAndItsPrivateHalfGiveOnePeerId() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        HostIdentity fromPair = HostIdentity.fromKeyPair(pair.getPrivate(), pair.getPublic());
        HostIdentity fromPrivate = HostIdentity.fromPrivateKey(pair.getPrivate());
        assertThat(fromPair.peerId()).isEqualTo(fromPrivate.peerId());
        byte[] message = {1, 2, 3};
        assertThat(Ed25519.verify(fromPair.publicKey(), message, fromPrivate.sign(message))).isTrue();
    }

    @Test
    void mismatchedKeysAreRefused() throws Exception {
        KeyPair a = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair b = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThatThrownBy(() -> HostIdentity.fromKeyPair(a.getPrivate(), b.getPublic()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one key pair");
        assertThatThrownBy(() -> HostIdentity.fromSeed(new byte[31])).hasMessageContaining("32 bytes, got 31");
    }

    @Test
    void peerIdTextAndCidFormsRoundTrip() {
        PeerId id = HostIdentity.generate(new SecureRandom()).peerId();
        assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        assertThat(id.toCid()).startsWith("bafz");
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
        assertThat(id.ed25519PublicKey()).isPresent();
        // a SHA-256 (RSA-era) peer id parses, but inlines no key
        PeerId qm = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertThat(qm.inlinePublicKeyProtobuf()).isEmpty();
    }

    @Test
    void malformedPeerIdsNameTheFault() {
        assertThatThrownBy(() -> PeerId.parse("")).isInstanceOf(InvalidPeerIdException.class);
        assertThatThrownBy(() -> PeerId.parse("12D3KooW0OIl")).isInstanceOf(InvalidPeerIdException.class)
                .hasMessageContaining("12D3KooW0OIl");
        assertThatThrownBy(() -> PeerId.parse("xyz")).isInstanceOf(InvalidPeerIdException.class)
                .hasMessageContaining("neither base58btc");
        assertThatThrownBy(() -> PeerId.fromBytes(new byte[] {0x12, 3, 1, 2, 3})).isInstanceOf(InvalidPeerIdException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> PeerId.fromBytes(new byte[] {0x00, 5, 1})).isInstanceOf(InvalidPeerIdException.class)
                .hasMessageContaining("declares 5");
    }
}
