package dev.satwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    private static final String RUN = "cpt-code-1b-d1-300b";

    private static RunEvent ok(String json) {
        ParseResult r = EventCodec.parse(json);
        assertThat(r).as(json).isInstanceOf(ParseResult.Ok.class);
        return ((ParseResult.Ok) r).event();
    }

    private static ParseResult.Invalid invalid(String json) {
        ParseResult r = EventCodec.parse(json);
        assertThat(r).as(json).isInstanceOf(ParseResult.Invalid.class);
        return (ParseResult.Invalid) r;
    }

    @Test
    void shouldDecodeTheDesignExampleRunStarted() {
        RunEvent e = ok("{\"type\":\"run_started\",\"run_id\":\"cpt-code-1b-d1-300b\",\"ts\":\"2026-11-26T10:00:00Z\","
                + "\"setting\":\"cpt-code\",\"base_model\":\"llama-1b-300b\",\"d1_tokens\":3.0e11,\"params\":1.1e9,"
                + "\"target_d2_tokens\":5.0e10,\"tokens_per_step\":4194304}");

        assertThat(e)
                .isEqualTo(new RunStarted(
                        RUN,
                        Instant.parse("2026-11-26T10:00:00Z"),
                        new RunMeta("cpt-code", "llama-1b-300b", 3.0e11, 1.1e9, 5.0e10, 4194304L)));
    }

    @Test
    void shouldDecodeTheDesignExampleLossWithEmptyMeta() {
        RunEvent e = ok("{\"type\":\"loss\",\"run_id\":\"cpt-code-1b-d1-300b\",\"ts\":\"2026-11-26T10:05:00Z\","
                + "\"step\":1200,\"d2_tokens\":5.03e9,\"loss\":2.314,\"split\":\"val\",\"lr\":3.0e-4}");

        assertThat(e)
                .isEqualTo(new LossPoint(
                        RUN, Instant.parse("2026-11-26T10:05:00Z"), 1200, 5.03e9, 2.314, "val", 3.0e-4, RunMeta.EMPTY));
    }

    @Test
    void shouldDecodeRunFinishedWithAndWithoutStatus() {
        assertThat(ok("{\"type\":\"run_finished\",\"run_id\":\"r\",\"status\":\"completed\"}"))
                .isEqualTo(new RunFinished("r", null, "completed"));
        assertThat(ok("{\"type\":\"run_finished\",\"run_id\":\"r\"}")).isEqualTo(new RunFinished("r", null, null));
    }

    @Test
    void shouldDefaultSplitToValAndStepToMinusOneAndLrToNaN() {
        LossPoint p = (LossPoint) ok("{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1e9,\"loss\":2.5}");

        assertThat(p.split()).isEqualTo("val");
        assertThat(p.step()).isEqualTo(-1);
        assertThat(p.lr()).isNaN();
        assertThat(p.ts()).isNull();
        assertThat(p.meta()).isSameAs(RunMeta.EMPTY);
    }

    @Test
    void shouldKeepD2AsNaNWhenOnlyStepIsGiven() {
        LossPoint p = (LossPoint) ok("{\"type\":\"loss\",\"run_id\":\"r\",\"step\":300,\"loss\":2.5}");

        assertThat(p.d2Tokens()).isNaN();
        assertThat(p.step()).isEqualTo(300);
    }

    @Test
    void shouldPutInlineMetadataOfALossEventIntoMeta() {
        LossPoint p = (LossPoint) ok("{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1e9,\"loss\":2.5,"
                + "\"setting\":\"cpt-math\",\"d1_tokens\":2e12,\"params\":4e8,\"target_d2_tokens\":1e11,"
                + "\"tokens_per_step\":1048576,\"base_model\":\"b\"}");

        assertThat(p.meta()).isEqualTo(new RunMeta("cpt-math", "b", 2e12, 4e8, 1e11, 1048576L));
    }

    @Test
    void shouldReadAndWriteTheRunsCostRate() {
        RunStarted s = (RunStarted) ok("{\"type\":\"run_started\",\"run_id\":\"r\",\"cost_per_billion_tokens\":12.5}");

        assertThat(s.meta().costPerBillionTokens()).isEqualTo(12.5);
        assertThat(EventCodec.toJsonString(s)).contains("\"cost_per_billion_tokens\":12.5");
        assertThat(EventCodec.parse("{\"type\":\"run_started\",\"run_id\":\"r\",\"cost_per_billion_tokens\":-1}"))
                .isEqualTo(new ParseResult.Invalid(
                        "cost_per_billion_tokens is negative (-1.0)", "cost_per_billion_tokens"));
    }

    @Test
    void shouldAcceptAnIntegralFloatStepAndIgnoreUnknownNestedFields() {
        LossPoint p = (LossPoint) ok("{\"extra\":{\"a\":[1,{\"b\":null}]},\"type\":\"loss\",\"run_id\":\"r\","
                + "\"step\":1200.0,\"loss\":2,\"tags\":[\"x\"]}");

        assertThat(p.step()).isEqualTo(1200);
        assertThat(p.loss()).isEqualTo(2.0);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "NaN",
                "\"NaN\"",
                "\"nan\"",
                "Infinity",
                "-Infinity",
                "\"inf\"",
                "\"-inf\"",
                "\"Infinity\"",
                "\"+INF\"",
                "\"-infinity\""
            })
    void shouldPassANonFiniteLossThroughAsADivergence(String loss) {
        LossPoint p = (LossPoint) ok("{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1e9,\"loss\":" + loss + "}");

        assertThat(Double.isFinite(p.loss())).isFalse();
        if (loss.toLowerCase().contains("nan")) {
            assertThat(p.loss()).isNaN();
        } else {
            assertThat(p.loss()).isEqualTo(loss.contains("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
    }

    @Test
    void shouldDecodeAPlannedScheduleAndABranchAsTheReuseCurvesFilesSpellThem() {
        // Spelled as in shared/data/reuse-curves/cpu-cpt/satwatch-events-with-branches.jsonl (to_events.py there).
        RunStarted parent = (RunStarted) ok("{\"type\": \"run_started\", \"run_id\": \"scratch-B\","
                + " \"ts\": \"2026-12-04T10:05:17Z\", \"setting\": \"cpt-headers-cpu\", \"params\": 135808,"
                + " \"target_d2_tokens\": 3440640, \"tokens_per_step\": 1024, \"schedule\": {\"type\": \"wsd\","
                + " \"warmup_tokens\": 33792, \"cooldown_fraction\": 0.1, \"cooldown_shape\": \"linear\","
                + " \"peak_lr\": 0.0015, \"final_lr\": 0.0}}");
        RunStarted branch = (RunStarted)
                ok(
                        "{\"type\": \"run_started\", \"run_id\": \"scratch-B-cool@0.2\","
                                + " \"setting\": \"cpt-headers-cpu\", \"params\": 135808, \"branch_of\": \"scratch-B\","
                                + " \"branch_at_d2_tokens\": 688128, \"schedule\": {\"type\": \"linear\", \"warmup_tokens\": 0,"
                                + " \"peak_lr\": 0.0015, \"final_lr\": 0.0}, \"target_d2_tokens\": 1032192, \"tokens_per_step\": 1024}");

        assertThat(parent.schedule()).isEqualTo(new PlannedSchedule("wsd", 33792, 0.1, "linear", 0.0015, 0.0));
        assertThat(parent.isBranch()).isFalse();
        assertThat(parent.branchAtD2Tokens()).isNaN();
        assertThat(branch.schedule()).isEqualTo(new PlannedSchedule("linear", 0, Double.NaN, null, 0.0015, 0.0));
        assertThat(branch.branchOf()).isEqualTo("scratch-B");
        assertThat(branch.branchAtD2Tokens()).isEqualTo(688128.0);
        assertThat(branch.meta().targetD2Tokens()).isEqualTo(1032192.0);
    }

    @Test
    void shouldDecodeABranchWithoutScheduleAsTheSchaippFileSpellsIt() {
        // Spelled as in shared/data/real-curves/schaipp-cooldowns/satwatch-events.jsonl (to_events.py there).
        RunStarted branch = (RunStarted) ok("{\"type\": \"run_started\", \"run_id\": "
                + "\"ann124-0.1-linear_lr0.0001_T25000\", \"ts\": \"2026-12-04T10:00:00Z\", \"setting\": "
                + "\"stable-124m_lr0.0001\", \"branch_of\": \"stable-124m_lr0.0001\", \"branch_at_d2_tokens\": "
                + "2304000000.0, \"target_d2_tokens\": 2560000000.0}");

        assertThat(branch.schedule()).isNull();
        assertThat(branch.branchOf()).isEqualTo("stable-124m_lr0.0001");
        assertThat(branch.branchAtD2Tokens()).isEqualTo(2.304e9);
    }

    @Test
    void shouldKeepAnOlderRunStartedValidAndDropBranchFieldsOnOtherTypes() {
        RunStarted old = (RunStarted) ok("{\"type\":\"run_started\",\"run_id\":\"r\",\"setting\":\"s\"}");
        LossPoint p = (LossPoint) ok("{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,"
                + "\"branch_of\":\"q\",\"schedule\":{\"type\":\"constant\"}}");

        assertThat(old)
                .isEqualTo(new RunStarted("r", null, new RunMeta("s", null, Double.NaN, Double.NaN, Double.NaN, 0)));
        assertThat(old.schedule()).isNull();
        assertThat(p.loss()).isEqualTo(2.0);
    }

    @Test
    void shouldReadEveryRunStartedOfTheSharedBranchFiles() throws java.io.IOException {
        // The real files this schema was made for; skipped where the shared data is not mounted.
        java.nio.file.Path root = java.nio.file.Path.of("..", "shared", "data");
        java.nio.file.Path[] files = {
            root.resolve("reuse-curves/cpu-cpt/satwatch-events-with-branches.jsonl"),
            root.resolve("reuse-curves/cpu-growth/satwatch-events-with-branches.jsonl"),
            root.resolve("real-curves/schaipp-cooldowns/satwatch-events.jsonl")
        };
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(files[0]));
        int branches = 0;
        for (java.nio.file.Path file : files) {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                if (line.contains("\"run_started\"")) {
                    RunStarted s = (RunStarted) ok(line);
                    branches += s.isBranch() ? 1 : 0;
                    if (s.isBranch()) {
                        assertThat(s.branchAtD2Tokens()).as(line).isPositive();
                    }
                }
            }
        }
        // 18 branches in each reuse-curves folder (6 runs × 3 branch points), 92 in schaipp-cooldowns.
        assertThat(branches).isEqualTo(18 + 18 + 92);
    }

    static Stream<Arguments> invalidRecords() {
        return Stream.of(
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":\"wsd\"}",
                        "schedule",
                        "schedule must be an object, not a string"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"peak_lr\":1e-3}}",
                        "schedule.type",
                        "missing schedule.type"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"type\":\"step\"}}",
                        "schedule.type",
                        "schedule.type 'step' is not one of wsd, cosine, linear, constant"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"type\":\"wsd\","
                                + "\"cooldown_shape\":\"sqrt\"}}",
                        "schedule.cooldown_shape",
                        "schedule.cooldown_shape 'sqrt' is not linear or 1-sqrt"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"type\":\"wsd\","
                                + "\"cooldown_fraction\":1.5}}",
                        "schedule.cooldown_fraction",
                        "schedule.cooldown_fraction is above 1"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"type\":\"wsd\","
                                + "\"peak_lr\":-3e-4}}",
                        "schedule.peak_lr",
                        "schedule.peak_lr is negative"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"type\":\"cosine\","
                                + "\"final_lr\":\"low\"}}",
                        "schedule.final_lr",
                        "schedule.final_lr is not a number ('low')"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"schedule\":{\"type\":\"wsd\","
                                + "\"warmup_tokens\":Infinity}}",
                        "schedule.warmup_tokens",
                        "schedule.warmup_tokens is not finite"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"branch_of\":7}",
                        "branch_of",
                        "branch_of must be a string"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"branch_of\":\" \"}",
                        "branch_of",
                        "branch_of is blank"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"branch_of\":\"p\","
                                + "\"branch_at_d2_tokens\":-1}",
                        "branch_at_d2_tokens",
                        "branch_at_d2_tokens is negative"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"branch_at_d2_tokens\":5e8}",
                        "branch_at_d2_tokens",
                        "branch_at_d2_tokens without branch_of"),
                Arguments.of("{\"type\":\"loss\",", null, "bad JSON"),
                Arguments.of("[1,2]", null, "not a JSON object"),
                Arguments.of("\"loss\"", null, "not a JSON object"),
                Arguments.of("", null, "empty record"),
                Arguments.of("{\"type\":\"run_finished\",\"run_id\":\"r\"} {}", null, "trailing content"),
                Arguments.of("{\"run_id\":\"r\",\"loss\":2}", "type", "missing type"),
                Arguments.of("{\"type\":\"lossy\",\"run_id\":\"r\"}", "type", "unknown type 'lossy'"),
                Arguments.of("{\"type\":7,\"run_id\":\"r\"}", "type", "type must be a string"),
                Arguments.of("{\"type\":\"loss\",\"d2_tokens\":1,\"loss\":2}", "run_id", "missing run_id"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":null,\"d2_tokens\":1,\"loss\":2}", "run_id", "missing run_id"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"  \",\"d2_tokens\":1,\"loss\":2}",
                        "run_id",
                        "run_id is blank"),
                Arguments.of(
                        "{\"type\":\"run_finished\",\"run_id\":\"" + "x".repeat(257) + "\"}",
                        "run_id",
                        "run_id longer than 256 characters"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":-5,\"loss\":2}",
                        "d2_tokens",
                        "d2_tokens is negative"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":NaN,\"loss\":2}",
                        "d2_tokens",
                        "d2_tokens is not finite"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":\"inf\",\"loss\":2}",
                        "d2_tokens",
                        "d2_tokens is not finite"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":\"1e9\",\"loss\":2}",
                        "d2_tokens",
                        "d2_tokens is not a number ('1e9')"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"d1_tokens\":-1}",
                        "d1_tokens",
                        "d1_tokens is negative"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"d1_tokens\":Infinity}",
                        "d1_tokens",
                        "d1_tokens is not finite"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"target_d2_tokens\":-2e9}",
                        "target_d2_tokens",
                        "target_d2_tokens is negative"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"params\":-Infinity}",
                        "params",
                        "params is not finite"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"tokens_per_step\":-4}",
                        "tokens_per_step",
                        "tokens_per_step is negative"),
                Arguments.of(
                        "{\"type\":\"run_started\",\"run_id\":\"r\",\"tokens_per_step\":1.5}",
                        "tokens_per_step",
                        "tokens_per_step is not an integer"),
                Arguments.of("{\"type\":\"loss\",\"run_id\":\"r\",\"step\":-1,\"loss\":2}", "step", "step is negative"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"step\":99999999999999999999,\"loss\":2}",
                        "step",
                        "step is too large"),
                Arguments.of("{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1}", "loss", "missing loss"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":\"abc\"}",
                        "loss",
                        "loss is not a number ('abc')"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":true}",
                        "loss",
                        "loss is not a number (a boolean)"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":null}", "loss", "loss is null"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"loss\":2}", "d2_tokens", "neither d2_tokens nor step"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"split\":\"\"}",
                        "split",
                        "split is blank"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"split\":3}",
                        "split",
                        "split must be a string"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"lr\":\"fast\"}",
                        "lr",
                        "lr is not a number"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"ts\":\"yesterday\"}",
                        "ts",
                        "ts is not an ISO-8601 timestamp ('yesterday')"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"ts\":\"2026-04-31T10:00:00Z\"}",
                        "ts",
                        "ts is not an ISO-8601"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"ts\":1e300}",
                        "ts",
                        "ts is not a plausible epoch time"),
                Arguments.of(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":1,\"loss\":2,\"ts\":[]}",
                        "ts",
                        "ts must be an ISO-8601 string"));
    }

    @ParameterizedTest
    @MethodSource("invalidRecords")
    void shouldRejectEachInvalidRecordWithItsReasonAndField(String json, String field, String reason) {
        ParseResult.Invalid bad = invalid(json);

        assertThat(bad.field()).isEqualTo(field);
        assertThat(bad.reason()).contains(reason);
        // Same verdict from the byte path the Kafka deserializer uses.
        assertThat(EventCodec.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(bad);
    }

    @Test
    void shouldRejectNullInput() {
        assertThat(EventCodec.parse((byte[]) null)).isEqualTo(new ParseResult.Invalid("record is null", null));
        assertThat(EventCodec.parse((String) null)).isEqualTo(new ParseResult.Invalid("record is null", null));
    }

    @Test
    void shouldRejectARecordOneByteOverTheLimitAndAcceptOneAtTheLimit() {
        String head = "{\"type\":\"run_finished\",\"run_id\":\"r\",\"pad\":\"";
        String tail = "\"}";
        String atLimit = head + "x".repeat(EventCodec.MAX_RECORD_BYTES - head.length() - tail.length()) + tail;
        String over = head + "x".repeat(EventCodec.MAX_RECORD_BYTES - head.length() - tail.length() + 1) + tail;

        assertThat(EventCodec.parse(atLimit.getBytes(StandardCharsets.UTF_8)).isOk())
                .isTrue();
        assertThat(EventCodec.parse(over.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ParseResult.Invalid("record exceeds 65536 bytes", null));
        assertThat(EventCodec.parse(over)).isEqualTo(new ParseResult.Invalid("record exceeds 65536 bytes", null));
    }

    @Test
    void shouldMeasureOversizeStringsInUtf8BytesNotChars() {
        // 30,000 three-byte characters: 30k chars but 90k bytes.
        String json = "{\"type\":\"run_finished\",\"run_id\":\"r\",\"pad\":\"" + "€".repeat(30_000) + "\"}";

        assertThat(EventCodec.parse(json)).isEqualTo(new ParseResult.Invalid("record exceeds 65536 bytes", null));
    }

    @Test
    void shouldAcceptTimestampsWithOffsetLocalTimeAndEpochSeconds() {
        String base = "{\"type\":\"run_finished\",\"run_id\":\"r\",\"ts\":";
        Instant expected = Instant.parse("2026-11-26T10:00:00.250Z");

        assertThat(ok(base + "\"2026-11-26T10:00:00.25Z\"}").ts()).isEqualTo(expected);
        assertThat(ok(base + "\"2026-11-26T11:00:00.25+01:00\"}").ts()).isEqualTo(expected);
        assertThat(ok(base + "\"2026-11-26T10:00:00.250\"}").ts()).isEqualTo(expected);
        assertThat(ok(base + "\"2026-11-26 10:00:00.250000\"}").ts()).isEqualTo(expected);
        assertThat(ok(base + (expected.getEpochSecond() + 0.25) + "}").ts()).isEqualTo(expected);
        assertThat(ok(base + "null}").ts()).isNull();
    }

    @Test
    void shouldParseUtcTimestampsOnTheFastPathExactlyAsInstantParse() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.ofEpochSecond(
                    rnd.nextLong(0, 8_000_000_000L), rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1_000_000_000));
            String s = t.toString();
            assertThat(Timestamps.fastUtcInstant(s)).as(s).isEqualTo(Instant.parse(s));
        }
    }

    @Test
    void shouldRoundTripEveryEventTypeThroughJson() {
        // Seeded random events, including absent fields and non-finite losses; 2,000 of each shape.
        SplittableRandom rnd = new SplittableRandom(20261126);
        for (int i = 0; i < 2_000; i++) {
            for (RunEvent e : new RunEvent[] {randomStarted(rnd), randomLoss(rnd), randomFinished(rnd)}) {
                byte[] json = EventCodec.toJson(e);
                ParseResult back = EventCodec.parse(json);
                assertThat(back).as(new String(json, StandardCharsets.UTF_8)).isEqualTo(new ParseResult.Ok(e));
                assertThat(EventCodec.parse(EventCodec.toJsonString(e))).isEqualTo(back);
            }
        }
    }

    @Test
    void shouldWriteDesignFieldNamesAndOmitAbsentFields() {
        LossPoint p = new LossPoint("r", null, -1, 5.0e9, Double.NaN, "val", Double.NaN, RunMeta.EMPTY);

        assertThat(EventCodec.toJsonString(p))
                .isEqualTo(
                        "{\"type\":\"loss\",\"run_id\":\"r\",\"d2_tokens\":5.0E9,\"loss\":\"NaN\",\"split\":\"val\"}");
        assertThat(EventCodec.toJsonString(new RunStarted(
                        "r",
                        Instant.parse("2026-11-26T10:00:00Z"),
                        new RunMeta("s", null, 3e11, Double.NaN, Double.NaN, 0))))
                .isEqualTo("{\"type\":\"run_started\",\"run_id\":\"r\",\"ts\":\"2026-11-26T10:00:00Z\","
                        + "\"setting\":\"s\",\"d1_tokens\":3.0E11}");
    }

    @Test
    void shouldNeverThrowOnTenThousandRandomByteArrays() {
        SplittableRandom rnd = new SplittableRandom(7);
        int invalid = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = new byte[rnd.nextInt(0, 200)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) rnd.nextInt(256);
            }
            ParseResult r = assertDoesNotThrow(bytes);
            invalid += r.isOk() ? 0 : 1;
        }
        assertThat(invalid).isEqualTo(10_000);
    }

    @Test
    void shouldNeverThrowOnTenThousandMutatedValidRecords() {
        // Mutations of a valid record reach deep into the parser, unlike pure noise.
        byte[] valid = ("{\"type\":\"loss\",\"run_id\":\"r\",\"ts\":\"2026-11-26T10:00:00Z\",\"step\":12,"
                        + "\"d2_tokens\":5.03e9,\"loss\":2.314,\"split\":\"val\",\"lr\":3.0e-4,\"d1_tokens\":3e11}")
                .getBytes(StandardCharsets.UTF_8);
        String alphabet = "{}[]\":,-+.eE0123456789aeflnrstuINa \\\u00ff";
        SplittableRandom rnd = new SplittableRandom(11);
        int ok = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = valid.clone();
            int edits = rnd.nextInt(1, 4);
            for (int k = 0; k < edits; k++) {
                bytes[rnd.nextInt(bytes.length)] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
            }
            ok += assertDoesNotThrow(bytes).isOk() ? 1 : 0;
        }
        // Some mutations stay valid (a digit for a digit), most do not; both paths were exercised.
        assertThat(ok).isBetween(1, 9_999);
    }

    @Test
    void shouldRejectDeeplyNestedInputWithoutThrowing() {
        String deep = "{\"type\":\"loss\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";

        assertThat(EventCodec.parse(deep).isOk()).isFalse();
    }

    private static ParseResult assertDoesNotThrow(byte[] bytes) {
        ParseResult[] out = new ParseResult[1];
        assertThatCode(() -> out[0] = EventCodec.parse(bytes)).doesNotThrowAnyException();
        assertThat(out[0]).isNotNull();
        return out[0];
    }

    private static RunStarted randomStarted(SplittableRandom rnd) {
        if (rnd.nextBoolean()) {
            return new RunStarted(id(rnd), ts(rnd), meta(rnd));
        }
        PlannedSchedule schedule = rnd.nextBoolean()
                ? null
                : new PlannedSchedule(
                        new String[] {"wsd", "cosine", "linear", "constant"}[rnd.nextInt(4)],
                        rnd.nextBoolean() ? rnd.nextDouble(0, 1e10) : Double.NaN,
                        rnd.nextBoolean() ? rnd.nextDouble(0, 1) : Double.NaN,
                        rnd.nextBoolean() ? (rnd.nextBoolean() ? "linear" : "1-sqrt") : null,
                        rnd.nextBoolean() ? rnd.nextDouble(0, 1e-2) : Double.NaN,
                        rnd.nextBoolean() ? rnd.nextDouble(0, 1e-3) : Double.NaN);
        boolean branch = rnd.nextBoolean();
        return new RunStarted(
                id(rnd),
                ts(rnd),
                meta(rnd),
                schedule,
                branch ? id(rnd) : null,
                branch && rnd.nextBoolean() ? rnd.nextDouble(0, 1e12) : Double.NaN);
    }

    private static LossPoint randomLoss(SplittableRandom rnd) {
        long step = rnd.nextBoolean() ? rnd.nextLong(0, 1_000_000) : -1;
        double d2 = step < 0 || rnd.nextBoolean() ? rnd.nextDouble(0, 1e12) : Double.NaN;
        double loss =
                switch (rnd.nextInt(10)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.POSITIVE_INFINITY;
                    case 2 -> Double.NEGATIVE_INFINITY;
                    default -> rnd.nextDouble(0.5, 12);
                };
        String split = new String[] {"val", "train", "code-eval"}[rnd.nextInt(3)];
        double lr = rnd.nextBoolean() ? rnd.nextDouble(0, 1e-3) : Double.NaN;
        return new LossPoint(
                id(rnd), ts(rnd), step, d2, loss, split, lr, rnd.nextBoolean() ? RunMeta.EMPTY : meta(rnd));
    }

    private static RunFinished randomFinished(SplittableRandom rnd) {
        return new RunFinished(id(rnd), ts(rnd), rnd.nextBoolean() ? "completed" : null);
    }

    private static String id(SplittableRandom rnd) {
        return "run-\"quoted\"-ü-" + rnd.nextInt(1000);
    }

    private static Instant ts(SplittableRandom rnd) {
        return rnd.nextBoolean()
                ? null
                : Instant.ofEpochSecond(rnd.nextLong(0, 4_000_000_000L), rnd.nextInt(1_000_000_000));
    }

    private static RunMeta meta(SplittableRandom rnd) {
        return new RunMeta(
                rnd.nextBoolean() ? "cpt-code" : null,
                rnd.nextBoolean() ? "llama-1b" : null,
                rnd.nextBoolean() ? rnd.nextDouble(1e9, 1e13) : Double.NaN,
                rnd.nextBoolean() ? rnd.nextDouble(1e7, 1e11) : Double.NaN,
                rnd.nextBoolean() ? rnd.nextDouble(1e9, 1e12) : Double.NaN,
                rnd.nextBoolean() ? rnd.nextLong(1, 1L << 24) : 0L);
    }
}
