package dev.satwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satwatch.config.SatwatchConfig;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import dev.satwatch.serde.DeadLetter;
import dev.satwatch.serde.EventCodec;
import dev.satwatch.serde.ParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Property-based fuzzing (jqwik, fixed seed 20261126 so that a run is repeatable; change it to explore more) of the event deserializer, its
 * validators and the topology's first step: no input escapes as an exception, every valid event survives a round
 * trip, and every record ends accepted, duplicate or dead-lettered with its reason and original bytes.
 */
class EventFuzzTest {

    private static final List<String> KEYS = List.of(
            "type",
            "run_id",
            "ts",
            "step",
            "d2_tokens",
            "loss",
            "split",
            "lr",
            "setting",
            "d1_tokens",
            "params",
            "target_d2_tokens",
            "tokens_per_step",
            "status",
            "base_model",
            "unknown_field");

    private static final List<String> VALUES = List.of(
            "\"loss\"",
            "\"run_started\"",
            "\"run_finished\"",
            "\"bogus\"",
            "\"r1\"",
            "\"r2\"",
            "\"\"",
            "\"   \"",
            "0",
            "1",
            "-1",
            "1e9",
            "-5e9",
            "3.5",
            "1e400",
            "\"NaN\"",
            "\"Infinity\"",
            "NaN",
            "null",
            "true",
            "[]",
            "{}",
            "{\"a\":1}",
            "\"2026-11-26T10:00:00Z\"",
            "\"yesterday\"",
            "\"val\"",
            "\"train\"",
            "\"x".repeat(3),
            "\"" + "r".repeat(300) + "\"",
            "\"\\u00e9\\u0000\"",
            "12345678901234567890123");

    @Property(tries = 2000, seed = "20261126")
    void parseNeverThrowsOnArbitraryBytes(@ForAll @Size(max = 400) byte[] bytes) {
        ParseResult result = EventCodec.parse(bytes);

        assertThat(result).isNotNull();
        if (result instanceof ParseResult.Invalid invalid) {
            assertThat(invalid.reason()).isNotBlank();
        }
    }

    @Property(tries = 3000, seed = "20261126")
    void parseIsTotalAndValidatesWhatItAccepts(@ForAll("jsonish") String json) {
        ParseResult result = EventCodec.parse(json.getBytes(StandardCharsets.UTF_8));

        if (result instanceof ParseResult.Invalid invalid) {
            assertThat(invalid.reason()).isNotBlank();
            return;
        }
        RunEvent event = ((ParseResult.Ok) result).event();
        assertThat(event.runId()).isNotBlank().hasSizeLessThanOrEqualTo(EventCodec.MAX_RUN_ID_CHARS);
        if (event instanceof LossPoint p) {
            // Tokens are finite and non-negative, or absent (NaN) with a step to derive them from.
            assertThat(Double.isNaN(p.d2Tokens()) ? p.step() >= 0 : p.d2Tokens() >= 0 && Double.isFinite(p.d2Tokens()))
                    .as(json)
                    .isTrue();
            assertThat(p.split()).isNotBlank();
        }
    }

    @Property(tries = 1000, seed = "20261126")
    void validEventsSurviveARoundTrip(@ForAll("validEvents") RunEvent event) {
        ParseResult back = EventCodec.parse(EventCodec.toJson(event));

        assertThat(back).isInstanceOf(ParseResult.Ok.class);
        assertThat(((ParseResult.Ok) back).event()).isEqualTo(event);
    }

    @Property(tries = 60, seed = "20261126")
    void everyRecordEndsAcceptedDuplicateOrDeadLetteredWithItsReason(
            @ForAll @Size(min = 1, max = 40) List<@net.jqwik.api.From("record") String> records) throws IOException {
        Path dir = Files.createTempDirectory("satwatch-fuzz-");
        try (TopologyHarness h = new TopologyHarness(SatwatchConfig.defaults(), dir)) {
            for (String json : records) {
                h.sendRaw("r1", json);
            }
            List<TestRecord<String, byte[]>> dead = h.takeDeadLetters();

            StreamCounters c = h.counters;
            assertThat(c.input()).isEqualTo(records.size());
            assertThat(c.count(StreamCounters.Result.ACCEPTED)
                            + c.count(StreamCounters.Result.DUPLICATE)
                            + c.count(StreamCounters.Result.DEAD_LETTERED))
                    .isEqualTo(records.size());
            assertThat(dead).hasSize((int) c.count(StreamCounters.Result.DEAD_LETTERED));
            List<String> sentBodies = records;
            for (TestRecord<String, byte[]> d : dead) {
                Header reason = d.headers().lastHeader(DeadLetter.REASON);
                assertThat(reason).isNotNull();
                assertThat(new String(reason.value(), StandardCharsets.UTF_8)).isNotBlank();
                // The original bytes, unchanged.
                assertThat(sentBodies).contains(new String(d.value(), StandardCharsets.UTF_8));
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> field = Combinators.combine(Arbitraries.of(KEYS), Arbitraries.of(VALUES))
                .as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = field.list().ofMaxSize(10).map(fs -> "{" + String.join(",", fs) + "}");
        // Now and then break the syntax: cut the text short or splice in garbage.
        return Combinators.combine(
                        object,
                        Arbitraries.integers().between(0, 9),
                        Arbitraries.strings().ofMaxLength(5))
                .as((o, mode, junk) -> switch (mode) {
                    case 0 -> o.substring(0, o.length() / 2);
                    case 1 -> o + junk;
                    case 2 -> junk + o;
                    default -> o;
                });
    }

    @Provide
    Arbitrary<String> record() {
        Arbitrary<String> valid = validEvents().map(EventCodec::toJsonString);
        return Arbitraries.oneOf(valid, valid, jsonish(), Arbitraries.strings().ofMaxLength(30));
    }

    @Provide
    Arbitrary<RunEvent> validEvents() {
        Arbitrary<String> runId = Arbitraries.of("r1", "run-ä", "cpt-code-1b");
        Arbitrary<Instant> ts = Arbitraries.longs()
                .between(1_600_000_000L, 1_900_000_000L)
                .map(Instant::ofEpochSecond)
                .injectNull(0.3);
        Arbitrary<Double> tokens = Arbitraries.doubles().between(0, 1e13);
        Arbitrary<RunMeta> meta = Combinators.combine(
                        Arbitraries.of("cpt", "grow").injectNull(0.3),
                        tokens.injectNull(0.3),
                        tokens.injectNull(0.3),
                        Arbitraries.longs().between(0, 1L << 24))
                .as((s, d1, target, tps) -> new RunMeta(
                        s, null, d1 == null ? Double.NaN : d1, Double.NaN, target == null ? Double.NaN : target, tps));
        Arbitrary<RunEvent> started = Combinators.combine(runId, ts, meta).as(RunStarted::new);
        Arbitrary<RunEvent> loss = Combinators.combine(
                        runId,
                        ts,
                        Arbitraries.longs().between(0, 10_000_000),
                        tokens,
                        Arbitraries.oneOf(Arbitraries.doubles().between(0.5, 12), Arbitraries.just(Double.NaN)),
                        Arbitraries.of("val", "train", "code"),
                        Arbitraries.doubles().between(0, 1e-2))
                .as((id, t, step, d2, l, split, lr) -> new LossPoint(id, t, step, d2, l, split, lr, RunMeta.EMPTY));
        Arbitrary<RunEvent> finished = Combinators.combine(runId, ts, Arbitraries.of("completed", "failed"))
                .as(RunFinished::new);
        return Arbitraries.oneOf(started, loss, loss, finished);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
