package dev.satwatch.cli;

import dev.satwatch.plot.TradeOffPlot;
import dev.satwatch.track.Backtester;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@code satwatch backtest}: each run's JSON, the fleet totals, the sweep and plateau rows' stops, the
 * trade-off plot points and the text table (per run, totals, then the trade-off table of sweep and plateau rows).
 */
final class BacktestReport {

    private BacktestReport() {}

    static Map<String, Object> runJson(Backtester.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("run_id", r.runId());
        o.put("setting", r.setting());
        o.put("d1_tokens", r.d1Tokens());
        o.put("target_d2_tokens", r.targetD2Tokens());
        o.put("final_d2_tokens", r.finalD2Tokens());
        o.put("final_loss", r.finalLoss());
        if (r.stop() == null) {
            o.put("stop", null);
        } else {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("d2_tokens", r.stop().d2Tokens());
            s.put("budget_fraction", r.stop().budgetFraction());
            s.put("alert_type", r.stop().alertType());
            s.put("loss_at_stop", r.stop().lossAtStop());
            s.put("predicted_loss_given_up", r.stop().predictedLossGivenUp());
            s.put("predicted_loss_given_up_upper", r.stop().predictedLossGivenUpUpper());
            s.put("tokens_saved", r.stop().tokensSaved());
            o.put("stop", s);
        }
        o.put("loss_given_up", r.lossGivenUp());
        o.put("reason", r.reason());
        if (!r.predictions().isEmpty()) {
            List<Map<String, Object>> preds = new ArrayList<>();
            for (Backtester.Prediction p : r.predictions()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("at", p.fraction());
                m.put("budget_fraction", p.budgetFraction());
                m.put("loss_given_up", p.lossGivenUp());
                m.put("loss_given_up_upper", p.lossGivenUpUpper());
                preds.add(m);
            }
            o.put("predictions", preds);
        }
        return o;
    }

    /** Per run of a sweep row: where it stopped (null budget fraction when it did not) and what that gave up. */
    static List<Map<String, Object>> stopsJson(List<Backtester.Result> results) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Backtester.Result r : results) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("run_id", r.runId());
            o.put("budget_fraction", r.stop() == null ? null : r.stop().budgetFraction());
            o.put("tokens_saved", r.stop() == null ? 0.0 : r.stop().tokensSaved());
            o.put("loss_given_up", r.lossGivenUp());
            out.add(o);
        }
        return out;
    }

    /** Fleet totals; {@code tokens_saved_fraction} is saved / total target tokens. */
    static Map<String, Object> totals(List<Backtester.Result> results) {
        long stopped = 0;
        double total = 0;
        double saved = 0;
        double max = 0;
        double sum = 0;
        long scored = 0;
        for (Backtester.Result r : results) {
            if (r.targetD2Tokens() > 0) {
                total += r.targetD2Tokens();
            }
            if (r.stop() != null) {
                stopped++;
                if (Double.isFinite(r.stop().tokensSaved())) {
                    saved += r.stop().tokensSaved();
                }
                if (Double.isFinite(r.lossGivenUp())) {
                    max = Math.max(max, r.lossGivenUp());
                    sum += r.lossGivenUp();
                    scored++;
                }
            }
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("runs", (long) results.size());
        t.put("stopped", stopped);
        t.put("tokens_total", total);
        t.put("tokens_saved", saved);
        t.put("tokens_saved_fraction", total > 0 ? saved / total : Double.NaN);
        // Over the stops the runs' own points can score (not those made while the LR was already decaying); NaN
        // when there are stops but none can be scored.
        boolean unscorable = stopped > 0 && scored == 0;
        t.put("max_loss_given_up", unscorable ? Double.NaN : max);
        t.put("mean_loss_given_up", unscorable ? Double.NaN : scored > 0 ? sum / scored : 0.0);
        if (scored < stopped) {
            t.put("stops_scored", scored);
        }
        return t;
    }

    static TradeOffPlot.Point point(String label, Map<String, Object> row) {
        return new TradeOffPlot.Point(
                label, (Double) row.get("tokens_saved_fraction"), (Double) row.get("max_loss_given_up"));
    }

    static List<TradeOffPlot.Point> stops(List<Backtester.Result> results) {
        List<TradeOffPlot.Point> out = new ArrayList<>();
        for (Backtester.Result r : results) {
            if (r.stop() != null) {
                out.add(new TradeOffPlot.Point(r.runId(), r.stop().budgetFraction(), r.lossGivenUp()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static void printTable(PrintWriter out, List<Backtester.Result> results, Map<String, Object> doc) {
        out.printf(
                Locale.ROOT,
                "%-28s %8s %8s %7s %9s %9s %9s  %s%n",
                "run",
                "D1",
                "target",
                "stop@",
                "g⁺ stop",
                "saved",
                "gave up",
                "reason");
        for (Backtester.Result r : results) {
            Backtester.Stop s = r.stop();
            out.printf(
                    Locale.ROOT,
                    "%-28s %8s %8s %7s %9s %9s %9s  %s%n",
                    r.runId(),
                    BacktestCommand.Format.tokens(r.d1Tokens()),
                    BacktestCommand.Format.tokens(r.targetD2Tokens()),
                    s == null ? "—" : BacktestCommand.Format.percent(s.budgetFraction()),
                    s == null ? "—" : BacktestCommand.Format.percent(s.predictedLossGivenUpUpper()),
                    s == null ? "—" : BacktestCommand.Format.tokens(s.tokensSaved()),
                    s == null ? "—" : BacktestCommand.Format.percent(r.lossGivenUp()),
                    r.reason());
        }
        Map<String, Object> t = (Map<String, Object>) doc.get("totals");
        out.printf(
                Locale.ROOT,
                "%nstopped %d of %d runs; saved %s of %s tokens (%s); loss given up max %s, mean %s%n",
                (Long) t.get("stopped"),
                (Long) t.get("runs"),
                BacktestCommand.Format.tokens((Double) t.get("tokens_saved")),
                BacktestCommand.Format.tokens((Double) t.get("tokens_total")),
                BacktestCommand.Format.percent((Double) t.get("tokens_saved_fraction")),
                BacktestCommand.Format.percent((Double) t.get("max_loss_given_up")),
                BacktestCommand.Format.percent((Double) t.get("mean_loss_given_up")));
        if (t.get("stops_scored") != null) {
            out.printf(
                    Locale.ROOT,
                    "(loss given up over the %d stops the runs' own points can score; the others were made while the LR"
                            + " was already decaying)%n",
                    (Long) t.get("stops_scored"));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        if (doc.get("sweep") != null) {
            rows.addAll((List<Map<String, Object>>) doc.get("sweep"));
        }
        if (doc.get("plateau") != null) {
            rows.addAll((List<Map<String, Object>>) doc.get("plateau"));
        }
        if (!rows.isEmpty()) {
            out.printf(
                    Locale.ROOT,
                    "%n%-10s %-10s %8s %10s %12s %12s%n",
                    "rule",
                    "setting",
                    "stopped",
                    "saved",
                    "max gave up",
                    "mean gave up");
            for (Map<String, Object> row : rows) {
                String setting = row.containsKey("value")
                        ? String.valueOf(row.get("value"))
                        : BacktestCommand.Format.percent((Double) row.get("tol"));
                out.printf(
                        Locale.ROOT,
                        "%-10s %-10s %8d %10s %12s %12s%n",
                        row.get("rule"),
                        setting,
                        (Long) row.get("stopped"),
                        BacktestCommand.Format.percent((Double) row.get("tokens_saved_fraction")),
                        BacktestCommand.Format.percent((Double) row.get("max_loss_given_up")),
                        BacktestCommand.Format.percent((Double) row.get("mean_loss_given_up")));
            }
        }
    }
}
