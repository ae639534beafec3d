package dev.satwatch.serde;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.io.IOException;
import java.time.Instant;

/**
 * Writes one {@link RunEvent} as the JSON object {@link EventCodec#parse(byte[])} reads back: absent numbers (NaN) and
 * strings (null) are left out, a non-finite number is written as the string {@code "Infinity"}, {@code "-Infinity"}
 * or {@code "NaN"} (a non-finite loss). Stateless; thread-safe.
 */
final class EventWriter {

    private EventWriter() {}

    static void write(JsonGenerator g, RunEvent event) throws IOException {
        g.writeStartObject();
        if (event instanceof RunStarted s) {
            writeHead(g, EventCodec.RUN_STARTED, s.runId(), s.ts());
            writeMeta(g, s.meta());
            writeSchedule(g, s.schedule());
            if (s.branchOf() != null) {
                g.writeStringField("branch_of", s.branchOf());
            }
            writeIfPresent(g, "branch_at_d2_tokens", s.branchAtD2Tokens());
        } else if (event instanceof LossPoint l) {
            writeHead(g, EventCodec.LOSS, l.runId(), l.ts());
            if (l.step() >= 0) {
                g.writeNumberField("step", l.step());
            }
            writeIfPresent(g, "d2_tokens", l.d2Tokens());
            if (Double.isFinite(l.loss())) {
                g.writeNumberField("loss", l.loss());
            } else {
                g.writeStringField("loss", nonFiniteName(l.loss()));
            }
            g.writeStringField("split", l.split() != null ? l.split() : LossPoint.VAL);
            writeIfPresent(g, "lr", l.lr());
            writeMeta(g, l.meta());
        } else if (event instanceof RunFinished f) {
            writeHead(g, EventCodec.RUN_FINISHED, f.runId(), f.ts());
            if (f.status() != null) {
                g.writeStringField("status", f.status());
            }
        } else {
            throw new IllegalArgumentException("unknown event class " + event.getClass());
        }
        g.writeEndObject();
    }

    private static void writeHead(JsonGenerator g, String type, String runId, Instant ts) throws IOException {
        g.writeStringField("type", type);
        g.writeStringField("run_id", runId);
        if (ts != null) {
            g.writeStringField("ts", ts.toString());
        }
    }

    private static void writeMeta(JsonGenerator g, RunMeta meta) throws IOException {
        if (meta == null) {
            return;
        }
        if (meta.setting() != null) {
            g.writeStringField("setting", meta.setting());
        }
        if (meta.baseModel() != null) {
            g.writeStringField("base_model", meta.baseModel());
        }
        writeIfPresent(g, "d1_tokens", meta.d1Tokens());
        writeIfPresent(g, "params", meta.params());
        writeIfPresent(g, "target_d2_tokens", meta.targetD2Tokens());
        if (meta.tokensPerStep() != 0) {
            g.writeNumberField("tokens_per_step", meta.tokensPerStep());
        }
        writeIfPresent(g, "cost_per_billion_tokens", meta.costPerBillionTokens());
    }

    private static void writeSchedule(JsonGenerator g, PlannedSchedule schedule) throws IOException {
        if (schedule == null) {
            return;
        }
        g.writeObjectFieldStart("schedule");
        g.writeStringField("type", schedule.type());
        writeIfPresent(g, "warmup_tokens", schedule.warmupTokens());
        writeIfPresent(g, "cooldown_fraction", schedule.cooldownFraction());
        if (schedule.cooldownShape() != null) {
            g.writeStringField("cooldown_shape", schedule.cooldownShape());
        }
        writeIfPresent(g, "peak_lr", schedule.peakLr());
        writeIfPresent(g, "final_lr", schedule.finalLr());
        g.writeEndObject();
    }

    private static void writeIfPresent(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isNaN(value)) {
            return;
        }
        if (Double.isFinite(value)) {
            g.writeNumberField(name, value);
        } else {
            g.writeStringField(name, nonFiniteName(value));
        }
    }

    private static String nonFiniteName(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return v > 0 ? "Infinity" : "-Infinity";
    }
}
