package dev.converge.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.model.NodeId;
import dev.converge.node.peer.PeerEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The documented example meshes in {@code examples/}: every file reads without a problem, and the three files of a
 * mesh agree with each other as a working mesh must (same rules, each peer where it listens, same priorities).
 */
class ConfigExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    /** What a user exports before starting the nodes (see the files' comments). */
    private static final Map<String, String> ENV = Map.of(
        "CONVERGE_AB_SECRET", "ab-0123456789abcdef0123456789abcdef",
        "CONVERGE_AC_SECRET", "ac-0123456789abcdef0123456789abcdef",
        "CONVERGE_BC_SECRET", "bc-0123456789abcdef0123456789abcdef",
        "CONVERGE_A_DB_PASSWORD", "pa", "CONVERGE_B_DB_PASSWORD", "pb", "CONVERGE_C_DB_PASSWORD", "pc");

    @TestFactory
    Stream<DynamicTest> everyExampleMeshIsValidAndConsistent() throws IOException {
        List<Path> meshes;
        try (Stream<Path> folders = Files.list(EXAMPLES)) {
            // a mesh is a folder of node files; examples/custom-resolver is a Maven project, not a mesh
            meshes = folders.filter(Files::isDirectory).filter(f -> Files.exists(f.resolve("a.yaml"))).sorted().toList();
        }
        assertEquals(List.of("h2-mesh", "postgres-mesh"), meshes.stream().map(p -> p.getFileName().toString()).toList());
        return meshes.stream().map(mesh -> DynamicTest.dynamicTest(mesh.getFileName().toString(), () -> checkMesh(mesh)));
    }

    private static void checkMesh(Path mesh) {
        Map<NodeId, NodeSettings> nodes = new HashMap<>();
        for (String name : List.of("a.yaml", "b.yaml", "c.yaml")) {
            Path file = mesh.resolve(name);
            NodeSettings s = NodeFile.read(file, ENV::get)
                .getOrElseThrow(problems -> new AssertionError(file + " has problems: " + problems));
            nodes.put(s.id(), s);
        }
        assertEquals(3, nodes.size(), "three distinct node ids");
        for (NodeSettings node : nodes.values()) {
            assertEquals(2, node.peers().size(), node.id() + " lists the two others");
            assertEquals(1, node.users().size());
            assertTrue(node.users().get(0).passwordHash().matches("change-me".toCharArray()), "the documented example password");
            for (PeerEndpoint peer : node.peers()) {
                NodeSettings other = nodes.get(peer.id());
                assertEquals(other.listen().getPort(), peer.url().getPort(), node.id() + " reaches " + peer.id() + " where it listens");
                assertEquals(other.core().priority(), node.core().priorityOf(peer.id()), node.id() + " knows " + peer.id() + "'s priority");
                assertEquals(other.peer(node.id()).orElseThrow().secret(), peer.secret(), "both ends of a pair share its secret");
            }
            NodeSettings a = nodes.get(NodeId.of("A"));
            assertEquals(a.core().tables(), node.core().tables(), node.id() + " has A's table rules");
            assertEquals(a.core().defaultResolver(), node.core().defaultResolver());
            assertEquals(a.core().defaultScope(), node.core().defaultScope());
        }
    }
}
