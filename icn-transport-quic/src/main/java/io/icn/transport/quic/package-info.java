/**
 * The {@code icn-shard/1} shard-transfer protocol over QUIC (docs/protocol.md): a server that streams
 * shards from an {@link io.icn.storage.ShardStore} to hundreds of relays with bounded memory and fair,
 * configurable limits, and a client that fetches shards, ranges and whole chunks (parallel, hedged,
 * verified, Reed-Solomon decoded) from several nodes. Directors store chunks with the one write request,
 * PUT: authenticated by their client certificate (mutual TLS, an allow-list of fingerprints), checked
 * against the CID, and handed to the node's {@link io.icn.transport.quic.ChunkSink}.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.icn.transport.quic.ShardServer#builder(io.icn.storage.ShardStore)}: configure and start a server.</li>
 *   <li>{@link io.icn.transport.quic.ShardClient#builder()}: configure a client.</li>
 *   <li>{@link io.icn.transport.quic.NodeCertificate}: the node's TLS identity (and a director's), loaded or generated
 *       and persisted.</li>
 *   <li>{@link io.icn.transport.quic.ChunkSink}: the SPI through which a server hands PUT chunks to the node's ingest.</li>
 *   <li>{@link io.icn.transport.quic.FetchChunk}: the chunk fetcher of a command line (returns its exit status).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Servers and clients are thread-safe and never block a Netty event loop: store calls run on a disk
 * executor. Builders are not thread-safe. Records and {@link io.icn.transport.quic.NodeCertificate} are immutable.
 *
 * <h2>Buffers</h2>
 * No Netty {@code ByteBuf} crosses this package's public API: clients take and return byte arrays, a
 * {@link io.icn.transport.quic.ChunkSink} gets a heap {@link java.nio.ByteBuffer}.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link io.icn.transport.quic.TransportException} (unchecked) or one of its leaves;
 * malformed arguments raise {@link java.lang.IllegalArgumentException}.
 */
package io.icn.transport.quic;
