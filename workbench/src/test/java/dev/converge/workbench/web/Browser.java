package dev.converge.workbench.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A plain HTTP client that keeps cookies like a browser and does not follow redirects (so a test sees them), for the
 * web pages' tests. One per simulated person; not thread-safe.
 */
final class Browser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern AS_OF = Pattern.compile("name=\"asOf\" value=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;

    Browser(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Logs in through the form (with the form's token); returns the answer to the login POST. */
    HttpResponse<String> login(String name, String password, String then) {
        HttpResponse<String> form = get("/login" + (then == null ? "" : "?then=" + URLEncoder.encode(then, StandardCharsets.UTF_8)));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", csrf(form.body()));
        fields.put("then", then == null ? "/conflicts" : then);
        fields.put("name", name);
        fields.put("password", password);
        return post("/login", fields);
    }

    static String csrf(String html) {
        return find(CSRF, html, "a CSRF token");
    }

    static String asOf(String html) {
        return find(AS_OF, html, "an asOf token");
    }

    private static String find(Pattern p, String html, String what) {
        Matcher m = p.matcher(html);
        if (!m.find()) {
            throw new AssertionError("the page holds no " + what + ":\n" + html);
        }
        return m.group(1);
    }

    static Map<String, String> form(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
