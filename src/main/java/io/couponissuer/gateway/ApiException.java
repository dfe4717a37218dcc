package io.couponissuer.gateway;

/**
 * An HTTP error with a JSON body: {@code {"error": code, "message": ..., "field": ...}}. A 5xx one says
 * only what the client may know; its cause goes to the log under the answer's correlation id
 * ({@link ServerErrors}).
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        this(status, code, message, field, null);
    }

    /** @param cause what went wrong inside, for the log only */
    public ApiException(int status, String code, String message, String field, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "bad_request", message, field);
    }

    public int status() {
        return status;
    }

    String code() {
        return code;
    }

    public ApiError body() {
        return new ApiError(code, getMessage(), field, null);
    }

    /**
     * The JSON body of every error answer.
     *
     * @param correlationId on a 5xx only: the id under which the gateway's log line holds the detail
     */
    public record ApiError(String error, String message, String field, String correlationId) {
    }
}
