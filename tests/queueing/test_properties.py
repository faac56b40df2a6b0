"""Property-based tests (hypothesis) for :mod:`cccplan.queueing`.

Where the reference values come from:

* ranges, monotonicity, broadcasting, NaN handling and the zero-load / unstable
  conventions are checked against the definitions in the API itself (probabilities
  lie in [0, 1]; more agents never make a queue worse, more load never makes it
  better; the documented conventions);
* Erlang A versus Erlang C is checked against cccplan's own Erlang C, in the limit
  patience -> infinity, inside a region where the first-order perturbation bound
  (derived in ``_erlang_c_limit_margin``) keeps the difference well below 1e-4;
* Erlang A abandonment is checked against an independent birth-death chain of
  the M/M/n+M queue written here in plain numpy float (``_mmn_m_reference``), via
  Little's law for the abandoning stream: P(abandon) = theta * E[Q] / lambda;
* ``required_agents`` is checked against cccplan's own performance functions:
  the returned count meets every target and one agent fewer does not.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cccplan
from cccplan.queueing import (
    ErlangAResult,
    asa,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
)

TOL = 1e-12
"""Floating-point slack allowed in monotonicity and range checks."""

A_FIELDS = ("p_wait", "p_abandon", "service_level", "service_level_answered", "asa", "occupancy")
A_PROBS = ("p_wait", "p_abandon", "service_level", "service_level_answered", "occupancy")

# --------------------------------------------------------------------------- strategies

loads = st.floats(min_value=0.0, max_value=2_000.0, allow_nan=False, allow_infinity=False)
big_loads = st.floats(min_value=0.0, max_value=100_000.0, allow_nan=False, allow_infinity=False)
ahts = st.floats(min_value=10.0, max_value=3_600.0)
patiences = st.floats(min_value=1.0, max_value=10_000.0)
thresholds = st.floats(min_value=0.0, max_value=3_600.0)
sl_targets = st.floats(min_value=0.05, max_value=0.99)


@st.composite
def load_and_agents(
    draw: st.DrawFn, load_st: st.SearchStrategy[float] = loads, real: bool = False
) -> tuple[float, float]:
    """A load and a number of agents in [0, load + 300], often close to the load."""
    load = draw(load_st)
    hi = load + 300.0
    if real:
        near = st.floats(min_value=max(0.0, load - 5.0), max_value=load + 30.0)
        agents = draw(st.one_of(st.floats(min_value=0.0, max_value=hi), near))
    else:
        base = math.floor(load)
        near_i = st.integers(min_value=max(0, base - 5), max_value=base + 30)
        agents = draw(st.one_of(st.integers(min_value=0, max_value=math.floor(hi)), near_i))
    return load, float(agents)


def _ok_leq(a: Any, b: Any, tol: float = TOL) -> np.ndarray:
    """Elementwise a <= b up to a tolerance (absolute, relative for large values)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    both_inf = np.isinf(a) & np.isinf(b) & (a == b)
    with np.errstate(invalid="ignore"):
        scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
        return both_inf | (a <= b + tol * np.where(np.isfinite(scale), scale, 1.0))


def _in_unit(x: Any) -> bool:
    x = np.asarray(x, dtype=float)
    return bool(np.all((x >= 0.0) & (x <= 1.0)))


# --------------------------------------------------------------------------- ranges


@settings(max_examples=300, deadline=None)
@given(la=load_and_agents(load_st=big_loads), aht=ahts, t=thresholds)
def test_erlang_c_family_in_range_integer_agents(la: tuple[float, float], aht: float, t: float):
    load, n = la
    values = {
        "erlang_b": erlang_b(n, load),
        "erlang_c": erlang_c(n, load),
        "service_level": service_level(n, load, aht, t),
        "occupancy": occupancy(n, load),
    }
    for name, v in values.items():
        assert _in_unit(v), (name, float(v))
    w = float(asa(n, load, aht))
    assert w >= 0.0, w


@settings(max_examples=300, deadline=None)
@given(la=load_and_agents(load_st=big_loads, real=True), aht=ahts, t=thresholds)
def test_erlang_c_family_in_range_real_agents(la: tuple[float, float], aht: float, t: float):
    load, x = la
    values = {
        "erlang_b": erlang_b(x, load),
        "erlang_c": erlang_c(x, load),
        "service_level": service_level(x, load, aht, t),
        "occupancy": occupancy(x, load),
    }
    for name, v in values.items():
        assert _in_unit(v), (name, float(v))
    w = float(asa(x, load, aht))
    assert w >= 0.0, w


@settings(max_examples=200, deadline=None)
@given(la=load_and_agents(), aht=ahts, patience=patiences, t=thresholds)
def test_erlang_a_in_range(la: tuple[float, float], aht: float, patience: float, t: float):
    load, n = la
    res = erlang_a(n, load, aht, patience, t)
    assert isinstance(res, ErlangAResult)
    for name in A_PROBS:
        if name == "occupancy" and n == 0:
            continue  # busy agents / agents is 0/0 with no agents: not a probability
        assert _in_unit(getattr(res, name)), (name, float(getattr(res, name)))
    assert float(res.asa) >= 0.0, float(res.asa)
    # answered within threshold / offered can never exceed the share answered
    assert _ok_leq(res.service_level, 1.0 - res.p_abandon), (res.service_level, res.p_abandon)


# --------------------------------------------------------------------------- monotonicity


def _assert_non_increasing(
    values: np.ndarray, what: str, grid: np.ndarray, tol: float = TOL
) -> None:
    values = np.asarray(values, dtype=float)
    ok = _ok_leq(values[1:], values[:-1], tol)
    if not np.all(ok):
        i = int(np.argmin(ok))
        raise AssertionError(
            f"{what} increases from {values[i]!r} at {grid[i]!r} to {values[i + 1]!r} "
            f"at {grid[i + 1]!r}"
        )


def _assert_non_decreasing(
    values: np.ndarray, what: str, grid: np.ndarray, tol: float = TOL
) -> None:
    _assert_non_increasing(-np.asarray(values, dtype=float), f"-({what})", grid, tol)


def _erlang_a_tol(load: float, aht: float, patience: float) -> float:
    """Slack for Erlang A comparisons: TOL plus the closed forms' rounding level.

    The Erlang A closed forms go through log M(y, x), x = lambda / theta =
    load * patience / aht, whose absolute rounding error is about eps * x; the
    probabilities built from ratios of M therefore carry absolute errors of order
    1e-16 * x (measured: 1.4e-10 in p_abandon at load 2000, aht 10, patience 1e4,
    x = 2e6, against the birth-death chain below). Allow 1e-15 * x on top of TOL.
    """
    return TOL + 1e-15 * load * patience / aht


@settings(max_examples=120, deadline=None)
@given(load=big_loads, aht=ahts, t=thresholds)
def test_erlang_c_family_monotone_in_integer_agents(load: float, aht: float, t: float):
    n = np.arange(0, math.floor(load) + 301, dtype=float)
    _assert_non_increasing(erlang_b(n, load), f"erlang_b(n, {load!r})", n)
    _assert_non_increasing(erlang_c(n, load), f"erlang_c(n, {load!r})", n)
    _assert_non_decreasing(
        service_level(n, load, aht, t), f"service_level(n, {load!r}, {aht!r}, {t!r})", n
    )
    _assert_non_increasing(asa(n, load, aht), f"asa(n, {load!r}, {aht!r})", n)


@settings(max_examples=300, deadline=None)
@given(
    la=load_and_agents(load_st=big_loads, real=True),
    step=st.floats(min_value=1e-9, max_value=50.0),
    aht=ahts,
    t=thresholds,
)
def test_erlang_c_family_monotone_in_real_agents(
    la: tuple[float, float], step: float, aht: float, t: float
):
    load, x = la
    x2 = x + step
    assume(x2 > x)
    grid = np.array([x, x2])
    _assert_non_increasing(erlang_b(grid, load), f"erlang_b(x, {load!r})", grid)
    _assert_non_increasing(erlang_c(grid, load), f"erlang_c(x, {load!r})", grid)
    _assert_non_decreasing(
        service_level(grid, load, aht, t), f"service_level(x, {load!r}, {aht!r}, {t!r})", grid
    )


@settings(max_examples=300, deadline=None)
@given(
    la=load_and_agents(load_st=big_loads, real=True),
    extra=st.floats(min_value=1e-9, max_value=100.0),
    aht=ahts,
    t=thresholds,
)
def test_erlang_c_family_monotone_in_load(
    la: tuple[float, float], extra: float, aht: float, t: float
):
    load, x = la
    load2 = load + extra
    assume(load2 > load)
    grid = np.array([load, load2])
    _assert_non_decreasing(erlang_b(x, grid), f"erlang_b({x!r}, A)", grid)
    _assert_non_decreasing(erlang_c(x, grid), f"erlang_c({x!r}, A)", grid)
    _assert_non_increasing(
        service_level(x, grid, aht, t), f"service_level({x!r}, A, {aht!r}, {t!r})", grid
    )
    _assert_non_decreasing(asa(x, grid, aht), f"asa({x!r}, A, {aht!r})", grid)


@settings(max_examples=60, deadline=None)
@given(load=loads, aht=ahts, patience=patiences, t=thresholds)
def test_erlang_a_monotone_in_agents(load: float, aht: float, patience: float, t: float):
    n = np.arange(0, math.floor(load) + 301, dtype=float)
    res = erlang_a(n, load, aht, patience, t)
    ctx = f"erlang_a(n, {load!r}, {aht!r}, {patience!r}, {t!r})"
    tol = _erlang_a_tol(load, aht, patience)
    _assert_non_decreasing(res.service_level, f"{ctx}.service_level", n, tol)
    _assert_non_increasing(res.p_wait, f"{ctx}.p_wait", n, tol)
    _assert_non_increasing(res.p_abandon, f"{ctx}.p_abandon", n, tol)


@settings(max_examples=150, deadline=None)
@given(
    la=load_and_agents(),
    extra=st.floats(min_value=1e-9, max_value=100.0),
    aht=ahts,
    patience=patiences,
    t=thresholds,
)
def test_erlang_a_monotone_in_load(
    la: tuple[float, float], extra: float, aht: float, patience: float, t: float
):
    load, n = la
    load2 = load + extra
    assume(load2 > load)
    grid = np.array([load, load2])
    res = erlang_a(n, grid, aht, patience, t)
    ctx = f"erlang_a({n!r}, A, {aht!r}, {patience!r}, {t!r})"
    tol = _erlang_a_tol(load2, aht, patience)
    _assert_non_increasing(res.service_level, f"{ctx}.service_level", grid, tol)
    _assert_non_decreasing(res.p_wait, f"{ctx}.p_wait", grid, tol)
    _assert_non_decreasing(res.p_abandon, f"{ctx}.p_abandon", grid, tol)


# --------------------------------------------------------------------------- Erlang A -> C

LIMIT_PATIENCE = 1e7
LIMIT_EPS = 2e-5


def _erlang_c_limit_margin(load: float, aht: float, patience: float, eps: float) -> float:
    """Smallest n - A for which Erlang A with this patience is within ~eps of Erlang C.

    With r = theta / mu = aht / patience, the queue-length ratios change from
    A / n to A / (n + i r): a relative change of about r E[Q^2] / n ~ r n / (n - A)^2
    in the mass of the waiting states, and abandonment before the threshold costs
    about ASA_C / patience <= aht / ((n - A) patience) = r / (n - A).  Requiring
    both to be <= eps gives (n - A)^2 >= (r / eps) n and n - A >= r / eps.
    With eps = 2e-5 the bound is conservative: at the corners (A up to 2000,
    aht 10 to 3600) the birth-death chain below gave |P_A(wait) - C| <= 4e-6.
    """
    c = (aht / patience) / eps
    return max(c, (c + math.sqrt(c * c + 4.0 * c * load)) / 2.0)


@settings(max_examples=150, deadline=None)
@given(
    load=st.floats(min_value=0.01, max_value=2_000.0),
    extra=st.integers(min_value=0, max_value=100),
    aht=ahts,
    t=thresholds,
)
def test_erlang_a_tends_to_erlang_c_for_large_patience(
    load: float, extra: int, aht: float, t: float
):
    n = float(math.ceil(load + _erlang_c_limit_margin(load, aht, LIMIT_PATIENCE, LIMIT_EPS)))
    n += extra
    res = erlang_a(n, load, aht, LIMIT_PATIENCE, t)
    c = erlang_c(n, load)
    sl = service_level(n, load, aht, t)
    assert abs(float(res.p_wait) - float(c)) <= 1e-4, (float(res.p_wait), float(c))
    assert abs(float(res.service_level) - float(sl)) <= 1e-4, (float(res.service_level), float(sl))
    assert float(res.p_abandon) <= 1e-4


@settings(max_examples=200, deadline=None)
@given(la=load_and_agents(), aht=ahts, t=thresholds)
def test_erlang_a_with_infinite_patience_is_erlang_c(la: tuple[float, float], aht: float, t: float):
    load, n = la
    res = erlang_a(n, load, aht, np.inf, t)
    c = float(erlang_c(n, load))
    sl = float(service_level(n, load, aht, t))
    w = float(asa(n, load, aht))
    assert float(res.p_wait) == pytest.approx(c, rel=1e-12, abs=1e-12)
    assert float(res.service_level) == pytest.approx(sl, rel=1e-12, abs=1e-12)
    if n > load:  # stable: nobody abandons, so the answered basis is the offered basis
        assert float(res.p_abandon) == 0.0
        assert float(res.service_level_answered) == pytest.approx(sl, rel=1e-12, abs=1e-12)
        assert float(res.asa) == pytest.approx(w, rel=1e-12, abs=1e-12)
        assert float(res.occupancy) == pytest.approx(float(occupancy(n, load)), rel=1e-12)


# --------------------------------------------------------------------------- Little's law


def _mmn_m_reference(n: int, load: float, aht: float, patience: float) -> tuple[float, float]:
    """Independent M/M/n+M birth-death chain: returns (P(wait), E[queue length]).

    States k = 0..n: pi_k proportional to A^k / k!; states n + j:
    pi_{n+j} = pi_n * prod_{i=1..j} lambda / (n mu + i theta)
             = pi_n * prod_{i=1..j} A / (n + i r),  r = theta / mu = aht / patience.
    Worked in logs; the tail is truncated once it is e^-60 below its peak.
    """
    r = aht / patience
    logA = math.log(load)
    k = np.arange(0, n + 1, dtype=float)
    lgam = np.array([math.lgamma(v + 1.0) for v in k])
    log_low = k * logA - lgam
    # the waiting-state terms increase while n + j r < A, then fall at least as fast as
    # exp(-m^2 r / (2 A)) m steps past the peak: m = sqrt(120 A / r) gives e^-60
    j0 = max(0.0, (load - n) / r)
    jmax = math.ceil(j0 + math.sqrt(120.0 * load / r) + 200.0)
    j = np.arange(1, jmax + 1, dtype=float)
    log_q = log_low[-1] + np.cumsum(logA - np.log(n + j * r))
    top = max(float(log_low.max()), float(log_q.max()))
    assert log_q[-1] < top - 50.0, "birth-death tail truncated too early"
    w_low = np.exp(log_low - top)
    w_q = np.exp(log_q - top)
    total = w_low.sum() + w_q.sum()
    p_wait = (w_low[-1] + w_q.sum()) / total
    mean_q = (j * w_q).sum() / total
    return float(p_wait), float(mean_q)


@settings(max_examples=200, deadline=None)
@given(la=load_and_agents(), aht=ahts, patience=patiences, t=thresholds)
def test_erlang_a_throughput_balance(
    la: tuple[float, float], aht: float, patience: float, t: float
):
    """Answered rate lambda (1 - P(ab)) equals mu x mean busy agents = occupancy n / aht."""
    load, n = la
    assume(n >= 1)
    res = erlang_a(n, load, aht, patience, t)
    lhs = load * (1.0 - float(res.p_abandon))
    rhs = float(res.occupancy) * n
    # p_abandon carries an absolute rounding error ~ _erlang_a_tol, multiplied here by load
    tol = max(1.0, load) * _erlang_a_tol(load, aht, patience)
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=tol)


@settings(max_examples=80, deadline=None)
@given(
    load=st.floats(min_value=0.01, max_value=50.0),
    n=st.integers(min_value=1, max_value=60),
    aht=ahts,
    patience=patiences,
)
def test_erlang_a_abandonment_littles_law(load: float, n: int, aht: float, patience: float):
    """P(abandon) = theta E[Q] / lambda = aht E[Q] / (patience A), E[Q] from the chain."""
    p_wait_ref, mean_q = _mmn_m_reference(n, load, aht, patience)
    p_ab_ref = aht * mean_q / (patience * load)
    res = erlang_a(n, load, aht, patience)
    assert float(res.p_abandon) == pytest.approx(p_ab_ref, rel=1e-9, abs=1e-9)
    # PASTA: an arrival waits iff it finds the chain in a state k >= n
    assert float(res.p_wait) == pytest.approx(p_wait_ref, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------- required_agents


def _check_minimal(n: float, gap: Callable[[float], float], ctx: str, tol: float = TOL) -> None:
    """``n`` is a whole count meeting the target and ``n - 1`` does not.

    ``gap(m)`` is the signed margin by which ``m`` agents meet the target(s):
    ``>= 0`` met, ``< 0`` missed. ``tol`` forgives rounding in either direction.
    """
    assert np.isfinite(n), f"{ctx}: got {n!r}"
    assert n == math.floor(n), f"{ctx}: not a whole count: {n!r}"
    assert n >= 0, f"{ctx}: negative: {n!r}"
    g = gap(n)
    assert g >= -tol, f"{ctx}: {n!r} agents miss the target by {-g!r}"
    if n > 0:
        g1 = gap(n - 1.0)
        assert g1 < tol, f"{ctx}: {n - 1.0!r} agents already meet the target (margin {g1!r})"


def _sl_gap(load: float, aht: float, sl: float, t: float) -> Callable[[float], float]:
    return lambda m: float(service_level(m, load, aht, t)) - sl


def _asa_gap(load: float, aht: float, target: float) -> Callable[[float], float]:
    return lambda m: (target - float(asa(m, load, aht))) / target


def _occ_gap(load: float, occ: float) -> Callable[[float], float]:
    return lambda m: occ - float(occupancy(m, load))


@settings(max_examples=150, deadline=None)
@given(load=st.floats(min_value=1e-3, max_value=2_000.0), aht=ahts, sl=sl_targets, t=thresholds)
def test_required_agents_erlang_c_service_level(load: float, aht: float, sl: float, t: float):
    n = float(required_agents(load, aht, service_level=sl, threshold=t))
    _check_minimal(
        n,
        _sl_gap(load, aht, sl, t),
        f"required_agents({load!r}, {aht!r}, service_level={sl!r}, threshold={t!r})",
    )


@settings(max_examples=150, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=2_000.0),
    aht=ahts,
    target=st.floats(min_value=0.5, max_value=600.0),
)
def test_required_agents_erlang_c_asa(load: float, aht: float, target: float):
    n = float(required_agents(load, aht, asa=target))
    _check_minimal(
        n, _asa_gap(load, aht, target), f"required_agents({load!r}, {aht!r}, asa={target!r})"
    )


@settings(max_examples=150, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=2_000.0),
    aht=ahts,
    occ=st.floats(min_value=0.3, max_value=0.99),
)
def test_required_agents_erlang_c_max_occupancy(load: float, aht: float, occ: float):
    n = float(required_agents(load, aht, max_occupancy=occ))
    _check_minimal(
        n, _occ_gap(load, occ), f"required_agents({load!r}, {aht!r}, max_occupancy={occ!r})"
    )


@settings(max_examples=150, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=2_000.0),
    aht=ahts,
    sl=st.none() | sl_targets,
    t=thresholds,
    target_asa=st.none() | st.floats(min_value=0.5, max_value=600.0),
    occ=st.none() | st.floats(min_value=0.3, max_value=0.99),
)
def test_required_agents_erlang_c_combined(
    load: float,
    aht: float,
    sl: float | None,
    t: float,
    target_asa: float | None,
    occ: float | None,
):
    assume(sum(v is not None for v in (sl, target_asa, occ)) >= 2)
    kwargs: dict[str, float] = {}
    gaps: list[Callable[[float], float]] = []
    if sl is not None:
        kwargs.update(service_level=sl, threshold=t)
        gaps.append(_sl_gap(load, aht, sl, t))
    if target_asa is not None:
        kwargs["asa"] = target_asa
        gaps.append(_asa_gap(load, aht, target_asa))
    if occ is not None:
        kwargs["max_occupancy"] = occ
        gaps.append(_occ_gap(load, occ))
    n = float(required_agents(load, aht, **kwargs))
    _check_minimal(
        n,
        lambda m: min(g(m) for g in gaps),
        f"required_agents({load!r}, {aht!r}, **{kwargs!r})",
    )


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=500.0),
    aht=ahts,
    patience=patiences,
    sl=sl_targets,
    t=thresholds,
)
def test_required_agents_erlang_a_service_level(
    load: float, aht: float, patience: float, sl: float, t: float
):
    n = float(required_agents(load, aht, service_level=sl, threshold=t, patience=patience))
    _check_minimal(
        n,
        lambda m: float(erlang_a(m, load, aht, patience, t).service_level) - sl,
        f"required_agents({load!r}, {aht!r}, service_level={sl!r}, threshold={t!r}, "
        f"patience={patience!r})",
        _erlang_a_tol(load, aht, patience),
    )


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=200.0),
    aht=ahts,
    patience=patiences,
    sl=sl_targets,
    t=thresholds,
)
def test_required_agents_erlang_a_service_level_answered_is_smallest(
    load: float, aht: float, patience: float, sl: float, t: float
):
    """sl_basis='answered': no smaller count meets the target (checked for every count)."""
    n = float(
        required_agents(
            load, aht, service_level=sl, threshold=t, patience=patience, sl_basis="answered"
        )
    )
    ctx = (
        f"required_agents({load!r}, {aht!r}, service_level={sl!r}, threshold={t!r}, "
        f"patience={patience!r}, sl_basis='answered')"
    )
    tol = _erlang_a_tol(load, aht, patience)
    assert np.isfinite(n), f"{ctx}: got {n!r}"
    assert n == math.floor(n), f"{ctx}: got {n!r}"
    assert n >= 0, f"{ctx}: got {n!r}"
    at_n = float(erlang_a(n, load, aht, patience, t).service_level_answered)
    assert at_n >= sl - tol, f"{ctx}: {n!r} agents give {at_n!r}"
    if n > 0:
        fewer = np.arange(0.0, n)
        below = np.asarray(erlang_a(fewer, load, aht, patience, t).service_level_answered)
        ok = below < sl + tol
        assert np.all(ok), f"{ctx}: {fewer[~ok]!r} agents already give {below[~ok]!r}"


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=500.0),
    aht=ahts,
    patience=patiences,
    max_ab=st.floats(min_value=0.005, max_value=0.5),
)
def test_required_agents_erlang_a_max_abandon(
    load: float, aht: float, patience: float, max_ab: float
):
    n = float(required_agents(load, aht, max_abandon=max_ab, patience=patience))
    _check_minimal(
        n,
        lambda m: max_ab - float(erlang_a(m, load, aht, patience).p_abandon),
        f"required_agents({load!r}, {aht!r}, max_abandon={max_ab!r}, patience={patience!r})",
        _erlang_a_tol(load, aht, patience),
    )


@settings(max_examples=150, deadline=None)
@given(load=st.floats(min_value=1e-3, max_value=2_000.0), aht=ahts, sl=sl_targets, t=thresholds)
def test_required_agents_continuous(load: float, aht: float, sl: float, t: float):
    """integer=False: the real x where the gamma-extended service level reaches the target."""
    x = float(required_agents(load, aht, service_level=sl, threshold=t, integer=False))
    ctx = (
        f"required_agents({load!r}, {aht!r}, service_level={sl!r}, threshold={t!r}, integer=False)"
    )
    assert np.isfinite(x), f"{ctx}: got {x!r}"
    assert x >= 0, f"{ctx}: got {x!r}"
    at_x = float(service_level(x, load, aht, t))
    assert at_x >= sl - 1e-9, f"{ctx} = {x!r} gives service level {at_x!r}"
    if x > 0:
        below = float(service_level(x - 1e-6, load, aht, t))
        assert below < sl, f"{ctx} = {x!r}, but {x - 1e-6!r} agents give {below!r}"
    # the integer answer is the continuous one rounded up
    n = float(required_agents(load, aht, service_level=sl, threshold=t))
    assert math.ceil(x - 1e-6) <= n <= math.ceil(x + 1e-6), (n, x)


# --------------------------------------------------------------------------- unreachable / zero


@settings(max_examples=100, deadline=None)
@given(
    load=st.floats(min_value=1e-3, max_value=2_000.0),
    aht=ahts,
    t=thresholds,
    patience=st.none() | patiences,
)
def test_required_agents_unreachable_is_nan(
    load: float, aht: float, t: float, patience: float | None
):
    # with a finite threshold and positive load some contact always waits longer
    n = required_agents(load, aht, service_level=1.0, threshold=t, patience=patience)
    assert np.isnan(n)


@settings(max_examples=50, deadline=None)
@given(load=st.floats(min_value=1e-3, max_value=2_000.0), aht=ahts, patience=patiences)
def test_required_agents_zero_abandonment_unreachable(load: float, aht: float, patience: float):
    # with finite patience and positive load P(abandon) > 0 for any finite n
    assert np.isnan(required_agents(load, aht, max_abandon=0.0, patience=patience))


@settings(max_examples=100, deadline=None)
@given(
    aht=ahts,
    t=thresholds,
    sl=st.floats(min_value=0.0, max_value=1.0),
    patience=patiences,
    target_asa=st.floats(min_value=0.0, max_value=600.0),
    occ=st.floats(min_value=0.01, max_value=1.0),
    max_ab=st.floats(min_value=0.0, max_value=1.0),
)
def test_required_agents_zero_load(
    aht: float, t: float, sl: float, patience: float, target_asa: float, occ: float, max_ab: float
):
    cases: list[dict[str, Any]] = [
        {"service_level": sl, "threshold": t},
        {"asa": target_asa},
        {"max_occupancy": occ},
        {"service_level": sl, "threshold": t, "asa": target_asa, "max_occupancy": occ},
        {"service_level": sl, "threshold": t, "patience": patience},
        {"max_abandon": max_ab, "patience": patience},
    ]
    for kwargs in cases:
        for integer in (True, False):
            n = required_agents(0.0, aht, integer=integer, **kwargs)
            assert float(n) == 0.0, (kwargs, integer, float(n))


# --------------------------------------------------------------------------- conventions


@settings(max_examples=150, deadline=None)
@given(
    x=st.floats(min_value=0.0, max_value=2_000.0),
    aht=ahts,
    t=thresholds,
    patience=st.one_of(patiences, st.just(0.0), st.just(math.inf)),
)
def test_zero_load_conventions(x: float, aht: float, t: float, patience: float):
    assert float(erlang_b(x, 0.0)) == 0.0
    assert float(erlang_c(x, 0.0)) == 0.0
    assert float(service_level(x, 0.0, aht, t)) == 1.0
    assert float(asa(x, 0.0, aht)) == 0.0
    assert float(occupancy(x, 0.0)) == 0.0
    n = float(math.floor(x))
    res = erlang_a(n, 0.0, aht, patience, t)
    assert float(res.p_wait) == 0.0
    assert float(res.p_abandon) == 0.0
    assert float(res.service_level) == 1.0
    assert float(res.service_level_answered) == 1.0
    assert float(res.asa) == 0.0
    assert float(res.occupancy) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    load=st.floats(min_value=0.0, max_value=100_000.0, exclude_min=True),
    frac=st.floats(min_value=0.0, max_value=1.0),
    aht=ahts,
    t=thresholds,
    integer=st.booleans(),
)
def test_unstable_conventions(load: float, frac: float, aht: float, t: float, integer: bool):
    x = frac * load
    if integer:
        x = float(math.floor(x))
    assert float(erlang_c(x, load)) == 1.0
    assert float(service_level(x, load, aht, t)) == 0.0
    assert float(asa(x, load, aht)) == math.inf
    assert float(occupancy(x, load)) == 1.0


@settings(max_examples=100, deadline=None)
@given(
    load=st.floats(min_value=0.0, max_value=2_000.0, exclude_min=True),
    aht=ahts,
    t=thresholds,
    patience=st.one_of(patiences, st.just(0.0)),
)
def test_no_agents_with_load(load: float, aht: float, t: float, patience: float):
    assert float(erlang_b(0.0, load)) == 1.0
    res = erlang_a(0.0, load, aht, patience, t)
    assert float(res.p_wait) == 1.0
    assert float(res.p_abandon) == 1.0
    assert float(res.service_level) == 0.0
    assert float(res.asa) == math.inf


@settings(max_examples=100, deadline=None)
@given(la=load_and_agents(), aht=ahts, t=thresholds)
def test_zero_patience_is_erlang_b(la: tuple[float, float], aht: float, t: float):
    load, n = la
    res = erlang_a(n, load, aht, 0.0, t)
    b = float(erlang_b(n, load))
    assert float(res.p_wait) == pytest.approx(b, rel=1e-12, abs=1e-12)
    assert float(res.p_abandon) == pytest.approx(b, rel=1e-12, abs=1e-12)


# --------------------------------------------------------------------------- shapes

SCALAR_CALLS: dict[str, tuple[Callable[..., Any], tuple[float, ...]]] = {
    "erlang_b": (erlang_b, (10.0, 8.0)),
    "erlang_c": (erlang_c, (10.0, 8.0)),
    "service_level": (service_level, (10.0, 8.0, 180.0, 20.0)),
    "asa": (asa, (10.0, 8.0, 180.0)),
    "occupancy": (occupancy, (10.0, 8.0)),
    **{
        f"erlang_a.{f}": (
            (lambda *a, _f=f: getattr(erlang_a(*a), _f)),
            (10.0, 8.0, 180.0, 120.0, 20.0),
        )
        for f in A_FIELDS
    },
}

REQUIRED_KWARGS: dict[str, dict[str, float]] = {
    "sl": {"load": 8.0, "aht": 180.0, "service_level": 0.8, "threshold": 20.0},
    "asa": {"load": 8.0, "aht": 180.0, "asa": 30.0},
    "occ": {"load": 8.0, "aht": 180.0, "max_occupancy": 0.85},
    "sl_a": {
        "load": 8.0,
        "aht": 180.0,
        "service_level": 0.8,
        "threshold": 20.0,
        "patience": 120.0,
    },
    "ab_a": {"load": 8.0, "aht": 180.0, "max_abandon": 0.05, "patience": 120.0},
}


def _call_required(kw: dict[str, Any], integer: bool = True) -> np.ndarray:
    kw = dict(kw)
    return required_agents(kw.pop("load"), kw.pop("aht"), integer=integer, **kw)


@pytest.mark.parametrize("name", sorted(SCALAR_CALLS))
def test_broadcasting_and_0d(name: str):
    func, args = SCALAR_CALLS[name]
    scalar = func(*args)
    assert isinstance(scalar, np.ndarray), type(scalar)
    assert np.ndim(scalar) == 0
    assert np.issubdtype(scalar.dtype, np.floating)
    agents = np.array([[9.0], [10.0], [12.0]])
    load = np.array([[0.0, 4.0, 8.0, 11.5]])
    out = func(agents, load, *args[2:])
    assert np.shape(out) == (3, 4)
    for i in range(3):
        for j in range(4):
            ref = func(agents[i, 0], load[0, j], *args[2:])
            np.testing.assert_array_equal(out[i, j], ref)
    # every argument can carry its own axis
    k = len(args)
    arrays = [np.full((1,) * p + (2,) + (1,) * (k - 1 - p), a) for p, a in enumerate(args)]
    out = func(*arrays)
    assert np.shape(out) == (2,) * k
    np.testing.assert_array_equal(out, np.broadcast_to(scalar, (2,) * k))


def test_erlang_a_result_broadcasts_every_attribute():
    res = erlang_a(
        np.array([[9.0], [10.0], [12.0]]), np.array([[0.0, 4.0, 8.0, 11.5]]), 180.0, 120.0, 20.0
    )
    for f in A_FIELDS:
        assert np.shape(getattr(res, f)) == (3, 4), f
    res0 = erlang_a(10, 8.0, 180.0, 120.0, 20.0)
    for f in A_FIELDS:
        v = getattr(res0, f)
        assert isinstance(v, np.ndarray), (f, type(v))
        assert np.ndim(v) == 0, f


@pytest.mark.parametrize("integer", [True, False])
@pytest.mark.parametrize("case", sorted(REQUIRED_KWARGS))
def test_required_agents_broadcasting_and_0d(case: str, integer: bool):
    kw = REQUIRED_KWARGS[case]
    scalar = _call_required(kw, integer)
    assert isinstance(scalar, np.ndarray), type(scalar)
    assert np.ndim(scalar) == 0
    assert np.isfinite(scalar)
    target_name = next(k for k in kw if k not in ("load", "aht", "threshold", "patience"))
    loads_ = np.array([[0.0], [4.0], [8.0]])
    targets = np.array([[0.5, 0.8, 1.2, 2.0]]) * kw[target_name]
    if target_name in ("service_level", "max_occupancy", "max_abandon"):
        targets = np.minimum(targets, 0.99)
    out = _call_required({**kw, "load": loads_, target_name: targets}, integer)
    assert np.shape(out) == (3, 4)
    for i in range(3):
        for j in range(4):
            ref = _call_required({**kw, "load": loads_[i, 0], target_name: targets[0, j]}, integer)
            np.testing.assert_array_equal(out[i, j], ref)
    # every argument on its own axis
    names = list(kw)
    arrays = {
        nm: np.full((1,) * p + (2,) + (1,) * (len(names) - 1 - p), kw[nm])
        for p, nm in enumerate(names)
    }
    out = _call_required(arrays, integer)
    assert np.shape(out) == (2,) * len(names)
    np.testing.assert_array_equal(out, np.broadcast_to(scalar, (2,) * len(names)))


# --------------------------------------------------------------------------- NaN and negatives


def _replace(args: tuple[float, ...], pos: int, bad: float) -> list[Any]:
    out: list[Any] = list(args)
    out[pos] = np.array([args[pos], bad, args[pos]])
    return out


NAN_CASES = [
    (name, pos) for name in sorted(SCALAR_CALLS) for pos in range(len(SCALAR_CALLS[name][1]))
]


@pytest.mark.parametrize(("name", "pos"), NAN_CASES)
def test_nan_passthrough(name: str, pos: int):
    func, args = SCALAR_CALLS[name]
    ref = float(func(*args))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NaN propagates silently
        out = np.asarray(func(*_replace(args, pos, math.nan)))
    assert out.shape == (3,)
    assert np.isnan(out[1])
    assert out[0] == ref
    assert out[2] == ref


@pytest.mark.parametrize(("name", "pos"), NAN_CASES)
def test_negative_gives_nan_and_domain_warning(name: str, pos: int):
    func, args = SCALAR_CALLS[name]
    ref = float(func(*args))
    with pytest.warns(cccplan.DomainWarning):
        out = np.asarray(func(*_replace(args, pos, -1.0)))
    assert out.shape == (3,)
    assert np.isnan(out[1])
    assert out[0] == ref
    assert out[2] == ref


REQ_NAN_CASES = [(case, nm) for case in sorted(REQUIRED_KWARGS) for nm in REQUIRED_KWARGS[case]]


@pytest.mark.parametrize("integer", [True, False])
@pytest.mark.parametrize(("case", "arg"), REQ_NAN_CASES)
def test_required_agents_nan_passthrough(case: str, arg: str, integer: bool):
    kw = REQUIRED_KWARGS[case]
    ref = float(_call_required(kw, integer))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = np.asarray(
            _call_required({**kw, arg: np.array([kw[arg], math.nan, kw[arg]])}, integer)
        )
    assert out.shape == (3,)
    assert np.isnan(out[1])
    assert out[0] == ref
    assert out[2] == ref


# The intervals' data (load, aht, patience) follow the elementwise NaN-and-warning
# convention; the targets are the planner's configuration, and an out-of-range
# target (a negative threshold, a service level of -1) is refused loudly with an
# InputError naming it, whatever the other elements hold.
_DATA_ARGUMENTS = {"load", "aht", "patience"}


@pytest.mark.parametrize("integer", [True, False])
@pytest.mark.parametrize(("case", "arg"), REQ_NAN_CASES)
def test_required_agents_negative(case: str, arg: str, integer: bool):
    kw = REQUIRED_KWARGS[case]
    bad = {**kw, arg: np.array([kw[arg], -1.0, kw[arg]])}
    if arg not in _DATA_ARGUMENTS:
        with pytest.raises(cccplan.InputError, match=f"`{arg}` must be between"):
            _call_required(bad, integer)
        return
    ref = float(_call_required(kw, integer))
    with pytest.warns(cccplan.DomainWarning):
        out = np.asarray(_call_required(bad, integer))
    assert out.shape == (3,)
    assert np.isnan(out[1])
    assert out[0] == ref
    assert out[2] == ref
