// satwatch dashboard: a fleet table, one run's log-log chart (uPlot) and the open alerts, refreshed every 5 s from
// the JSON API (GET /api/runs, /api/runs/{id}, /api/alerts). Plain ES2017, no build step.
//
// Hooks the browser test reads: <body data-ready="1"> after the first successful refresh, <body data-errors> (kept by
// the recorder in index.html), #chart[data-chart-points] = number of points drawn, fleet rows <tr data-run="ID">;
// with a schedule forecast #chart[data-schedule-points] = points of the planned schedule's curve drawn and
// #chart[data-cooldown-bar] = "x,top,bottom" (CSS pixels) of the cool-down-now interval bar last drawn.
// The URL fragment holds the selected run (#run=ID) and, when the server wants a bearer token, #token=SECRET (a
// fragment never reaches server logs).
"use strict";

(function () {
  const REFRESH_MS = 5000;
  const DASH = "\u2014";
  const CHART_HEIGHT = 380;
  const EXCLUDED_PHASES = ["WARMUP", "ANNEAL"];
  // Curves are drawn where their loss lies within the data's loss range widened by this factor.
  const CURVE_MARGIN = 1.1;
  // The annealing law's forecast: the rest of the planned schedule (dotted) and the cool-down-now point.
  const SCHEDULE_COLOR = "#7c3aed";
  const SCHEDULE_LABEL = "planned schedule (annealing law)";
  const COOLDOWN_LABEL = "cool down now";

  const state = {
    selected: null,
    chart: null,
    chartRun: null,
    // The schedule part drawn by the chart (its interval bar is drawn by a hook), null without one.
    chartSchedule: null,
    timer: null,
    generation: 0,
  };

  // ---------------------------------------------------------------- formatting

  function isNum(v) {
    return typeof v === "number" && isFinite(v);
  }

  // Every number goes through numbers.js, the mirror of the CLI's formatter (dev.satwatch.event.Numbers).
  const N = window.SatwatchNumbers;
  const ALPHA_FLOOR = 0;
  const ALPHA_CEILING = 2;
  const LOSS_CEILING = 20;

  function fmtFixed(v, digits) {
    return N.fixed(v, digits);
  }

  function fmtTokens(t) {
    return N.tokens(t);
  }

  function trimNumber(v) {
    return String(Number(v.toPrecision(3)));
  }

  function fmtGain(v) {
    return N.gain(v);
  }

  function fmtAge(iso) {
    const t = Date.parse(iso);
    if (!isFinite(t)) {
      return DASH;
    }
    const seconds = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (seconds < 60) {
      return seconds + " s ago";
    }
    if (seconds < 3600) {
      return Math.round(seconds / 60) + " min ago";
    }
    if (seconds < 86400) {
      return (seconds / 3600).toFixed(1) + " h ago";
    }
    return (seconds / 86400).toFixed(1) + " d ago";
  }

  // ---------------------------------------------------------------- DOM helpers (textContent only: run ids and
  // alert messages come from producers and must never be parsed as HTML)

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const key of Object.keys(props)) {
        const value = props[key];
        if (value === null || value === undefined) {
          continue;
        }
        if (key === "text") {
          node.textContent = value;
        } else if (key === "class") {
          node.className = value;
        } else {
          node.setAttribute(key, value);
        }
      }
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    }
    return node;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function replaceChildren(node, children) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    for (const child of children) {
      node.appendChild(child);
    }
  }

  // ---------------------------------------------------------------- URL fragment (#run=ID&token=SECRET)

  function fragment() {
    return new URLSearchParams(window.location.hash.replace(/^#/, ""));
  }

  function rememberSelection(runId) {
    const params = fragment();
    params.set("run", runId);
    history.replaceState(null, "", "#" + params.toString());
  }

  // ---------------------------------------------------------------- API

  async function getJson(path) {
    const headers = { Accept: "application/json" };
    const token = fragment().get("token");
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    let response;
    try {
      response = await fetch(path, { headers: headers, cache: "no-store" });
    } catch (e) {
      throw new Error(path + ": server unreachable");
    }
    if (!response.ok) {
      let detail = "";
      try {
        const body = await response.json();
        if (body && typeof body.error === "string") {
          detail = ": " + body.error;
        }
      } catch (ignored) {
        // The error body is optional; the status alone is reported.
      }
      throw new Error(path + ": HTTP " + response.status + detail);
    }
    return response.json();
  }

  function showBanner(message) {
    const banner = byId("banner");
    banner.textContent = message;
    banner.hidden = false;
  }

  function hideBanner() {
    byId("banner").hidden = true;
  }

  // ---------------------------------------------------------------- fleet table

  function alertBadges(types) {
    if (!Array.isArray(types) || types.length === 0) {
      return [el("span", { class: "muted", text: DASH })];
    }
    return types.map((type) => el("span", { class: "badge badge-" + String(type).toLowerCase(), text: type }));
  }

  function alphaCell(run) {
    if (!isNum(run.alpha)) {
      return el("td", { class: "num", text: DASH });
    }
    const interval = " " + N.interval(run.alpha_ci_low, run.alpha_ci_high, 3, ALPHA_FLOOR, ALPHA_CEILING);
    // The interval lies wholly below the law's prediction: the base saturates faster than its setting predicts.
    const below = isNum(run.alpha_ci_high) && isNum(run.alpha_predicted) && run.alpha_ci_high < run.alpha_predicted;
    const why = below
      ? "Red: the whole 95 % interval lies below the law's predicted α " + N.fixed(run.alpha_predicted, 3) +
        ". The EXPONENT_BELOW_PREDICTION alert opens once this holds on 2 refits in a row."
      : null;
    return el("td", { class: below ? "num below" : "num", title: why }, [
      el("strong", { text: N.fixed(run.alpha, 3) }),
      el("span", { class: "ci", text: interval }),
    ]);
  }

  function progressCell(run) {
    const target = run.target_d2_tokens;
    const text = fmtTokens(run.d2_tokens) + (isNum(target) ? " / " + fmtTokens(target) : "");
    const children = [el("span", { text: text })];
    if (isNum(target) && target > 0 && isNum(run.d2_tokens)) {
      const pct = Math.max(0, Math.min(100, (100 * run.d2_tokens) / target));
      children.push(el("span", { class: "bar" }, [el("span", { class: "bar-fill", style: "width:" + pct.toFixed(1) + "%" })]));
    }
    return el("td", { class: "num" }, children);
  }

  function fleetRow(run) {
    const selected = run.run_id === state.selected;
    return el(
      "tr",
      {
        "data-run": run.run_id,
        class: selected ? "selected" : null,
        "aria-selected": selected ? "true" : "false",
        tabindex: "0",
      },
      [
        el("td", { class: "run-id" }, [
          el("span", { text: run.run_id }),
          run.finished ? el("span", { class: "tag", text: "finished" }) : null,
        ]),
        el("td", { text: run.setting || DASH }),
        el("td", { class: "num", text: fmtTokens(run.d1_tokens) }),
        progressCell(run),
        el("td", { class: "num", text: fmtFixed(run.last_loss, 4) }),
        alphaCell(run),
        el("td", { class: "num", text: fmtFixed(run.alpha_predicted, 3) }),
        el("td", { class: "num", text: fmtGain(run.gain_per_billion_tokens) }),
        el("td", { class: "verdict", text: run.verdict || DASH }),
        el("td", { class: "decision", text: decisionText(run) }),
        el("td", { class: "alert-cell" }, alertBadges(run.open_alerts)),
      ]
    );
  }

  // The early-stop decision, as the demo table prints it: "stop: ≤ 0.6 % to gain, saves 29B tokens" while
  // DIMINISHING_RETURNS is open, else "continue: ≤ 4.1 % to gain" from the latest refit's bound.
  function decisionText(run) {
    const upper = run.loss_given_up_upper;
    const pct = typeof upper === "number" && isFinite(upper) ? (100 * upper).toFixed(1) + " %" : null;
    if ((run.open_alerts || []).indexOf("DIMINISHING_RETURNS") >= 0) {
      return "stop: \u2264 " + (pct || DASH) + " to gain, saves " + fmtTokens(run.tokens_saved) + " tokens";
    }
    return pct ? "continue: \u2264 " + pct + " to gain" : DASH;
  }

  function renderFleet(runs) {
    const body = byId("fleet").tBodies[0];
    if (runs.length === 0) {
      replaceChildren(body, [
        el("tr", { class: "empty" }, [
          el("td", { colspan: "11", text: "No runs yet. Send events to satwatch.events or POST /api/events." }),
        ]),
      ]);
    } else {
      replaceChildren(body, runs.map(fleetRow));
    }
    byId("fleet-count").textContent = "(" + runs.length + ")";
  }

  // ---------------------------------------------------------------- alerts

  function alertItem(alert, withRun) {
    const severity = String(alert.severity || "INFO").toLowerCase();
    const head = [
      el("span", { class: "sev sev-" + severity, text: alert.severity || "INFO" }),
      el("span", { class: "badge badge-" + String(alert.type).toLowerCase(), text: alert.type || DASH }),
    ];
    if (withRun) {
      head.push(el("a", { class: "alert-run", href: "#", "data-select": alert.run_id, text: alert.run_id }));
    }
    const facts = [];
    if (alert.ts) {
      facts.push("opened " + fmtAge(alert.ts));
    }
    if (isNum(alert.d2_tokens)) {
      facts.push("at D2 " + fmtTokens(alert.d2_tokens));
    }
    if (isNum(alert.tokens_saved)) {
      facts.push("stopping now saves " + fmtTokens(alert.tokens_saved) + " tokens");
    }
    return el("li", { class: "alert alert-" + severity }, [
      el("div", { class: "alert-head" }, head),
      el("div", { class: "alert-message", text: alert.message || "" }),
      el("div", { class: "alert-facts", title: alert.ts || "", text: facts.join(" · ") }),
    ]);
  }

  function renderAlertList(node, alerts, withRun, emptyText) {
    if (alerts.length === 0) {
      replaceChildren(node, [el("li", { class: "muted", text: emptyText })]);
    } else {
      replaceChildren(node, alerts.map((a) => alertItem(a, withRun)));
    }
  }

  function openOnly(alerts) {
    return (Array.isArray(alerts) ? alerts : []).filter((a) => !a.state || String(a.state).toUpperCase() === "OPEN");
  }

  // ---------------------------------------------------------------- chart

  // The run's schedule part when it has something to draw (a curve or a cool-down-now point), else null.
  function scheduleOf(detail) {
    const sch = detail.schedule;
    if (!sch || typeof sch !== "object") {
      return null;
    }
    const now = sch.cooldown_now || {};
    const hasCurve = Array.isArray(sch.curve) && sch.curve.length > 0;
    return hasCurve || (isNum(now.d2_tokens) && isNum(now.loss)) ? sch : null;
  }

  // uPlot wants one shared x array: merge the x values of the sources, null where a series has no point.
  function chartData(detail) {
    const sources = [
      (detail.bins || []).filter((b) => !isExcluded(b)),
      (detail.bins || []).filter(isExcluded),
      detail.fitted_curve || [],
      detail.predicted_curve || [],
    ];
    const schedule = scheduleOf(detail);
    if (schedule) {
      const now = schedule.cooldown_now || {};
      sources.push(Array.isArray(schedule.curve) ? schedule.curve : []);
      sources.push([{ d2_tokens: now.d2_tokens, loss: now.loss }]);
    }
    const positive = (p) => isNum(p.d2_tokens) && p.d2_tokens > 0 && isNum(p.loss) && p.loss > 0;
    // The curves are clipped to the loss range of the data (with a margin): a diverged run's fit or an extrapolated
    // law must not stretch the axis to loss 20 and flatten the points the reader came to see.
    const observed = (detail.bins || []).filter(positive).map((b) => b.loss);
    const lossMin = observed.length ? Math.min.apply(null, observed) / CURVE_MARGIN : 0;
    const lossMax = observed.length ? Math.max.apply(null, observed) * CURVE_MARGIN : Infinity;
    const inRange = (p) => positive(p) && p.loss >= lossMin && p.loss <= lossMax;
    const usableOf = [positive, positive, inRange, inRange, inRange, inRange];
    const xs = new Set();
    sources.forEach((source, s) => {
      for (const p of source) {
        if (usableOf[s](p)) {
          xs.add(p.d2_tokens / 1e9);
        }
      }
    });
    const x = Array.from(xs).sort((a, b) => a - b);
    const index = new Map(x.map((v, i) => [v, i]));
    let points = 0;
    let maxLoss = 0;
    const drawn = [];
    const ys = sources.map((source, s) => {
      const y = new Array(x.length).fill(null);
      drawn.push(0);
      for (const p of source) {
        if (usableOf[s](p)) {
          y[index.get(p.d2_tokens / 1e9)] = p.loss;
          points += 1;
          drawn[s] += 1;
          maxLoss = Math.max(maxLoss, p.loss);
        }
      }
      return y;
    });
    return {
      data: [x].concat(ys),
      points: points,
      maxLoss: maxLoss,
      schedule: schedule,
      schedulePoints: schedule ? drawn[4] : 0,
      cooldownDrawn: schedule ? drawn[5] > 0 : false,
    };
  }

  function isExcluded(bin) {
    return EXCLUDED_PHASES.indexOf(String(bin.phase || "").toUpperCase()) >= 0;
  }

  // Ticks for a log axis: powers of ten, else 1-2-5 or 1..9 per decade; over less than a decade (loss usually spans
  // 2.0-3.5) evenly spaced round numbers read better than the one or two mantissa ticks a log axis would get.
  function logTicks(min, max) {
    for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      const ticks = [];
      for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        for (const m of mantissas) {
          const v = m * Math.pow(10, e);
          if (v >= min && v <= max) {
            ticks.push(v);
          }
        }
      }
      if (ticks.length >= 4) {
        return ticks;
      }
    }
    // The finest round step (1, 2, 2.5 or 5 times a power of ten) that leaves at most 8 ticks.
    const magnitude = Math.pow(10, Math.floor(Math.log10((max - min) / 10)));
    const step = [1, 2, 2.5, 5, 10, 20, 25, 50].map((m) => m * magnitude).find((s) => (max - min) / s <= 8);
    const ticks = [];
    for (let v = Math.ceil(min / step) * step; v <= max; v += step) {
      ticks.push(Number(v.toPrecision(6)));
    }
    return ticks;
  }

  function paddedRange(padding) {
    return (u, min, max) => {
      if (!isNum(min) || !isNum(max) || min <= 0) {
        return [1, 10];
      }
      return min === max ? [min / 1.1, max * 1.1] : [min / padding, max * padding];
    };
  }

  function axisValues(u, splits) {
    return splits.map((v) => (v === null ? "" : trimNumber(v)));
  }

  // The cool-down-now point's 95 % interval: a vertical bar with short caps at its D2, clipped to the plot.
  function drawCooldownBar(u) {
    const sch = state.chartSchedule;
    const now = sch && sch.cooldown_now;
    if (!now || !isNum(now.d2_tokens) || !(now.d2_tokens > 0) || !isNum(now.low) || !isNum(now.high)) {
      return;
    }
    if (!(now.low > 0) || !(now.high > now.low)) {
      return;
    }
    const x = u.valToPos(now.d2_tokens / 1e9, "x", true);
    const top = u.valToPos(now.high, "y", true);
    const bottom = u.valToPos(now.low, "y", true);
    if (![x, top, bottom].every(isFinite)) {
      return;
    }
    const ctx = u.ctx;
    const cap = 5 * devicePixelRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    ctx.strokeStyle = SCHEDULE_COLOR;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.moveTo(x - cap, top);
    ctx.lineTo(x + cap, top);
    ctx.moveTo(x - cap, bottom);
    ctx.lineTo(x + cap, bottom);
    ctx.stroke();
    ctx.restore();
    const css = (v) => String(Math.round(v / devicePixelRatio));
    byId("chart").setAttribute("data-cooldown-bar", [x, top, bottom].map(css).join(","));
  }

  function chartOptions(width, withSchedule) {
    const dot = (fill) => ({ show: true, size: 6, width: 1.5, fill: fill });
    const series = [
      { label: "D2 (B tokens)", value: (u, v) => (v === null ? DASH : trimNumber(v)) },
      { label: "binned loss", stroke: "#2563eb", paths: () => null, points: dot("#2563eb"), value: lossValue },
      { label: "warmup / anneal", stroke: "#94a3b8", paths: () => null, points: dot("#ffffff"), value: lossValue },
      { label: "fitted", stroke: "#0f172a", width: 2, spanGaps: true, points: { show: false }, value: lossValue },
      {
        label: "predicted",
        stroke: "#ea580c",
        width: 2,
        dash: [8, 6],
        spanGaps: true,
        points: { show: false },
        value: lossValue,
      },
    ];
    if (withSchedule) {
      series.push({
        label: SCHEDULE_LABEL,
        stroke: SCHEDULE_COLOR,
        width: 2.5,
        dash: [1, 5],
        cap: "round",
        spanGaps: true,
        points: { show: false },
        value: lossValue,
      });
      series.push({
        label: COOLDOWN_LABEL,
        stroke: SCHEDULE_COLOR,
        paths: () => null,
        points: { show: true, size: 10, width: 2, fill: "#ffffff" },
        value: lossValue,
      });
    }
    return {
      width: width,
      height: CHART_HEIGHT,
      hooks: {
        // Leaving the plot resets uPlot's legend to dashes: show the latest values again.
        setCursor: [
          (u) => {
            if (u.cursor.idx === null || u.cursor.idx === undefined) {
              showLatest(u);
            }
          },
        ],
        draw: withSchedule ? [drawCooldownBar] : [],
      },
      scales: {
        x: { time: false, distr: 3, range: paddedRange(1.12) },
        y: { distr: 3, range: paddedRange(1.01) },
      },
      axes: [
        {
          label: "D2, second-stage tokens (billions)",
          splits: (u) => logTicks(u.scales.x.min, u.scales.x.max),
          // uPlot labels only the powers of ten of a log axis by default; our splits are already sparse.
          filter: (u, splits) => splits,
          values: axisValues,
        },
        {
          label: "loss",
          size: 60,
          splits: (u) => logTicks(u.scales.y.min, u.scales.y.max),
          filter: (u, splits) => splits,
          values: axisValues,
        },
      ],
      series: series,
    };
  }

  // What the schedule series are, as the legend's tooltips and the sentence under the chart say it.
  function scheduleSentence(sch) {
    const now = sch.cooldown_now || {};
    const parts = [
      "Dotted: the loss the annealing law predicts for the rest of the " +
        (sch.source === "planned" ? "planned" : "assumed (" + (sch.source || DASH) + ")") +
        " schedule, " +
        N.fixed(sch.final_loss, 4) +
        " " +
        N.interval(sch.final_loss_low, sch.final_loss_high, 4, 0, LOSS_CEILING) +
        " at the " +
        fmtTokens(sch.target_d2_tokens) +
        "-token target.",
      "Ring with bar: the loss if the run cools down now over " +
        fmtTokens(now.cooldown_tokens) +
        " tokens, " +
        N.fixed(now.loss, 4) +
        " " +
        N.interval(now.low, now.high, 4, 0, LOSS_CEILING) +
        " (95 %) at " +
        fmtTokens(now.d2_tokens) +
        ".",
    ];
    if (sch.c_known === false) {
      parts.push("The LR has not decayed yet, so the law's cooldown term is not fitted: both losses leave out the cooldown's gain.");
    }
    return parts.join(" ");
  }

  function renderSchedule(sch) {
    const note = byId("chart-schedule");
    if (!sch) {
      note.hidden = true;
      note.textContent = "";
      return;
    }
    note.textContent = scheduleSentence(sch);
    note.hidden = false;
  }

  // Tooltips on the two schedule entries of uPlot's legend (series 5 and 6; row 0 is x).
  function titleScheduleLegend(u) {
    const rows = u.root.querySelectorAll(".u-legend .u-series");
    const titles = {
      5: "The annealing law's loss if the run follows its planned schedule from now to the target budget.",
      6: "The annealing law's loss if the run starts its cooldown now; the bar is the 95 % interval.",
    };
    Object.keys(titles).forEach((i) => {
      if (rows[i]) {
        rows[i].setAttribute("title", titles[i]);
      }
    });
  }

  function lossValue(u, v) {
    return v === null || v === undefined ? DASH : N.fixed(v, 4);
  }

  function chartWidth() {
    return Math.max(320, byId("chart").clientWidth);
  }

  function destroyChart() {
    if (state.chart) {
      state.chart.destroy();
      state.chart = null;
      state.chartRun = null;
    }
  }

  function renderChart(runId, detail) {
    const container = byId("chart");
    const built = chartData(detail);
    container.setAttribute("data-chart-points", String(built.points));
    container.setAttribute("data-schedule-points", String(built.schedulePoints));
    if (!built.cooldownDrawn) {
      container.removeAttribute("data-cooldown-bar");
    }
    renderSchedule(built.schedule);
    if (built.points === 0) {
      destroyChart();
      replaceChildren(container, [el("p", { class: "chart-empty", text: "No points yet for this run." })]);
      return;
    }
    if (typeof window.uPlot !== "function") {
      throw new Error("the chart library (uPlot) did not load");
    }
    container.setAttribute("data-chart-loss-max", String(built.maxLoss));
    const withSchedule = built.schedule !== null;
    state.chartSchedule = built.cooldownDrawn ? built.schedule : null;
    // The schedule series come and go with the forecast: a chart with the other series count is built anew.
    if (state.chart && state.chartRun === runId && state.chart.series.length === built.data.length) {
      state.chart.setData(built.data);
      showLatest(state.chart);
      return;
    }
    destroyChart();
    replaceChildren(container, []);
    state.chart = new window.uPlot(chartOptions(chartWidth(), withSchedule), built.data, container);
    state.chartRun = runId;
    if (withSchedule) {
      titleScheduleLegend(state.chart);
    }
    showLatest(state.chart);
  }

  // Without a hovered point the legend shows each series' latest value (uPlot would show dashes until a hover).
  function showLatest(u) {
    const idxs = u.data.map((values) => {
      for (let i = values.length - 1; i >= 0; i--) {
        if (values[i] !== null && values[i] !== undefined) {
          return i;
        }
      }
      return null;
    });
    // The x value shown is that of the latest binned point.
    idxs[0] = idxs[1] !== null ? idxs[1] : idxs[0];
    u.setLegend({ idxs: idxs }, false);
  }

  function renderRun(detail) {
    const run = detail.run || {};
    const fit = detail.fit || {};
    byId("chart-run").textContent = run.run_id || DASH;
    const facts = [
      "setting " + (run.setting || DASH),
      "D1 " + fmtTokens(run.d1_tokens),
      "D2 " + fmtTokens(run.d2_tokens),
      "α " + fmtFixed(run.alpha, 3),
      "α log-log " + fmtFixed(run.alpha_loglog, 3),
      "α local " + fmtFixed(run.alpha_local, 3),
      "E " + fmtFixed(fit.e, 3),
      "projected loss at target " + fmtFixed(run.projected_loss_at_target, 4),
    ];
    byId("chart-facts").textContent = facts.join(" · ");
    renderChart(run.run_id, detail);
    renderAlertList(byId("run-alerts"), openOnly(detail.alerts), false, "None.");
  }

  function renderNoRun() {
    destroyChart();
    renderSchedule(null);
    byId("chart-run").textContent = DASH;
    byId("chart-facts").textContent = "";
    const container = byId("chart");
    container.setAttribute("data-chart-points", "0");
    replaceChildren(container, [el("p", { class: "chart-empty", text: "No run to show yet." })]);
    replaceChildren(byId("run-alerts"), [el("li", { class: "muted", text: "None." })]);
  }

  // ---------------------------------------------------------------- refresh loop

  async function loadSelected(generation) {
    if (!state.selected) {
      renderNoRun();
      return;
    }
    const runId = state.selected;
    const detail = await getJson("/api/runs/" + encodeURIComponent(runId));
    // A click during the fetch selected another run: its own load renders it.
    if (generation === state.generation && runId === state.selected) {
      renderRun(detail);
    }
  }

  async function refresh() {
    const generation = ++state.generation;
    try {
      const [runsDoc, alertsDoc] = await Promise.all([getJson("/api/runs"), getJson("/api/alerts")]);
      const runs = Array.isArray(runsDoc.runs) ? runsDoc.runs : [];
      const known = (id) => runs.some((r) => r.run_id === id);
      if (!state.selected || !known(state.selected)) {
        const wanted = fragment().get("run");
        state.selected = wanted && known(wanted) ? wanted : runs.length > 0 ? runs[0].run_id : null;
      }
      renderFleet(runs);
      const alerts = openOnly(alertsDoc.alerts);
      renderAlertList(byId("alerts"), alerts, true, "No open alerts.");
      byId("alerts-count").textContent = "(" + alerts.length + ")";
      await loadSelected(generation);
      hideBanner();
      byId("status").textContent = "updated " + new Date().toLocaleTimeString() + " · refreshes every 5 s";
      document.body.setAttribute("data-ready", "1");
    } catch (e) {
      showBanner("Cannot update the dashboard: " + e.message + ". Retrying every 5 s.");
      byId("status").textContent = "update failed " + new Date().toLocaleTimeString();
    } finally {
      if (generation === state.generation) {
        schedule();
      }
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, REFRESH_MS);
  }

  function select(runId) {
    if (!runId || runId === state.selected) {
      return;
    }
    state.selected = runId;
    rememberSelection(runId);
    for (const row of byId("fleet").tBodies[0].rows) {
      const on = row.getAttribute("data-run") === runId;
      row.classList.toggle("selected", on);
      row.setAttribute("aria-selected", on ? "true" : "false");
    }
    refresh();
  }

  function start() {
    const body = byId("fleet").tBodies[0];
    body.addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-run]");
      if (row) {
        select(row.getAttribute("data-run"));
      }
    });
    body.addEventListener("keydown", (event) => {
      const row = event.target.closest("tr[data-run]");
      if (row && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        select(row.getAttribute("data-run"));
      }
    });
    byId("alerts").addEventListener("click", (event) => {
      const link = event.target.closest("[data-select]");
      if (link) {
        event.preventDefault();
        select(link.getAttribute("data-select"));
      }
    });
    window.addEventListener("resize", () => {
      if (state.chart) {
        state.chart.setSize({ width: chartWidth(), height: CHART_HEIGHT });
      }
    });
    refresh();
  }

  start();
})();
