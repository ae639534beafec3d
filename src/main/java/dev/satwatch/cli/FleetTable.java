package dev.satwatch.cli;

import dev.satwatch.event.AlertType;
import dev.satwatch.event.FitUpdate;
import dev.satwatch.event.Numbers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The demo's fleet table: one row per run from its latest fit, one column per {@link Column}. Numbers go through
 * {@link Numbers} (the dashboard prints them the same way). To add a column, add one {@link Column} to
 * {@link #columns}: a header, a width and how a row's cell reads.
 */
final class FleetTable {

    /**
     * One column.
     *
     * @param header its header
     * @param width its width in characters; negative for left-aligned text, positive for right-aligned numbers
     * @param cell the cell of a row
     */
    record Column(String header, int width, Function<Row, String> cell) {}

    /**
     * What a row knows.
     *
     * @param fit the run's latest fit
     * @param truth the simulated scenario, or null for a replayed file
     * @param openAlerts the run's alerts open now
     */
    record Row(FitUpdate fit, String truth, Collection<AlertType> openAlerts) {}

    private final List<Column> columns;

    private FleetTable(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    /**
     * The demo's columns: run, ground truth, setting, D1, D2, α with its interval, predicted α, gain, the early-stop
     * decision, alerts.
     */
    static FleetTable demo() {
        List<Column> c = new ArrayList<>();
        c.add(new Column("run", -12, r -> r.fit().runId()));
        c.add(new Column("truth", -12, r -> r.truth() == null ? Numbers.DASH : r.truth()));
        c.add(new Column(
                "setting",
                -14,
                r -> r.fit().setting() == null ? Numbers.DASH : r.fit().setting()));
        c.add(new Column("D1", 6, r -> Numbers.tokens(r.fit().d1Tokens())));
        c.add(new Column("D2", 6, r -> Numbers.tokens(r.fit().d2Tokens())));
        c.add(new Column("alpha", 6, r -> Numbers.fixed(r.fit().alpha(), 3)));
        c.add(new Column(
                "95% CI",
                -16,
                r -> Double.isFinite(r.fit().alpha())
                        ? Numbers.alphaInterval(r.fit().alphaCiLow(), r.fit().alphaCiHigh())
                        : Numbers.DASH));
        c.add(new Column("pred", 6, r -> Numbers.fixed(r.fit().alphaPredicted(), 3)));
        c.add(new Column("gain/B", 9, r -> Numbers.gain(r.fit().gainPerBillionTokens())));
        c.add(new Column("decision", -34, FleetTable::decision));
        c.add(new Column("open alerts", -1, r -> r.openAlerts().stream()
                .map(AlertType::name)
                .collect(Collectors.joining(","))));
        return new FleetTable(c);
    }

    /**
     * The early-stop decision of a row: "stop: ≤ 0.6 % to gain, saves 29B tokens" while DIMINISHING_RETURNS is open,
     * else "continue: ≤ 4.1 % to gain" from the latest refit's bound, else a dash.
     */
    static String decision(Row r) {
        double upper = r.fit().lossGivenUpUpper();
        if (r.openAlerts().contains(AlertType.DIMINISHING_RETURNS)) {
            return "stop: ≤ " + Numbers.percent(upper) + " to gain, saves "
                    + Numbers.tokens(r.fit().tokensSaved()) + " tokens";
        }
        return Double.isFinite(upper) ? "continue: ≤ " + Numbers.percent(upper) + " to gain" : Numbers.DASH;
    }

    /** This table with one more column at the end (before nothing: the last column is not padded). */
    FleetTable with(Column column) {
        List<Column> c = new ArrayList<>(columns);
        c.add(column);
        return new FleetTable(c);
    }

    /**
     * The table's text: a header line and one line per run, each ending with a newline.
     *
     * @param fits latest fit per run, in the order to print
     * @param truth run → simulated scenario (may lack a run)
     * @param openAlerts run → alerts open now
     */
    String render(
            Map<String, FitUpdate> fits,
            Map<String, String> truth,
            Function<String, Collection<AlertType>> openAlerts) {
        StringBuilder b = new StringBuilder();
        line(b, columns.stream().map(Column::header).toList());
        for (FitUpdate f : fits.values()) {
            Row row = new Row(f, truth.get(f.runId()), openAlerts.apply(f.runId()));
            line(b, columns.stream().map(c -> c.cell().apply(row)).toList());
        }
        return b.toString();
    }

    private void line(StringBuilder b, List<String> cells) {
        List<String> padded = new ArrayList<>(cells.size());
        for (int i = 0; i < cells.size(); i++) {
            int width = columns.get(i).width();
            boolean last = i == cells.size() - 1;
            padded.add(last ? cells.get(i) : String.format(Locale.ROOT, "%" + width + "s", cells.get(i)));
        }
        b.append(String.join("  ", padded).stripTrailing()).append('\n');
    }
}
