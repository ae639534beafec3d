#!/usr/bin/env python3
"""Expected numbers of FitCommandTest.shouldFitTheSameAlphaEAndBAsScipyOnTheSameObjective.

Builds the test's 32 losses (one per 1/16-decade bin at D2 = 10^((k + 0.5)/16) tokens, k = 144..175, the last at
k + 0.7), keeps the fit set satwatch keeps (points with D2 >= 10 % of the largest D2; one point per bin, so the bin
means are the raw points and the weights are 1), and minimises the Huber (f_scale 0.01) cost of the log residuals
ln(E + B x^-alpha) - ln y with scipy.optimize.least_squares from 54 starts, printing the lowest-cost optimum.
Run with a Python that has scipy (measured with scipy 1.17.1, numpy 2.4.6).
"""
import math

import numpy as np
import scipy
from scipy.optimize import least_squares

E0, B0, A0 = 1.5, 3.0, 0.35
PATTERN = [0.002, -0.001, -0.002, 0.0015, 0.0, -0.0015, 0.001, 0.0005]
DELTA = 0.01

points = []
for k in range(144, 176):
    d2 = 10 ** ((k + (0.7 if k == 175 else 0.5)) / 16)
    x = d2 / 1e9
    points.append((d2, round((E0 + B0 * x**-A0) * (1 + PATTERN[k % 8]), 6)))
print("losses:", ", ".join(f"{l:.6f}" for _, l in points))
max_d2 = max(d for d, _ in points)
fit = [(d / 1e9, l) for d, l in points if math.log(d) >= math.log(0.1 * max_d2)]
x = np.array([f[0] for f in fit])
y = np.array([f[1] for f in fit])


def residuals(p):
    e, b, a = p
    return np.log(e + b * x**-a) - np.log(y)


best = None
for ef in [0.0, 0.2, 0.4, 0.6, 0.75, 0.85, 0.92, 0.96, 0.985]:
    for a0 in [0.05, 0.1, 0.2, 0.3, 0.5, 0.8]:
        e0 = ef * y.min()
        b0 = max((y[-1] - e0) * x[-1] ** a0, 1e-6)
        r = least_squares(
            residuals,
            [e0, b0, a0],
            bounds=([0, 1e-12, 1e-9], [y.min() * (1 - 1e-12), np.inf, 20]),
            loss="huber",
            f_scale=DELTA,
            method="trf",
            ftol=1e-15,
            xtol=1e-15,
            gtol=1e-15,
            max_nfev=100000,
        )
        if best is None or r.cost < best.cost:
            best = r
e, b, a = best.x
print(f"points {len(x)}; scipy {scipy.__version__}, numpy {np.__version__}")
print(f"E={e!r} B={b!r} alpha={a!r} cost={best.cost!r}")
