package dev.satwatch.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads every main source file's imports into a package graph ({@code dev.satwatch.a → dev.satwatch.b}) and checks
 * it has no cycle: the package picture of {@code build-config/import-control.xml} is one-way. Same-package
 * references need no import and cannot form a cycle between packages; fully qualified names in code are rare here
 * and would be caught by the import rules' reviewers, not this test.
 */
class PackageCyclesTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?dev\\.satwatch\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void shouldHaveNoPackageCycleInMainSources() throws IOException {
        Map<String, Set<String>> graph = graph();

        assertThat(graph).as("packages read").containsKeys("stream", "http", "serve", "fit", "track");
        assertThat(cycles(graph))
                .as("package cycles (each a strongly connected set of packages)")
                .isEmpty();
    }

    @Test
    void shouldFindACycleWhenThereIsOne() {
        // The finder itself, on the cycle this project had (stream → http → stream) and a clean chain.
        Map<String, Set<String>> cyclic =
                Map.of("stream", Set.of("http", "event"), "http", Set.of("stream"), "event", Set.of());
        Map<String, Set<String>> chain =
                Map.of("serve", Set.of("stream", "http"), "stream", Set.of(), "http", Set.of());

        assertThat(cycles(cyclic)).containsExactly(new TreeSet<>(Set.of("http", "stream")));
        assertThat(cycles(chain)).isEmpty();
    }

    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("dev/satwatch"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = MAIN.resolve("dev/satwatch").relativize(file.getParent());
                String pkg =
                        dir.toString().isEmpty() ? "(root)" : dir.getName(0).toString();
                Set<String> out = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** The strongly connected components of more than one package (Tarjan's algorithm). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Tarjan t = new Tarjan(graph);
        graph.keySet().stream().sorted().forEach(v -> {
            if (!t.index.containsKey(v)) {
                t.visit(v);
            }
        });
        return t.components;
    }

    private static final class Tarjan {
        final Map<String, Set<String>> graph;
        final Map<String, Integer> index = new TreeMap<>();
        final Map<String, Integer> low = new TreeMap<>();
        final List<String> stack = new ArrayList<>();
        final List<Set<String>> components = new ArrayList<>();
        int next;

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        void visit(String v) {
            index.put(v, next);
            low.put(v, next);
            next++;
            stack.add(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.remove(stack.size() - 1);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    components.add(component);
                }
            }
        }
    }
}
