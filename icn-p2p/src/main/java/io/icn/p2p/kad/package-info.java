/**
 * The Kademlia DHT of the libp2p kad-dht specification ({@code /ipfs/kad/1.0.0} by default), and the
 * ICN records that live in it.
 *
 * <p>Entry points: {@link io.icn.p2p.kad.Kademlia} (built with {@link io.icn.p2p.kad.Kademlia#builder}
 * over a {@link io.icn.p2p.kad.KadNetwork}, configured by {@link io.icn.p2p.kad.KadConfig}, records
 * checked by {@link io.icn.p2p.kad.RecordValidators}); {@link io.icn.p2p.kad.ManifestRecord}, the
 * signed JSON manifest a super-node publishes per chunk; {@link io.icn.p2p.kad.ManifestDht}, which
 * publishes, withdraws and republishes a node's manifests and provider records;
 * {@link io.icn.p2p.kad.InMemoryKadNetwork}, a simulated network for tests and simulations.
 *
 * <p>Keys: a record key's point in the key space is SHA-256 of its bytes and a peer's is SHA-256 of
 * its peer id bytes, as in rust-libp2p and js-libp2p; manifests live under {@code /icn/manifest/<cid>}
 * and the bare CID ({@link io.icn.p2p.kad.RecordKeys}).
 *
 * <p>Threading: every public type says its contract; queries never block and complete on the
 * network's or the scheduler's threads. Errors: {@link io.icn.p2p.kad.KadException} and its leaves.
 */
package io.icn.p2p.kad;
