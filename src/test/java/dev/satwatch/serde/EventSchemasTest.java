package dev.satwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published JSON Schemas (schemas/events/*.json, draft 2020-12, validated with networknt's json-schema-validator)
 * and the app's own validation ({@link EventCodec#parse(String)}) agree: every sample below is valid for both or for
 * neither. A sample is tested against the schema of the type under test; for EventCodec it is valid when it decodes
 * to an event of that type. Each sample also states the intended verdict, so a change to either side that makes them
 * agree on a wrong answer still fails.
 *
 * <p>Known differences, left out of the samples and stated in the schemas: Python's bare NaN/Infinity tokens (not
 * JSON), the 65536-byte record limit, calendar validity of {@code ts} (the schema checks its shape), numbers beyond
 * the double range.
 */
class EventSchemasTest {

    private static final Path DIR = Path.of("schemas", "events");
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Class<? extends RunEvent>> TYPES = Map.of(
            EventCodec.RUN_STARTED, RunStarted.class,
            EventCodec.LOSS, LossPoint.class,
            EventCodec.RUN_FINISHED, RunFinished.class);

    static Stream<Arguments> samples() {
        String long256 = "r".repeat(256);
        return Stream.of(
                // run_started
                valid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\"}"),
                valid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":\"2026-11-26T10:00:00Z\",\"setting\":\"cpt\","
                                + "\"base_model\":\"b\",\"d1_tokens\":1e12,\"params\":1.2e9,\"target_d2_tokens\":3e11,"
                                + "\"tokens_per_step\":1048576}"),
                valid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":1764151200.5}"),
                valid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":\"2026-11-26 10:00:00\"}"),
                valid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":\"2026-11-26T10:00:00+01:00\"}"),
                valid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"setting\":null,\"d1_tokens\":null}"),
                // Unknown fields are ignored by the app, so the schema allows them (e.g. fields added later).
                valid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"plan\":{\"kind\":\"wsd\"}}"),
                // The planned schedule and cooldown branches (issue 13).
                valid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":{\"type\":\"wsd\",\"warmup_tokens\":1e8,"
                                + "\"cooldown_fraction\":0.2,\"cooldown_shape\":\"1-sqrt\",\"peak_lr\":3e-4,\"final_lr\":0},"
                                + "\"branch_of\":\"p\",\"branch_at_d2_tokens\":2e9}"),
                valid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":null,\"branch_at_d2_tokens\":null}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":{\"kind\":\"wsd\"}}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":{\"type\":\"step\"}}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":\"wsd\"}"),
                invalid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":{\"type\":\"wsd\",\"cooldown_fraction\":1.5}}"),
                invalid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"schedule\":{\"type\":\"wsd\",\"cooldown_shape\":\"cubic\"}}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"branch_at_d2_tokens\":2e9}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"branch_of\":\"  \"}"),
                valid("run_started", "{\"type\":\"run_started\",\"run_id\":\"" + long256 + "\"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"" + long256 + "r\"}"),
                invalid("run_started", "{\"type\":\"run_started\"}"),
                invalid("run_started", "{\"run_id\":\"r1\"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"   \"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":null}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":7}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"d1_tokens\":-1}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"d1_tokens\":\"NaN\"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"params\":\"1e9\"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"tokens_per_step\":2.5}"),
                valid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"cost_per_billion_tokens\":12.5}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"cost_per_billion_tokens\":-1}"),
                invalid(
                        "run_started",
                        "{\"type\":\"run_started\",\"run_id\":\"r1\",\"cost_per_billion_tokens\":\"9\"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"setting\":3}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":\"yesterday\"}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":1e12}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"ts\":true}"),
                // Every known field is checked whatever the type.
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"step\":-3}"),
                invalid("run_started", "{\"type\":\"run_started\",\"run_id\":\"r1\",\"loss\":null}"),
                invalid("run_started", "{\"type\":\"loss\",\"run_id\":\"r1\",\"loss\":2.1,\"step\":1}"),
                // loss
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.31}"),
                valid(
                        "loss",
                        "{\"type\":\"loss\",\"run_id\":\"r1\",\"step\":1200,\"loss\":2.31,\"tokens_per_step\":4096}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"step\":1200.0,\"loss\":2.31}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"step\":5,\"d2_tokens\":null,\"loss\":2.31}"),
                valid(
                        "loss",
                        "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.31,\"split\":\"train\","
                                + "\"lr\":3e-4,\"setting\":\"cpt\",\"d1_tokens\":1e12}"),
                // A divergence is not bad input: non-finite spellings of the loss are accepted.
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":\"NaN\"}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":\"-inf\"}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":\"Infinity\"}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.3,\"lr\":\"nan\"}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.3,\"split\":null}"),
                valid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":-0.5}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":null}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"loss\":2.31}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":null,\"step\":null,\"loss\":2.3}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":\"2.31\"}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":\"high\"}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":-1,\"loss\":2.3}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":\"Infinity\",\"loss\":2.3}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"step\":1.5,\"loss\":2.3}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.3,\"split\":\" \"}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.3,\"split\":1}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.3,\"lr\":\"fast\"}"),
                invalid("loss", "{\"type\":\"loss\",\"run_id\":\"r1\",\"d2_tokens\":[1],\"loss\":2.3}"),
                invalid("loss", "{\"type\":\"losses\",\"run_id\":\"r1\",\"d2_tokens\":1e9,\"loss\":2.3}"),
                // run_finished
                valid("run_finished", "{\"type\":\"run_finished\",\"run_id\":\"r1\"}"),
                valid("run_finished", "{\"type\":\"run_finished\",\"run_id\":\"r1\",\"status\":\"completed\"}"),
                valid("run_finished", "{\"type\":\"run_finished\",\"run_id\":\"r1\",\"status\":null,\"note\":[1,2]}"),
                invalid("run_finished", "{\"type\":\"run_finished\",\"run_id\":\"r1\",\"status\":false}"),
                invalid("run_finished", "{\"type\":\"run_finished\",\"run_id\":\"\"}"),
                invalid("run_finished", "{\"type\":\"run_finished\",\"status\":\"completed\"}"),
                invalid("run_finished", "{\"type\":\"run_finished\",\"run_id\":\"r1\",\"target_d2_tokens\":-5}"),
                invalid("run_finished", "[{\"type\":\"run_finished\",\"run_id\":\"r1\"}]"),
                invalid("run_finished", "\"run_finished\""));
    }

    @ParameterizedTest(name = "{0}: {1} -> valid={2}")
    @MethodSource("samples")
    void shouldAcceptExactlyWhatTheAppAccepts(String type, String json, boolean expected) throws IOException {
        List<Error> schemaErrors = schema(type).validate(json, InputFormat.JSON);
        ParseResult parsed = EventCodec.parse(json);
        boolean appAccepts =
                parsed instanceof ParseResult.Ok ok && TYPES.get(type).isInstance(ok.event());

        assertThat(appAccepts).as("EventCodec on %s: %s", json, parsed).isEqualTo(expected);
        assertThat(schemaErrors.isEmpty())
                .as("schemas/events/%s.json on %s: %s", type, json, schemaErrors)
                .isEqualTo(expected);
    }

    @Test
    void shouldPublishOneSchemaPerEventTypeTheAppDecodes() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(files)
                .isEqualTo(
                        TYPES.keySet().stream().map(t -> t + ".json").collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void shouldDescribeEveryEncodedEventAsValid() throws IOException {
        // What the app writes (the Python client and `satwatch replay` produce the same fields) passes its schema.
        RunStarted started = new RunStarted(
                "r1", Instant.parse("2026-11-26T10:00:00Z"), new RunMeta("cpt", "base", 1e12, 1.2e9, 3e11, 4096));
        LossPoint point = new LossPoint("r1", null, 12, 4.9e7, Double.NaN, "val", 3e-4, started.meta());
        RunFinished finished = new RunFinished("r1", null, "completed");
        for (RunEvent e : List.of(started, point, finished)) {
            String json = EventCodec.toJsonString(e);
            String type = EventCodec.parse(json) instanceof ParseResult.Ok ok ? typeOf(ok.event()) : "?";
            assertThat(schema(type).validate(json, InputFormat.JSON)).as(json).isEmpty();
        }
    }

    private static String typeOf(RunEvent e) {
        return TYPES.entrySet().stream()
                .filter(t -> t.getValue().isInstance(e))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    /** Edits that make a published schema wrong: the sample agreement above must catch every one of them. */
    static Stream<Arguments> brokenSchemas() {
        return Stream.of(
                Arguments.of("run_started", "dropping d1_tokens' minimum", "\"minimum\": 0", "\"minimum\": -1e300"),
                Arguments.of("loss", "forgetting the loss is required", "\"run_id\",\n    \"loss\"", "\"run_id\""),
                Arguments.of("run_started", "allowing any schedule type", "\"wsd\",", "\"wsd\", \"step\","),
                Arguments.of(
                        "run_finished",
                        "forgetting run_id is required",
                        "\"type\",\n    \"run_id\"\n  ]",
                        "\"type\"\n  ]"));
    }

    @ParameterizedTest(name = "a schema broken by {1} disagrees with the app on some sample")
    @MethodSource("brokenSchemas")
    void shouldFailTheCheckWhenASchemaIsBroken(String type, String what, String from, String to) throws IOException {
        String published = Files.readString(DIR.resolve(type + ".json"), StandardCharsets.UTF_8);
        String broken = published.replace(from, to);
        assertThat(broken)
                .as("the edit (%s) applies to schemas/events/%s.json", what, type)
                .isNotEqualTo(published);
        Schema schema = REGISTRY.getSchema(broken);

        long disagreements = samples()
                .map(Arguments::get)
                .filter(a -> a[0].equals(type))
                .filter(a -> schema.validate((String) a[1], InputFormat.JSON).isEmpty() != (boolean) a[2])
                .count();

        assertThat(disagreements)
                .as("samples on which the broken schema disagrees with the app")
                .isPositive();
    }

    private static Schema schema(String type) throws IOException {
        return REGISTRY.getSchema(Files.readString(DIR.resolve(type + ".json"), StandardCharsets.UTF_8));
    }

    private static Arguments valid(String type, String json) {
        return Arguments.of(type, json, true);
    }

    private static Arguments invalid(String type, String json) {
        return Arguments.of(type, json, false);
    }
}
