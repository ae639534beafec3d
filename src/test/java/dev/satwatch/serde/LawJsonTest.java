package dev.satwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.law.LawCovariance;
import dev.satwatch.law.LawStdErr;
import dev.satwatch.law.ReuseLaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LawJsonTest {

    private static final LawJson.Entry CODE = new LawJson.Entry(
            "cpt-code",
            new ReuseLaw(8.007531722124153, 0.15, 0.45, 0.04, 1.7),
            new LawStdErr(0.0098, 4.1e-4, 0.00137, 1.33e-4, 0.0083),
            0.0029,
            10);

    private static final LawJson.Entry MATH = LawJson.Entry.of("cpt-math", new ReuseLaw(5, 0.1, 0.3, 0.02, 1.2));

    private static final String VALID_LAW = "{\"a\":8,\"alpha1\":0.15,\"alpha2\":0.45,\"alpha3\":0.04,\"e\":1.7}";

    @Test
    void shouldRoundTripEntriesInOrder() throws Exception {
        String json = LawJson.write(List.of(CODE, MATH));

        Map<String, LawJson.Entry> read = LawJson.parse(json, "laws.json");

        assertThat(read.keySet()).containsExactly("cpt-code", "cpt-math");
        assertThat(read.get("cpt-code")).isEqualTo(CODE);
        assertThat(read.get("cpt-math")).isEqualTo(MATH);
    }

    @Test
    void shouldWriteTheDocumentedShape() throws Exception {
        JsonNode root = new ObjectMapper().readTree(LawJson.write(List.of(CODE, MATH)));

        JsonNode first = root.get("laws").get(0);
        assertThat(first.get("setting").asText()).isEqualTo("cpt-code");
        assertThat(first.get("law").get("a").doubleValue()).isEqualTo(8.007531722124153);
        assertThat(first.get("law").get("alpha3").doubleValue()).isEqualTo(0.04);
        assertThat(first.get("stderr").get("e").doubleValue()).isEqualTo(0.0083);
        assertThat(first.get("rmse").doubleValue()).isEqualTo(0.0029);
        assertThat(first.get("runs_used").intValue()).isEqualTo(10);
        // Unknown optional parts are left out rather than written as placeholders.
        JsonNode second = root.get("laws").get(1);
        assertThat(second.has("stderr")).isFalse();
        assertThat(second.has("rmse")).isFalse();
        assertThat(second.has("runs_used")).isFalse();
    }

    @Test
    void shouldWriteNaNAsNullAndReadNullBackAsNaN() throws Exception {
        LawJson.Entry partial = new LawJson.Entry(
                "s",
                new ReuseLaw(8, 0.15, 0.45, 0.04, 1.7),
                new LawStdErr(0.01, Double.NaN, 0.001, 1e-4, 0.008),
                0.003,
                4);

        String json = LawJson.write(List.of(partial));

        assertThat(new ObjectMapper().readTree(json).at("/laws/0/stderr/alpha1").isNull())
                .isTrue();
        assertThat(json).doesNotContain("NaN");
        LawJson.Entry read = LawJson.parse(json, "laws.json").get("s");
        assertThat(read.stdErr().alpha1()).isNaN();
        assertThat(read.stdErr().alpha2()).isEqualTo(0.001);
        assertThat(read).isEqualTo(partial);
    }

    @Test
    void shouldWriteAnUnfittedLawsNaNConstantsAsNullsThatReadingRejects() {
        LawJson.Entry unfitted =
                LawJson.Entry.of("s", new ReuseLaw(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));

        String json = LawJson.write(List.of(unfitted));

        assertThatThrownBy(() -> LawJson.parse(json, "laws.json"))
                .isInstanceOf(LawFileException.class)
                .hasMessage("laws.json: laws[0].law.a: expected a finite number, found null");
    }

    @Test
    void shouldIgnoreUnknownFieldsAndAcceptMissingOptionalParts() throws Exception {
        String json = "{\"version\":2,\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW
                + ",\"note\":\"from the 2026 fleet\",\"stderr\":null}]}";

        LawJson.Entry entry = LawJson.parse(json, "laws.json").get("s");

        assertThat(entry.law()).isEqualTo(new ReuseLaw(8, 0.15, 0.45, 0.04, 1.7));
        assertThat(entry.stdErr()).isEqualTo(LawStdErr.unknown());
        assertThat(entry.rmse()).isNaN();
        assertThat(entry.runsUsed()).isZero();
    }

    @Test
    void shouldNameTheFileEntryAndFieldOfAMissingConstant() {
        String json = "{\"laws\":[{\"setting\":\"a\",\"law\":" + VALID_LAW + "},"
                + "{\"setting\":\"b\",\"law\":{\"a\":8,\"alpha1\":0.1,\"alpha2\":0.4,\"e\":1.7}}]}";

        assertThatThrownBy(() -> LawJson.parse(json, "laws.json"))
                .isInstanceOf(LawFileException.class)
                .hasMessage("laws.json: laws[1].law.alpha3: missing");
    }

    @Test
    void shouldExplainEachKindOfBadField() {
        assertParseError("{\"laws\":[{\"law\":" + VALID_LAW + "}]}", "laws.json: laws[0].setting: missing");
        assertParseError(
                "{\"laws\":[{\"setting\":\" \",\"law\":" + VALID_LAW + "}]}",
                "laws.json: laws[0].setting: expected a non-empty string");
        assertParseError("{\"laws\":[{\"setting\":\"s\"}]}", "laws.json: laws[0].law: missing");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":{\"a\":\"8\",\"alpha1\":0,\"alpha2\":0,\"alpha3\":0,\"e\":0}}]}",
                "laws.json: laws[0].law.a: expected a finite number, found the string \"8\"");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":{\"a\":-1,\"alpha1\":0,\"alpha2\":0,\"alpha3\":0,\"e\":0}}]}",
                "laws.json: laws[0].law.a: must be > 0, was -1.0");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":{\"a\":1,\"alpha1\":0,\"alpha2\":0,\"alpha3\":0,\"e\":-0.5}}]}",
                "laws.json: laws[0].law.e: must be >= 0, was -0.5");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"stderr\":{\"a\":-1}}]}",
                "laws.json: laws[0].stderr.a: must be >= 0, was -1.0");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"runs_used\":2.5}]}",
                "laws.json: laws[0].runs_used: expected a non-negative integer, found number 2.5");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"rmse\":[1]}]}",
                "laws.json: laws[0].rmse: expected a finite number or null, found an array");
        assertParseError("{\"laws\":[42]}", "laws.json: laws[0]: expected an object, found number 42");
    }

    @Test
    void shouldRejectADuplicateSettingNamingBothEntries() {
        String json = "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + "},{\"setting\":\"s\",\"law\":" + VALID_LAW
                + "}]}";

        assertParseError(json, "laws.json: laws[1].setting: duplicate setting 's' (also laws[0])");
    }

    @Test
    void shouldRejectAWrongTopLevelShape() {
        assertParseError("[]", "laws.json: expected a JSON object {\"laws\":[...]}");
        assertParseError("{}", "laws.json: laws: missing");
        assertParseError("{\"laws\":{}}", "laws.json: laws: expected an array, found an object");
    }

    @Test
    void shouldReportWhereMalformedJsonBreaks() {
        assertThatThrownBy(() -> LawJson.parse("{\"laws\":[\n  {\"setting\": }]}", "laws.json"))
                .isInstanceOf(LawFileException.class)
                .hasMessageStartingWith("laws.json: not valid JSON at line 2, column");
        assertThatThrownBy(() -> LawJson.parse(
                        "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW.replace("}", ",\"a\":9}") + "}]}",
                        "laws.json"))
                .isInstanceOf(LawFileException.class)
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void shouldWriteAndReadAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config/laws.json");

        LawJson.write(file, List.of(CODE, MATH));
        LawJson.write(file, List.of(MATH)); // replaces, never appends

        assertThat(LawJson.read(file)).containsOnlyKeys("cpt-math");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void shouldNameTheFileWhenItCannotBeRead(@TempDir Path dir) {
        Path missing = dir.resolve("laws.json");

        assertThatThrownBy(() -> LawJson.read(missing))
                .isInstanceOf(LawFileException.class)
                .hasMessageStartingWith(missing + ": cannot read the law file (NoSuchFileException");
    }

    @Test
    void shouldNameTheFileInContentErrorsWhenReadingFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("laws.json");
        Files.writeString(file, "{\"laws\":[{\"setting\":\"s\"}]}");

        assertThatThrownBy(() -> LawJson.read(file))
                .isInstanceOf(LawFileException.class)
                .hasMessage(file + ": laws[0].law: missing");
    }

    @Test
    void shouldRoundTripTheFullCovarianceSoTheExponentKeepsItsInterval() throws Exception {
        double[][] rows = new double[5][5];
        for (int i = 0; i < 5; i++) {
            rows[i][i] = 1e-4 * (i + 1);
        }
        rows[2][3] = -1.6e-5;
        rows[3][2] = -1.6e-5;
        ReuseLaw law = new ReuseLaw(8, 0.15, 0.45, 0.04, 1.7).withCovariance(LawCovariance.of(rows, 395));
        LawJson.Entry entry = new LawJson.Entry("s", law, LawStdErr.unknown(), 0.003, 10);

        String json = LawJson.write(List.of(entry));
        LawJson.Entry read = LawJson.parse(json, "laws.json").get("s");

        JsonNode cov = new ObjectMapper().readTree(json).at("/laws/0/covariance");
        assertThat(cov.get("order").toString()).isEqualTo("[\"a\",\"alpha1\",\"alpha2\",\"alpha3\",\"e\"]");
        assertThat(cov.get("dof").intValue()).isEqualTo(395);
        assertThat(cov.get("matrix").get(2).get(3).doubleValue()).isEqualTo(-1.6e-5);
        assertThat(read).isEqualTo(entry);
        assertThat(read.law().alphaStdErr(300)).isEqualTo(law.alphaStdErr(300)).isPositive();
    }

    @Test
    void shouldReadAnOldLawFileWithoutCovarianceAsUnknownUncertainty() throws Exception {
        String old = "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW
                + ",\"stderr\":{\"a\":0.01,\"alpha1\":4e-4,\"alpha2\":0.0014,\"alpha3\":1.3e-4,\"e\":0.008}}]}";

        LawJson.Entry read = LawJson.parse(old, "laws.json").get("s");

        assertThat(read.law().hasCovariance()).isFalse();
        assertThat(read.law().covariance()).isEqualTo(LawCovariance.unknown());
        assertThat(read.law().alphaStdErr(300)).isNaN();
        assertThat(read.law().alphaAt(300)).isEqualTo(0.45 - 0.04 * Math.log(300));
        assertThat(new ObjectMapper()
                        .readTree(LawJson.write(List.of(read)))
                        .at("/laws/0")
                        .has("covariance"))
                .isFalse();
    }

    @Test
    void shouldCarryTheSettingsCooldownCAndReadOldFilesWithoutIt() throws Exception {
        LawJson.Entry withC = LawJson.Entry.of("s", new ReuseLaw(5, 0.1, 0.3, 0.02, 1.2).withCooldownC(0.31));

        String json = LawJson.write(List.of(withC));
        LawJson.Entry read = LawJson.parse(json, "laws.json").get("s");
        LawJson.Entry old = LawJson.parse("{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + "}]}", "laws.json")
                .get("s");

        assertThat(new ObjectMapper().readTree(json).at("/laws/0/cooldown_c").doubleValue())
                .isEqualTo(0.31);
        assertThat(read).isEqualTo(withC);
        assertThat(read.law().hasCooldownC()).isTrue();
        assertThat(old.law().cooldownC()).isNaN();
        assertThat(old.law().hasCooldownC()).isFalse();
        assertThat(new ObjectMapper()
                        .readTree(LawJson.write(List.of(old)))
                        .at("/laws/0")
                        .has("cooldown_c"))
                .isFalse();
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"cooldown_c\":\"x\"}]}",
                "laws.json: laws[0].cooldown_c: expected a finite number or null");
    }

    @Test
    void shouldNameTheCellOfABadCovariance() {
        String rows5 = "[1,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0]";
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"covariance\":{\"matrix\":[" + rows5
                        + ",[0,0,0,0,\"x\"]]}}]}",
                "laws.json: laws[0].covariance.matrix[4][4]: expected a finite number, found the string \"x\"");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"covariance\":{\"matrix\":[" + rows5
                        + "]}}]}",
                "laws.json: laws[0].covariance.matrix: expected 5 rows of 5 numbers");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"covariance\":{\"matrix\":[" + rows5
                        + ",[0.5,0,0,0,1]]}}]}",
                "laws.json: laws[0].covariance.matrix: not symmetric at [4][0]");
        assertParseError(
                "{\"laws\":[{\"setting\":\"s\",\"law\":" + VALID_LAW + ",\"covariance\":{\"matrix\":[" + rows5
                        + ",[0,0,0,0,-1]]}}]}",
                "laws.json: laws[0].covariance.matrix[4][4]: a variance must be >= 0");
    }

    private static void assertParseError(String json, String messageStart) {
        assertThatThrownBy(() -> LawJson.parse(json, "laws.json"))
                .isInstanceOf(LawFileException.class)
                .hasMessageStartingWith(messageStart);
    }
}
