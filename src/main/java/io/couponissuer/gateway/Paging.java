package io.couponissuer.gateway;

import io.couponissuer.message.Ids;
import io.couponissuer.message.InvalidMessageException;
import io.javalin.http.Context;

/**
 * The paging query parameters of the admin lists: {@code limit} (1 to {@link #MAX_LIMIT}, default
 * {@link #DEFAULT_LIMIT}) and a cursor after which the page starts (the last item of the previous
 * page, which the answer names as {@code next}). A cursor, not an offset: a page stays right while
 * items are added before it. Anything else in them is a 400 with a JSON error.
 */
final class Paging {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private Paging() {
    }

    static int limit(Context ctx) {
        return (int) RequestBodies.wholeNumber(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    /** {@code after} as an id (an eventId); null for the first page. */
    static String afterId(Context ctx) {
        String raw = ctx.queryParam("after");
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Ids.require("after", raw);
        } catch (InvalidMessageException e) {
            throw ApiException.badRequest("after", e.getMessage());
        }
    }

    /** {@code after} as a coupon seq (the page starts after it); 0 for the first page. */
    static long afterSeq(Context ctx) {
        return RequestBodies.wholeNumber(ctx, "after", 0, 0, Long.MAX_VALUE);
    }
}
