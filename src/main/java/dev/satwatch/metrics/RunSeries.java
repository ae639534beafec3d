package dev.satwatch.metrics;

import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A run's exported state in {@link SatwatchMetrics}: the latest fit (read by gauges without the lock), the per-run
 * gauges of that fit ({@link #GAUGES}, names are {@link SatwatchMetrics}' constants) and the open-alert gauges.
 */
final class RunSeries {

    /** The gauges of one run's latest fit, in registration order. */
    static final List<RunGauge> GAUGES = List.of(
            new RunGauge(
                    SatwatchMetrics.RUN_LOSS,
                    "Latest loss of the run's fitted split, as of its latest refit",
                    null,
                    FitUpdate::lastLoss),
            new RunGauge(
                    SatwatchMetrics.RUN_ALPHA,
                    "Fitted exponent alpha of L = E + B*D2^(-alpha)",
                    null,
                    FitUpdate::alpha),
            new RunGauge(
                    SatwatchMetrics.RUN_ALPHA_CI_LOW,
                    "Lower 95% bound of the fitted alpha",
                    null,
                    FitUpdate::alphaCiLow),
            new RunGauge(
                    SatwatchMetrics.RUN_ALPHA_CI_HIGH,
                    "Upper 95% bound of the fitted alpha",
                    null,
                    FitUpdate::alphaCiHigh),
            new RunGauge(
                    SatwatchMetrics.RUN_ALPHA_LOGLOG,
                    "E-free log-log slope of the run's curve",
                    null,
                    FitUpdate::alphaLogLog),
            new RunGauge(
                    SatwatchMetrics.RUN_ALPHA_LOCAL,
                    "Local log-log slope at the newest bins of the curve",
                    null,
                    FitUpdate::alphaLocal),
            new RunGauge(
                    SatwatchMetrics.RUN_ALPHA_PREDICTED,
                    "Exponent the setting's reuse law predicts for the run's D1 (NaN without a law)",
                    null,
                    FitUpdate::alphaPredicted),
            new RunGauge(
                    SatwatchMetrics.RUN_GAIN_PER_BILLION_TOKENS,
                    "Loss removed per extra billion training tokens at the current D2",
                    null,
                    FitUpdate::gainPerBillionTokens),
            new RunGauge(
                    SatwatchMetrics.RUN_PROJECTED_LOSS,
                    "The run's fitted loss at its target D2 (NaN without a target)",
                    null,
                    FitUpdate::projectedLossAtTarget),
            new RunGauge(
                    SatwatchMetrics.RUN_LOSS_GIVEN_UP,
                    "Relative loss given up by stopping now and cooling down instead of training to the target",
                    null,
                    FitUpdate::lossGivenUp),
            new RunGauge(
                    SatwatchMetrics.RUN_LOSS_GIVEN_UP_UPPER,
                    "Upper 95% bound of the relative loss given up by stopping now",
                    null,
                    FitUpdate::lossGivenUpUpper),
            new RunGauge(
                    SatwatchMetrics.RUN_D2,
                    "Largest D2 (tokens trained on top of the base) seen",
                    "tokens",
                    FitUpdate::d2Tokens));

    /** One per-run gauge: name, description, base unit (null when none), and the value it reads off a fit. */
    record RunGauge(String name, String description, String baseUnit, ToDoubleFunction<FitUpdate> value) {}

    final String runId;
    volatile FitUpdate latest;
    /** Guarded by the metrics lock, as are the fields below. */
    String fitSetting;

    final List<Meter> fitMeters = new ArrayList<>();
    final Map<AlertType, Meter> openAlerts = new EnumMap<>(AlertType.class);

    RunSeries(String runId) {
        this.runId = runId;
    }

    double value(ToDoubleFunction<FitUpdate> f) {
        FitUpdate u = latest;
        return u == null ? Double.NaN : f.applyAsDouble(u);
    }

    /** Registers the fit gauges of this run under {@link #fitSetting}. */
    void registerFitGauges(MeterRegistry registry) {
        Tags tags = Tags.of(SatwatchMetrics.TAG_RUN, runId, SatwatchMetrics.TAG_SETTING, fitSetting);
        for (RunGauge g : GAUGES) {
            fitMeters.add(Gauge.builder(g.name(), this, series -> series.value(g.value()))
                    .description(g.description())
                    .baseUnit(g.baseUnit())
                    .tags(tags)
                    .register(registry));
        }
    }

    /** Registers the gauge of an open alert of {@code type} (1 while open). */
    void registerOpenAlert(MeterRegistry registry, AlertType type, String setting) {
        openAlerts.put(
                type,
                Gauge.builder(SatwatchMetrics.RUN_ALERTS_OPEN, this, series -> 1.0)
                        .description("1 while an alert of this type is open for the run; absent otherwise")
                        .tags(
                                SatwatchMetrics.TAG_RUN,
                                runId,
                                SatwatchMetrics.TAG_SETTING,
                                setting,
                                SatwatchMetrics.TAG_TYPE,
                                type.name())
                        .register(registry));
    }

    /** Removes every meter of this run from {@code registry}. */
    void removeFrom(MeterRegistry registry) {
        removeAll(registry, fitMeters);
        removeAll(registry, openAlerts.values());
    }

    /** Removes the meters from the registry and empties the collection. */
    static void removeAll(MeterRegistry registry, Collection<Meter> meters) {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
