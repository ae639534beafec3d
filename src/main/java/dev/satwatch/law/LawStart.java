package dev.satwatch.law;

/**
 * One starting point of the calibrator's multi-start search, with E given as a fraction of the
 * smallest observed loss so that the same grid serves any fleet. Immutable and thread-safe.
 *
 * @param lnA natural log of the scale A
 * @param alpha1 exponent of D1 in the amplitude
 * @param alpha2 D2 exponent at D1 = 1 billion tokens
 * @param alpha3 fall of the D2 exponent per unit of ln D1
 * @param eFraction E divided by the smallest observed loss, in [0, 1)
 */
record LawStart(double lnA, double alpha1, double alpha2, double alpha3, double eFraction) {}
