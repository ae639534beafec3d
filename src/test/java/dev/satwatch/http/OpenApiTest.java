package dev.satwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.satwatch.track.RunState;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * schemas/openapi.yaml against the real {@link SatwatchHttpServer} (with a fixed run source, as
 * SatwatchHttpServerTest): every documented operation answers its documented success status and content type when
 * called with the document's own examples; a templated run path answers its documented 404 for an unknown run; with a
 * token, every operation that does not opt out of security answers its documented 401; and every route the server
 * has is documented: each context it registers is covered, and near-miss paths answer 404.
 */
class OpenApiTest {

    private static final Path SPEC = Path.of("schemas", "openapi.yaml");
    private static final Path SERVER_SOURCE = Path.of("src/main/java/dev/satwatch/http/SatwatchHttpServer.java");
    private static final Pattern CONTEXT = Pattern.compile("createContext\\(\\s*\"([^\"]+)\"");
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    private final List<SatwatchHttpServer> servers = new ArrayList<>();
    private JsonNode spec;

    @BeforeEach
    void readSpec() throws IOException {
        spec = new YAMLMapper().readTree(SPEC.toFile());
    }

    @AfterEach
    void stop() {
        servers.forEach(SatwatchHttpServer::close);
    }

    @Test
    void shouldAnswerEveryDocumentedOperationWithItsDocumentedStatusAndContentType() throws Exception {
        String base = start("");
        List<String> checked = new ArrayList<>();
        for (Operation op : operations()) {
            JsonNode responses = op.node().path("responses");
            String success = firstSuccess(responses);
            HttpResponse<String> r = call(base, op, examplePath(op));
            assertThat(r.statusCode())
                    .as("%s %s: %s", op.method(), op.path(), r.body())
                    .isEqualTo(Integer.parseInt(success));
            assertThat(mediaType(r))
                    .as("%s %s content type", op.method(), op.path())
                    .isIn(documentedTypes(responses.path(success)));
            checked.add(op.method() + " " + op.path());
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(13);
    }

    @Test
    void shouldAnswerTheDocumented404ForAnUnknownRun() throws Exception {
        String base = start("");
        for (Operation op : operations()) {
            if (!op.path().contains("{run_id}")) {
                continue;
            }
            JsonNode documented = op.node().path("responses").path("404");
            assertThat(documented.isMissingNode())
                    .as("%s documents 404", op.path())
                    .isFalse();
            HttpResponse<String> r = call(base, op, op.path().replace("{run_id}", "no-such-run"));
            assertThat(r.statusCode()).as(op.path()).isEqualTo(404);
            assertThat(mediaType(r)).isIn(documentedTypes(resolve(documented)));
        }
    }

    @Test
    void shouldAnswerTheDocumented401WithoutTheTokenWhereSecurityApplies() throws Exception {
        String base = start("s3cret");
        for (Operation op : operations()) {
            boolean open =
                    op.node().has("security") && op.node().path("security").isEmpty();
            HttpResponse<String> r = call(base, op, examplePath(op));
            if (open) {
                assertThat(r.statusCode())
                        .as("%s %s is open", op.method(), op.path())
                        .isNotEqualTo(401);
            } else {
                assertThat(op.node().path("responses").has("401"))
                        .as("%s %s documents 401", op.method(), op.path())
                        .isTrue();
                assertThat(r.statusCode()).as("%s %s", op.method(), op.path()).isEqualTo(401);
            }
        }
    }

    @Test
    void shouldDocumentEveryRouteTheServerHas() throws Exception {
        Set<String> documented = new TreeSet<>();
        spec.path("paths").fieldNames().forEachRemaining(documented::add);
        Matcher m = CONTEXT.matcher(Files.readString(SERVER_SOURCE, StandardCharsets.UTF_8));
        Set<String> contexts = new TreeSet<>();
        while (m.find()) {
            contexts.add(m.group(1));
        }
        assertThat(contexts).as("contexts registered in %s", SERVER_SOURCE).hasSizeGreaterThanOrEqualTo(5);
        for (String context : contexts) {
            assertThat(documented)
                    .as("a documented path under the context %s", context)
                    .anySatisfy(p -> assertThat(p).startsWith(context));
        }
        // Inside the contexts, ApiHandler and StaticHandler route by path: anything undocumented is 404.
        String base = start("");
        for (String path : List.of(
                "/api",
                "/api/",
                "/api/local",
                "/api/runs/flat-run/curve",
                "/api/local/runs/flat-run/decision/x",
                "/api/laws",
                "/api/events/x",
                "/index.htm",
                "/healthz",
                "/metrics/x",
                "/static/")) {
            HttpResponse<String> r = HttpCalls.get(base + path);
            assertThat(r.statusCode()).as("GET %s is not a route", path).isEqualTo(404);
        }
    }

    private String start(String token) throws IOException {
        RunState flat = RunFixtures.flatRun("flat-run");
        SatwatchHttpServer s = SatwatchHttpServer.builder("127.0.0.1", 0)
                .runs(new FakeRunSource().with(flat))
                .events(lines -> {})
                .metrics(() -> "# HELP satwatch_fits_total x\nsatwatch_fits_total 3.0\n")
                .counters((ok, bad) -> {})
                .token(token)
                .start();
        servers.add(s);
        return "http://127.0.0.1:" + s.port();
    }

    private record Operation(String path, String method, JsonNode node) {}

    private List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        spec.path("paths").properties().forEach(p -> p.getValue()
                .properties()
                .forEach(m -> out.add(new Operation(p.getKey(), m.getKey().toUpperCase(Locale.ROOT), m.getValue()))));
        return out;
    }

    /** The path with each parameter replaced by its documented example. */
    private String examplePath(Operation op) {
        Matcher m = PARAM.matcher(op.path());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String example = null;
            for (JsonNode param : op.node().path("parameters")) {
                JsonNode p = resolve(param);
                if (p.path("name").asText().equals(m.group(1))) {
                    example = p.path("example").asText(null);
                }
            }
            assertThat(example).as("example of %s in %s", m.group(1), op.path()).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(example));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static HttpResponse<String> call(String base, Operation op, String path) throws Exception {
        if (op.method().equals("GET")) {
            return HttpCalls.get(base + path);
        }
        JsonNode content = op.node().path("requestBody").path("content");
        String body = content.properties()
                .iterator()
                .next()
                .getValue()
                .path("example")
                .asText();
        return HttpCalls.send(op.method(), base + path, body);
    }

    private static String firstSuccess(JsonNode responses) {
        List<String> codes = new ArrayList<>();
        responses.fieldNames().forEachRemaining(codes::add);
        return codes.stream()
                .filter(c -> c.startsWith("2"))
                .sorted()
                .findFirst()
                .orElseThrow();
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? spec.at(ref.substring(1)) : node;
    }

    private Set<String> documentedTypes(JsonNode response) {
        Set<String> types = new TreeSet<>();
        resolve(response).path("content").fieldNames().forEachRemaining(types::add);
        return types;
    }

    /** The media type of the response without parameters (charset, version). */
    private static String mediaType(HttpResponse<String> r) {
        return r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    }
}
