"""Generate ``erlang_bc_mpmath.csv``: exact Erlang B and Erlang C reference values.

Provenance
----------
Every value is computed with mpmath at 50 significant digits (``mp.dps = 50``) from the
exact binary value of the float64 inputs written to the CSV, then rounded once to float64
(written with ``repr``, so it round-trips exactly).

* Erlang B, integer agents ``n``: ``1/B(n, A) = sum_{k=0..n} n!/(k! A^(n-k))``, evaluated as
  the all-positive recursion ``R(0) = 1, R(k) = 1 + (k/A) R(k-1)``, ``B = 1/R(n)``.
  Cross-checked point by point against the incomplete-gamma form below (relative
  agreement < 1e-40 required, otherwise the script aborts).
* Erlang B, real agents ``x`` (the gamma-function extension)::

      B(x, A) = A^x e^(-A) / Gamma(x + 1, A)

  with ``mpmath.gammainc(x + 1, A)`` the upper incomplete gamma function (where mpmath's
  series gives up, far in the tail, Legendre's continued fraction for Gamma(s, z) is used
  instead; only B(10000.5, 20000) needs it). Cross-checked
  against the same recursion ``1/B(x) = 1 + (x/A) / B(x - 1)`` started from the
  incomplete-gamma value at the fractional part ``x - floor(x)``.
* Erlang C: ``C = x B / (x - A + A B)`` for ``x > A``; ``C = 1`` for ``x <= A``.

Grid: 27 loads log-spaced over 0.01 .. 20,000 Erlangs (always including 0.01, 0.6, 1, 5, 50,
500, 5000 and 20,000); for each load 20-50 integer agent counts from 1 up to
``floor(load + 300)``, dense within a few sqrt(load) of the load where B and C change fast,
plus up to 11 non-integer agent counts below, at and above the load (all agents >= 1);
about 1,000 rows, 45 kB.  Values below the float64 range are written as 0.0.

Regenerate (takes ~5 s; run from the repository root)::

    python tests/queueing/reference/make_erlang_bc.py

The tests (``tests/queueing/test_reference.py``) only read the CSV; they never run this script.
"""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path

from mpmath import exp, gammainc, log, mp, mpf

# Working precision; set in main() only, so that importing this module (pytest's
# --doctest-modules collects it) leaves mpmath's global precision alone.
DPS = 50

OUT = Path(__file__).with_name("erlang_bc_mpmath.csv")

REQUIRED_LOADS = (0.01, 0.6, 1.0, 5.0, 50.0, 500.0, 5000.0, 20000.0)


def loads_grid() -> list[float]:
    """Log-spaced loads over 0.01 .. 20,000 (3 significant digits) plus the required ones."""
    lo, hi, num = math.log10(0.01), math.log10(20000.0), 21
    logspaced = [float(f"{10 ** (lo + (hi - lo) * i / (num - 1)):.3g}") for i in range(num)]
    return sorted(set(logspaced) | set(REQUIRED_LOADS))


def integer_agents(load: float) -> list[int]:
    """20-50 integer agent counts in [1, floor(load + 300)] for one load."""
    top = math.floor(load + 300)
    s = math.sqrt(load)
    cand: set[int] = {1, 2, 3, top, top - 1}
    cand |= set(range(1, 9))  # small counts: matter for small loads
    cand |= {round(load * f) for f in (0.1, 0.25, 0.5, 0.75, 0.9, 0.95)}  # below the load
    base = math.floor(load)
    cand |= {base - 1, base, base + 1, base + 2, base + 3}  # straddling the load
    for c in (-3, -2, -1, -0.5, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7, 10):  # dense near the load
        cand.add(round(load + c * s))
    cand |= {round(load + d) for d in (20, 50, 100, 150, 200, 250)}  # well above the load
    return sorted(n for n in cand if 1 <= n <= top)


def real_agents(load: float) -> list[float]:
    """A few non-integer agent counts (>= 1) for one load, below, at and above the load."""
    s = math.sqrt(load)
    cand = {
        1.5,
        10.5,
        123.25,
        math.floor(load) + 0.25,  # just at / below the load
        math.floor(load) + 0.75,
        load + 0.001,  # barely stable: C close to 1
        load + 0.5,
        round(load + s) + 0.5,
        round(load + 3 * s) + 0.125,
        round(0.5 * load) + 0.5,  # overloaded: C = 1
        math.floor(load + 300) - 0.5,
    }
    return sorted(x for x in cand if 1.0 <= x <= load + 300 and x != math.floor(x))


def erlang_b_recursion(n: int, A: mpf) -> mpf:
    """Exact (to 50 digits) Erlang B for integer n via the positive-term recursion."""
    r = mpf(1)
    for k in range(1, n + 1):
        r = 1 + k / A * r
    return 1 / r


def erlang_b_recursion_all(n_max: int, A: mpf) -> list[mpf]:
    """B(k, A) for k = 0..n_max via the recursion (one pass)."""
    out = [mpf(1)]
    r = mpf(1)
    for k in range(1, n_max + 1):
        r = 1 + k / A * r
        out.append(1 / r)
    return out


def upper_gamma_scaled_cf(s: mpf, z: mpf) -> mpf:
    """``Gamma(s, z) e^z z^-s`` by Legendre's continued fraction (modified Lentz).

    Used only where ``mpmath.gammainc`` gives up (``z`` much larger than ``s``, e.g.
    ``Gamma(10001.5, 20000)``); the continued fraction converges fast there.
    """
    tiny = mpf(10) ** (-4 * mp.dps)
    eps = mpf(10) ** (-mp.dps - 5)
    b = z + 1 - s
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - s)
        b += 2
        d = an * d + b
        d = tiny if d == 0 else d
        c = b + an / c
        c = tiny if c == 0 else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < eps:
            return h
    raise RuntimeError(f"continued fraction for Gamma({s}, {z}) did not converge")


def erlang_b_gamma(x: mpf, A: mpf) -> mpf:
    """Erlang B via the upper incomplete gamma function (valid for real x >= 0)."""
    try:
        return exp(x * log(A) - A) / gammainc(x + 1, A)
    except ValueError:  # mpmath's hypercomb gives up far in the tail; see docstring above
        return 1 / (A * upper_gamma_scaled_cf(x + 1, A))


def erlang_b_real_by_recursion(x: mpf, A: mpf) -> mpf:
    """Real-x Erlang B: gamma form at frac(x), then the recursion up to x."""
    k0 = int(mp.floor(x))
    f = x - k0
    r = 1 / erlang_b_gamma(f, A)
    for i in range(1, k0 + 1):
        r = 1 + (f + i) / A * r
    return 1 / r


def erlang_c_from_b(x: mpf, A: mpf, b: mpf) -> mpf:
    """Erlang C from Erlang B; 1 when x <= A."""
    if x <= A:
        return mpf(1)
    return x * b / (x - A + A * b)


def check_close(a: mpf, b: mpf, what: str, rel: float = 1e-40) -> None:
    """Abort if two high-precision evaluations disagree."""
    scale = max(abs(a), abs(b))
    if scale != 0 and abs(a - b) > rel * scale:
        raise AssertionError(f"{what}: {a} vs {b}")


def fmt_agents(x: float) -> str:
    """Integers without a decimal point, others with repr."""
    return str(int(x)) if x == math.floor(x) else repr(x)


def main() -> None:
    """Compute the grid and write the CSV."""
    mp.dps = DPS
    t0 = time.perf_counter()
    rows: list[tuple[str, str, str, str]] = []
    for load in loads_grid():
        A = mpf(load)  # exact binary value of the float64 load
        ints = integer_agents(load)
        b_all = erlang_b_recursion_all(max(ints), A)
        for n in ints:
            b = b_all[n]
            check_close(b, erlang_b_gamma(mpf(n), A), f"B({n}, {load}) recursion vs gamma")
            c = erlang_c_from_b(mpf(n), A, b)
            rows.append((fmt_agents(n), repr(load), repr(float(b)), repr(float(c))))
        for xf in real_agents(load):
            x = mpf(xf)
            b = erlang_b_gamma(x, A)
            check_close(b, erlang_b_real_by_recursion(x, A), f"B({xf}, {load}) gamma vs recursion")
            c = erlang_c_from_b(x, A, b)
            rows.append((fmt_agents(xf), repr(load), repr(float(b)), repr(float(c))))
    with OUT.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("agents", "load", "erlang_b", "erlang_c"))
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
