package io.couponissuer.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Every setting has a line in the README's settings table with its real default. */
class ReadmeSettingsTest {
    @Test
    void everySettingIsDocumentedWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String expected = Arrays.stream(Setting.values())
                .map(s -> "| `" + s.name() + "` | " + (s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`")
                        + " | " + s.description() + " |")
                .collect(Collectors.joining("\n"));
        assertThat(readme).as("README settings table; expected rows:%n%s", expected).contains(expected);
    }
}
