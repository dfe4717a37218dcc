package io.couponissuer.tools.local.cluster;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a docker-compose.yml that say what runs: each service's image, command, environment
 * (anchors and merge keys resolved, {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${VAR:?message}}
 * interpolated), published ports, volumes and bind mounts, and which services it waits to have completed
 * ({@code condition: service_completed_successfully}), in the file's order. A service under a profile is left
 * out, as `docker compose up` without {@code --profile} leaves it. Whatever else the file holds
 * (restart policies, build contexts) has no local meaning and is not read.
 */
public record ComposeFile(List<Service> services) {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    public ComposeFile {
        services = List.copyOf(services);
    }

    /** One service as compose would start it. */
    public record Service(String name, String image, List<String> command, Map<String, String> environment,
                          List<PublishedPort> ports, List<Volume> volumes, List<String> dependsOn, List<String> awaitsCompletionOf) {
        public Service {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            ports = List.copyOf(ports);
            volumes = List.copyOf(volumes);
            dependsOn = List.copyOf(dependsOn);
            awaitsCompletionOf = List.copyOf(awaitsCompletionOf);
        }
    }

    /** {@code "8080:8080"}: a container port published on the host. */
    public record PublishedPort(int host, int container) {
    }

    /**
     * {@code "kafka-1:/var/lib/kafka/data"}: a named volume mounted at a container path, or
     * {@code "./secrets/kafka/kafka-1:/etc/kafka/secrets:ro"}: a host file or directory (hostPath set, name null).
     */
    public record Volume(String name, String hostPath, String containerPath) {
        public boolean bind() {
            return hostPath != null;
        }
    }

    /**
     * Parses {@code yaml}; {@code variables} answers the {@code ${...}} references (the environment
     * `docker compose` would see), null for an unset one.
     */
    @SuppressWarnings("unchecked")
    public static ComposeFile parse(String yaml, Function<String, String> variables) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        if (!(root instanceof Map<?, ?> top) || !(top.get("services") instanceof Map<?, ?> services)) {
            throw new IllegalArgumentException("not a compose file: no 'services' mapping");
        }
        List<Service> parsed = new ArrayList<>();
        for (Map.Entry<?, ?> entry : services.entrySet()) {
            String name = String.valueOf(entry.getKey());
            Map<String, Object> service = (Map<String, Object>) entry.getValue();
            if (!strings(service.get("profiles")).isEmpty()) {
                continue; // as `docker compose up` without --profile: the monitoring kit is not the system
            }
            parsed.add(new Service(name,
                    String.valueOf(service.getOrDefault("image", "")),
                    strings(service.get("command")),
                    environment(name, service.get("environment"), variables),
                    ports(name, service.get("ports")),
                    volumes(name, service.get("volumes"), variables),
                    dependsOn(service.get("depends_on")),
                    awaitsCompletionOf(service.get("depends_on"))));
        }
        return new ComposeFile(parsed);
    }

    public Service service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service '" + name + "' in the compose file"));
    }

    private static Map<String, String> environment(String service, Object environment, Function<String, String> variables) {
        Map<String, String> env = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : interpolate(service, String.valueOf(v), variables)));
        } else if (environment instanceof List<?> list) {
            for (Object item : list) {
                String[] kv = String.valueOf(item).split("=", 2);
                env.put(kv[0], kv.length == 2 ? interpolate(service, kv[1], variables) : "");
            }
        }
        return env;
    }

    /** Compose's interpolation: {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?err}}. */
    static String interpolate(String service, String value, Function<String, String> variables) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String operator = m.group(2);
            String argument = m.group(3);
            String set = variables.apply(name);
            boolean colon = operator != null && operator.startsWith(":");
            boolean missing = set == null || (colon && set.isEmpty());
            String replacement;
            if (operator == null) {
                replacement = set == null ? "" : set;
            } else if (operator.endsWith("?")) {
                if (missing) {
                    throw new IllegalArgumentException("service " + service + ": " + name + " must be set ("
                            + (argument.isEmpty() ? "required by the compose file" : argument) + ")");
                }
                replacement = set;
            } else {
                replacement = missing ? argument : set;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<PublishedPort> ports(String service, Object ports) {
        List<PublishedPort> published = new ArrayList<>();
        for (String port : strings(ports)) {
            String[] parts = port.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("service " + service + ": only \"host:container\" ports are understood, not \""
                        + port + "\"");
            }
            published.add(new PublishedPort(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        }
        return published;
    }

    private static List<Volume> volumes(String service, Object volumes, Function<String, String> variables) {
        List<Volume> mounted = new ArrayList<>();
        for (String given : strings(volumes)) {
            String volume = interpolate(service, given, variables);
            String[] parts = volume.split(":");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !List.of("ro", "rw").contains(parts[2]))) {
                throw new IllegalArgumentException("service " + service + ": only \"source:/path\" or \"source:/path:ro\" "
                        + "volumes are understood, not \"" + volume + "\"");
            }
            boolean bind = parts[0].startsWith("/") || parts[0].startsWith(".");
            mounted.add(bind ? new Volume(null, parts[0], parts[1]) : new Volume(parts[0], null, parts[1]));
        }
        return mounted;
    }

    private static List<String> dependsOn(Object dependsOn) {
        if (dependsOn instanceof Map<?, ?> map) {
            return map.keySet().stream().map(String::valueOf).toList();
        }
        return strings(dependsOn);
    }

    /** The dependencies this service waits to have exited with 0 (one-shot jobs), not only to have started. */
    private static List<String> awaitsCompletionOf(Object dependsOn) {
        if (!(dependsOn instanceof Map<?, ?> map)) {
            return List.of();
        }
        return map.entrySet().stream()
                .filter(e -> e.getValue() instanceof Map<?, ?> options
                        && "service_completed_successfully".equals(String.valueOf(options.get("condition"))))
                .map(e -> String.valueOf(e.getKey())).toList();
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }
}
