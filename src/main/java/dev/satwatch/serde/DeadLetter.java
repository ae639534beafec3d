package dev.satwatch.serde;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Why a record went to {@code satwatch.dead-letter}, in the style of Kafka Connect's dead-letter queue: the
 * dead-letter record's value is the ORIGINAL value bytes, unchanged, and the metadata travels in headers
 * ({@link #REASON}, {@link #FIELD}, {@link #TOPIC}, {@link #PARTITION}, {@link #OFFSET}), each a UTF-8 string;
 * partition and offset are decimal. The field header is left out when no single field is at fault, and the
 * source headers when the source is unknown.
 *
 * <p>This class is Kafka-free (headers are a map of name to bytes); the stream package turns them into record
 * headers. Immutable and thread-safe.
 *
 * @param reason why the record was rejected, naming the field (see {@link ParseResult.Invalid#reason()})
 * @param field the JSON field at fault, or null
 * @param topic the source topic, or null when unknown
 * @param partition the source partition, or −1 when unknown
 * @param offset the source offset, or −1 when unknown
 */
public record DeadLetter(String reason, String field, String topic, int partition, long offset) {

    /** Header: the reason. */
    public static final String REASON = "satwatch.dlq.reason";

    /** Header: the field at fault. */
    public static final String FIELD = "satwatch.dlq.field";

    /** Header: the source topic. */
    public static final String TOPIC = "satwatch.dlq.topic";

    /** Header: the source partition. */
    public static final String PARTITION = "satwatch.dlq.partition";

    /** Header: the source offset. */
    public static final String OFFSET = "satwatch.dlq.offset";

    /** Checks that the reason is present. */
    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
    }

    /** The dead letter of a rejected parse at a source position. */
    public static DeadLetter of(ParseResult.Invalid invalid, String topic, int partition, long offset) {
        return new DeadLetter(invalid.reason(), invalid.field(), topic, partition, offset);
    }

    /** The headers to attach, in a stable order; absent parts are left out. */
    public Map<String, byte[]> headers() {
        Map<String, byte[]> h = new LinkedHashMap<>();
        h.put(REASON, utf8(reason));
        if (field != null) {
            h.put(FIELD, utf8(field));
        }
        if (topic != null) {
            h.put(TOPIC, utf8(topic));
        }
        if (partition >= 0) {
            h.put(PARTITION, utf8(Integer.toString(partition)));
        }
        if (offset >= 0) {
            h.put(OFFSET, utf8(Long.toString(offset)));
        }
        return h;
    }

    /**
     * Reads the dead letter back from headers (last value per name).
     *
     * @throws IllegalArgumentException when the reason is missing or a number is malformed
     */
    public static DeadLetter fromHeaders(Map<String, byte[]> headers) {
        String reason = text(headers, REASON);
        if (reason == null) {
            throw new IllegalArgumentException("header " + REASON + " is missing");
        }
        String partition = text(headers, PARTITION);
        String offset = text(headers, OFFSET);
        try {
            return new DeadLetter(
                    reason,
                    text(headers, FIELD),
                    text(headers, TOPIC),
                    partition == null ? -1 : Integer.parseInt(partition),
                    offset == null ? -1L : Long.parseLong(offset));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed dead-letter partition/offset header: " + e.getMessage(), e);
        }
    }

    private static String text(Map<String, byte[]> headers, String name) {
        byte[] v = headers.get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
