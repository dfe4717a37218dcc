package io.couponissuer.gateway;

import java.util.concurrent.CompletableFuture;

/**
 * Answers handed over by an issuer in this process as it decides them, before its transaction
 * commits (issuer.DecisionFeed; README: "Answers before the commit"). Only events whose partition
 * that issuer decides get answers here: a {@code ?waitMs} request waits for whichever comes first,
 * this or the committed ledger ({@link DecisionWaiter}).
 */
public interface EarlyAnswers {
    CompletableFuture<DecisionView> await(String requestId);

    void forget(String requestId);
}
