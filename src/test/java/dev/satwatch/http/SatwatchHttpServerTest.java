package dev.satwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satwatch.event.AlertType;
import dev.satwatch.event.ScheduleForecast;
import dev.satwatch.serde.ApiJson;
import dev.satwatch.track.RunState;
import dev.satwatch.track.RunStateFixtures;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SatwatchHttpServerTest {

    private static RunState flat;
    private static RunState fresh;

    private final FakeRunSource runs = new FakeRunSource();
    private final List<ApiJson.IngestLine> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger ingestedOk = new AtomicInteger();
    private final AtomicInteger ingestedBad = new AtomicInteger();
    private final List<SatwatchHttpServer> servers = new ArrayList<>();

    @BeforeAll
    static void buildRuns() {
        flat = RunFixtures.flatRun("flat-run");
        fresh = RunFixtures.freshRun("a-fresh-run");
        assertThat(flat.openAlerts()).as("fixture").contains(AlertType.DIMINISHING_RETURNS);
    }

    @AfterEach
    void stop() {
        servers.forEach(SatwatchHttpServer::close);
    }

    private String start(FakeRunSource source, String token, int maxBody) throws Exception {
        SatwatchHttpServer s = SatwatchHttpServer.builder("127.0.0.1", 0)
                .runs(source)
                .events(published::addAll)
                .metrics(() -> "# HELP satwatch_fits_total x\nsatwatch_fits_total 3.0\n")
                .counters((ok, bad) -> {
                    ingestedOk.addAndGet(ok);
                    ingestedBad.addAndGet(bad);
                })
                .token(token)
                .maxBodyBytes(maxBody)
                .start();
        servers.add(s);
        return "http://127.0.0.1:" + s.port();
    }

    private String start() throws Exception {
        return start(runs.with(flat, fresh), "", SatwatchHttpServer.DEFAULT_MAX_BODY_BYTES);
    }

    @Test
    void shouldBindLoopbackOnAFreePortWhenAskedForPortZero() throws Exception {
        start();
        assertThat(servers.get(0).port()).isPositive();
        assertThat(servers.get(0).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldServeTheDashboardPageStaticAssetsAndUplotFromTheWebjarWithTheirContentTypes() throws Exception {
        String base = start();

        HttpResponse<String> page = HttpCalls.get(base + "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).containsIgnoringCase("<html");

        HttpResponse<String> uplot = HttpCalls.get(base + "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(HttpCalls.get(base + "/webjars/uplot/1.6.30/dist/uPlot.min.css")
                        .headers()
                        .firstValue("Content-Type"))
                .hasValue("text/css; charset=utf-8");
    }

    @Test
    void shouldRefuseEveryPathOutsideTheServedFolders() throws Exception {
        String base = start();

        for (String path : List.of(
                "/static/..%2Flogback.xml", "/static/../logback.xml", "/webjars/", "/logback.xml", "/static/nope.js")) {
            HttpResponse<String> r = HttpCalls.get(base + path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(HttpCalls.json(r).path("error").asText()).as(path).isNotEmpty();
        }
        assertThat(StaticHandler.resourceFor("/static/a/../../b")).isNull();
        assertThat(StaticHandler.resourceFor("/static/app.js")).isEqualTo("dashboard/app.js");
    }

    @Test
    void shouldListEveryRunSortedByIdWithTheContractFields() throws Exception {
        String base = start();

        HttpResponse<String> r = HttpCalls.get(base + "/api/runs");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode list = HttpCalls.json(r).get("runs");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("run_id").asText()).isEqualTo("a-fresh-run");
        JsonNode f = list.get(1);
        assertThat(f.fieldNames())
                .toIterable()
                .containsExactly(
                        "run_id",
                        "setting",
                        "d1_tokens",
                        "d2_tokens",
                        "target_d2_tokens",
                        "last_loss",
                        "points",
                        "alpha",
                        "alpha_ci_low",
                        "alpha_ci_high",
                        "alpha_predicted",
                        "alpha_loglog",
                        "alpha_local",
                        "gain_per_billion_tokens",
                        "projected_loss_at_target",
                        "loss_given_up",
                        "loss_given_up_upper",
                        "tokens_saved",
                        "verdict",
                        "open_alerts",
                        "finished");
        assertThat(f.get("d1_tokens").asDouble()).isEqualTo(300e9);
        assertThat(f.get("target_d2_tokens").asDouble()).isEqualTo(200e9);
        // 80 % of the budget was fed; the last logged point is within one eval interval of it.
        assertThat(f.get("d2_tokens").asDouble()).isBetween(150e9, 160e9);
        assertThat(f.get("alpha").isNumber()).isTrue();
        assertThat(f.get("open_alerts").toString()).contains("DIMINISHING_RETURNS");
        assertThat(f.get("finished").asBoolean()).isFalse();
        JsonNode empty = list.get(0);
        assertThat(empty.get("alpha").isNull()).as("no fit yet: null, not NaN").isTrue();
        assertThat(empty.get("points").asLong()).isZero();
    }

    @Test
    void shouldAnswerARunWithItsFitBinsCurvesAndOpenAlerts() throws Exception {
        runs.laws.put(flat.meta().setting(), RunFixtures.FLAT);
        String base = start();

        JsonNode d = HttpCalls.json(HttpCalls.get(base + "/api/runs/flat-run"));

        assertThat(d.fieldNames())
                .toIterable()
                .containsExactly("run", "fit", "bins", "fitted_curve", "predicted_curve", "schedule", "alerts");
        assertThat(d.get("run").get("run_id").asText()).isEqualTo("flat-run");
        assertThat(d.get("fit").get("sequence").asLong()).isPositive();
        assertThat(d.get("bins").size()).isGreaterThan(10);
        JsonNode bin = d.get("bins").get(0);
        assertThat(bin.fieldNames()).toIterable().containsExactly("d2_tokens", "loss", "std", "count", "phase");
        assertThat(d.get("predicted_curve")).hasSize(Curves.POINTS);
        // The predicted curve is the law itself: L(300 B, D2) at the last point, D2 = the 200 B target.
        JsonNode last = d.get("predicted_curve").get(Curves.POINTS - 1);
        assertThat(last.get("d2_tokens").asDouble()).isEqualTo(200e9);
        assertThat(last.get("loss").asDouble())
                .isCloseTo(RunFixtures.FLAT.loss(300, 200), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(d.get("alerts").findValuesAsText("type")).contains("DIMINISHING_RETURNS");
        assertThat(d.get("alerts").get(0).get("state").asText()).isEqualTo("OPEN");
    }

    /**
     * A forecast at D2 160 B of a 200 B budget: a cooldown now over 20 B tokens, the curve's four knots to the target
     * with one knot not computable (NaN).
     */
    static ScheduleForecast forecast() {
        return new ScheduleForecast(
                160e9,
                200e9,
                20e9,
                2.30,
                2.28,
                2.32,
                2.34,
                2.31,
                2.37,
                0.017,
                0.03,
                new double[] {170e9, 180e9, 190e9, 200e9},
                new double[] {2.36, Double.NaN, 2.33, 2.30},
                true,
                "planned",
                null);
    }

    @Test
    void shouldAnswerTheLatestFitsScheduleForecastAsTheCurveAndTheCoolDownNowPoint() throws Exception {
        RunState scheduled = RunStateFixtures.withSchedule(RunFixtures.flatRun("sched-run"), forecast());
        String base = start(runs.with(scheduled, fresh), "", SatwatchHttpServer.DEFAULT_MAX_BODY_BYTES);

        JsonNode d = HttpCalls.json(HttpCalls.get(base + "/api/runs/sched-run"));

        JsonNode sch = d.get("schedule");
        assertThat(sch.fieldNames())
                .toIterable()
                .containsExactly(
                        "curve",
                        "cooldown_now",
                        "final_loss",
                        "final_loss_low",
                        "final_loss_high",
                        "target_d2_tokens",
                        "source",
                        "c_known");
        // The knot with no loss is left out; the others as the forecast has them.
        assertThat(sch.get("curve")).hasSize(3);
        assertThat(sch.get("curve").findValuesAsText("d2_tokens")).containsExactly("1.7E11", "1.9E11", "2.0E11");
        assertThat(sch.get("curve").get(2).get("loss").asDouble()).isEqualTo(2.30);
        JsonNode now = sch.get("cooldown_now");
        assertThat(now.get("d2_tokens").asDouble()).as("D2 now + K").isEqualTo(180e9);
        assertThat(now.get("cooldown_tokens").asDouble()).isEqualTo(20e9);
        assertThat(now.get("loss").asDouble()).isEqualTo(2.34);
        assertThat(now.get("low").asDouble()).isEqualTo(2.31);
        assertThat(now.get("high").asDouble()).isEqualTo(2.37);
        assertThat(sch.get("final_loss").asDouble()).isEqualTo(2.30);
        assertThat(sch.get("final_loss_low").asDouble()).isEqualTo(2.28);
        assertThat(sch.get("final_loss_high").asDouble()).isEqualTo(2.32);
        assertThat(sch.get("source").asText()).isEqualTo("planned");
        assertThat(sch.get("c_known").asBoolean()).isTrue();
        // The fit itself still carries the whole forecast.
        assertThat(d.get("fit").get("schedule").get("loss_given_up").asDouble()).isEqualTo(0.017);

        assertThat(HttpCalls.json(HttpCalls.get(base + "/api/runs/a-fresh-run"))
                        .get("schedule")
                        .isNull())
                .as("no fit yet")
                .isTrue();
    }

    @Test
    void shouldLeaveOutAForecastThatWasNotMade() {
        RunState noted = RunStateFixtures.withSchedule(
                RunFixtures.flatRun("noted"), ScheduleForecast.none(160e9, 200e9, "no learning rate"));

        assertThat(Curves.schedule(noted)).isNull();
        assertThat(Curves.schedule(fresh)).isNull();
        assertThat(Curves.schedule(RunStateFixtures.withSchedule(flat, forecast())))
                .isEqualTo(forecast());
    }

    @Test
    void shouldDrawTheFittedCurveFromTheLatestConvergedFit() {
        List<ApiJson.CurvePoint> fitted = Curves.fitted(flat);
        var f = flat.lastFit();
        assertThat(fitted).hasSize(Curves.POINTS);
        ApiJson.CurvePoint p = fitted.get(10);
        // L = E + B·D2^(−α), D2 in billions.
        assertThat(p.loss())
                .isCloseTo(
                        f.e() + f.b() * Math.pow(p.d2Tokens() / 1e9, -f.alpha()),
                        org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Curves.fitted(fresh)).isEmpty();
        assertThat(Curves.predicted(fresh, RunFixtures.FLAT)).as("no bins yet").isEmpty();
    }

    @Test
    void shouldAnswerJsonErrorsFor404And405AndBadEncoding() throws Exception {
        String base = start();

        HttpResponse<String> unknown = HttpCalls.get(base + "/api/runs/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(HttpCalls.json(unknown).get("error").asText()).isEqualTo("no run 'nope'");
        assertThat(HttpCalls.get(base + "/api/nothing").statusCode()).isEqualTo(404);
        assertThat(HttpCalls.get(base + "/api/runs/nope/decision").statusCode()).isEqualTo(404);

        HttpResponse<String> post = HttpCalls.send("POST", base + "/api/runs", "{}");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(HttpCalls.json(post).get("error").asText()).contains("POST");
        assertThat(HttpCalls.get(base + "/api/events").statusCode()).isEqualTo(405);
        assertThat(HttpCalls.send("PUT", base + "/health", "").statusCode()).isEqualTo(405);
    }

    @Test
    void shouldRejectABadPercentEncodingAsABadPathSegment() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiHandler.segments("/api/runs/%zz"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ApiHandler.segments("/api//runs/a%2Fb+c/")).containsExactly("api", "runs", "a/b+c");
    }

    @Test
    void shouldDecodePercentEncodedRunIds() throws Exception {
        runs.with(RunFixtures.freshRun("team a/run+1"));
        String base = start();

        HttpResponse<String> r = HttpCalls.get(base + "/api/runs/team%20a%2Frun+1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(HttpCalls.json(r).get("run").get("run_id").asText()).isEqualTo("team a/run+1");
    }

    @Test
    void shouldRecommendStoppingWhileDiminishingReturnsIsOpenAndContinuingOtherwise() throws Exception {
        String base = start();

        JsonNode stop = HttpCalls.json(HttpCalls.get(base + "/api/runs/flat-run/decision"));
        assertThat(stop.fieldNames())
                .toIterable()
                .containsExactly(
                        "stop",
                        "reason",
                        "alert_type",
                        "tokens_saved",
                        "since",
                        "loss_given_up",
                        "loss_given_up_upper",
                        "cost_saved");
        assertThat(stop.get("stop").asBoolean()).isTrue();
        assertThat(stop.get("alert_type").asText()).isEqualTo("DIMINISHING_RETURNS");
        assertThat(stop.get("reason").asText()).isNotBlank();
        assertThat(stop.get("tokens_saved").asDouble()).isBetween(40e9, 50e9);
        assertThat(stop.get("since").asText()).startsWith("2026-11-26T");

        JsonNode go = HttpCalls.json(HttpCalls.get(base + "/api/runs/a-fresh-run/decision"));
        assertThat(go.toString())
                .isEqualTo("{\"stop\":false,\"reason\":null,\"alert_type\":null,\"tokens_saved\":null,\"since\":null,"
                        + "\"loss_given_up\":null,\"loss_given_up_upper\":null,\"cost_saved\":null}");
    }

    @Test
    void shouldListTheOpenAlertsOfEveryRun() throws Exception {
        String base = start();

        JsonNode alerts = HttpCalls.json(HttpCalls.get(base + "/api/alerts")).get("alerts");

        assertThat(alerts.findValuesAsText("run_id")).containsOnly("flat-run");
        assertThat(alerts.findValuesAsText("state")).containsOnly("OPEN");
        assertThat(alerts.findValuesAsText("type"))
                .containsExactlyElementsOf(
                        flat.openAlerts().stream().map(Enum::name).toList());
    }

    @Test
    void shouldRequireTheBearerTokenOnTheApiButNotOnHealthMetricsOrThePage() throws Exception {
        String base = start(runs.with(flat), "s3cret", 1024);

        HttpResponse<String> none = HttpCalls.get(base + "/api/runs");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain("s3cret");
        assertThat(HttpCalls.get(base + "/api/runs", "Authorization", "Bearer wrong")
                        .statusCode())
                .isEqualTo(401);
        assertThat(HttpCalls.send("POST", base + "/api/events", "{}").statusCode())
                .isEqualTo(401);
        assertThat(HttpCalls.get(base + "/api/runs", "Authorization", "Bearer s3cret")
                        .statusCode())
                .isEqualTo(200);
        assertThat(HttpCalls.get(base + "/health").statusCode()).isEqualTo(200);
        assertThat(HttpCalls.get(base + "/metrics").statusCode()).isEqualTo(200);
        assertThat(HttpCalls.get(base + "/").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldReportHealthUpOnlyWhileStreamsRunOrRebalance() throws Exception {
        String base = start();

        HttpResponse<String> up = HttpCalls.get(base + "/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"streams\":\"RUNNING\"}");
        runs.state = "REBALANCING";
        assertThat(HttpCalls.get(base + "/health").statusCode()).isEqualTo(200);
        runs.state = "ERROR";
        HttpResponse<String> down = HttpCalls.get(base + "/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"streams\":\"ERROR\"}");
    }

    @Test
    void shouldServeThePrometheusTextOnMetrics() throws Exception {
        String base = start();

        HttpResponse<String> r = HttpCalls.get(base + "/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("satwatch_fits_total 3.0");
    }

    @Test
    void shouldAnswer503WhenTheStoresAreNotQueryable() throws Exception {
        String base = start();
        runs.unavailable = true;

        HttpResponse<String> r = HttpCalls.get(base + "/api/runs");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(HttpCalls.json(r).get("error").asText()).contains("not queryable");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void shouldPublishEveryIngestLineAndReportTheRejectedOnes() throws Exception {
        String base = start();
        String body = String.join(
                "\n",
                "{\"type\":\"loss\",\"run_id\":\"r1\",\"step\":1,\"d2_tokens\":1e9,\"loss\":3.1}",
                "",
                "not json",
                "{\"type\":\"loss\",\"step\":2,\"d2_tokens\":2e9,\"loss\":3.0}",
                "{\"type\":\"run_finished\",\"run_id\":\"r1\"}\r");

        HttpResponse<String> r = HttpCalls.send("POST", base + "/api/events", body);

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode a = HttpCalls.json(r);
        assertThat(a.get("published").asInt()).isEqualTo(2);
        assertThat(a.get("rejected").findValuesAsText("line")).containsExactly("3", "4");
        assertThat(a.get("rejected").get(1).get("reason").asText()).contains("run_id");
        assertThat(published).extracting(ApiJson.IngestLine::runId).containsExactly("r1", null, null, "r1");
        assertThat(ingestedOk).hasValue(2);
        assertThat(ingestedBad).hasValue(2);
    }

    @Test
    void shouldRefuseABodyOverTheCapWith413() throws Exception {
        String base = start(runs.with(flat), "", 100);

        HttpResponse<String> r = HttpCalls.send("POST", base + "/api/events", "x".repeat(101));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(HttpCalls.json(r).get("error").asText()).contains("100");
        assertThat(published).isEmpty();
    }

    @Test
    void shouldAnswer503WhenKafkaDoesNotTakeTheEvents() throws Exception {
        SatwatchHttpServer s = SatwatchHttpServer.builder("127.0.0.1", 0)
                .runs(runs)
                .events(lines -> {
                    throw new EventSink.EventSinkException("broker down", null);
                })
                .start();
        servers.add(s);

        HttpResponse<String> r = HttpCalls.send(
                "POST", "http://127.0.0.1:" + s.port() + "/api/events", "{\"type\":\"run_finished\",\"run_id\":\"r\"}");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(HttpCalls.json(r).get("error").asText()).contains("broker down");
    }

    @Test
    void shouldMergeOtherInstancesRunsAndForwardARunToItsOwner() throws Exception {
        FakeRunSource remoteRuns = new FakeRunSource().with(flat);
        String remote = start(remoteRuns, "tok", 1024);
        FakeRunSource localRuns = new FakeRunSource().with(fresh);
        String hostPort = remote.substring("http://".length());
        localRuns.others.add(hostPort);
        localRuns.owners.put("flat-run", hostPort);
        remoteRuns.others.add("127.0.0.1:1"); // the remote's view of the other instance is never used for /local
        String local = start(localRuns, "tok", 1024);
        String[] auth = {"Authorization", "Bearer tok"};

        JsonNode all = HttpCalls.json(HttpCalls.get(local + "/api/runs", auth));
        assertThat(all.get("runs").findValuesAsText("run_id")).containsExactly("a-fresh-run", "flat-run");
        JsonNode alerts = HttpCalls.json(HttpCalls.get(local + "/api/alerts", auth));
        assertThat(alerts.get("alerts").findValuesAsText("run_id")).isNotEmpty().containsOnly("flat-run");
        HttpResponse<String> one = HttpCalls.get(local + "/api/runs/flat-run", auth);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(HttpCalls.json(one).get("run").get("run_id").asText()).isEqualTo("flat-run");
        assertThat(HttpCalls.json(HttpCalls.get(local + "/api/runs/flat-run/decision", auth))
                        .get("stop")
                        .asBoolean())
                .isTrue();
        HttpResponse<String> localOnly = HttpCalls.get(local + "/api/local/runs", auth);
        assertThat(HttpCalls.json(localOnly).get("runs").findValuesAsText("run_id"))
                .containsExactly("a-fresh-run");
    }

    @Test
    void shouldAnswerPartialListsNamingAnUnreachableInstance() throws Exception {
        FakeRunSource source = new FakeRunSource().with(fresh);
        source.others.add("127.0.0.1:1");
        source.owners.put("elsewhere", "127.0.0.1:1");
        String base = start(source, "", 1024);

        HttpResponse<String> r = HttpCalls.get(base + "/api/runs");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Satwatch-Partial")).hasValue("127.0.0.1:1");
        assertThat(HttpCalls.json(r).get("runs").findValuesAsText("run_id")).containsExactly("a-fresh-run");
        HttpResponse<String> forwarded = HttpCalls.get(base + "/api/runs/elsewhere");
        assertThat(forwarded.statusCode()).isEqualTo(503);
        assertThat(HttpCalls.json(forwarded).get("error").asText()).contains("unreachable");
    }
}
