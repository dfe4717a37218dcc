package io.couponissuer.ops.transactions;

import java.util.regex.Pattern;

/**
 * The transactional ids of this application's Kafka Streams producers. Under exactly_once_v2 each
 * stream thread's producer is {@code <application.id>-<process id>-<thread index>}, the process id
 * a UUID ({@code ActiveTaskCreator#producer} in kafka-streams 4.4.0). The whole shape is matched,
 * not the prefix alone: an application whose id merely starts with ours and a dash
 * ({@code coupon-issuer-replay}) is another application. A transaction is the guard's to repair only
 * when its id is one of these and it used transaction version 2; anything else, including an
 * unknown id or version, is another owner's.
 */
public record OwnTransactionalIds(String applicationId) {
    private static final Pattern STREAMS_SUFFIX =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9]+");
    static final int TRANSACTION_VERSION_2 = 2;

    public OwnTransactionalIds {
        if (applicationId == null || applicationId.isEmpty()) {
            throw new IllegalArgumentException("an application id is required");
        }
    }

    public boolean matches(String transactionalId) {
        String prefix = applicationId + "-";
        return transactionalId != null && transactionalId.startsWith(prefix)
                && STREAMS_SUFFIX.matcher(transactionalId.substring(prefix.length())).matches();
    }

    /** @param transactionVersion per {@code __transaction_state}, or {@link TransactionStateLog#VERSION_UNKNOWN} */
    public TransactionOwnership judge(String transactionalId, int transactionVersion) {
        TransactionOwnership.Finding kind = !matches(transactionalId) ? TransactionOwnership.Finding.FOREIGN
                : transactionVersion == TRANSACTION_VERSION_2 ? TransactionOwnership.Finding.OURS
                : TransactionOwnership.Finding.NOT_VERSION_2;
        return new TransactionOwnership(kind, transactionalId, transactionVersion, shape());
    }

    /** The shape of our ids, as an operator reads it. */
    public String shape() {
        return applicationId + "-<process uuid>-<thread index>";
    }
}
