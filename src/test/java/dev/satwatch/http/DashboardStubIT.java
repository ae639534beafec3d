package dev.satwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in headless Chromium against canned JSON shaped by the issue-4 contract: the shapes the real
 * app rarely produces (an empty fleet, a run with nothing fitted yet, a failing API). {@link DashboardIT} covers
 * the page against the real app.
 */
class DashboardStubIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldListEveryRunAndDrawTheFirstRunsBinsAndCurves() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            ObjectNode fitted = detail("stub-a", 20, 15, 15);
            api.answer("/api/runs", 200, runs(summary("stub-a", 0.31), summary("stub-b", Double.NaN)))
                    .answer("/api/runs/stub-a", 200, fitted.toString())
                    .answer("/api/runs/stub-b", 200, detail("stub-b", 0, 0, 0).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[" + alert("stub-a") + "]}");

            DashboardBrowser.Visit visit = DashboardBrowser.find(dir).dumpDom(api.uri());
            DashboardPage page = visit.page();

            assertThat(visit.exitCode()).isZero();
            assertThat(visit.consoleProblems()).isEmpty();
            assertThat(api.missing()).isEmpty();
            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.ready()).isTrue();
            assertThat(page.runIds()).containsExactly("stub-a", "stub-b");
            // 20 bins + 15 fitted + 15 predicted points, all on positive axes: every one is drawn.
            assertThat(page.chartPoints()).isEqualTo(50);
            // "schedule": null: no planned-schedule curve, no cool-down point, no sentence.
            assertThat(page.chartAttribute("data-schedule-points")).isEqualTo("0");
            assertThat(page.chartAttribute("data-cooldown-bar")).isNull();
            assertThat(page.html())
                    .doesNotContain("planned schedule (annealing law)")
                    .contains("<p class=\"chart-schedule\" id=\"chart-schedule\" hidden=\"\"></p>");
            assertThat(page.bannerShown()).isFalse();
            assertThat(page.html()).contains("DIMINISHING_RETURNS").contains("gain per billion tokens fell");
        }
    }

    @Test
    void shouldShowNullsAsDashesAndAnEmptyChartForARunWithoutPoints() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            api.answer("/api/runs", 200, runs(summary("bare", Double.NaN)))
                    .answer("/api/runs/bare", 200, detail("bare", 0, 0, 0).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.ready()).isTrue();
            assertThat(page.runIds()).containsExactly("bare");
            assertThat(page.chartPoints()).isZero();
            assertThat(page.html())
                    .contains("No points yet for this run.")
                    .doesNotContain("NaN")
                    .doesNotContain("null");
        }
    }

    @Test
    void shouldShowTheEarlyStopDecisionOfEveryRunInTheFleetTable() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            ObjectNode stop = summary("flat", 0.05);
            stop.put("loss_given_up", 0.003);
            stop.put("loss_given_up_upper", 0.006);
            stop.put("tokens_saved", 2.9e10);
            stop.putArray("open_alerts").add("DIMINISHING_RETURNS");
            ObjectNode go = summary("steep", 0.3);
            go.put("loss_given_up_upper", 0.041);
            go.putArray("open_alerts");
            api.answer("/api/runs", 200, runs(stop, go))
                    .answer("/api/runs/flat", 200, detail("flat", 10, 10, 0).toString())
                    .answer("/api/runs/steep", 200, detail("steep", 10, 10, 0).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.html())
                    .contains("stop: ≤ 0.6 % to gain, saves 29B tokens")
                    .contains("continue: ≤ 4.1 % to gain");
        }
    }

    @Test
    void shouldShowAnEmptyFleetWithoutErrors() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            api.answer("/api/runs", 200, "{\"runs\":[]}").answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.ready()).isTrue();
            assertThat(page.runIds()).isEmpty();
            assertThat(page.chartPoints()).isZero();
            assertThat(page.html()).contains("No runs yet");
        }
    }

    @Test
    void shouldShowABannerRatherThanThrowWhenTheApiFails() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            api.answer("/api/runs", 503, "{\"error\":\"streams not running\"}")
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardBrowser.Visit visit = DashboardBrowser.find(dir).dumpDom(api.uri());
            DashboardPage page = visit.page();

            assertThat(page.bannerShown()).isTrue();
            assertThat(page.bannerText()).contains("HTTP 503").contains("streams not running");
            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.ready()).isFalse();
            assertThat(visit.log()).noneMatch(l -> l.contains("Uncaught"));
        }
    }

    @Test
    void shouldRecordAMissingChartLibraryAsAnErrorTheTestsCanSee() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            api.answer("/api/runs", 200, runs(summary("stub-a", 0.31)))
                    .answer(
                            "/api/runs/stub-a",
                            200,
                            detail("stub-a", 20, 15, 15).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}")
                    .answer("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", 404, "{\"error\":\"gone\"}");

            DashboardBrowser.Visit visit = DashboardBrowser.find(dir).dumpDom(api.uri());
            DashboardPage page = visit.page();

            // The hooks DashboardIT relies on do fail: the recorder counts the failed load and logs it.
            assertThat(page.errors()).isPositive();
            assertThat(visit.consoleProblems()).anyMatch(l -> l.contains("Failed to load resource"));
            assertThat(page.bannerShown()).isTrue();
            assertThat(page.bannerText()).contains("uPlot");
        }
    }

    @Test
    void shouldReachEveryRowOfAThirtyRunFleetWithoutSidewaysScrollingAt1400Pixels() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start().withLayoutProbe()) {
            ObjectNode[] fleet = new ObjectNode[30];
            for (int i = 0; i < fleet.length; i++) {
                // Long ids and two alerts per run: the widest cells a real fleet has.
                fleet[i] = summary(String.format("cpt-code-1b-d1-300b-seed-%02d", i), 0.31);
                ((ArrayNode) fleet[i].get("open_alerts")).add("EXPONENT_BELOW_PREDICTION");
            }
            api.answer("/api/runs", 200, runs(fleet))
                    .answer(
                            "/api/runs/cpt-code-1b-d1-300b-seed-00",
                            200,
                            detail("x", 20, 15, 15).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page =
                    DashboardBrowser.find(dir).dumpDom(api.uri(), 1400, 900).page();

            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.runIds()).hasSize(30);
            assertThat(page.probe("rows"))
                    .as("fleet rows inside the table's visible box")
                    .isEqualTo("30/30");
            assertThat(scrolls(page.probe("page-x")))
                    .as("page scrolls sideways")
                    .isFalse();
            assertThat(scrolls(page.probe("table-x")))
                    .as("table scrolls sideways")
                    .isFalse();
        }
    }

    @Test
    void shouldShowTheLatestNumbersInTheChartLegendBeforeAnyHover() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            api.answer("/api/runs", 200, runs(summary("stub-a", 0.31)))
                    .answer(
                            "/api/runs/stub-a",
                            200,
                            detail("stub-a", 20, 15, 15).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            assertThat(page.errors()).as(page.html()).isZero();
            // x, binned loss, warmup/anneal, fitted, predicted: each the series' latest value, none a dash.
            assertThat(page.legendValues()).as(page.html()).hasSize(5).allMatch(v -> v.matches("\\d+(\\.\\d+)?"));
        }
    }

    @Test
    void shouldClipADivergedRunsFittedCurveToTheLossRangeOfItsData() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            ObjectNode diverged = detail("boom", 20, 15, 0);
            // The fit of a diverged run: the curve shoots to loss 20 at the end, far above every binned point.
            ArrayNode fitted = (ArrayNode) diverged.get("fitted_curve");
            for (int i = 0; i < 5; i++) {
                ((ObjectNode) fitted.get(fitted.size() - 1 - i)).put("loss", 20.0 - i);
            }
            api.answer("/api/runs", 200, runs(summary("boom", 0.31)))
                    .answer("/api/runs/boom", 200, diverged.toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            double highestBin = loss(1e9, 0.3);
            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.chartLossMax()).isLessThanOrEqualTo(highestBin * 1.1);
            // 20 bins and the 10 fitted points inside the data's range are drawn; the 5 that shoot up are not.
            assertThat(page.chartPoints()).isEqualTo(30);
        }
    }

    @Test
    void shouldExplainARedExponentThatHasNoAlertYet() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            ObjectNode below = summary("slow", 0.20);
            below.put("alpha_ci_low", 0.18).put("alpha_ci_high", 0.22).put("alpha_predicted", 0.34);
            below.putArray("open_alerts");
            api.answer("/api/runs", 200, runs(below))
                    .answer("/api/runs/slow", 200, detail("slow", 20, 15, 15).toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.html())
                    .containsPattern("<td class=\"num below\" title=\"Red: the whole 95 % interval lies below the"
                            + " law's predicted α 0.340. The EXPONENT_BELOW_PREDICTION alert opens once this holds on 2"
                            + " refits in a row.\"")
                    .contains("α in red");
        }
    }

    @Test
    void shouldDrawTheRestOfThePlannedScheduleDottedAndTheCoolDownNowPointWithItsIntervalBar() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            ObjectNode planned = detail("wsd", 20, 15, 15);
            planned.set("schedule", schedule(8, true));
            api.answer("/api/runs", 200, runs(summary("wsd", 0.31)))
                    .answer("/api/runs/wsd", 200, planned.toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardBrowser.Visit visit = DashboardBrowser.find(dir).dumpDom(api.uri());
            DashboardPage page = visit.page();

            assertThat(visit.consoleProblems()).isEmpty();
            assertThat(page.errors()).as(page.html()).isZero();
            // 20 bins, 15 fitted, 15 predicted, the 8 knots of the plan and the cool-down-now point.
            assertThat(page.chartPoints()).isEqualTo(59);
            assertThat(page.chartAttribute("data-schedule-points")).isEqualTo("8");
            // The interval bar, drawn on the canvas by the chart's draw hook: a vertical extent at the point's D2.
            String[] bar = page.chartAttribute("data-cooldown-bar").split(",");
            int x = Integer.parseInt(bar[0]);
            int top = Integer.parseInt(bar[1]);
            int bottom = Integer.parseInt(bar[2]);
            assertThat(x).isPositive();
            assertThat(bottom - top).as("bar height in pixels").isGreaterThan(3);
            // Keyed in the legend, each with its latest value and a tooltip naming it.
            assertThat(page.html())
                    .contains("<div class=\"u-label\">planned schedule (annealing law)</div>")
                    .contains("<div class=\"u-label\">cool down now</div>")
                    .contains("title=\"The annealing law's loss if the run follows its planned schedule from now to the"
                            + " target budget.\"")
                    .contains("title=\"The annealing law's loss if the run starts its cooldown now; the bar is the 95 %"
                            + " interval.\"");
            assertThat(page.legendValues()).hasSize(7).allMatch(v -> v.matches("\\d+(\\.\\d+)?"));
            assertThat(page.legendValues().get(6)).isEqualTo("2.1400");
            // The sentence under the chart says what both are, numbers through numbers.js.
            assertThat(page.html())
                    .contains("Dotted: the loss the annealing law predicts for the rest of the planned schedule,"
                            + " 2.0583 [2.0483, 2.0683] at the 50B-token target. Ring with bar: the loss if the run"
                            + " cools down now over 5B tokens, 2.1400 [2.1200, 2.1600] (95 %) at 20.4B.")
                    .doesNotContain("cooldown term is not fitted");
        }
    }

    @Test
    void shouldSayThatTheCooldownGainIsLeftOutWhileTheLawsCIsUnknown() throws Exception {
        try (DashboardStubServer api = DashboardStubServer.start()) {
            ObjectNode stable = detail("stable", 20, 15, 15);
            stable.set("schedule", schedule(8, false));
            api.answer("/api/runs", 200, runs(summary("stable", 0.31)))
                    .answer("/api/runs/stable", 200, stable.toString())
                    .answer("/api/alerts", 200, "{\"alerts\":[]}");

            DashboardPage page = DashboardBrowser.find(dir).dumpDom(api.uri()).page();

            assertThat(page.errors()).as(page.html()).isZero();
            assertThat(page.chartPoints()).isEqualTo(59);
            assertThat(page.html())
                    .contains("The LR has not decayed yet, so the law's cooldown term is not fitted: both losses leave"
                            + " out the cooldown's gain.");
        }
    }

    /** Whether a probe's {@code scrollWidth/clientWidth} means sideways scrolling. */
    private static boolean scrolls(String widths) {
        String[] w = widths.split("/");
        return Integer.parseInt(w[0]) > Integer.parseInt(w[1]);
    }

    private static String runs(ObjectNode... summaries) {
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode list = doc.putArray("runs");
        for (ObjectNode s : summaries) {
            list.add(s);
        }
        return doc.toString();
    }

    /** A RunSummary; {@code alpha} NaN gives a run with nothing fitted (every estimate null). */
    private static ObjectNode summary(String runId, double alpha) {
        boolean fitted = Double.isFinite(alpha);
        ObjectNode s = JSON.createObjectNode();
        s.put("run_id", runId);
        s.put("setting", "cpt-code");
        s.put("d1_tokens", 3.0e11);
        s.put("d2_tokens", 1.2e10);
        s.put("target_d2_tokens", 5.0e10);
        s.put("last_loss", 2.31);
        s.put("points", 120);
        for (String key : new String[] {
            "alpha",
            "alpha_ci_low",
            "alpha_ci_high",
            "alpha_predicted",
            "alpha_loglog",
            "alpha_local",
            "gain_per_billion_tokens",
            "projected_loss_at_target"
        }) {
            if (fitted) {
                s.put(key, alpha);
            } else {
                s.putNull(key);
            }
        }
        if (fitted) {
            s.put("verdict", "ok");
        } else {
            s.putNull("verdict");
        }
        s.putArray("open_alerts").add(fitted ? "DIMINISHING_RETURNS" : "FIT_UNRELIABLE");
        s.put("finished", false);
        return s;
    }

    /** A run detail with log-spaced bins from 1e9 tokens and curves over the same range (L = 1.8 + 0.9 D2^-0.3). */
    private static ObjectNode detail(String runId, int bins, int fittedPoints, int predictedPoints) {
        ObjectNode d = JSON.createObjectNode();
        d.set("run", summary(runId, bins == 0 ? Double.NaN : 0.31));
        if (bins == 0) {
            d.putNull("fit");
        } else {
            d.putObject("fit").put("run_id", runId).put("e", 1.8).put("b", 0.9).put("alpha", 0.3);
        }
        ArrayNode b = d.putArray("bins");
        for (int i = 0; i < bins; i++) {
            double tokens = 1e9 * Math.pow(10, i / 16.0);
            b.addObject()
                    .put("d2_tokens", tokens)
                    .put("loss", loss(tokens, 0.3))
                    .put("std", 0.01)
                    .put("count", 4)
                    .put("phase", i < 2 ? "WARMUP" : "STABLE");
        }
        curve(d.putArray("fitted_curve"), fittedPoints, 0.3);
        curve(d.putArray("predicted_curve"), predictedPoints, 0.33);
        d.putNull("schedule");
        d.putArray("alerts");
        return d;
    }

    /**
     * The schedule part of a run 15.4 B tokens into a 50 B budget (the bins of {@link #detail} end there): the
     * planned schedule's curve in {@code knots} knots from 16 B to the target, 0.02 under the power law by the end
     * (2.0583, the final loss, ± 0.01), and a cooldown now over 5 B tokens ending at 20.4 B with loss 2.14 [2.12,
     * 2.16].
     */
    private static ObjectNode schedule(int knots, boolean cKnown) {
        ObjectNode s = JSON.createObjectNode();
        ArrayNode curve = s.putArray("curve");
        for (int i = 0; i < knots; i++) {
            double tokens = 16e9 + (50e9 - 16e9) * i / (knots - 1);
            curve.addObject().put("d2_tokens", tokens).put("loss", loss(tokens, 0.3) - 0.02 * i / (knots - 1));
        }
        s.putObject("cooldown_now")
                .put("d2_tokens", 20.4e9)
                .put("cooldown_tokens", 5e9)
                .put("loss", 2.14)
                .put("low", 2.12)
                .put("high", 2.16);
        double end = loss(50e9, 0.3) - 0.02;
        s.put("final_loss", end).put("final_loss_low", end - 0.01).put("final_loss_high", end + 0.01);
        s.put("target_d2_tokens", 50e9);
        s.put("source", "planned");
        s.put("c_known", cKnown);
        return s;
    }

    private static void curve(ArrayNode into, int points, double alpha) {
        for (int i = 0; i < points; i++) {
            // Offset from the bins' x values so the chart has to merge distinct x arrays.
            double tokens = 1.1e9 * Math.pow(10, 1.5 * i / Math.max(1, points - 1));
            into.addObject().put("d2_tokens", tokens).put("loss", loss(tokens, alpha));
        }
    }

    private static double loss(double tokens, double alpha) {
        return 1.8 + 0.9 * Math.pow(tokens / 1e9, -alpha);
    }

    private static String alert(String runId) {
        ObjectNode a = JSON.createObjectNode();
        a.put("run_id", runId);
        a.put("setting", "cpt-code");
        a.put("type", "DIMINISHING_RETURNS");
        a.put("severity", "WARNING");
        a.put("state", "OPEN");
        a.put("sequence", 1);
        a.put("alert_id", runId + "/DIMINISHING_RETURNS/1");
        a.put("ts", "2026-11-26T10:00:00Z");
        a.put("d2_tokens", 1.2e10);
        a.putObject("values").put("gain_per_billion_tokens", 4e-4);
        a.put("tokens_saved", 3.8e10);
        a.put("message", "gain per billion tokens fell to 0.0004");
        return a.toString();
    }
}
