package io.couponissuer.architecture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The folder tree is the architecture: the roles (gateway, issuer, writer) depend on shared packages,
 * never on each other; `ops` watches from aside; nothing shared reaches into a role; the tooling under
 * `tools` (bench, invariant judge, local broker and cluster) may use the core, the core never uses it;
 * and no two packages depend on each other in a circle. Read from the main sources' references to
 * {@code io.couponissuer.<package>.<Class>} (imports and qualified names).
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/couponissuer");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.couponissuer(?:\\.([a-z.]+))?;", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("io\\.couponissuer\\.([a-z.]+)\\.[A-Z]");
    private static final Set<String> ROLES = Set.of("gateway", "issuer", "writer");
    /** Shared by every role: may depend only on each other, never on a role, `ops`, the wiring or `tools`. */
    private static final Set<String> SHARED = Set.of("config", "message", "json", "kafka", "health", "query", "db");
    /** Wiring: the root package (CouponSystem, Main, RoleCommands) puts the roles together and may use any of them. */
    private static final Set<String> WIRING = Set.of("");
    private static final String TOOLS = "tools";
    /**
     * The one class of the core that may name the tools: the command line's entry point lists their
     * subcommands (`dev`, `bench`, ...) next to the roles', so that one jar runs both.
     */
    private static final String ENTRY_POINT = "Main.java";

    /** package -> packages it refers to -> the classes doing so (for the failure message). */
    private static final Map<String, Map<String, Set<String>>> graph = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                assertThat(pkg.find()).as("package line of " + file).isTrue();
                String from = pkg.group(1) == null ? "" : pkg.group(1);
                Map<String, Set<String>> edges = graph.computeIfAbsent(from, p -> new TreeMap<>());
                Matcher ref = REFERENCE.matcher(source);
                while (ref.find()) {
                    String to = ref.group(1);
                    if (!to.equals(from)) {
                        edges.computeIfAbsent(to, t -> new TreeSet<>()).add(file.getFileName().toString());
                    }
                }
            }
        }
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    @Test
    void rolesDoNotDependOnEachOther() {
        List<String> wrong = new ArrayList<>();
        graph.forEach((from, edges) -> edges.forEach((to, classes) -> {
            if (ROLES.contains(top(from)) && ROLES.contains(top(to)) && !top(from).equals(top(to))) {
                wrong.add(from + " -> " + to + " in " + classes);
            }
        }));
        assertThat(wrong).as("a role depending on another role").isEmpty();
    }

    @Test
    void sharedPackagesAndOpsDependOnNoRole() {
        List<String> wrong = new ArrayList<>();
        graph.forEach((from, edges) -> edges.forEach((to, classes) -> {
            boolean shared = SHARED.contains(top(from));
            boolean ops = top(from).equals("ops");
            if ((shared || ops) && (ROLES.contains(top(to)) || WIRING.contains(to))) {
                wrong.add(from + " -> " + to + " in " + classes);
            }
            if (shared && top(to).equals("ops")) {
                wrong.add(from + " -> " + to + " in " + classes);
            }
        }));
        assertThat(wrong).as("shared code or ops reaching into a role, the wiring or ops").isEmpty();
    }

    @Test
    void theCoreDoesNotDependOnTheTools() {
        List<String> wrong = new ArrayList<>();
        graph.forEach((from, edges) -> edges.forEach((to, classes) -> {
            if (!top(from).equals(TOOLS) && top(to).equals(TOOLS)) {
                boolean entryPoint = WIRING.contains(from) && classes.equals(Set.of(ENTRY_POINT));
                if (!entryPoint) {
                    wrong.add(from + " -> " + to + " in " + classes);
                }
            }
        }));
        assertThat(wrong).as("core code depending on the tools (only %s may, to list their commands)", ENTRY_POINT)
                .isEmpty();
    }

    @Test
    void noPackageCycles() {
        List<List<String>> cycles = stronglyConnected().stream().filter(c -> c.size() > 1).toList();
        assertThat(cycles).as("packages that depend on each other in a circle (edges: %s)", graph).isEmpty();
    }

    @Test
    void theGraphIsReadFromTheSources() {
        // A check that cannot fail is no check: the roles are there and use the shared packages.
        assertThat(graph).containsKeys("gateway", "issuer", "writer", "ops", "query", "health");
        assertThat(graph.get("gateway")).containsKeys("query", "health", "kafka");
        assertThat(graph).containsKeys("tools.bench", "tools.judge", "tools.local", "tools.local.cluster");
        assertThat(graph.get("")).containsKeys("tools.bench", "tools.local");
    }

    /** Tarjan's strongly connected components of the package graph. */
    private static List<List<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, index, low, stack, onStack, components, counter);
            }
        }
        return components;
    }

    private static void connect(String node, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                                Set<String> onStack, List<List<String>> components, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
            if (!index.containsKey(next)) {
                connect(next, index, low, stack, onStack, components, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }
}
