package dev.converge.resolvers.guide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The guide's text (docs/custom-resolvers.md), for tests that check it shows the code they run. */
final class Guide {
    private Guide() {
    }

    static String text() throws IOException {
        return Files.readString(Path.of("../../docs/custom-resolvers.md"));
    }

    /** The code block of {@code language} whose text starts with {@code start}: what a reader copies. */
    static String block(String language, String start) throws IOException {
        String guide = text();
        String fence = "```" + language + "\n";
        int at = guide.indexOf(fence + start);
        if (at < 0) {
            throw new AssertionError("the guide has no " + language + " block starting with: " + start);
        }
        String shown = guide.substring(at + fence.length());
        return shown.substring(0, shown.indexOf("```"));
    }

    /** The source of a class of this package, as the build compiles it: the resolver's (src/main) or a test's. */
    static String source(Class<?> c) throws IOException {
        Path main = Path.of("src/main/java/dev/converge/resolvers/guide/" + c.getSimpleName() + ".java");
        return Files.readString(Files.exists(main) ? main : Path.of("src/test/java/dev/converge/resolvers/guide/" + c.getSimpleName() + ".java"));
    }
}
