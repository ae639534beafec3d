package dev.satwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the dashboard from the classpath: {@code /} is {@code dashboard/index.html}, {@code /static/x} is
 * {@code dashboard/x}, {@code /webjars/x} is {@code META-INF/resources/webjars/x} (uPlot's webjar). Paths with
 * {@code ..}, backslashes or empty segments are 404, so nothing outside those folders is reachable. Thread-safe.
 */
final class StaticHandler implements HttpHandler {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    private final ClassLoader loader = StaticHandler.class.getClassLoader();

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String resource = resourceFor(path);
        if (resource == null) {
            Exchanges.error(ex, 404, "no such page: " + path);
            return;
        }
        if (!Exchanges.method(ex, "GET")) {
            return;
        }
        byte[] body;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                Exchanges.error(ex, 404, "no such page: " + path);
                return;
            }
            body = in.readAllBytes();
        }
        Exchanges.send(ex, 200, contentType(resource), body);
    }

    /** The classpath resource of a request path, null when the path is not a servable one. */
    static String resourceFor(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return "dashboard/index.html";
        }
        String rest;
        String folder;
        if (path.startsWith("/static/")) {
            rest = path.substring("/static/".length());
            folder = "dashboard/";
        } else if (path.startsWith("/webjars/")) {
            rest = path.substring("/webjars/".length());
            folder = "META-INF/resources/webjars/";
        } else {
            return null;
        }
        if (rest.isEmpty() || rest.contains("\\") || rest.endsWith("/")) {
            return null;
        }
        for (String segment : rest.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return folder + rest;
    }

    static String contentType(String resource) {
        int dot = resource.lastIndexOf('.');
        String ext = dot < 0 ? "" : resource.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
