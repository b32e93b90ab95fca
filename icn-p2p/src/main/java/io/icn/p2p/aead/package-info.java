/**
 * ChaCha20-Poly1305 (RFC 8439) for the Noise transport: {@link io.icn.p2p.aead.ChaChaPoly} bound to a key, made by
 * {@link io.icn.p2p.aead.ChaChaPolys} as the JDK's cipher, this package's scalar Java, or its Vector API ChaCha20,
 * and the choice of one per JVM. Instances are not thread-safe; the factory is.
 */
package io.icn.p2p.aead;
