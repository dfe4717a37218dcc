package io.couponissuer.ops.transactions;

import java.util.List;

/**
 * Where `lag` and the gateway's sampler learn of hanging transactions: a finder of their own, or,
 * when the issuer runs in the same process, its guard's latest look (one scan, one verdict for
 * /ops and readiness alike).
 */
public interface HangingTransactions extends AutoCloseable {
    /** The hanging transactions now (confirmed or not); throws when they cannot be looked up. */
    List<HangingTransaction> scan();

    @Override
    default void close() {
    }
}
