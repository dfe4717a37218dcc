package io.couponissuer.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Settings read from the environment, each falling back to its default. */
public final class Settings {
    private final Map<Setting, String> values;

    private Settings(Map<Setting, String> values) {
        this.values = values;
    }

    public static Settings fromEnvironment() {
        return from(System.getenv());
    }

    public static Settings from(Map<String, String> env) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = env.get(setting.name());
            values.put(setting, value == null || value.isBlank() ? setting.defaultValue() : value.trim());
        }
        return new Settings(values);
    }

    /** A copy with one setting replaced (command-line flags, tests). */
    public Settings with(Setting setting, Object value) {
        Map<Setting, String> copy = new EnumMap<>(values);
        copy.put(setting, String.valueOf(value));
        return new Settings(copy);
    }

    public String get(Setting setting) {
        return values.get(setting);
    }

    public int getInt(Setting setting) {
        String value = get(setting);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting.name() + " must be a whole number, was '" + value + "'");
        }
    }

    /** true or false, in any case; anything else is refused, so a typo does not silently turn a feature off. */
    public boolean getBoolean(Setting setting) {
        String value = get(setting).trim();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(setting.name() + " must be true or false, was '" + value + "'");
    }

    public Path getPath(Setting setting) {
        return Path.of(get(setting));
    }

    /**
     * The properties file a setting names, read; empty when the setting is unset.
     *
     * @throws IllegalArgumentException when the file cannot be read
     */
    public Optional<Properties> properties(Setting setting) {
        String file = get(setting).trim();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting.name() + ": cannot read " + file + ": " + e, e);
        }
        return Optional.of(properties);
    }
}
