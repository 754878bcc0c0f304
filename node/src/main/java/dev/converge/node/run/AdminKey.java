package dev.converge.node.run;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The key that authenticates the node's own commands ({@code converge reload}, and {@code converge resync} while it runs)
 * to a running node, and where the node is: what {@code converge run} writes, as it starts, to a file only its
 * operating-system user may read, and deletes as it stops — as PostgreSQL's {@code pg_ctl reload} finds its server
 * through {@code postmaster.pid} and may signal it only as the server's user. Whoever can read the file may ask the node
 * to reload or to load a peer's snapshot, the same people who may send it SIGHUP or stop it; nobody else, and the key
 * never crosses a network (the file is on the node's machine, and the command asks the node there).
 *
 * <p>The file is {@code <java.io.tmpdir>/converge-<user>/<hash of the configuration file's real path>.reload}, in a
 * folder of mode 700 that must belong to the user (one that another user made first is refused, not used), the file
 * itself of mode 600. It holds the node's base URL, a random 256-bit key, and, when the node serves HTTPS, the SHA-256
 * digests of its certificates, which the client pins (so it needs no truststore, and no configuration file that reads);
 * never a secret of the configuration.
 * Immutable once written; thread-safe.
 */
public final class AdminKey implements AutoCloseable {
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final byte[] key;

    private AdminKey(Path path, byte[] key) {
        this.path = path;
        this.key = key;
    }

    /** Where a node started with {@code config} keeps its reload key (the same for every spelling of the path). */
    public static Path fileFor(Path config) {
        Path real;
        try {
            real = config.toRealPath();
        } catch (IOException e) {
            real = config.toAbsolutePath().normalize();
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(real.toString().getBytes(StandardCharsets.UTF_8));
            return folder().resolve(HexFormat.of().formatHex(hash, 0, 12) + ".reload");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Path folder() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "converge-" + user);
    }

    /**
     * Makes a fresh key for the node started with {@code config}, reached at {@code base}, and writes it (replacing
     * the file a node killed outright left behind).
     *
     * @throws IOException if the folder or file cannot be written, or the folder belongs to another user or is open to
     *     others
     */
    public static AdminKey write(Path config, URI base, java.util.List<String> certificates) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = fileFor(config);
        ownFolder(file.getParent());
        Properties p = new Properties();
        p.setProperty("url", base.toString());
        p.setProperty("key", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        p.setProperty("config", config.toAbsolutePath().normalize().toString());
        p.setProperty("certificates", String.join(",", certificates));
        Path temp = Files.createTempFile(file.getParent(), "key", ".tmp");
        try {
            restrict(temp, OWNER_ONLY_FILE);
            try (var w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                p.store(w, "converge run: how converge reload reaches this node; deleted when it stops");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new AdminKey(file, key);
    }

    /**
     * What {@code converge reload} needs: the node's base URL, its key, and the SHA-256 digests of the certificates it
     * serves (empty for plain HTTP).
     */
    public record Target(URI base, byte[] key, java.util.List<String> certificates) {
    }

    /**
     * The running node of {@code config}, as its key file says; empty if there is none (the node is not running, or
     * runs as another user).
     *
     * @throws IOException if the file exists but cannot be read (e.g. it belongs to another user)
     */
    public static Optional<Target> read(Path config) throws IOException {
        Path file = fileFor(config);
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String url = p.getProperty("url");
        String key = p.getProperty("key");
        if (url == null || key == null) {
            throw new IOException(file + " is not a reload key file (no url or key)");
        }
        try {
            String pins = p.getProperty("certificates", "");
            return Optional.of(new Target(URI.create(url), Base64.getUrlDecoder().decode(key),
                pins.isEmpty() ? java.util.List.of() : java.util.List.of(pins.split(","))));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a reload key file: " + e.getMessage());
        }
    }

    /** Whether {@code presented} is this key (compared in constant time). */
    public boolean matches(byte[] presented) {
        return presented != null && MessageDigest.isEqual(key, presented);
    }

    /** Where the key is kept. */
    public Path path() {
        return path;
    }

    /** Deletes the file: the node stops. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a stale file is harmless: its key opens nothing once the node is gone, and the next start replaces it
        }
    }

    private static void ownFolder(Path folder) throws IOException {
        try {
            Files.createDirectory(folder);
            restrict(folder, OWNER_ONLY_FOLDER);
            return;
        } catch (FileAlreadyExistsException e) {
            // checked below: it must be ours and closed to others, or another user could read or replace the key
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(folder + " is not a folder");
        }
        if (!posix(folder)) {
            return;
        }
        String owner = Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
            throw new IOException(folder + " belongs to " + owner + ", not to " + System.getProperty("user.name"));
        }
        if (!Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY_FOLDER)) {
            throw new IOException(folder + " is open to other users (it must be rwx------)");
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void restrict(Path p, Set<PosixFilePermission> permissions) throws IOException {
        if (posix(p)) {
            Files.setPosixFilePermissions(p, permissions);
        }
    }
}
