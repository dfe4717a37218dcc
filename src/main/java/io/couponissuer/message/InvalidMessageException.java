package io.couponissuer.message;

/** A message that breaks the contract; names the field so HTTP and the failed topic can say what is wrong. */
public class InvalidMessageException extends IllegalArgumentException {
    private final String field;

    public InvalidMessageException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
