"""Reference numbers for AnnealingFitTest and ScheduleStateTest (independent of satwatch's code).

The curve: LR logged every 100 steps to step 20,000 - warmup 0 -> 3e-4 over steps 0..500, constant to 14,000,
linear decay to 3e-5 at 18,000, re-warm linearly to 1.5e-4 at 18,500, constant to 20,000. S1 and S2 are summed
step by step (no closed form): S1 = sum eta_i; m_i = lam*m_{i-1} + (eta_{i-1} - eta_i), except that a step whose LR
is a new maximum (the warmup) adds no drop; S2 = sum m_i; the LR before the first logged point (step 100) is that
point's LR. Loss: L = 2.6 + 0.45*S1^-0.55 - 0.4*S2 (lam = 0.999) + 0.002*sin(1.3 i)*cos(0.7 i) at the i-th point.
The fit: scipy.optimize.least_squares (method 'lm', xtol = ftol = 1e-15) of (L0, A, alpha, C) on the loss.
Usage: python3 scripts/annealing_reference.py
"""
import math
import numpy as np
import scipy
from scipy.optimize import least_squares

LAM = 0.999


def lr_at(step):
    if step <= 500:
        return 3e-4 * step / 500
    if step <= 14000:
        return 3e-4
    if step <= 18000:
        return 3e-4 + (3e-5 - 3e-4) * (step - 14000) / 4000
    if step <= 18500:
        return 3e-5 + (1.5e-4 - 3e-5) * (step - 18000) / 500
    return 1.5e-4


logged = list(range(100, 20001, 100))
s1 = s2 = m = 0.0
eta_prev = lr_at(100)
mx = eta_prev
S1, S2 = [], []
for step in range(1, 20001):
    eta = lr_at(step) if step >= 100 else lr_at(100)
    s1 += eta
    drop = 0.0 if eta > mx else eta_prev - eta
    mx = max(mx, eta)
    m = LAM * m + drop
    s2 += m
    eta_prev = eta
    if step % 100 == 0:
        S1.append(s1)
        S2.append(s2)
S1, S2 = np.array(S1), np.array(S2)
i = np.arange(len(S1))
clean = 2.6 + 0.45 * S1 ** -0.55 - 0.4 * S2
noisy = clean + 0.002 * np.sin(1.3 * i) * np.cos(0.7 * i)
print("scipy", scipy.__version__)
for at in (5000, 16000, 18000, 18300, 20000):
    j = logged.index(at)
    print(f"step {at}: S1 {float(S1[j])!r} S2 {float(S2[j])!r}")
for name, y in (("clean", clean), ("noisy", noisy)):
    r = least_squares(lambda p: p[0] + p[1] * S1 ** -p[2] - p[3] * S2 - y, [2.5, 0.3, 0.4, 0.2],
                      method="lm", xtol=1e-15, ftol=1e-15)
    print(name, "L0 A alpha C =", ", ".join(repr(float(v)) for v in r.x), "rss", repr(float(2 * r.cost)))
