package io.couponissuer.gateway;

/** An HTTP error with a JSON body: {@code {"error": code, "message": ..., "field": ...}}. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
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

    public ApiError body() {
        return new ApiError(code, getMessage(), field);
    }

    /** The JSON body of every error answer. */
    public record ApiError(String error, String message, String field) {
    }
}
