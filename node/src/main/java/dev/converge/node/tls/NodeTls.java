package dev.converge.node.tls;

import io.javalin.config.JavalinConfig;
import io.vavr.control.Either;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A node's TLS: whether its server speaks HTTPS, with which key and certificate, and whom its clients trust. Built
 * once from the configuration ({@link #load}) or as {@link #plain()} (HTTP), then handed to the node's server
 * ({@link #listen}) and to every client that calls a node ({@link #configure(HttpClient.Builder)}).
 *
 * <p>Server: Jetty's {@link SslContextFactory.Server} on a {@link ServerConnector}, installed through Javalin's
 * {@code config.jetty.addConnector}, with {@link SecureRequestCustomizer} so that requests know they came over TLS
 * (the workbench then marks its cookies {@code Secure}). Only that connector listens: the port speaks HTTPS and
 * nothing else. Clients: the JDK's {@link HttpClient} with an {@link SSLContext} over the configured truststore, or
 * the JDK's default trust (its {@code cacerts}, or {@code javax.net.ssl.trustStore}) when none is configured;
 * hostname verification is the HttpClient's own and stays on. Both sides accept TLS 1.3 and 1.2 only.
 *
 * <p>Immutable and thread-safe; holds the keystore's password for Jetty, never prints it.
 */
public final class NodeTls {
    /** The protocols both sides accept: older ones have known weaknesses, and every supported JDK speaks these. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Optional<KeyStore> keys;
    private final char[] keyPassword;
    private final SSLContext client;

    private NodeTls(Optional<KeyStore> keys, char[] keyPassword, SSLContext client) {
        this.keys = keys;
        this.keyPassword = keyPassword;
        this.client = client;
    }

    /** Plain HTTP on the node's port; clients still reach {@code https://} peers, trusting the JDK's default CAs. */
    public static NodeTls plain() {
        return load(Optional.empty(), Optional.empty()).getOrElseThrow((String why) -> new IllegalStateException(why));
    }

    /**
     * The TLS of a node whose configuration names these stores (each checked as {@link Stores} does).
     *
     * @param keystore the server's key and certificate; empty: the node serves plain HTTP
     * @param truststore the certificates (or CAs) its clients trust; empty: the JDK's default trust
     * @return the TLS, or what is wrong with a store (never a password)
     */
    public static Either<String, NodeTls> load(Optional<StoreFile> keystore, Optional<StoreFile> truststore) {
        Optional<KeyStore> keys = Optional.empty();
        if (keystore.isPresent()) {
            Either<Stores.Problem, KeyStore> k = Stores.keys(keystore.get(), Instant.now());
            if (k.isLeft()) {
                return Either.left("tls.keystore: " + k.getLeft().message());
            }
            keys = Optional.of(k.get());
        }
        KeyStore trust = null; // the TrustManagerFactory's word for the JDK's default trust
        if (truststore.isPresent()) {
            Either<Stores.Problem, KeyStore> t = Stores.trust(truststore.get());
            if (t.isLeft()) {
                return Either.left("tls.truststore: " + t.getLeft().message());
            }
            trust = t.get();
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            char[] password = keystore.map(k -> k.password().chars()).orElse(new char[0]);
            return Either.right(new NodeTls(keys, password, context));
        } catch (GeneralSecurityException e) {
            return Either.left("tls: the JDK cannot set up TLS: " + e.getMessage());
        }
    }

    /** Whether the node's port speaks HTTPS. */
    public boolean serves() {
        return keys.isPresent();
    }

    /** {@code https} or {@code http}: the scheme of the node's own URLs. */
    public String scheme() {
        return serves() ? "https" : "http";
    }

    /**
     * Makes the server being configured listen on {@code listen}: over HTTPS if this node serves it, else plain HTTP.
     * Call once, from inside {@code Javalin.create}.
     */
    public void listen(JavalinConfig config, InetSocketAddress listen) {
        config.jetty.host = listen.getHostString();
        config.jetty.port = listen.getPort();
        if (keys.isEmpty()) {
            return;
        }
        // a connector of our own replaces Javalin's default one, so the port speaks nothing but TLS
        config.jetty.addConnector((server, http) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            // the store is given opened (and checked), so Jetty needs only the keys' password, not a path to read again
            ssl.setKeyStore(keys.get());
            ssl.setKeyManagerPassword(new String(keyPassword));
            ssl.setIncludeProtocols(PROTOCOLS);
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer());
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
            connector.setHost(listen.getHostString());
            connector.setPort(listen.getPort());
            return connector;
        });
    }

    /**
     * The SHA-256 digests (hex) of the certificates this node serves, one per key in its keystore; empty when it
     * serves plain HTTP. What {@code converge reload} pins ({@link #pinned}).
     */
    public java.util.List<String> servedCertificates() {
        java.util.List<String> out = new java.util.ArrayList<>();
        keys.ifPresent(k -> {
            try {
                for (String alias : java.util.Collections.list(k.aliases())) {
                    if (k.isKeyEntry(alias) && k.getCertificate(alias) != null) {
                        out.add(sha256(k.getCertificate(alias)));
                    }
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the keystore's certificates: " + e.getMessage(), e);
            }
        });
        return out;
    }

    private static String sha256(java.security.cert.Certificate certificate) throws GeneralSecurityException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    /**
     * Makes a client trust only a server that presents one of {@code certificates} ({@link #servedCertificates}), over
     * TLS 1.3 or 1.2: {@code converge reload} asking the node that wrote them into its key file, on the same machine,
     * needs no truststore and no name in the certificate (a wildcard {@code listen} is asked at 127.0.0.1). Returns
     * {@code builder}.
     */
    public static HttpClient.Builder pinned(HttpClient.Builder builder, java.util.List<String> certificates) {
        java.util.Set<String> pins = java.util.Set.copyOf(certificates);
        javax.net.ssl.X509ExtendedTrustManager onlyThese = new javax.net.ssl.X509ExtendedTrustManager() {
            private void check(java.security.cert.X509Certificate[] chain) throws java.security.cert.CertificateException {
                try {
                    if (chain == null || chain.length == 0 || !pins.contains(sha256(chain[0]))) {
                        throw new java.security.cert.CertificateException("the server's certificate is not the one this node started with");
                    }
                } catch (java.security.cert.CertificateException e) {
                    throw e;
                } catch (GeneralSecurityException e) {
                    throw new java.security.cert.CertificateException(e.getMessage(), e);
                }
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a client, not a server");
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a client, not a server");
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a client, not a server");
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {onlyThese}, null);
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(PROTOCOLS.clone());
            return builder.sslContext(context).sslParameters(parameters);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Makes a client verify servers with this node's trust, over TLS 1.3 or 1.2. Returns {@code builder}. */
    public HttpClient.Builder configure(HttpClient.Builder builder) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(PROTOCOLS.clone());
        return builder.sslContext(client).sslParameters(parameters);
    }

    /**
     * What a failed exchange with {@code url} means, in a person's words, when TLS is the cause (the certificate is not
     * trusted, names another host, expired; the other side does not speak TLS, or speaks it to a plain {@code http://}
     * request); empty when it is not.
     */
    public static Optional<String> explain(Throwable failure, java.net.URI url) {
        java.util.List<Throwable> causes = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !causes.contains(t); t = t.getCause()) {
            causes.add(t);
        }
        // the most telling cause first: an expired certificate also fails the path's validation
        for (Throwable t : causes) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return Optional.of("the certificate " + url.getHost() + " presents is not valid now: " + t.getMessage());
            }
        }
        for (Throwable t : causes) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return Optional.of("the certificate " + url.getHost() + " presents is not trusted here (add it, or the CA that "
                    + "signed it, to tls.truststore): " + m);
            }
            if (t instanceof java.security.cert.CertificateException && (m.contains("subject alternative") || m.contains("No name matching"))) {
                return Optional.of("the certificate at " + url + " does not name the host " + url.getHost()
                    + " (its subject alternative names must include it): " + m);
            }
            if (m.contains("nrecognized SSL message")) { // "Unrecognized SSL message, plaintext connection?" and older wordings
                return Optional.of("nothing speaks HTTPS at " + url + " (is it a plain HTTP port? then write http://)");
            }
            if ("http".equals(url.getScheme()) && m.contains("status line")) {
                // an HTTPS server answers a plain request with a TLS alert, which the client reads as a broken status line
                return Optional.of("what answers at " + url + " does not speak plain HTTP (does it serve HTTPS? then write "
                    + "https://): " + m);
            }
        }
        return causes.stream().anyMatch(t -> t instanceof javax.net.ssl.SSLException)
            ? Optional.of("TLS with " + url + " failed: " + failure.getMessage()) : Optional.empty();
    }

    @Override
    public String toString() {
        return serves() ? "HTTPS" : "HTTP";
    }
}
