package dev.converge.node.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import dev.converge.workbench.user.PasswordHash;

/**
 * The demo's folder: one node file per node ({@code a.yaml}, {@code b.yaml}, {@code c.yaml}) and one H2 database
 * folder per node. The files are written exactly as a user would write them for a mesh on one machine — free ports
 * on 127.0.0.1 chosen now, a secret per pair generated for this run (written into the files: they live only as long
 * as the run, where a real deployment writes {@code ${VAR}}), {@code keys: {stride: 10, offset: N}} so identity
 * keys never collide — and the nodes are started from them through {@code NodeFile}.
 *
 * <p>Thread-safe: {@link #close} may run on the demo's thread or on its shutdown hook, and runs once.
 */
final class DemoFolder implements AutoCloseable {
    /** The demo's nodes, their priorities and key offsets follow their order. */
    static final List<String> NODES = List.of("A", "B", "C");

    /** The workbench user every demo node lists, a resolver; its password is made for each run. */
    static final String STEWARD = "steward";
    /** Letters and digits that cannot be mistaken for one another when read off a terminal. */
    private static final String PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789";

    private final Path root;
    private final boolean temporary;
    private final List<Path> files;
    private final String password;
    private boolean removed;

    private DemoFolder(Path root, boolean temporary, List<Path> files, String password) {
        this.root = root;
        this.temporary = temporary;
        this.files = List.copyOf(files);
        this.password = password;
    }

    /**
     * Writes the node files into {@code chosen} (created if missing; it must hold nothing yet, so that a demo never
     * starts over another one's databases), or into a fresh temporary folder.
     *
     * @throws IllegalArgumentException if {@code chosen} exists and is not an empty folder
     */
    static DemoFolder create(java.util.Optional<Path> chosen) throws IOException {
        Path root;
        if (chosen.isPresent()) {
            root = chosen.get().toAbsolutePath().normalize();
            if (Files.exists(root) && (!Files.isDirectory(root) || !isEmpty(root))) {
                throw new IllegalArgumentException("--dir " + root + " must be an empty folder or not exist yet");
            }
            Files.createDirectories(root);
        } else {
            root = Files.createTempDirectory("converge-demo-");
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < NODES.size(); i++) {
            ports.add(freePort(ports));
        }
        String[][] secrets = new String[NODES.size()][NODES.size()];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < NODES.size(); i++) {
            for (int j = i + 1; j < NODES.size(); j++) {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                secrets[i][j] = secrets[j][i] = Base64.getEncoder().encodeToString(bytes);
            }
        }
        String password = password(random);
        // one hash for the three files: PBKDF2 at its full cost takes about a second, once per run
        String hash = PasswordHash.create(password.toCharArray()).encoded();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < NODES.size(); i++) {
            Path file = root.resolve(NODES.get(i).toLowerCase(Locale.ROOT) + ".yaml");
            Files.writeString(file, nodeFile(root, i, ports, secrets, hash));
            files.add(file);
        }
        return new DemoFolder(root, chosen.isEmpty(), files, password);
    }

    /** Three groups of four, e.g. {@code k3vq-8mzp-rt2x}: about 59 bits, easy to type from the screen. */
    private static String password(SecureRandom random) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                p.append('-');
            }
            p.append(PASSWORD_LETTERS.charAt(random.nextInt(PASSWORD_LETTERS.length())));
        }
        return p.toString();
    }

    private static String nodeFile(Path root, int self, List<Integer> ports, String[][] secrets, String hash) {
        String id = NODES.get(self);
        StringBuilder peers = new StringBuilder();
        for (int j = 0; j < NODES.size(); j++) {
            if (j != self) {
                peers.append(String.format(Locale.ROOT, "  - {id: %s, url: \"http://127.0.0.1:%d\", secret: \"%s\", priority: %d}%n",
                    NODES.get(j), ports.get(j), secrets[self][j], priority(j)));
            }
        }
        Path database = root.resolve(id.toLowerCase(Locale.ROOT)).resolve("demo");
        return String.format(Locale.ROOT, """
            # Node %1$s of the demo mesh, written by `converge demo` for this run. The secrets were generated for it;
            # a real node file writes "${CONVERGE_AB_SECRET}" and keeps them in the environment (see the README).
            id: %1$s
            priority: %2$d
            listen: "127.0.0.1:%3$d"
            database:
              # LOCK_TIMEOUT: a writer waits at most a second for a row lock; DB_CLOSE_ON_EXIT=FALSE: on Ctrl-C the demo
              # stops the node before the database closes, instead of H2 closing it under the running node
              url: "jdbc:h2:%4$s;LOCK_TIMEOUT=1000;DB_CLOSE_ON_EXIT=FALSE"
              user: sa
              password: ""
            peers:
            %5$s%6$s
            # identity columns hand out only this node's numbers (n mod 10 = %7$d), so inserts on two nodes never take one key
            keys: {stride: 10, offset: %7$d}
            # the workbench (http://127.0.0.1:%3$d/): the demo prints this run's password; a real file lists its own users,
            # each with a hash from `converge user hash`
            workbench:
              users:
                - {name: %8$s, role: resolver, password_hash: "%9$s"}
            """, id, priority(self), ports.get(self), database.toString().replace('\\', '/'), peers, SampleSchema.RULES, self + 1,
            STEWARD, hash);
    }

    /** A, B, C: 30, 20, 10, as in the examples. */
    private static int priority(int node) {
        return 30 - 10 * node;
    }

    /** The folder's absolute path. */
    Path root() {
        return root;
    }

    /** The password of {@link #STEWARD} on every node for this run (the files hold only its hash). */
    String password() {
        return password;
    }

    /** The node files, in the order of {@link #NODES}. */
    List<Path> files() {
        return files;
    }

    /** Whether the folder is removed at {@link #close}. */
    boolean temporary() {
        return temporary;
    }

    /** Removes the folder if it is a temporary one (call after the databases are closed). */
    @Override
    public synchronized void close() {
        if (!temporary || removed) {
            return;
        }
        removed = true;
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * A port free on 127.0.0.1 now and not among {@code taken}. Another process could take it before the node binds it;
     * the node then fails to start, saying so, and the demo can simply be run again.
     */
    private static int freePort(List<Integer> taken) throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                if (!taken.contains(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}
