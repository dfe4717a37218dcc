package io.couponissuer.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Every setting has a line in the settings table of docs/settings.md with its real default and description. */
class SettingsDocTest {
    @Test
    void everySettingIsDocumentedWithItsDefault() throws IOException {
        String doc = Files.readString(Path.of("docs/settings.md"));
        String expected = Arrays.stream(Setting.values())
                .map(s -> "| `" + s.name() + "` | " + (s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`")
                        + " | " + s.description() + " |")
                .collect(Collectors.joining("\n"));
        assertThat(doc).as("docs/settings.md settings table; expected rows:%n%s", expected).contains(expected);
    }
}
