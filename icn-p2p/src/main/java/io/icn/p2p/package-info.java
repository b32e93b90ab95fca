/**
 * A libp2p host on Netty, interoperable with js-libp2p and rust-libp2p: TCP, multistream-select 1.0, Noise XX
 * ({@code Noise_XX_25519_ChaChaPoly_SHA256} with libp2p's signed static key), Yamux 1.0, identify
 * ({@code /ipfs/id/1.0.0}) and ping ({@code /ipfs/ping/1.0.0}).
 *
 * <p><b>Entry points.</b> {@link io.icn.p2p.P2pHost#builder()} builds a host from a {@link io.icn.p2p.HostIdentity}
 * (the node's Ed25519 key, so that its chain account and {@link io.icn.p2p.PeerId} are one key), listen
 * {@link io.icn.p2p.Multiaddr}s and {@link io.icn.p2p.HostLimits}. Protocols are served by binding a
 * {@link io.icn.p2p.StreamHandler}; {@link io.icn.p2p.P2pHost#newStream} opens a {@link io.icn.p2p.P2pStream}
 * (async, flow-controlled bytes, with helpers for varint-length-prefixed messages). Connected peers and what they
 * said in identify are {@link io.icn.p2p.PeerInfo}; changes arrive as {@link io.icn.p2p.P2pEvent}s.
 *
 * <p><b>Threading.</b> The host and streams are thread-safe and never block (but {@code close()}); futures complete
 * on Netty event loops, where handlers and listeners also run: none of them may block.
 *
 * <p><b>Errors.</b> One unchecked root, {@link io.icn.p2p.P2pException}, with a leaf per fault:
 * {@link io.icn.p2p.BadPeerException}, {@link io.icn.p2p.ProtocolViolationException}
 * ({@link io.icn.p2p.MessageTooLargeException}), {@link io.icn.p2p.NoSuchProtocolException},
 * {@link io.icn.p2p.HostClosedException}, {@link io.icn.p2p.DialException}
 * ({@link io.icn.p2p.DialTimeoutException}, {@link io.icn.p2p.DialBackoffException}),
 * {@link io.icn.p2p.LimitExceededException}, {@link io.icn.p2p.StreamResetException},
 * {@link io.icn.p2p.InvalidMultiaddrException}, {@link io.icn.p2p.InvalidPeerIdException}.
 *
 * <p>Wire formats and limits: {@code docs/p2p.md}.
 */
package io.icn.p2p;
