"""Generate ``erlang_a_exact.csv``: exact M/M/n+M (Erlang A) reference values.

Provenance
----------
Independent of cccplan and of the closed-form (incomplete-gamma) Erlang A formulas: the
numbers come straight from the birth-death chain, in mpmath at 40 significant digits
(``mp.dps = 40``), from the exact binary values of the float64 inputs written to the CSV.

Model: Poisson arrivals ``lam = A/aht``, ``n`` agents with exponential service
``mu = 1/aht``, exponential patience ``theta = 1/patience``, FCFS queue, abandonment while
waiting. Stationary distribution (unnormalised)::

    pi_k     = A^k / k!                                        k = 0..n
    pi_{n+j} = pi_n * prod_{i=1..j} lam / (n mu + i theta)     j >= 1

The queue states are summed until the remaining tail is provably below 1e-32 relative to
each accumulated sum (the ratio of consecutive terms is decreasing, so once it is < 1 the
tail is bounded by a geometric series).

Per-arrival quantities for an arrival that finds ``j`` already waiting (state ``n+j``, PASTA).
It moves up from "k ahead" (k = j..0) at rate ``n mu + k theta`` (at k = 0 the rate ``n mu``
is its own service start) and abandons at rate ``theta``; time in stage k is Exp(r_k) with
``r_k = n mu + (k+1) theta`` whatever ends the stage. With ``a = n mu / theta``:

* ``P(served | j) = prod_{k=0..j} (n mu + k theta)/(n mu + (k+1) theta) = a/(a+j+1)``.
* ``E[wait 1{served} | j] = sum_k P(reach k) (1/r_k) P(served from k) = P(served | j) sum_k 1/r_k``.
* ``E[time in queue | j] = sum_k P(reach k)/r_k = (j+1)/((a+j+1) theta)`` (used for Little's law).
* ``P(served within t | j)``: without its own abandonment the time to reach service is
  ``S = sum_{k=0..j} Exp(n mu + k theta)``, and ``P(served within t | j) =
  E[exp(-theta S) 1{S <= t}]``. Since the rates are ``theta (a + k)``, ``exp(-theta S)`` is
  Beta(a, j+1) distributed (compare Laplace transforms), which gives the exact finite sum::

      P(served within t | j) = a/(a+j+1) * (1 - sum_{m=0..j} g_m),
      g_0 = u^(a+1) = exp(-(n mu + theta) t),  g_m = g_{m-1} (a+m)/m (1-u),  u = exp(-theta t)

  (a negative-binomial CDF). To avoid cancellation where the value is tiny (heavy overload),
  ``1 - sum_{m<=j} g_m = sum_{m>j} g_m`` is accumulated backwards from the last queue state J,
  starting from ``I_{1-u}(J+1, a+1)`` (``mpmath.betainc``); the script checks that the
  backward sum reaches 1 at j = -1. Verified inside this script, case by case,
  against (i) ``mpmath.betainc`` (the same quantity as a regularised incomplete beta
  function, ``a/(a+j+1) I_{1-u}(j+1, a+1)``) for sampled j, and (ii) uniformization of the
  per-customer absorbing chain (stages j..0, absorbing "served" and "abandoned") for j <= 6,
  which uses none of the algebra above.

Reported quantities (the cccplan ``ErlangAResult`` conventions)::

    p_wait                 = sum_{j>=0} pi_{n+j}
    p_abandon              = theta E[queue length] / lam
    service_level          = (1 - p_wait) + sum_j pi_{n+j} P(served within t | j)   # of offered
    service_level_answered = service_level / (1 - p_abandon)
    asa                    = sum_j pi_{n+j} E[wait 1{served} | j] / (1 - p_abandon) # answered

Internal checks (the script aborts if one fails): p_abandon also equals
``sum_j pi_{n+j} (1 - P(served | j))``; Little's law ``E[Q] = lam E[time in queue]``;
throughput ``lam (1 - p_abandon) = mu E[busy agents]``; for patience 1e9 s the results
match Erlang C (P(wait), 1 - C exp(-(n - A) t / aht), C aht/(n - A)); for patience 1e-9 s
p_wait = p_abandon = Erlang B.

Regenerate (takes ~20 s; run from the repository root)::

    python tests/queueing/reference/make_erlang_a.py

The tests (``tests/queueing/test_reference.py``) only read the CSV; they never run this script.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import NamedTuple

from mpmath import betainc, exp, mp, mpf

# Working precision; set in main() only, so that importing this module (pytest's
# --doctest-modules collects it) leaves mpmath's global precision alone.
DPS = 40

OUT = Path(__file__).with_name("erlang_a_exact.csv")
TAIL = mpf(10) ** -32

# (agents, load [Erlangs], aht [s], patience [s], threshold [s])
CASES: tuple[tuple[int, float, float, float, float], ...] = (
    # small loads
    (1, 0.05, 180.0, 60.0, 20.0),
    (1, 0.05, 30.0, 5.0, 0.0),
    (1, 0.2, 600.0, 3600.0, 300.0),
    (2, 0.3, 300.0, 600.0, 60.0),
    (3, 0.5, 45.0, 20.0, 60.0),
    (1, 0.8, 240.0, 120.0, 20.0),
    (2, 1.0, 180.0, 3600.0, 300.0),
    (1, 1.5, 600.0, 300.0, 60.0),  # overloaded
    (3, 2.5, 300.0, 30.0, 20.0),
    (5, 4.0, 30.0, 5.0, 0.0),
    (4, 6.0, 120.0, 90.0, 20.0),  # overloaded
    # medium loads
    (10, 8.0, 180.0, 180.0, 20.0),
    (8, 8.0, 300.0, 3600.0, 60.0),  # agents = load
    (12, 8.0, 600.0, 600.0, 300.0),
    (15, 12.5, 90.0, 45.0, 20.0),
    (20, 25.0, 240.0, 120.0, 20.0),  # overloaded
    (25, 20.0, 180.0, 60.0, 0.0),
    (22, 20.0, 30.0, 5.0, 20.0),
    (30, 20.0, 300.0, 1800.0, 60.0),
    (45, 50.0, 180.0, 300.0, 20.0),
    (50, 50.0, 120.0, 3600.0, 20.0),
    (55, 50.0, 240.0, 180.0, 60.0),
    (60, 50.0, 600.0, 600.0, 300.0),
    (70, 50.0, 30.0, 5.0, 20.0),
    # large loads
    (90, 100.0, 180.0, 120.0, 20.0),
    (100, 100.0, 300.0, 600.0, 0.0),
    (105, 100.0, 180.0, 180.0, 20.0),
    (110, 100.0, 60.0, 30.0, 60.0),
    (120, 100.0, 240.0, 3600.0, 300.0),
    (140, 137.25, 150.0, 75.0, 20.0),
    (150, 200.0, 180.0, 3600.0, 20.0),  # heavy overload, long patience: queue ~ 1000
    (190, 200.0, 300.0, 240.0, 60.0),
    (200, 200.0, 180.0, 600.0, 20.0),
    (210, 200.0, 30.0, 10.0, 0.0),
    (220, 200.0, 600.0, 1200.0, 60.0),
    (250, 300.0, 30.0, 3600.0, 20.0),  # queue ~ 6000
    (250, 300.0, 30.0, 3600.0, 300.0),
    (290, 300.0, 300.0, 120.0, 20.0),
    (300, 300.0, 180.0, 300.0, 60.0),
    (310, 300.0, 240.0, 900.0, 20.0),
    (320, 300.0, 120.0, 5.0, 20.0),
    (330, 300.0, 600.0, 3600.0, 300.0),
)

COLUMNS = (
    "agents",
    "load",
    "aht",
    "patience",
    "threshold",
    "p_wait",
    "p_abandon",
    "service_level",
    "service_level_answered",
    "asa",
)


class Result(NamedTuple):
    """Erlang A quantities at high precision."""

    p_wait: mpf
    p_abandon: mpf
    service_level: mpf
    service_level_answered: mpf
    asa: mpf


def check(a: mpf, b: mpf, what: str, rel: mpf | float = 1e-25, abs_tol: mpf | float = 0) -> None:
    """Abort unless a and b agree to a relative or an absolute tolerance."""
    if abs(a - b) > max(rel * max(abs(a), abs(b)), abs_tol):
        raise AssertionError(f"{what}: {mp.nstr(a, 30)} vs {mp.nstr(b, 30)}")


def served_within_uniformization(j: int, nmu: mpf, theta: mpf, t: mpf) -> mpf:
    """P(served within t | j waiting ahead) by uniformization of the per-customer chain.

    States: stage k = j..0 (k customers ahead), plus absorbing "served"/"abandoned".
    From stage k: advance at rate n mu + k theta (to k-1, or to "served" from k = 0),
    abandon at rate theta.
    """
    if t == 0:
        return mpf(0)
    rates = [nmu + (k + 1) * theta for k in range(j + 1)]  # total exit rate of stage k
    lam_u = max(rates)
    x = lam_u * t
    p = [mpf(0)] * (j + 1)  # p[k]: probability of being in stage k
    p[j] = mpf(1)
    served = mpf(0)  # P(absorbed in "served" within m jumps)
    weight = exp(-x)  # Poisson(x) pmf at m = 0
    total = served * weight
    cum = weight
    m = 0
    while 1 - cum > mpf(10) ** -36 or m < x:
        # one jump of the uniformized DTMC
        served += p[0] * nmu / lam_u
        new = [p[k] * (1 - rates[k] / lam_u) for k in range(j + 1)]
        for k in range(1, j + 1):
            new[k - 1] += p[k] * (nmu + k * theta) / lam_u
        p = new
        m += 1
        weight *= x / m
        cum += weight
        total += served * weight
    return total


def erlang_a_exact(
    n: int, load: float, aht: float, patience: float, threshold: float, *, verify: bool = True
) -> Result:
    """Exact M/M/n+M quantities from the birth-death chain (see module docstring)."""
    A, aht_, t = mpf(load), mpf(aht), mpf(threshold)
    lam, mu, theta = A / aht_, 1 / aht_, 1 / mpf(patience)
    nmu = n * mu
    a = nmu / theta
    u = exp(-theta * t)

    # states 0..n
    w = mpf(1)
    low = mpf(0)  # sum of pi_k, k < n
    busy = mpf(0)  # sum of k pi_k, k < n
    for k in range(n):
        low += w
        busy += k * w
        w = w * A / (k + 1)
    # queue states n + j, j >= 0
    q = w  # pi_n
    s_wait = s_len = s_ab = s_ans_wait = s_tq = mpf(0)
    h = mpf(0)  # sum_{k<=j} 1/r_k
    g = exp(-(nmu + theta) * t)  # g_0
    qs: list[mpf] = []  # pi_{n+j}
    gs: list[mpf] = []  # g_j
    j = 0
    while True:
        ps = a / (a + j + 1)
        h += 1 / (nmu + (j + 1) * theta)
        if j > 0:
            g = g * (a + j) / j * (1 - u)
        qs.append(q)
        gs.append(g)
        s_wait += q
        s_len += j * q
        s_ab += q * (1 - ps)
        s_ans_wait += q * ps * h
        s_tq += q * (j + 1) / ((a + j + 1) * theta)
        ratio = lam / (nmu + (j + 1) * theta)
        # Tail bound: sum_{i>j} (i+1) q_i <= q (j+2) r/(1-r)^2 once r < 1 (ratios decrease).
        # Compared with pi_n and with sum_{i<=j} i q_i, so every accumulated sum (also the
        # tiny ones, e.g. E[Q] for very short patience) is truncated below 1e-32 relative.
        if j >= 1 and ratio < 1 and q * (j + 2) * ratio / (1 - ratio) ** 2 < TAIL * min(s_len, w):
            break
        q = q * ratio
        j += 1

    # P(served within t | j) = ps_j F_j with F_j = 1 - sum_{m<=j} g_m = sum_{m>j} g_m, summed
    # backwards from F_J (betainc) so that all terms are positive (no cancellation when the
    # answer is tiny, e.g. heavy overload).
    J = j
    F = betainc(J + 1, a + 1, 0, 1 - u, regularized=True)
    s_sl = mpf(0)
    samples = {0, 1, 2, 5, 10, 50, 200, 1000, 5000}
    for j in range(J, -1, -1):
        ps = a / (a + j + 1)
        sl_j = ps * F
        if verify and j in samples and t > 0:
            ref = ps * betainc(j + 1, a + 1, 0, 1 - u, regularized=True)
            what = f"P(served within t | j={j}) vs betainc"
            check(sl_j, ref, what, mpf(10) ** -28, mpf(10) ** -38)
            if j <= 6:
                uni = served_within_uniformization(j, nmu, theta, t)
                what = f"P(served within t | j={j}) vs uniformization"
                check(sl_j, uni, what, mpf(10) ** -25, mpf(10) ** -33)
        s_sl += qs[j] * sl_j
        F += gs[j]
    check(F, mpf(1), "sum of the negative-binomial terms g_m", mpf(10) ** -30)

    total = low + s_wait
    p_wait = s_wait / total
    mean_q = s_len / total
    p_abandon = theta * mean_q / lam
    answered = 1 - p_abandon
    sl = (low + s_sl) / total
    asa = s_ans_wait / total / answered

    check(p_abandon, s_ab / total, "p_abandon: theta E[Q]/lam vs per-arrival")
    check(mean_q, lam * s_tq / total, "Little's law")
    busy_all = (busy + n * s_wait) / total
    check(lam * answered, mu * busy_all, "throughput balance")
    return Result(p_wait, p_abandon, sl, sl / answered, asa)


def erlang_b_exact(n: int, A: mpf) -> mpf:
    """Erlang B by the positive-term recursion."""
    r = mpf(1)
    for k in range(1, n + 1):
        r = 1 + k / A * r
    return 1 / r


def sanity_limits() -> None:
    """Huge patience -> Erlang C; tiny patience -> Erlang B (loss system)."""
    for n, load, aht, t in ((5, 4.0, 180.0, 20.0), (55, 50.0, 240.0, 60.0), (12, 8.0, 30.0, 0.0)):
        A = mpf(load)
        b = erlang_b_exact(n, A)
        c = n * b / (n - A + A * b)
        r = erlang_a_exact(n, load, aht, 1e9, t, verify=False)
        check(r.p_wait, c, "patience -> inf: P(wait) vs Erlang C", 1e-5)
        check(r.service_level, 1 - c * exp(-(n - A) * t / aht), "patience -> inf: SL", 1e-5)
        check(r.asa, c * aht / (n - A), "patience -> inf: ASA", 1e-5)
        if not r.p_abandon < 1e-5:
            raise AssertionError(f"patience -> inf: p_abandon = {r.p_abandon}")
        r = erlang_a_exact(n, load, aht, 1e-9, t, verify=False)
        check(r.p_wait, b, "patience -> 0: P(wait) vs Erlang B", 1e-8)
        check(r.p_abandon, b, "patience -> 0: P(abandon) vs Erlang B", 1e-8)


def main() -> None:
    """Compute every case and write the CSV."""
    mp.dps = DPS
    t0 = time.perf_counter()
    sanity_limits()
    rows = []
    for n, load, aht, patience, threshold in CASES:
        r = erlang_a_exact(n, load, aht, patience, threshold)
        vals = (r.p_wait, r.p_abandon, r.service_level, r.service_level_answered, r.asa)
        inputs = (str(n), repr(load), repr(aht), repr(patience), repr(threshold))
        rows.append((*inputs, *(repr(float(v)) for v in vals)))
    with OUT.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
