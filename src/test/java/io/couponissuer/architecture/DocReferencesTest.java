package io.couponissuer.architecture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sources, scripts and docs cite documentation by {@code docs/<file>.md#<anchor>}: every such
 * reference, every Markdown link in the docs and every README section named in prose must lead to a
 * file that exists and a heading it has.
 */
class DocReferencesTest {
    // Built from parts, so that this file's own examples are not references the scan would judge.
    private static final String DOCS = "docs" + "/";
    private static final String README = "READ" + "ME";

    @Test
    void noReferenceToTheDocsDangles() {
        assertThat(new DocReferences(Path.of("")).dangling())
                .as("dangling references to documentation (file:line: reference: why)")
                .isEmpty();
    }

    @Test
    void aMissingFileAMissingAnchorAndAMissingSectionAreEachCaught(@TempDir Path repo) throws IOException {
        write(repo, README + ".md", "# demo\n\n## The two commands\n\nSee [ops](" + DOCS + "ops.md#lag-lag).\n");
        write(repo, DOCS + "ops.md", """
                # Operations

                ## Lag (`lag`)

                ```
                ## not a heading
                ```

                ## The `/ops` page

                [back](../%s.md#the-two-commands), [settings](settings.md), [here](#the-ops-page), [gone](#not-a-heading)
                """.formatted(README));
        write(repo, "src/main/java/A.java", String.join("\n",
                "// good: " + DOCS + "ops.md#lag-lag, " + DOCS + "ops.md, " + README + ".md#the-two-commands,",
                "// good: " + README + ": The two commands; " + README + " \"The two\"",
                "// bad: " + DOCS + "missing.md, " + DOCS + "ops.md#failures, " + README + ": Failures"));

        assertThat(new DocReferences(repo).dangling()).containsExactlyInAnyOrder(
                DOCS + "ops.md:11: ](settings.md): no such file",
                DOCS + "ops.md:11: ](#not-a-heading): no heading with anchor #not-a-heading",
                "src/main/java/A.java:3: " + DOCS + "missing.md: no such file",
                "src/main/java/A.java:3: " + DOCS + "ops.md#failures: no heading with anchor #failures",
                "src/main/java/A.java:3: " + README + ": Failures: README.md has no such section"
                        + " (cite docs/<file>.md#<anchor> instead)");
    }

    @Test
    void anchorsFollowGitHubsSlugs() {
        assertThat(DocReferences.slug("Lag (`lag`)")).isEqualTo("lag-lag");
        assertThat(DocReferences.slug("The `/ops` page")).isEqualTo("the-ops-page");
        assertThat(DocReferences.slug("How Kafka leaves a transaction open (KAFKA-20734)"))
                .isEqualTo("how-kafka-leaves-a-transaction-open-kafka-20734");
        assertThat(DocReferences.slug("Answer time with `?waitMs`: where it goes"))
                .isEqualTo("answer-time-with-waitms-where-it-goes");
        assertThat(DocReferences.slug("[Settings](settings.md) and COUPON_LOG_LEVEL"))
                .isEqualTo("settings-and-coupon_log_level");
    }

    private static void write(Path repo, String file, String text) throws IOException {
        Path path = repo.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
