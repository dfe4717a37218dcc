package io.couponissuer.gateway;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Every 5xx answer of the API: a stable code, a message meant for the client and a correlation id, and
 * nothing of the inside (no issuer URL, exception text or stack: a stranger learns nothing of the
 * system from a failure). The log line carries the same id with the detail. A 503 carries Retry-After:
 * each is a "try again shortly".
 */
final class ServerErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);

    private ServerErrors() {
    }

    static void answer(Context ctx, int status, String code, String message, Throwable detail) {
        String correlationId = UUID.randomUUID().toString();
        if (status == 500) {
            LOG.error("{} {} {} answered {} {} [correlationId={}]", ctx.method(), ctx.path(), code, status, message,
                    correlationId, detail);
        } else {
            LOG.warn("{} {} answered {} {} [correlationId={}]: {}", ctx.method(), ctx.path(), status, code, correlationId,
                    describe(detail));
        }
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(status).json(new ApiException.ApiError(code, message, null, correlationId));
    }

    /** The causes' messages in one line: enough to tell an unreachable issuer from a timed-out broker. */
    private static String describe(Throwable detail) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = detail; t != null && text.length() < 2_000; t = t.getCause()) {
            text.append(text.length() == 0 ? "" : "; caused by ").append(t);
        }
        return text.length() == 0 ? "(no detail)" : text.toString();
    }
}
