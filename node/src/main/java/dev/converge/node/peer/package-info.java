/**
 * HTTP between peers. Public: where a peer listens and the secret a pair shares ({@link
 * dev.converge.node.peer.PeerEndpoint}, {@link dev.converge.node.peer.Secret}), the limits ({@link
 * dev.converge.node.peer.PeerLimits}), the receiving routes ({@link dev.converge.node.peer.PeerReceiver}), the sending
 * transport ({@link dev.converge.node.peer.HttpTransport}), the sender and apply threads ({@link
 * dev.converge.node.peer.PeerLinks}, whose {@link dev.converge.node.peer.LinkState} feeds {@code status}), the events
 * metrics listen to ({@link dev.converge.node.peer.PeerEvents}) and the refusal a sender meets ({@link
 * dev.converge.node.peer.PeerRefusedException}). Package-private: the wire format, signatures, sessions, the handshake,
 * the resync notice in hello and heartbeat answers ({@code ResyncNotice}).
 *
 * <p>Security model: every request is signed with HMAC-SHA256 under the pair's shared secret, over the method, the
 * protocol path, both node ids, a session id and a counter, and the SHA-256 of the body as it travels. A sender opens
 * a session with a signed hello carrying a fresh nonce; the receiver keeps, per session, the highest counter seen and
 * refuses anything not above it. No wall clock is involved, so clock steps lock nobody out. Answers are signed too.
 */
package dev.converge.node.peer;
