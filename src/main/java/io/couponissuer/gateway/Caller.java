package io.couponissuer.gateway;

import io.couponissuer.message.Ids;
import io.couponissuer.message.InvalidMessageException;

/** Who sent a request to the application routes, as far as the identity mode can tell. */
sealed interface Caller {
    /** The userId to apply under, given the body's (null when the body has none). */
    String applicant(String bodyUserId);

    /** Throws 403 unless this caller may read {@code userId}'s decision. */
    void requireMayRead(String userId);

    /** Trusted-upstream mode: the proxy in front vouches for the body's userId, so it is required and taken. */
    record VouchedByUpstream() implements Caller {
        @Override
        public String applicant(String bodyUserId) {
            try {
                return Ids.require("userId", bodyUserId);
            } catch (InvalidMessageException e) {
                throw ApiException.badRequest(e.field(), e.getMessage());
            }
        }

        @Override
        public void requireMayRead(String userId) {
        }
    }

    /** JWT mode: the verified token's user, and no one else. */
    record TokenUser(String userId) implements Caller {
        @Override
        public String applicant(String bodyUserId) {
            if (bodyUserId != null && !bodyUserId.equals(userId)) {
                throw new ApiException(403, "forbidden", "userId differs from the bearer token's user", "userId");
            }
            return userId;
        }

        @Override
        public void requireMayRead(String other) {
            if (!other.equals(userId)) {
                throw new ApiException(403, "forbidden", "a caller may read only its own decisions", "userId");
            }
        }
    }
}
