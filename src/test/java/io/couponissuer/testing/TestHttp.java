package io.couponissuer.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The tests' HTTP calls to a gateway or an issuer, written once: bounded connect and request times. */
public final class TestHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TestHttp() {
    }

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** GET with {@code Authorization: Bearer <adminToken>} (the admin's routes, and operators' ones on the API port). */
    public static HttpResponse<String> getAsAdmin(String url, String adminToken) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + adminToken).GET());
    }

    /** POST of a JSON body; {@code adminToken} (or null) goes in the Authorization header. */
    public static HttpResponse<String> post(String url, String json, String adminToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (adminToken != null) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        return send(request);
    }

    /** Any request, with a 15 s bound unless the builder set its own. */
    public static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.build();
        if (built.timeout().isEmpty()) {
            built = HttpRequest.newBuilder(built, (name, value) -> true).timeout(Duration.ofSeconds(15)).build();
        }
        return HTTP.send(built, HttpResponse.BodyHandlers.ofString());
    }
}
