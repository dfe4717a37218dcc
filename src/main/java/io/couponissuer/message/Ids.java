package io.couponissuer.message;

/**
 * The one rule for every identifier (eventId, userId, requestId) that enters the system:
 * {@value #RULE}. Checked on every record the issuer decides, so it is a plain loop, not a regex
 * (a regex is a large share of the issuer's CPU in a profile).
 */
public final class Ids {
    public static final int MAX_LENGTH = 64;
    public static final String RULE = "must match [A-Za-z0-9._:-]{1,64}";

    private Ids() {
    }

    /** Returns the id, or throws {@link InvalidMessageException} naming the field. */
    public static String require(String field, String value) {
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
        if (!isValid(value)) {
            throw new InvalidMessageException(field, RULE);
        }
        return value;
    }

    public static boolean isValid(String value) {
        int length = value.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
