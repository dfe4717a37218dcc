package io.couponissuer.query;

import io.couponissuer.message.Decision;

import java.util.function.Consumer;

/**
 * The decisions an issuer instance makes on applications a gateway waits for, pushed to that gateway
 * as they are made, before their commit (docs/architecture.md#answers-before-the-commit): one stream per
 * gateway and issuer instance, instead of one request per waiting client.
 */
public interface AnswerFeed {
    /**
     * Hands {@code sink} every decision this instance makes from now on for an application marked with
     * this gateway's id (header coupon.awaited), on a thread of the feed's, until the returned handle is
     * closed. A later subscription of the same gateway replaces this one.
     */
    AutoCloseable subscribe(String gatewayId, Consumer<Decision> sink);
}
