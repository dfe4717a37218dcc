package io.couponissuer.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the references to documentation in a repository's sources, scripts and docs, and says which
 * of them dangle: a file that does not exist, or an anchor that is not a heading of that file by
 * GitHub's rules. Three kinds are read:
 * <ul>
 *   <li>a path from the repository's root anywhere in any text: {@code docs/<name>.md},
 *       {@code README.md}, {@code topology/README.md}, each optionally with {@code #anchor};</li>
 *   <li>a Markdown link target in a {@code .md} file, relative to that file, as GitHub resolves it;</li>
 *   <li>a README section named in prose (the word README, then a colon and the section's name, or
 *       its name in quotes): the name must be, or begin, a heading of README.md.</li>
 * </ul>
 */
final class DocReferences {
    /** Where documentation is cited: sources, tests, resources, scripts, docs and the build's own files. */
    static final List<String> SCANNED = List.of("src/main", "src/test", "bin", "docs", "topology", ".ci", "ops",
            "README.md", "docker-compose.yml", "Dockerfile", "pom.xml");

    private static final Pattern ROOT_PATH =
            Pattern.compile("(?<![\\w./-])(docs/[\\w./-]*?\\.md|README\\.md|topology/README\\.md)(#[\\w-]*)?");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern README_SECTION =
            Pattern.compile("\\bREADME(?!\\.md)(?:'s)?[:,]?[ \\t]+(?:\"([^\"\\n]+)\"|([A-Z][^()\\n.;:,\"]*))");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\([^)]*\\)");

    private final Path root;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    DocReferences(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Every dangling reference under the scanned paths, as {@code file:line: reference: why}. */
    List<String> dangling() {
        List<String> problems = new ArrayList<>();
        for (String scanned : SCANNED) {
            Path start = root.resolve(scanned);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                files.filter(Files::isRegularFile).sorted().forEach(file -> check(file, problems));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return problems;
    }

    private void check(Path file, List<String> problems) {
        String text = readText(file);
        if (text == null) {
            return;
        }
        String name = root.relativize(file).toString();
        boolean markdown = name.endsWith(".md");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = name + ":" + (i + 1) + ": ";
            Matcher path = ROOT_PATH.matcher(line);
            while (path.find()) {
                String anchor = path.group(2) == null ? null : path.group(2).substring(1);
                String problem = problem(root.resolve(path.group(1)), anchor);
                if (problem != null) {
                    problems.add(where + path.group() + ": " + problem);
                }
            }
            if (markdown) {
                Matcher link = MARKDOWN_LINK.matcher(line);
                while (link.find()) {
                    String target = link.group(1);
                    if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                        continue;
                    }
                    int hash = target.indexOf('#');
                    String pathPart = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? null : target.substring(hash + 1);
                    Path resolved = pathPart.isEmpty() ? file : file.getParent().resolve(pathPart).normalize();
                    String problem = resolved.startsWith(root) ? problem(resolved, anchor) : "outside the repository";
                    if (problem != null) {
                        problems.add(where + "](" + target + "): " + problem);
                    }
                }
            }
            Matcher section = README_SECTION.matcher(line);
            while (section.find()) {
                String cited = (section.group(1) != null ? section.group(1) : section.group(2)).strip();
                String slug = slug(cited);
                boolean found = anchorsOf(root.resolve("README.md")).stream()
                        .anyMatch(heading -> heading.equals(slug) || heading.startsWith(slug + "-"));
                if (!found) {
                    problems.add(where + section.group().strip() + ": README.md has no such section"
                            + " (cite docs/<file>.md#<anchor> instead)");
                }
            }
        }
    }

    /** Why {@code target} (with {@code anchor}, or none) does not exist, or null when it does. */
    private String problem(Path target, String anchor) {
        if (!Files.exists(target)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (Files.isDirectory(target) || !target.toString().endsWith(".md")) {
            return "an anchor on something that is not a Markdown file";
        }
        return anchorsOf(target).contains(anchor) ? null : "no heading with anchor #" + anchor;
    }

    private Set<String> anchorsOf(Path markdown) {
        return anchors.computeIfAbsent(markdown, DocReferences::readAnchors);
    }

    /** The anchors GitHub gives a Markdown file's headings (duplicates numbered -1, -2, ...), and explicit ones. */
    static Set<String> readAnchors(Path markdown) {
        Set<String> result = new HashSet<>();
        if (!Files.isRegularFile(markdown)) {
            return result;
        }
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        String fence = null;
        for (String line : readText(markdown).split("\n")) {
            String stripped = line.strip();
            if (fenced) {
                if (stripped.startsWith(fence)) {
                    fenced = false;
                }
                continue;
            }
            if (stripped.startsWith("```") || stripped.startsWith("~~~")) {
                fenced = true;
                fence = stripped.substring(0, 3);
                continue;
            }
            Matcher explicit = HTML_ANCHOR.matcher(line);
            while (explicit.find()) {
                result.add(explicit.group(1));
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int count = seen.merge(slug, 1, Integer::sum);
                result.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return result;
    }

    /** GitHub's heading anchor: the rendered text lower-cased, punctuation dropped, each space a hyphen. */
    static String slug(String headingText) {
        String rendered = INLINE_LINK.matcher(headingText).replaceAll("$1").replaceAll("<[^>]*>", "");
        return rendered.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                .replace(' ', '-');
    }

    /** The file as UTF-8 text, or null for a binary file. */
    private static String readText(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                if (b == 0) {
                    return null;
                }
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
