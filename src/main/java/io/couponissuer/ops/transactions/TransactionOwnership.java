package io.couponissuer.ops.transactions;

/**
 * Whether a hanging transaction is this application's to repair, and if not, why.
 *
 * @param transactionalId    the transactional id that wrote it (null when neither the transaction log nor the
 *                           coordinator names one)
 * @param transactionVersion its client transaction version per {@code __transaction_state}
 *                           ({@link TransactionStateLog#VERSION_UNKNOWN} when the log does not say)
 * @param ownIds             how this application's transactional ids look, for the operator
 */
public record TransactionOwnership(Finding kind, String transactionalId, int transactionVersion, String ownIds) {

    public enum Finding {
        /** One of this application's Kafka Streams producers, under transaction version 2: repairable. */
        OURS,
        /** Another application's producer (another group's offsets, an integrator's producer), or no id known. */
        FOREIGN,
        /** This application's id, but the transaction is not known to use transaction version 2. */
        NOT_VERSION_2
    }

    public boolean ours() {
        return kind == Finding.OURS;
    }

    /** Why the guard leaves it alone; empty for {@link Finding#OURS}. */
    public String reason() {
        return switch (kind) {
            case OURS -> "";
            case FOREIGN -> transactionalId == null
                    ? "no transactional id is known for this producer, so it is not provably this application's"
                    + " (its ids are " + ownIds + ")"
                    : "transactional id " + transactionalId + " is not this application's (its ids are " + ownIds + ")";
            case NOT_VERSION_2 -> "transactional id " + transactionalId + " is this application's, but "
                    + (transactionVersion == TransactionStateLog.VERSION_UNKNOWN
                    ? "the transaction log does not record its transaction version"
                    : "its transaction used transaction version " + transactionVersion)
                    + "; only under version 2 does each transaction get its own epoch, so that a marker at this"
                    + " epoch cannot end a later transaction of the same producer";
        };
    }
}
