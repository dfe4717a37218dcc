package io.couponissuer.ops;

import io.couponissuer.testing.DebianTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of ops/prometheus on Prometheus' own tool: they load, and `promtool test rules`
 * shows each firing where it should and silent where it should not (alerts.test.yml). That every
 * series a rule names is exported is MonitoringIT's part, on a running system.
 */
class PrometheusRulesTest {
    static final Path RULES = Path.of("ops/prometheus/alerts.yml");
    private static final Path RULE_TESTS = Path.of("ops/prometheus/alerts.test.yml");
    private static final Path COMPOSE_CONFIG = Path.of("ops/prometheus/prometheus.yml");

    @Test
    void theRulesLoadAndPassTheirUnitTests() throws Exception {
        Path promtool = DebianTool.require("promtool", "prometheus");
        assertThat(run(promtool.toString(), "check", "rules", RULES.toString())).contains("SUCCESS");
        assertThat(run(promtool.toString(), "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    @Test
    void theComposeConfigurationLoads(@TempDir Path dir) throws Exception {
        Path promtool = DebianTool.require("promtool", "prometheus");
        // Its rule file is where the container mounts it; here, the repository's.
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, Files.readString(COMPOSE_CONFIG)
                .replace("/etc/prometheus/alerts.yml", RULES.toAbsolutePath().toString()));
        assertThat(run(promtool.toString(), "check", "config", config.toString())).contains("SUCCESS");
    }

    @Test
    void everyAlertHasASeverityARunbookAndATestThatFiresItAndOneThatDoesNot() throws IOException {
        List<Map<String, Object>> alerts = alerts();
        assertThat(alerts).isNotEmpty();
        Set<String> fired = new HashSet<>();
        Set<String> silent = new HashSet<>();
        for (Map<String, Object> test : list(yaml(RULE_TESTS).get("tests"))) {
            for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
                List<Map<String, Object>> expected = list(check.get("exp_alerts"));
                (expected.isEmpty() ? silent : fired).add((String) check.get("alertname"));
            }
        }
        for (Map<String, Object> alert : alerts) {
            String name = (String) alert.get("alert");
            assertThat(map(alert.get("labels")).get("severity")).as(name).isIn("critical", "warning", "info");
            Map<String, Object> annotations = map(alert.get("annotations"));
            assertThat(annotations).as(name).containsKeys("summary", "description");
            // DocReferencesTest checks that the anchor is a heading of docs/alerts.md.
            assertThat(annotations.get("runbook_url")).as(name).isEqualTo("docs/alerts.md#" + name.toLowerCase());
            assertThat(fired).as("alerts.test.yml fires " + name).contains(name);
            assertThat(silent).as("alerts.test.yml keeps " + name + " silent").contains(name);
        }
    }

    /** Every alerting rule of alerts.yml. */
    static List<Map<String, Object>> alerts() throws IOException {
        return list(yaml(RULES).get("groups")).stream().flatMap(group -> list(group.get("rules")).stream())
                .filter(rule -> rule.containsKey("alert")).toList();
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }
}
