package dev.satwatch.fit;

/**
 * Inverts the 3×3 information matrix {@code JᵀWΩJ} of the power-law fit into a covariance.
 *
 * <p>E, B and α live on very different scales, so the matrix is first scaled to unit diagonal
 * ({@code D⁻¹ A D⁻¹}, D = sqrt(diag A)); the scaled matrix is a correlation-like matrix whose
 * determinant measures how degenerate the parameters are, independent of units. Below
 * {@link #MIN_SCALED_DETERMINANT} (correlations within about 1e-12 of ±1) the parameters are not
 * separately identifiable and no covariance is returned. Stateless; thread-safe.
 */
final class PowerLawCovariance {

    /** Smallest determinant of the unit-diagonal matrix accepted as invertible. */
    static final double MIN_SCALED_DETERMINANT = 1e-12;

    private PowerLawCovariance() {}

    /**
     * Returns {@code s2 · A⁻¹} as a row-major 3×3 array, or null when A is singular, not positive
     * definite on its diagonal, or has non-finite entries.
     *
     * @param a row-major symmetric 3×3 matrix
     */
    static double[] invertScaled(double[] a, double s2) {
        double[] d = new double[3];
        for (int i = 0; i < 3; i++) {
            double aii = a[4 * i];
            if (!(aii > 0) || aii == Double.POSITIVE_INFINITY) {
                return null;
            }
            d[i] = Math.sqrt(aii);
        }
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[3 * i + j] = a[3 * i + j] / (d[i] * d[j]);
            }
        }
        // Cofactors of the symmetric scaled matrix.
        double c00 = c[4] * c[8] - c[5] * c[7];
        double c01 = c[5] * c[6] - c[3] * c[8];
        double c02 = c[3] * c[7] - c[4] * c[6];
        double det = c[0] * c00 + c[1] * c01 + c[2] * c02;
        if (!(det > MIN_SCALED_DETERMINANT) || !Double.isFinite(s2)) {
            return null;
        }
        double[] inv = {
            c00,
            c[2] * c[7] - c[1] * c[8],
            c[1] * c[5] - c[2] * c[4],
            c01,
            c[0] * c[8] - c[2] * c[6],
            c[2] * c[3] - c[0] * c[5],
            c02,
            c[1] * c[6] - c[0] * c[7],
            c[0] * c[4] - c[1] * c[3]
        };
        double[] cov = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                cov[3 * i + j] = s2 * inv[3 * i + j] / det / (d[i] * d[j]);
            }
        }
        return cov;
    }
}
