package io.couponissuer.gateway;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's OpenAPI 3 description, a checked static document ({@code api/openapi.json} in the jar),
 * served at {@value #PATH}. OpenApiContractTest keeps it in step with the code: every route, every
 * response record's fields, and the statuses the tests see.
 */
public final class OpenApiDocument {
    public static final String PATH = "/openapi.json";
    public static final String RESOURCE = "api/openapi.json";
    private static final byte[] DOCUMENT = load();

    private OpenApiDocument() {
    }

    static void serve(Context ctx) {
        ctx.contentType("application/json").result(DOCUMENT);
    }

    private static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
