/**
 * HTTPS for a node's port and for its clients, built from Java keystores with the JDK's and Jetty's own TLS: nothing
 * here speaks TLS itself.
 *
 * <p>Public: a store file as configured ({@link dev.converge.node.tls.StoreFile}), the checks the configuration reader
 * runs on one ({@link dev.converge.node.tls.Stores}), and a node's TLS as a value ({@link dev.converge.node.tls.NodeTls}):
 * the Jetty connector its server listens with, the trust its clients ({@code HttpTransport}, {@code converge status},
 * {@code check}, {@code conflicts}) verify servers with. TLS 1.3 and 1.2 only, on both sides; clients always verify
 * the server's certificate and that it names the host they asked for.
 *
 * <p>TLS adds confidentiality to the peer protocol, whose signatures already give integrity and authenticity (see
 * {@code dev.converge.node.peer}); a client certificate is therefore not asked for.
 */
package dev.converge.node.tls;
