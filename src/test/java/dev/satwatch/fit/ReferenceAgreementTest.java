package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with SciPy on real loss curves. The expected numbers in
 * {@code src/test/resources/reference/reference_fits.json} come from {@code scripts/reference_fit.py}:
 * scipy 1.10.1 {@code least_squares(method='trf', loss='huber', f_scale=0.01)} from 144 starts (the
 * lowest cost kept), and numpy 1.24.2 {@code polyfit} for the log-log slope, on Python 3.11.2. The
 * curves are OLMo-2 ladder constant-LR runs, Gemstones main runs, MultiPowerLaw constant-LR runs and
 * a binned Pythia train-loss run (see each curve's {@code source} and {@code selection}).
 */
class ReferenceAgreementTest {

    /** |Δα| allowed between this fitter and SciPy where both converge. */
    private static final double ALPHA_TOLERANCE = 0.002;

    /** Both log-log slopes are closed-form least squares; only rounding separates them. */
    private static final double LOGLOG_TOLERANCE = 1e-6;

    private static JsonNode reference;

    @BeforeAll
    static void readReference() throws IOException {
        try (InputStream in = ReferenceAgreementTest.class.getResourceAsStream("/reference/reference_fits.json")) {
            assertThat(in).as("reference_fits.json on the test classpath").isNotNull();
            reference = new ObjectMapper().readTree(in);
        }
    }

    static Stream<Arguments> curves() throws IOException {
        readReference();
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : reference.get("curves")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        return out.stream();
    }

    @Test
    void shouldRecordHowTheReferenceWasGenerated() {
        assertThat(reference.get("generated_by").asText()).isEqualTo("scripts/reference_fit.py");
        assertThat(reference.get("scipy_version").asText()).isNotBlank();
        assertThat(reference.get("numpy_version").asText()).isNotBlank();
        assertThat(reference.get("python_version").asText()).isNotBlank();
        assertThat(reference.get("curves")).hasSizeGreaterThanOrEqualTo(8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("curves")
    void shouldAgreeWithScipyOnAlphaWithinTwoThousandths(String name, JsonNode curve) {
        double[] x = doubles(curve.get("x"));
        double[] y = doubles(curve.get("y"));
        double[] w = curve.get("w").isNull() ? null : doubles(curve.get("w"));
        JsonNode scipy = curve.get("scipy");

        FitResult fit = PowerLawFitter.create()
                .withHuberDelta(curve.get("delta").asDouble())
                .fit(x, y, w);

        assertThat(scipy.get("converged").asBoolean()).as("scipy converged").isTrue();
        assertThat(fit.converged()).as("java converged").isTrue();
        assertThat(fit.points()).isEqualTo(x.length);
        assertThat(fit.alpha()).as("alpha").isCloseTo(scipy.get("alpha").asDouble(), within(ALPHA_TOLERANCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("curves")
    void shouldAgreeWithNumpyPolyfitOnTheLogLogSlope(String name, JsonNode curve) {
        double[] x = doubles(curve.get("x"));
        double[] y = doubles(curve.get("y"));
        double[] w = curve.get("w").isNull() ? null : doubles(curve.get("w"));

        SlopeResult slope = LogLogSlope.fit(x, y, w);

        assertThat(slope.alpha()).isCloseTo(curve.get("loglog_alpha").asDouble(), within(LOGLOG_TOLERANCE));
        assertThat(slope.intercept()).isCloseTo(curve.get("loglog_intercept").asDouble(), within(LOGLOG_TOLERANCE));
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
