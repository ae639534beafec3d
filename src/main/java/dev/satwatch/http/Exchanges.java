package dev.satwatch.http;

import com.sun.net.httpserver.HttpExchange;
import dev.satwatch.serde.ApiJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Response and request helpers shared by the handlers. Stateless. */
final class Exchanges {

    static final String JSON = "application/json; charset=utf-8";

    private Exchanges() {}

    /** Thrown by {@link #readBody} when the body exceeds the cap. */
    static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(long max) {
            super("request body larger than " + max + " bytes");
        }
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        // -1: no body (HEAD must not carry one); otherwise the exact length, no chunking.
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    static void json(HttpExchange ex, int status, byte[] body) throws IOException {
        send(ex, status, JSON, body);
    }

    static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, ApiJson.error(message));
    }

    /** Answers 405 with the allowed methods; returns false when the method is not one of {@code allowed}. */
    static boolean method(HttpExchange ex, String... allowed) throws IOException {
        String m = ex.getRequestMethod();
        for (String a : allowed) {
            if (a.equals(m) || ("GET".equals(a) && "HEAD".equals(m))) {
                return true;
            }
        }
        ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
        error(ex, 405, "method " + m + " not allowed on " + ex.getRequestURI().getPath());
        return false;
    }

    /**
     * Checks the bearer token when one is configured; answers 401 and returns false when it is missing or wrong. The
     * comparison takes the same time wherever the first difference is.
     */
    static boolean authorized(HttpExchange ex, String token) throws IOException {
        if (token == null || token.isEmpty()) {
            return true;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(given, expected)) {
            return true;
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"satwatch\"");
        error(ex, 401, "missing or wrong bearer token");
        return false;
    }

    /**
     * Reads the request body, at most {@code max} bytes.
     *
     * @throws BodyTooLarge when the body (or its declared length) is longer
     */
    static byte[] readBody(HttpExchange ex, int max) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > max) {
                    throw new BodyTooLarge(max);
                }
            } catch (NumberFormatException e) {
                // A bad header: the length read below decides.
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = ex.getRequestBody()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > max) {
                    throw new BodyTooLarge(max);
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }
}
