package io.couponissuer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.gateway.OpenApiDocument;
import io.couponissuer.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's OpenAPI document as the tests read it: its routes, its schemas, and a check of a real
 * answer against what it says for that route (the status is listed; a JSON body has no field the
 * schema lacks and every field it requires).
 */
public final class OpenApiContract {
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
    private final JsonNode document;

    private OpenApiContract(JsonNode document) {
        this.document = document;
    }

    public static OpenApiContract load() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
            return new OpenApiContract(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** "METHOD /path" of every operation described. */
    public Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> METHODS.forEach(method -> {
            if (path.getValue().has(method)) {
                routes.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    /** Every schema with the record class it describes ({@code x-record}). */
    public List<String[]> recordSchemas() {
        List<String[]> records = new ArrayList<>();
        document.path("components").path("schemas").fields().forEachRemaining(schema -> {
            if (schema.getValue().has("x-record")) {
                records.add(new String[] {schema.getKey(), schema.getValue().path("x-record").asText()});
            }
        });
        return records;
    }

    public Set<String> properties(String schema) {
        Set<String> names = new TreeSet<>();
        document.path("components").path("schemas").path(schema).path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The described path template a concrete path (query string allowed) falls under. */
    public String templateOf(String method, String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return routes().stream().filter(route -> route.startsWith(method + " "))
                .map(route -> route.substring(method.length() + 1))
                .filter(template -> bare.matches(template.replaceAll("\\{[^/]+}", "[^/]+")))
                .findFirst().orElseThrow(() -> new AssertionError(method + " " + path + " matches no described route"));
    }

    /** {@link #check} for a concrete path. */
    public void checkAnswer(String method, String path, java.net.http.HttpResponse<String> response) {
        check(method, templateOf(method, path), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body(),
                header -> response.headers().firstValue(header).orElse(null));
    }

    /**
     * The answer agrees with the description of {@code method template}: its status is described,
     * and a JSON object body fits the described schema (no field it lacks, every field it requires).
     */
    public void check(String method, String template, int status, String contentType, String body) {
        check(method, template, status, contentType, body, header -> "unchecked");
    }

    /** @param answerHeaders the answer's header by name, null when absent */
    public void check(String method, String template, int status, String contentType, String body,
                      java.util.function.Function<String, String> answerHeaders) {
        JsonNode operation = document.path("paths").path(template).path(method.toLowerCase(java.util.Locale.ROOT));
        assertThat(operation.isMissingNode()).as("%s %s is described", method, template).isFalse();
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        assertThat(response.isMissingNode()).as("status %d of %s %s is described (answer: %s)", status, method,
                template, body).isFalse();
        response.path("headers").fieldNames().forEachRemaining(header -> {
            if (header.equals("Retry-After")) { // the one header every described 503 promises
                assertThat(answerHeaders.apply(header)).as("%s of %s %s %d", header, method, template, status).isNotNull();
            }
        });
        if (contentType == null || !contentType.startsWith("application/json")) {
            return;
        }
        JsonNode schema = resolve(response.path("content").path("application/json").path("schema"));
        try {
            checkObject(schema, Json.MAPPER.readTree(body), method + " " + template + " " + status);
        } catch (IOException e) {
            throw new AssertionError(method + " " + template + " answered unreadable JSON: " + body, e);
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String where) {
        if (!value.isObject() || !schema.has("properties")) {
            return;
        }
        Set<String> described = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(described::add);
        Set<String> present = new TreeSet<>();
        value.fieldNames().forEachRemaining(present::add);
        assertThat(described).as("fields of %s: %s", where, value).containsAll(present);
        for (JsonNode required : schema.path("required")) {
            assertThat(present).as("required field of %s: %s", where, value).contains(required.asText());
        }
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode property = resolve(schema.path("properties").path(name));
            if (property.path("type").asText().equals("array")) {
                for (JsonNode item : value.path(name)) {
                    checkObject(resolve(property.path("items")), item, where + "." + name + "[]");
                }
            } else {
                checkObject(property, value.path(name), where + "." + name);
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.isEmpty() ? schema : document.at(ref.substring(1));
    }
}
