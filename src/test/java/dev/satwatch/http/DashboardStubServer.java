package dev.satwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A throwaway JDK HTTP server that serves the dashboard the way the real server does ({@code /} =
 * classpath {@code dashboard/index.html}, {@code /static/*} from classpath {@code dashboard/}, {@code /webjars/*}
 * from the uPlot webjar) but answers {@code /api/*} with canned JSON, so the page can be tested on shapes the real
 * app rarely produces: an empty fleet, nulls everywhere, a failing API.
 *
 * <p>Bound to 127.0.0.1 on a free port. Thread-safe: answers may be replaced while the server runs.
 */
final class DashboardStubServer implements AutoCloseable {

    private record Answer(int status, String json) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> missing = new CopyOnWriteArrayList<>();
    private volatile boolean layoutProbe;

    /**
     * A test-only script the page gets when {@link #withLayoutProbe()} is on: once the page is ready and drawn, it
     * writes to {@code <body data-probe>} how many fleet rows lie inside the table's visible box (rows hidden in an
     * inner scroll box are not reachable by scrolling the page) and the page's and the table box's scroll widths
     * against their visible widths (sideways scrolling).
     */
    static final String LAYOUT_PROBE = String.join(
            "\n",
            "(function () {",
            "  function measure() {",
            "    if (document.body.getAttribute('data-ready') !== '1') { setTimeout(measure, 100); return; }",
            "    setTimeout(function () {",
            "      var root = document.documentElement;",
            "      var wrap = document.querySelector('.table-wrap');",
            "      var box = wrap.getBoundingClientRect();",
            "      var rows = document.querySelectorAll('#fleet tbody tr[data-run]');",
            "      var inside = 0;",
            "      rows.forEach(function (r) {",
            "        var b = r.getBoundingClientRect();",
            "        if (b.top >= box.top - 1 && b.bottom <= box.bottom + 1 && b.height > 0) { inside += 1; }",
            "      });",
            "      document.body.setAttribute('data-probe', 'rows=' + inside + '/' + rows.length",
            "        + ';page-x=' + root.scrollWidth + '/' + root.clientWidth",
            "        + ';table-x=' + wrap.scrollWidth + '/' + wrap.clientWidth);",
            "    }, 300);",
            "  }",
            "  measure();",
            "})();");

    private DashboardStubServer(HttpServer server) {
        this.server = server;
    }

    static DashboardStubServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        DashboardStubServer stub = new DashboardStubServer(http);
        http.createContext("/", stub::handle);
        http.start();
        return stub;
    }

    /** Adds {@link #LAYOUT_PROBE} to the page. */
    DashboardStubServer withLayoutProbe() {
        layoutProbe = true;
        return this;
    }

    /** Answers GET {@code path} (exact, e.g. {@code /api/runs/r1}) with {@code status} and the JSON body. */
    DashboardStubServer answer(String path, int status, String json) {
        answers.put(path, new Answer(status, json));
        return this;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Paths requested that neither a resource nor a canned answer matched (answered 404). */
    List<String> missing() {
        return List.copyOf(missing);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Answer answer = answers.get(path);
            if (answer != null) {
                send(
                        exchange,
                        answer.status(),
                        "application/json",
                        answer.json().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/probe.js") && layoutProbe) {
                send(exchange, 200, contentType(path), LAYOUT_PROBE.getBytes(StandardCharsets.UTF_8));
                return;
            }
            String resource = resourceFor(path);
            byte[] body = resource == null ? null : read(resource);
            if (body != null && path.equals("/") && layoutProbe) {
                body = new String(body, StandardCharsets.UTF_8)
                        .replace("</head>", "<script src=\"/probe.js\" defer></script>\n</head>")
                        .getBytes(StandardCharsets.UTF_8);
            }
            if (body == null) {
                missing.add(path);
                send(exchange, 404, "application/json", "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, contentType(path), body);
        }
    }

    private static String resourceFor(String path) {
        if (path.equals("/")) {
            return "dashboard/index.html";
        }
        if (path.startsWith("/static/") && !path.contains("..")) {
            return "dashboard/" + path.substring("/static/".length());
        }
        if (path.startsWith("/webjars/") && !path.contains("..")) {
            return "META-INF/resources" + path;
        }
        return null;
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = DashboardStubServer.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static String contentType(String path) {
        if (path.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (path.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/html; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
