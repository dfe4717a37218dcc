package io.couponissuer.testing;

import io.couponissuer.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits until a {@code /health/ready} lists every check ready, gating or not. The gateway of a
 * {@code dev} or {@code all} process answers 200 as soon as the API can serve; a test that needs the
 * issuer and the writer too (or times kill-to-ready of the whole process) waits for this instead.
 */
public final class EveryCheckReady {

    private EveryCheckReady() {
    }

    /**
     * Returns the wait; fails with the last answer after {@code timeout}.
     *
     * @param adminToken for a gateway's API port, which lists the checks only to the admin
     *                   ({@code ?detail}); null for a port that lists them to anyone (management, issuer)
     */
    public static Duration await(String readyUrl, String adminToken, Duration timeout) {
        return await(readyUrl, adminToken, timeout, () -> true);
    }

    /** As {@link #await(String, String, Duration)}, failing at once when {@code running} turns false (the process died). */
    public static Duration await(String readyUrl, String adminToken, Duration timeout, BooleanSupplier running) {
        long start = System.nanoTime();
        String last = "no answer";
        try {
            while (System.nanoTime() - start < timeout.toNanos()) {
                if (!running.getAsBoolean()) {
                    throw new AssertionError(readyUrl + ": the process stopped while waiting (last: " + last + ")");
                }
                try {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                            adminToken == null ? readyUrl : readyUrl + "?detail")).timeout(Duration.ofSeconds(2)).GET();
                    if (adminToken != null) {
                        request.header("Authorization", "Bearer " + adminToken);
                    }
                    HttpResponse<String> response = TestHttp.send(request);
                    if (response.statusCode() == 200 && everyCheckReady(Json.MAPPER.readTree(response.body()))) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                    last = response.statusCode() + " " + response.body();
                } catch (IOException e) {
                    last = e.toString(); // not listening yet
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        throw new AssertionError(readyUrl + ": not every check ready within " + timeout + " (last: " + last + ")");
    }

    private static boolean everyCheckReady(JsonNode body) {
        JsonNode checks = body.path("checks");
        if (checks.isEmpty()) {
            return false;
        }
        for (JsonNode check : checks) {
            if (!check.path("ready").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }
}
