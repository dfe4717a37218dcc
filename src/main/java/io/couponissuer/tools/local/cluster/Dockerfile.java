package io.couponissuer.tools.local.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the repository's Dockerfile gives every container of the app image besides the jar: its
 * {@code ENV} defaults and the JVM options of its {@code ENTRYPOINT}. `cluster` applies both, so a
 * local process runs as the container would.
 */
public record Dockerfile(Map<String, String> environment, List<String> jvmOptions) {
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    public Dockerfile {
        environment = Map.copyOf(environment);
        jvmOptions = List.copyOf(jvmOptions);
    }

    public static Dockerfile parse(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> jvm = new ArrayList<>();
        for (String instruction : text.replace("\\\n", " ").split("\n")) {
            String line = instruction.trim();
            if (line.startsWith("ENV ")) {
                Matcher m = ASSIGNMENT.matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replace("\"", ""));
                }
            } else if (line.startsWith("ENTRYPOINT ")) {
                Matcher m = QUOTED.matcher(line);
                while (m.find()) {
                    // Options between "java" and "-jar": -X..., -D...
                    if (m.group(1).equals("-jar")) {
                        break;
                    }
                    if (m.group(1).startsWith("-")) {
                        jvm.add(m.group(1));
                    }
                }
            }
        }
        return new Dockerfile(env, jvm);
    }
}
