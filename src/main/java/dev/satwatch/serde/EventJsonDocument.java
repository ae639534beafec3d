package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads whole JSON documents for the file readers in {@code dev.satwatch.io}, which may not import
 * Jackson themselves. Used for Hugging Face {@code trainer_state.json}, whose {@code log_history} is a
 * top-level array of flat objects.
 *
 * <p>Values come back as plain Java objects: {@link String}, {@link Boolean}, {@link Number}
 * ({@code Integer}, {@code Long}, {@code Double}, {@code BigInteger} or {@code BigDecimal}),
 * {@link List}, {@link Map}, or null. The bare tokens {@code NaN}, {@code Infinity} and
 * {@code -Infinity} (which Python's {@code json.dump} writes for a diverged loss) are accepted and
 * read as {@code Double}. Thread-safe.
 */
public final class EventJsonDocument {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final TypeReference<LinkedHashMap<String, Object>> MAP_TYPE = new TypeReference<>() {};

    private EventJsonDocument() {}

    /**
     * One element of a JSON array with the 1-based line where it starts.
     *
     * @param line the line of the element's first character
     * @param values the element's fields in document order; null when the element is not an object
     */
    public record LocatedObject(long line, Map<String, Object> values) {}

    /**
     * The elements of the array held by the top-level field {@code field} of a JSON object document,
     * each with its starting line. Reading stops at the end of that array, so content after it (or a
     * document truncated after it, as when a trainer is still writing) does not matter.
     *
     * @param utf8 the document
     * @param field the top-level field holding the array, e.g. {@code log_history}
     * @return the elements, in order
     * @throws IOException with a message giving line and column when the JSON is malformed, the
     *     document is not an object, or the field is missing or not an array
     */
    public static List<LocatedObject> objectsOfArray(byte[] utf8, String field) throws IOException {
        try (JsonParser p = MAPPER.createParser(utf8)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the document is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals(name)) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw new IOException("field '" + field + "' is not an array (line " + line(p) + ")");
                }
                return readArray(p);
            }
            if (t == null) {
                throw new IOException("the document ends before the end of its top-level object");
            }
            throw new IOException("no top-level field '" + field + "'");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new IOException("bad JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    private static List<LocatedObject> readArray(JsonParser p) throws IOException {
        List<LocatedObject> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IOException("the document ends inside the array (line " + line(p) + ")");
            }
            long line = line(p);
            if (t == JsonToken.START_OBJECT) {
                Map<String, Object> values = MAPPER.readValue(p, MAP_TYPE);
                out.add(new LocatedObject(line, values));
            } else {
                p.skipChildren();
                out.add(new LocatedObject(line, null));
            }
        }
        return out;
    }

    private static long line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }
}
