package dev.satwatch.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CurveSummaryBytesTest {

    /** A summary with every kind of bin, unknown-LR points and a wrapped ring buffer. */
    private static CurveSummary mixed() {
        CurveSummary s = CurveSummary.create(SummaryConfig.defaults());
        SplittableRandom rnd = new SplittableRandom(11);
        for (int step = 1; step <= 3000; step++) {
            double d2 = step * 2_097_152.0;
            double lr = step <= 100 ? 3e-4 * step / 100 : step <= 2500 ? 3e-4 : 3e-4 * (3000 - step) / 500;
            if (step % 7 == 0) {
                lr = Double.NaN;
            }
            s.add(d2, 2.0 + 4.0 * Math.pow(d2 / 1e9, -0.3) + 0.01 * rnd.nextGaussian(), lr);
        }
        return s;
    }

    @Test
    void shouldRoundTripThroughBytesToAnEqualSummary() {
        CurveSummary s = mixed();
        byte[] bytes = s.toBytes();
        assertThat(bytes).hasSize(s.serializedSize());
        assertThat(bytes[0]).isEqualTo(CurveSummary.FORMAT_VERSION);

        CurveSummary back = CurveSummary.fromBytes(bytes);
        assertThat(back).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back.bins()).isEqualTo(s.bins());
        assertThat(back.fitPoints(Double.NaN)).isEqualTo(s.fitPoints(Double.NaN));
        assertThat(back.totalPoints()).isEqualTo(3000);
        assertThat(back.fittedPoints()).isEqualTo(s.fittedPoints());
        assertThat(back.recentLosses()).containsExactly(s.recentLosses());
        assertThat(back.phase()).isEqualTo(LrPhase.ANNEAL);
        assertThat(back.stableLr()).isEqualTo(3e-4);

        // The decoded summary continues exactly like the original.
        for (double d2 : new double[] {6.3e9, 1e6, 7e9}) {
            assertThat(back.add(d2, 2.5, 1e-5)).isEqualTo(s.add(d2, 2.5, 1e-5));
        }
        assertThat(back).isEqualTo(s);
    }

    @Test
    void shouldRoundTripAnEmptySummary() {
        CurveSummary s = CurveSummary.create(new SummaryConfig(8, 0.2, 0.8, 4));
        CurveSummary back = CurveSummary.fromBytes(s.toBytes());
        assertThat(back).isEqualTo(s);
        assertThat(back.config()).isEqualTo(s.config());
        assertThat(s.serializedSize()).isLessThan(100);
    }

    @Test
    void shouldStayWithinFourKilobytesForAMillionPointsOverThirteenDecadesInRandomOrder() {
        assertThat(CurveSummary.MAX_SERIALIZED_BYTES).isLessThanOrEqualTo(4096);
        // Adversarial: D2 log-uniform over 1e3..1e16 tokens in random order, LRs random so that
        // warmup, stable and anneal bins all fill, the widest settings (64 bins/decade, 32 recent).
        CurveSummary s = CurveSummary.create(new SummaryConfig(64, 0.1, 0.9, 32));
        SplittableRandom rnd = new SplittableRandom(2024);
        int n = 1_000_000;
        int maxSize = 0;
        for (int i = 0; i < n; i++) {
            double d2 = Math.pow(10, 3 + 13 * rnd.nextDouble());
            double lr = rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextDouble() * 1e-3;
            s.add(d2, 1 + 10 * rnd.nextDouble(), lr);
            if (i % 1000 == 0) {
                maxSize = Math.max(maxSize, s.serializedSize());
            }
        }
        maxSize = Math.max(maxSize, s.serializedSize());
        assertThat(maxSize).isLessThanOrEqualTo(4096);
        assertThat(s.binCount()).isEqualTo(CurveSummary.MAX_BINS);
        assertThat(s.totalPoints()).isEqualTo(n);
        assertThat(s.bins().stream().mapToLong(CurveBin::count).sum()).isEqualTo(n);
        assertThat(CurveSummary.fromBytes(s.toBytes())).isEqualTo(s);
    }

    @Test
    void shouldRejectEmptyOrUnknownVersionBytesWithAClearMessage() {
        assertThatThrownBy(() -> CurveSummary.fromBytes(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> CurveSummary.fromBytes(new byte[0])).hasMessageContaining("empty");
        byte[] bytes = mixed().toBytes();
        bytes[0] = 9;
        assertThatThrownBy(() -> CurveSummary.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown CurveSummary format version 9");
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes() {
        byte[] bytes = mixed().toBytes();
        for (int len = 1; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> CurveSummary.fromBytes(cut))
                    .as("length %d", len)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> CurveSummary.fromBytes(longer)).hasMessageContaining("trailing");
    }

    @Test
    void shouldFailOnlyWithIllegalArgumentOnCorruptedBytes() {
        byte[] good = mixed().toBytes();
        SplittableRandom rnd = new SplittableRandom(5);
        int rejected = 0;
        for (int trial = 0; trial < 5000; trial++) {
            byte[] bad = good.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) {
                bad[1 + rnd.nextInt(bad.length - 1)] ^= (byte) (1 << rnd.nextInt(8));
            }
            try {
                CurveSummary s = CurveSummary.fromBytes(bad);
                // A flip in a double can decode; the result must still serialize and stay bounded.
                assertThat(s.serializedSize()).isLessThanOrEqualTo(CurveSummary.MAX_SERIALIZED_BYTES);
                s.add(1e9, 3.0, 1e-4);
            } catch (IllegalArgumentException expected) {
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(100);
    }
}
