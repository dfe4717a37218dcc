package io.couponissuer.message;

/**
 * An application of a spread event that its stage-1 partition passes on to the event's own partition
 * (keyed by eventId), where the one counter of the event decides it exactly as it decides an
 * application of an event that is not spread. Written by the issuer only.
 *
 * @param application the application as the gateway sent it (its requestId is the decision's)
 * @param counted     whether the stage-1 partition counted it against the claim window
 *                    ({@link WindowOpened}); for the figures, not for the decision
 */
public record Claim(ApplyRequest application, boolean counted) implements IssuerCommand {
    public Claim {
        if (application == null) {
            throw new InvalidMessageException("application", "is required");
        }
    }

    @Override
    public String eventId() {
        return application.eventId();
    }
}
