package dev.satwatch.http;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test hooks of a dashboard DOM dumped by Chromium: {@code <body data-errors data-ready>}, the fleet rows
 * {@code <tr data-run>}, {@code #chart[data-chart-points]} and whether the error banner shows.
 *
 * <p>Chromium serialises the live DOM as HTML with double-quoted attributes, so a few patterns read it; the page's
 * inline script contains none of the tags matched here.
 *
 * @param errors the body's {@code data-errors} (JS errors recorded), -1 when absent
 * @param ready whether the body has {@code data-ready="1"}
 * @param runIds the {@code data-run} of every fleet row, in table order
 * @param chartPoints the chart container's {@code data-chart-points}, -1 when absent
 * @param bannerShown whether the error banner is visible (lacks the {@code hidden} attribute)
 * @param bannerText the banner's text
 * @param html the whole DOM, for failure messages and text checks
 */
record DashboardPage(
        int errors,
        boolean ready,
        List<String> runIds,
        int chartPoints,
        boolean bannerShown,
        String bannerText,
        String html) {

    private static final Pattern BODY = Pattern.compile("<body\\b([^>]*\\bdata-errors=[^>]*)>");
    private static final Pattern ROW = Pattern.compile("<tr\\b[^>]*\\bdata-run=\"([^\"]*)\"");
    private static final Pattern CHART = Pattern.compile("<div\\b[^>]*\\bid=\"chart\"[^>]*>");
    private static final Pattern BANNER = Pattern.compile("<div\\b([^>]*\\bid=\"banner\"[^>]*)>([^<]*)</div>");

    static DashboardPage parse(String html) {
        String body = group(BODY, html, 1);
        List<String> runs = new ArrayList<>();
        Matcher rows = ROW.matcher(html);
        while (rows.find()) {
            runs.add(unescape(rows.group(1)));
        }
        String chart = group(CHART, html, 0);
        Matcher banner = BANNER.matcher(html);
        boolean shown = false;
        String text = "";
        if (banner.find()) {
            shown = !Pattern.compile("\\bhidden\\b").matcher(banner.group(1)).find();
            text = unescape(banner.group(2));
        }
        return new DashboardPage(
                intAttribute(body, "data-errors"),
                "1".equals(attribute(body, "data-ready")),
                List.copyOf(runs),
                intAttribute(chart, "data-chart-points"),
                shown,
                text,
                html);
    }

    /** The texts of uPlot's legend values ({@code <td class="u-value">}), series by series, the x value first. */
    List<String> legendValues() {
        List<String> values = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"u-value\"[^>]*>([^<]*)<").matcher(html);
        while (m.find()) {
            values.add(unescape(m.group(1)));
        }
        return values;
    }

    /** A measure the stub server's layout probe wrote ({@code rows}, {@code page-x}, {@code table-x}), e.g. "30/30". */
    String probe(String key) {
        String all = attribute(group(BODY, html, 1), "data-probe");
        if (all == null) {
            return null;
        }
        for (String part : all.split(";")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** The highest loss the chart draws ({@code #chart[data-chart-loss-max]}); NaN when absent. */
    double chartLossMax() {
        String v = attribute(group(CHART, html, 0), "data-chart-loss-max");
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    /** An attribute of the chart container ({@code #chart}), null when absent. */
    String chartAttribute(String name) {
        return attribute(group(CHART, html, 0), name);
    }

    private static String group(Pattern p, String s, int group) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(group) : "";
    }

    private static String attribute(String tag, String name) {
        Matcher m =
                Pattern.compile("\\b" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1) : null;
    }

    private static int intAttribute(String tag, String name) {
        String v = attribute(tag, name);
        return v == null || v.isEmpty() ? -1 : Integer.parseInt(v);
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
