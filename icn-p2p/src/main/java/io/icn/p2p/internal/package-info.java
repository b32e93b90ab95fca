/**
 * Encodings shared by the p2p packages (the host in {@code io.icn.p2p}, Kademlia in {@code io.icn.p2p.kad}):
 * multiformats varints, base58btc, base32, and a small protobuf field reader and writer. Not a public API:
 * it may change with the packages that use it. Every class is stateless or documents its threading.
 */
package io.icn.p2p.internal;
