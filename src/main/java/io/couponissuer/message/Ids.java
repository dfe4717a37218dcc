package io.couponissuer.message;

import java.util.regex.Pattern;

/** The one rule for every identifier (eventId, userId, requestId) that enters the system. */
public final class Ids {
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    public static final String RULE = "must match [A-Za-z0-9._:-]{1,64}";

    private Ids() {
    }

    /** Returns the id, or throws {@link InvalidMessageException} naming the field. */
    public static String require(String field, String value) {
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
        if (!PATTERN.matcher(value).matches()) {
            throw new InvalidMessageException(field, RULE);
        }
        return value;
    }
}
