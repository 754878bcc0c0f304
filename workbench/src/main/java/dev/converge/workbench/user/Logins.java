package dev.converge.workbench.user;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a login (name and password) against the configured workbench users, for the web pages' login form and the
 * JSON API's HTTP Basic authentication alike.
 *
 * <p>A PBKDF2 check takes most of a second by design, so a script calling the API with Basic authentication on every
 * request would wait that long each time. A login that succeeded is therefore remembered for {@link #REMEMBER} as a
 * keyed MAC of name and password under a random key made at start (never the password itself), and checked again
 * only after that. A failed login is never remembered; an unknown name costs the same PBKDF2 work as a known one, so
 * timing does not tell which names exist. Thread-safe.
 */
public final class Logins {
    /** How long a successful login is remembered (see the class doc). */
    public static final Duration REMEMBER = Duration.ofMinutes(5);

    private final Map<String, WorkbenchUser> users;
    private final byte[] key = new byte[32];
    private final Cache<String, WorkbenchUser> remembered = Caffeine.newBuilder().expireAfterWrite(REMEMBER).maximumSize(1_000).build();

    public Logins(List<WorkbenchUser> users) {
        this.users = users.stream().collect(Collectors.toUnmodifiableMap(WorkbenchUser::name, Function.identity()));
        new SecureRandom().nextBytes(key);
    }

    /** Whether any user is configured (without users the workbench is not served). */
    public boolean any() {
        return !users.isEmpty();
    }

    /** The user with this name and password; empty if the name is unknown or the password wrong. Blocking (PBKDF2). */
    public Optional<WorkbenchUser> check(String name, char[] password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        String token = mac(name, password);
        WorkbenchUser known = remembered.getIfPresent(token);
        if (known != null) {
            return Optional.of(known);
        }
        if (users.isEmpty()) {
            return Optional.empty();
        }
        WorkbenchUser user = users.get(name);
        // an unknown name is checked against some user's hash all the same, so it takes as long as a wrong password
        boolean matches = (user == null ? users.values().iterator().next() : user).passwordHash().matches(password);
        if (user == null || !matches) {
            return Optional.empty();
        }
        remembered.put(token, user);
        return Optional.of(user);
    }

    /** The user with this name, for a session that has logged in already. */
    public Optional<WorkbenchUser> named(String name) {
        return Optional.ofNullable(users.get(name));
    }

    private String mac(String name, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password)));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }
}
