package dev.satwatch.fit;

/**
 * The reference curve of {@code scripts/annealing_reference.py}: LR logged every 100 steps to 20,000 (warmup to
 * 3e-4 by step 500, constant to 14,000, linear decay to 3e-5 at 18,000, re-warm to 1.5e-4 at 18,500, constant),
 * loss {@code 2.6 + 0.45·S1^(−0.55) − 0.4·S2} at λ = 0.999, optionally with the script's deterministic noise.
 */
final class AnnealingCurves {

    static final int LAMBDA_0999 = 4;

    private AnnealingCurves() {}

    static double lrAt(double step) {
        if (step <= 500) {
            return 3e-4 * step / 500;
        }
        if (step <= 14000) {
            return 3e-4;
        }
        if (step <= 18000) {
            return 3e-4 + (3e-5 - 3e-4) * (step - 14000) / 4000;
        }
        if (step <= 18500) {
            return 3e-5 + (1.5e-4 - 3e-5) * (step - 18000) / 500;
        }
        return 1.5e-4;
    }

    /** The points, up to and including {@code lastStep}. */
    static AnnealingPoints points(boolean noisy, int lastStep) {
        ScheduleState state = new ScheduleState();
        AnnealingPoints.Builder b = AnnealingPoints.builder();
        int i = 0;
        for (int step = 100; step <= lastStep; step += 100, i++) {
            state.advance(step, lrAt(step));
            double loss = 2.6 + 0.45 * Math.pow(state.s1(), -0.55) - 0.4 * state.s2(LAMBDA_0999);
            if (noisy) {
                loss += 0.002 * Math.sin(1.3 * i) * Math.cos(0.7 * i);
            }
            b.add(state, loss);
        }
        return b.build();
    }
}
