"""Stable special-function primitives for the queueing formulas (private).

Everything here works on 1-D float arrays whose elements are already known to
be inside the domain (the public functions validate and broadcast first), and
returns logarithms wherever the value itself could overflow or underflow.

The Poisson probability mass uses Loader's saddle-point form (Loader 2000),
which keeps full relative accuracy for large arguments where the textbook
``k log(mu) - mu - lgamma(k + 1)`` loses about ``log10(k)`` digits. The
regularised incomplete gamma functions come from :mod:`scipy.special`; deep in
their tails, where they underflow, continued fractions take over (Lentz's
method): Numerical Recipes' fraction for the upper function (Press et al. 2007,
eq. 6.2.7) and DLMF 8.9.2 for the lower one.

References
----------
.. [1] C. Loader, "Fast and accurate computation of binomial probabilities",
   2000.
.. [2] W. H. Press, S. A. Teukolsky, W. T. Vetterling and B. P. Flannery,
   *Numerical Recipes*, 3rd ed., Cambridge University Press, 2007, sec. 6.2.
.. [3] NIST Digital Library of Mathematical Functions, eq. 8.9.2.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special as sc

FloatArray = npt.NDArray[np.float64]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_TINY = 1e-300
# Away from the centre of the Poisson distribution (bd0 above these values) the
# incomplete gamma functions are taken from continued fractions, which converge
# there in under ~100 terms and, unlike scipy's gammainc for shape parameters
# above ~1e6, keep full relative accuracy deep in the tail (checked against
# mpmath; see tests/queueing/test_special.py).
_UPPER_CF_FROM = 5.0
_LOWER_CF_FROM = 2.0
_CF_MAX_ITER = 5000


def bd0(k: FloatArray, mu: FloatArray) -> FloatArray:
    """Return ``k log(k / mu) + mu - k`` without cancellation (Loader's bd0).

    ``k >= 0`` and ``mu > 0``, both finite.
    """
    out = np.empty_like(mu)
    diff = k - mu
    total = k + mu
    near = np.abs(diff) < 0.1 * total
    far = ~near
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out[far] = sc.xlogy(k[far], k[far] / mu[far]) - diff[far]
    if near.any():
        d = diff[near]
        v = d / total[near]
        s = d * v
        ej = 2.0 * k[near] * v
        v2 = v * v
        # |v| < 0.1, so the tenth term is below 1e-20 of the first.
        for j in range(1, 11):
            ej = ej * v2
            s = s + ej / (2 * j + 1)
        out[near] = s
    return out


def stirlerr(n: FloatArray) -> FloatArray:
    """Return ``log(n!) - log(sqrt(2 pi n) (n / e)**n)`` for real ``n > 0``."""
    out = np.empty_like(n)
    large = n > 15.0
    small = ~large
    ns = n[small]
    out[small] = sc.gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - _LOG_SQRT_2PI
    nl = n[large]
    nn = nl * nl
    # Stirling's series; the first omitted term is below 2e-16 for n > 15.
    s0, s1, s2, s3, s4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188
    out[large] = (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / nl
    return out


def log_poisson_pmf(k: FloatArray, mu: FloatArray) -> FloatArray:
    """Return ``log(mu**k exp(-mu) / Gamma(k + 1))`` for real ``k >= 0``, ``mu >= 0``."""
    out = np.empty_like(mu)
    zero_mu = mu == 0.0
    out[zero_mu] = np.where(k[zero_mu] == 0.0, 0.0, -np.inf)
    inf = np.isinf(mu) | np.isinf(k)
    out[inf & ~zero_mu] = -np.inf
    rest = ~zero_mu & ~inf
    small = rest & (k < 1.0)
    out[small] = sc.xlogy(k[small], mu[small]) - mu[small] - sc.gammaln(k[small] + 1.0)
    big = rest & ~small
    kb = k[big]
    out[big] = -bd0(kb, mu[big]) - 0.5 * np.log(2.0 * np.pi * kb) - stirlerr(kb)
    return out


def _lentz(
    b0: FloatArray,
    coefficients: object,
    max_iter: int = _CF_MAX_ITER,
) -> FloatArray:
    """Evaluate ``b0 + a1/(b1 + a2/(b2 + ...))`` by the modified Lentz method.

    ``coefficients(i)`` returns the arrays ``(a_i, b_i)`` for the elements still
    iterating; the loop runs over the terms of the fraction (vectorised over
    elements), never over agents.
    """
    f = np.where(b0 == 0.0, _TINY, b0)
    c = f.copy()
    d = np.zeros_like(f)
    active = np.arange(f.size)
    for i in range(1, max_iter + 1):
        a_i, b_i = coefficients(i, active)  # type: ignore[operator]
        dd = b_i + a_i * d[active]
        dd = np.where(np.abs(dd) < _TINY, _TINY, dd)
        cc = b_i + a_i / c[active]
        cc = np.where(np.abs(cc) < _TINY, _TINY, cc)
        dd = 1.0 / dd
        delta = cc * dd
        f[active] *= delta
        c[active] = cc
        d[active] = dd
        done = np.abs(delta - 1.0) < 1e-16
        active = active[~done]
        if active.size == 0:
            break
    return f


def _log_upper_cf(a: FloatArray, x: FloatArray) -> FloatArray:
    """Return ``log(Gamma(a, x) exp(x) x**-a)`` by its continued fraction.

    Numerical Recipes eq. 6.2.7, which converges quickly for ``x > a + 1``.
    """

    def coefficients(i: int, idx: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        ai = a[idx]
        return -i * (i - ai), x[idx] + 2.0 * i + 1.0 - ai

    # Gamma(a, x) e^x x^-a = 1 / (x + 1 - a - 1(1 - a)/(x + 3 - a - 2(2 - a)/...))
    denominator = _lentz(x + 1.0 - a, coefficients)
    return -np.log(denominator)


def _log_lower_kummer_cf(a: FloatArray, z: FloatArray) -> FloatArray:
    """Return ``log 1F1(1; a + 1; z)`` from DLMF 8.9.2, for ``z < a``.

    ``gamma(a, z) = z**a e**-z / (a - a z/(a + 1 + z/(a + 2 - (a + 1) z/(a + 3 + 2 z/...))))``
    and ``1F1(1; a + 1; z) = a gamma(a, z) e**z z**-a``.
    """

    def coefficients(i: int, idx: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        ai = a[idx]
        zi = z[idx]
        m = i // 2
        num = -(ai + m) * zi if i % 2 == 1 else m * zi
        return num, ai + i

    denominator = _lentz(a.copy(), coefficients)
    return np.log(a) - np.log(denominator)


def log_erlang_b(agents: FloatArray, load: FloatArray) -> FloatArray:
    """Return ``log B(agents, load)``, Erlang's loss formula, for real agents.

    ``B(n, A) = A**n e**-A / Gamma(n + 1, A) = pmf(n; A) / Q(n + 1, A)``, the
    Poisson mass over the Poisson distribution function, extended to real ``n``
    through the incomplete gamma function (Jagerman 1974). Conventions: zero
    load blocks nothing (``B = 0``, zero agents included); zero agents with a
    positive load block everything.
    """
    n = agents
    load_ = load
    out = np.empty_like(load_)
    zero_load = load_ == 0.0
    out[zero_load] = -np.inf
    rest = ~zero_load
    zero_agents = rest & (n == 0.0)
    out[zero_agents] = 0.0
    inf_agents = rest & np.isinf(n)
    out[inf_agents] = -np.inf
    inf_load = rest & ~inf_agents & np.isinf(load_)
    out[inf_load] = 0.0
    general = rest & ~zero_agents & ~inf_agents & ~inf_load
    if general.any():
        ng = n[general]
        ag = load_[general]
        res = np.empty_like(ag)
        tail = (ag > ng + 1.0) & (bd0(ng, ag) >= _UPPER_CF_FROM)
        ok = ~tail
        q = sc.gammaincc(ng[ok] + 1.0, ag[ok])
        with np.errstate(divide="ignore"):
            res[ok] = log_poisson_pmf(ng[ok], ag[ok]) - np.log(q)
        if tail.any():
            # 1 / B = Q / pmf = A * (Gamma(n + 1, A) e^A A^-(n + 1)).
            res[tail] = -(np.log(ag[tail]) + _log_upper_cf(ng[tail] + 1.0, ag[tail]))
        out[general] = np.minimum(res, 0.0)
    return out


def log_kummer(a: FloatArray, z: FloatArray) -> FloatArray:
    """Return ``log M(a, z)`` with ``M(a, z) = 1F1(1; a + 1; z) = sum_j z**j / (a + 1)_j``.

    ``M(a, z) = P(a, z) / pmf(a; z)``, the regularised lower incomplete gamma
    function over the (real-index) Poisson mass, for ``a >= 0``, ``z >= 0``.
    In Erlang A, ``M(n mu / theta, lambda / theta)`` sums the relative
    probabilities of the queue lengths (Mandelbaum and Zeltyn's ``A(x, y)``).
    """
    out = np.empty_like(z)
    zero_z = z == 0.0
    out[zero_z] = 0.0
    zero_a = ~zero_z & (a == 0.0)
    out[zero_a] = z[zero_a]
    general = ~zero_z & ~zero_a
    if general.any():
        ag = a[general]
        zg = z[general]
        res = np.empty_like(zg)
        tail = (zg < ag) & (bd0(ag, zg) >= _LOWER_CF_FROM)
        ok = ~tail
        p = sc.gammainc(ag[ok], zg[ok])
        with np.errstate(divide="ignore"):
            res[ok] = np.log(p) - log_poisson_pmf(ag[ok], zg[ok])
        if tail.any():
            res[tail] = _log_lower_kummer_cf(ag[tail], zg[tail])
        out[general] = np.maximum(res, 0.0)
    return out


# Stirling's error at the integers 1..15, where the series is not yet accurate.
_STIRLERR_SMALL = np.concatenate(
    [
        [0.0],
        sc.gammaln(np.arange(1.0, 16.0) + 1.0)
        - (np.arange(1.0, 16.0) + 0.5) * np.log(np.arange(1.0, 16.0))
        + np.arange(1.0, 16.0)
        - _LOG_SQRT_2PI,
    ]
)


def log_erlang_b_integer_stable(n: FloatArray, load: FloatArray) -> FloatArray:
    """``log B(n, A)`` for whole ``n >= 1`` and ``0 < A < n``: the solver's hot path.

    The same formula as :func:`log_erlang_b` without its case analysis: the
    Poisson distribution function ``Q(n + 1, A) >= 1/2`` here, so scipy's
    ``gammaincc`` is accurate, and Loader's mass is evaluated branch-free over
    the whole array (one pass per series term) because this function runs on
    tens of millions of intervals.
    """
    diff = n - load
    v = diff / (n + load)
    abs_v = np.abs(v)
    near = abs_v < 0.1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d0 = n * np.log(n / load) - diff
    if near.any():
        vmax = float(abs_v[near].max()) if not near.all() else float(abs_v.max())
        v2 = v * v
        terms = 1 if vmax == 0.0 else min(12, int(np.ceil(-39.0 / np.log(vmax * vmax))) + 1)
        series = diff * v
        ej = 2.0 * n * v
        for j in range(1, terms + 1):
            ej *= v2
            series += ej / (2 * j + 1)
        d0 = np.where(near, series, d0)
    nn = n * n
    s0, s1, s2, s3, s4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188
    stirling = (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
    small = n <= 15.0
    if small.any():
        stirling = np.where(small, _STIRLERR_SMALL[np.minimum(n, 15.0).astype(np.intp)], stirling)
    log_pmf = -d0 - 0.5 * np.log(2.0 * np.pi * n) - stirling
    result: FloatArray = log_pmf - np.log(sc.gammaincc(n + 1.0, load))
    return result
