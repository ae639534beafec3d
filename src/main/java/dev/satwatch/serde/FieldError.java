package dev.satwatch.serde;

/** A field-level rejection; carries no stack trace because it is control flow, not a bug. */
final class FieldError extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;
    final String field;

    FieldError(String reason, String field) {
        super(reason, null, false, false);
        this.reason = reason;
        this.field = field;
    }
}
