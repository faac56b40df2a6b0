"""The required-agents solver: the fewest agents that meet every service target.

:func:`required_agents` inverts the Erlang C formulas (no ``patience``) or the
Erlang A formulas (with ``patience``) for thousands or millions of intervals at
once. Every target is monotone in the number of agents, so the smallest count
meeting all of them is the largest of the smallest counts meeting each one.

How it is fast without a Python loop per interval or a linear scan:

* Erlang C, service level or ASA targets: a first guess from the Halfin-Whitt
  square-root staffing approximation (Halfin and Whitt 1981), interpolated from
  a small table, then one exact Erlang B evaluation per interval and a short
  vectorised walk to the exact answer using Erlang B's recursions,
  ``B(n + 1) = A B(n) / (n + 1 + A B(n))`` upwards and
  ``1/B(n - 1) = (A / n) (1/B(n) - 1)`` downwards; both are numerically stable
  for ``n > A`` (errors shrink by ``A / n`` per step). Intervals the walk does
  not settle within a few dozen steps (none in practice) fall back to bisection.
* Erlang A: an exponential bracket from the offered load, then bisection on
  integer (or real) agents; about a dozen vectorised evaluations.
* ``max_occupancy``: closed form, ``ceil(A / max_occupancy)``.
* Large inputs are cut into chunks solved on a thread pool (scipy's special
  functions release the GIL), so every core is used.

Targets that no number of agents can meet (a service level of 1.0 with a finite
threshold, an ASA of 0, zero abandonment with finite patience, zero occupancy)
give NaN; an Erlang C staffing is always stable (agents > load).

References
----------
.. [1] S. Halfin and W. Whitt, "Heavy-traffic limits for queues with many
   exponential servers", *Operations Research* 29(3), 567-588, 1981.
.. [2] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with
   impatient customers", *Manufacturing & Service Operations Management* 4(3),
   208-227, 2002.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special as sc

from cccplan.exceptions import InputError
from cccplan.queueing._arrays import (
    BoolArray,
    FloatArray,
    broadcast,
    check_nonnegative,
    check_positive_where,
)
from cccplan.queueing._special import log_erlang_b, log_erlang_b_integer_stable
from cccplan.queueing.erlang_a import _erlang_a_flat

__all__ = ["required_agents"]

_CHUNK = 1 << 17
_MAX_WALK = 48
_MAX_DOUBLINGS = 64
_CONTINUOUS_TOL = 1e-10


def _pick(values: FloatArray, idx: npt.NDArray[np.intp] | BoolArray) -> FloatArray:
    """``values[idx]``, where a 0-d (scalar) argument stays as it is."""
    return values if values.ndim == 0 else values[idx]


def _full(values: FloatArray, size: int) -> FloatArray:
    """A 1-D array of ``size`` elements (scalars repeated)."""
    return np.full(size, float(values)) if values.ndim == 0 else values


@dataclass(frozen=True)
class _Targets:
    """Targets of one chunk of intervals (flat arrays; None when not given)."""

    service_level: FloatArray | None
    threshold: FloatArray | None
    asa: FloatArray | None
    max_abandon: FloatArray | None
    max_occupancy: FloatArray | None
    answered_basis: bool

    def take(self, idx: npt.NDArray[np.intp] | BoolArray) -> _Targets:
        def pick(a: FloatArray | None) -> FloatArray | None:
            return None if a is None else _pick(a, idx)

        return _Targets(
            pick(self.service_level),
            pick(self.threshold),
            pick(self.asa),
            pick(self.max_abandon),
            pick(self.max_occupancy),
            self.answered_basis,
        )


# ---------------------------------------------------------------------------
# Erlang C
# ---------------------------------------------------------------------------


def _meets_c(
    n: FloatArray, load: FloatArray, b: FloatArray, aht: FloatArray, targets: _Targets
) -> BoolArray:
    """Whether ``n`` agents (with Erlang B value ``b``) meet the SL and ASA targets."""
    ok = n > load
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        excess = n - load
        c = n * b / (excess + load * b)
        if targets.service_level is not None and targets.threshold is not None:
            t = targets.threshold
            decay = np.exp(-np.where(t == 0.0, 0.0, excess * t / aht))
            ok &= 1.0 - c * decay >= targets.service_level
        if targets.asa is not None:
            ok &= c * aht / excess <= targets.asa
    return ok


@functools.lru_cache(maxsize=64)
def _hw_beta_table(kind: str, log_tail: float) -> tuple[FloatArray, FloatArray]:
    """Tabulate the Halfin-Whitt beta over log(kappa) for one target.

    ``kind="sl"``: ``log C_HW(beta) - beta kappa = log(1 - SL)`` with
    ``kappa = sqrt(A) t / aht``; ``kind="asa"``: ``C_HW(beta) / beta = kappa``
    with ``kappa = ASA sqrt(A) / aht``. Cached: one table per target value.
    """
    log_kappa = np.linspace(np.log(1e-6), np.log(1e4), 240)
    kappa = np.exp(log_kappa)
    lo = np.zeros_like(kappa)
    hi = np.full_like(kappa, 12.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if kind == "sl":
            residual = _log_c_halfin_whitt(mid) - mid * kappa - log_tail
        else:
            residual = _log_c_halfin_whitt(mid) - np.log(mid) - log_kappa
        too_low = residual > 0.0
        lo = np.where(too_low, mid, lo)
        hi = np.where(too_low, hi, mid)
    return log_kappa, hi


def _hw_beta(kind: str, log_tail: float, kappa: FloatArray) -> FloatArray:
    log_kappa, beta = _hw_beta_table(kind, log_tail)
    with np.errstate(divide="ignore"):
        values: FloatArray = np.interp(np.log(np.maximum(kappa, 1e-300)), log_kappa, beta)
    return values


def _log_c_halfin_whitt(beta: FloatArray) -> FloatArray:
    # C ~ [1 + beta Phi(beta) / phi(beta)]^-1 (Halfin and Whitt 1981).
    ratio = beta * sc.ndtr(beta) * np.sqrt(2.0 * np.pi) * np.exp(0.5 * beta * beta)
    log_c: FloatArray = -np.log1p(ratio)
    return log_c


def _initial_guess_c(load: FloatArray, aht: FloatArray, targets: _Targets) -> FloatArray:
    """Square-root staffing guess ``A + beta sqrt(A)`` for the SL and ASA targets."""
    root = np.sqrt(load)
    beta = np.zeros_like(load)
    if targets.service_level is not None and targets.threshold is not None:
        level, t = targets.service_level, targets.threshold
        kappa = np.broadcast_to(root * t / aht, load.shape)
        if level.ndim == 0:
            values = level.reshape(1)
        elif level.size and level.min() == level.max():
            values = level[:1]
        else:
            values = np.unique(level)
        if values.size <= 8:
            for value in values:
                sel = np.broadcast_to(level == value, load.shape)
                log_tail = float(np.log1p(-min(float(value), 1.0 - 1e-15)))
                beta[sel] = np.maximum(beta[sel], _hw_beta("sl", log_tail, kappa[sel]))
        else:
            beta = np.maximum(beta, 1.0)  # many distinct targets: a generic guess
    if targets.asa is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa = np.broadcast_to(targets.asa * root / aht, load.shape)
        beta = np.maximum(beta, _hw_beta("asa", 0.0, kappa))
    return np.maximum(np.floor(load) + 1.0, np.round(load + beta * root))


def _solve_c_integer(load: FloatArray, aht: FloatArray, targets: _Targets) -> FloatArray:
    """Smallest integer n > A meeting the SL / ASA targets (Erlang C), load > 0."""
    n = _initial_guess_c(load, aht, targets)
    b = np.exp(log_erlang_b_integer_stable(n, load))
    ok = _meets_c(n, load, b, aht, targets)
    answer = np.full_like(load, np.nan)

    # Walk down from the intervals that meet the targets.
    down = np.flatnonzero(ok)
    nd, bd = n[down], b[down]
    for _ in range(_MAX_WALK):
        can_step = nd - 1.0 > load[down]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            b_prev = 1.0 / ((load[down] / nd) * (1.0 / bd - 1.0))
        still = can_step & _meets_c(
            nd - 1.0, load[down], b_prev, _pick(aht, down), targets.take(down)
        )
        settled = ~still
        answer[down[settled]] = nd[settled]
        down, nd, bd = down[still], nd[still] - 1.0, b_prev[still]
        if down.size == 0:
            break

    # Walk up from the intervals that do not.
    up = np.flatnonzero(~ok)
    nu, bu = n[up], b[up]
    for _ in range(_MAX_WALK):
        if up.size == 0:
            break
        a = load[up]
        bu = a * bu / (nu + 1.0 + a * bu)
        nu = nu + 1.0
        met = _meets_c(nu, a, bu, _pick(aht, up), targets.take(up))
        answer[up[met]] = nu[met]
        up, nu, bu = up[~met], nu[~met], bu[~met]

    rest = np.flatnonzero(np.isnan(answer))
    if rest.size:
        answer[rest] = _bisect_integer(
            lambda m, idx: _meets_c(
                m,
                load[rest][idx],
                np.exp(log_erlang_b(m, load[rest][idx])),
                _pick(_pick(aht, rest), idx),
                targets.take(rest).take(idx),
            ),
            np.floor(load[rest]),
            np.floor(load[rest]) + 1.0,
        )
    return answer


def _meets_c_exact(
    n: FloatArray, load: FloatArray, aht: FloatArray, targets: _Targets
) -> BoolArray:
    ok = _meets_c(n, load, np.exp(log_erlang_b(n, load)), aht, targets)
    if targets.max_occupancy is not None:
        ok &= load <= targets.max_occupancy * n
    return ok


# ---------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------


def _meets_a(
    n: FloatArray,
    load: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    targets: _Targets,
) -> BoolArray:
    threshold = targets.threshold if targets.threshold is not None else np.zeros_like(load)
    r = _erlang_a_flat(n, load, aht, patience, threshold, want_asa=targets.asa is not None)
    ok = np.ones(load.shape, dtype=bool)
    if targets.service_level is not None:
        key = "service_level_answered" if targets.answered_basis else "service_level"
        ok &= r[key] >= targets.service_level
    if targets.asa is not None:
        ok &= r["asa"] <= targets.asa
    if targets.max_abandon is not None:
        ok &= r["p_abandon"] <= targets.max_abandon
    if targets.max_occupancy is not None:
        ok &= r["occupancy"] <= targets.max_occupancy
    # Infinite patience is Erlang C, which must also be stable.
    ok &= ~np.isinf(patience) | (n > load)
    return ok


# ---------------------------------------------------------------------------
# Generic searches
# ---------------------------------------------------------------------------


def _bisect_integer(
    meets: Callable[[FloatArray, npt.NDArray[np.intp]], BoolArray],
    fail: FloatArray,
    start: FloatArray,
) -> FloatArray:
    """Smallest integer ``n > fail`` with ``meets(n)``, bracketing upwards from ``start``.

    ``fail`` is an integer known (or assumed, -1) to fail; ``meets`` is
    monotone. Elements never met within the doubling budget give NaN.
    """
    size = fail.size
    lo = fail.copy()
    hi = np.maximum(start, lo + 1.0)
    found = np.zeros(size, dtype=bool)
    idx = np.arange(size)
    step = np.maximum(np.ceil(hi - lo), 1.0)
    todo = idx
    for _ in range(_MAX_DOUBLINGS):
        if todo.size == 0:
            break
        met = meets(hi[todo], todo)
        found[todo[met]] = True
        miss = todo[~met]
        lo[miss] = hi[miss]
        step[miss] *= 2.0
        hi[miss] = hi[miss] + step[miss]
        todo = miss
    active = np.flatnonzero(found & (hi - lo > 1.0))
    while active.size:
        mid = np.floor(0.5 * (lo[active] + hi[active]))
        met = meets(mid, active)
        hi[active[met]] = mid[met]
        lo[active[~met]] = mid[~met]
        active = active[hi[active] - lo[active] > 1.0]
    return np.where(found, hi, np.nan)


def _bisect_real(
    meets: Callable[[FloatArray, npt.NDArray[np.intp]], BoolArray],
    lo: FloatArray,
    hi: FloatArray,
) -> FloatArray:
    """Refine ``[lo, hi]`` (``lo`` fails or is a bound, ``hi`` meets) to the real minimum."""
    lo = lo.copy()
    hi = hi.copy()
    active = np.arange(lo.size)
    for _ in range(80):
        width = hi[active] - lo[active]
        active = active[width > _CONTINUOUS_TOL * np.maximum(1.0, hi[active])]
        if active.size == 0:
            break
        mid = 0.5 * (lo[active] + hi[active])
        met = meets(mid, active)
        hi[active[met]] = mid[met]
        lo[active[~met]] = mid[~met]
    return hi


# ---------------------------------------------------------------------------
# One chunk
# ---------------------------------------------------------------------------


def _solve_chunk(
    load: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    targets: _Targets,
    integer: bool,
    *,
    invalid: BoolArray | None = None,
) -> FloatArray:
    """Required agents for one chunk of intervals; ``invalid`` elements give NaN.

    ``aht``, ``patience`` and the targets are arrays of the chunk's size or
    0-d arrays (one value for every interval).
    """
    if invalid is not None and invalid.any():
        out = np.full(load.shape, np.nan)
        keep = np.flatnonzero(~invalid)
        out[keep] = _solve_chunk(
            load[keep], _pick(aht, keep), _pick(patience, keep), targets.take(keep), integer
        )
        return out
    out = np.zeros_like(load)
    positive = load > 0.0
    unreachable = np.zeros_like(positive)
    erlang_c = np.broadcast_to(np.isinf(patience), load.shape)
    if targets.service_level is not None and targets.threshold is not None:
        perfect = targets.service_level >= 1.0
        attainable = np.isinf(targets.threshold) & (erlang_c | targets.answered_basis)
        unreachable |= perfect & ~attainable
    if targets.asa is not None:
        unreachable |= (targets.asa <= 0.0) & (patience > 0.0)
    if targets.max_abandon is not None:
        unreachable |= (targets.max_abandon <= 0.0) & ~erlang_c
    if targets.max_occupancy is not None:
        unreachable |= targets.max_occupancy <= 0.0
    unreachable &= positive
    out[unreachable] = np.nan

    # Erlang C intervals.
    idx_c = np.flatnonzero(positive & ~unreachable & erlang_c)
    if idx_c.size:
        a, h, tg = load[idx_c], _pick(aht, idx_c), targets.take(idx_c)
        n = np.floor(a) + 1.0  # stability
        if tg.max_occupancy is not None:
            n_occ = np.ceil(a / tg.max_occupancy)
            n_occ = np.where(a <= tg.max_occupancy * (n_occ - 1.0), n_occ - 1.0, n_occ)
            n = np.maximum(n, n_occ)
        if tg.service_level is not None or tg.asa is not None:
            n = np.maximum(n, _solve_c_integer(a, h, tg))
        if not integer:
            lower = np.maximum(n - 1.0, a)

            def meets_c(m: FloatArray, i: npt.NDArray[np.intp]) -> BoolArray:
                return _meets_c_exact(m, a[i], _pick(h, i), tg.take(i))

            n = _bisect_real(meets_c, lower, n)
        out[idx_c] = n

    # Erlang A intervals.
    idx_a = np.flatnonzero(positive & ~unreachable & ~erlang_c)
    if idx_a.size:
        a = load[idx_a]
        h = _full(_pick(aht, idx_a), a.size)
        p = _full(_pick(patience, idx_a), a.size)
        tg = targets.take(idx_a)

        def meets_a(m: FloatArray, i: npt.NDArray[np.intp]) -> BoolArray:
            return _meets_a(m, a[i], h[i], p[i], tg.take(i))

        n = _bisect_integer(meets_a, np.full_like(a, -1.0), np.ceil(a + np.sqrt(a)))
        if not integer:
            ok = np.flatnonzero(np.isfinite(n) & (n > 0))
            if ok.size:

                def meets_a_sub(m: FloatArray, i: npt.NDArray[np.intp]) -> BoolArray:
                    return meets_a(m, ok[i])

                n[ok] = _bisect_real(meets_a_sub, np.maximum(n[ok] - 1.0, 0.0), n[ok])
        out[idx_a] = n
    return out


# ---------------------------------------------------------------------------
# Public function
# ---------------------------------------------------------------------------


def _check_range(
    name: str, value: npt.ArrayLike | None, low: float, high: float, *, hint: str = ""
) -> None:
    if value is None:
        return
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"required_agents: `{name}` must be numeric; got {value!r}") from exc
    bad = (arr < low) | (arr > high)
    if bad.any():
        first = arr[bad].ravel()[0]
        extra = ""
        if hint == "fraction" and 1.0 < first <= 100.0:
            extra = f" (a fraction: did you mean {first / 100:g}?)"
        raise InputError(
            f"required_agents: `{name}` must be between {low:g} and {high:g}; got {first!r}{extra}"
        )


def required_agents(
    load: npt.ArrayLike,
    aht: npt.ArrayLike,
    *,
    service_level: npt.ArrayLike | None = None,
    threshold: npt.ArrayLike | None = None,
    asa: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    max_occupancy: npt.ArrayLike | None = None,
    patience: npt.ArrayLike | None = None,
    sl_basis: str = "offered",
    integer: bool = True,
) -> npt.NDArray[np.float64]:
    """Fewest agents meeting every given service target, per interval.

    Parameters
    ----------
    load : array_like
        Offered load in Erlangs (volume x AHT / interval length in seconds).
    aht : array_like
        Average handle time in seconds, ``> 0`` where the load is positive.
    service_level : array_like, optional
        Target share of contacts answered within ``threshold`` (a fraction in
        [0, 1], e.g. 0.8). Needs ``threshold``.
    threshold : array_like, optional
        Answer-time threshold in seconds for ``service_level`` (e.g. 20).
    asa : array_like, optional
        Maximum average speed of answer in seconds: over all offered contacts
        for Erlang C, over answered contacts for Erlang A.
    max_abandon : array_like, optional
        Maximum share of offered contacts that abandon (Erlang A: needs
        ``patience``).
    max_occupancy : array_like, optional
        Maximum agent occupancy, a fraction in [0, 1].
    patience : array_like, optional
        Mean caller patience in seconds. Without it the queue is Erlang C
        (nobody abandons); with it, Erlang A (M/M/n+M). ``inf`` elements are
        Erlang C.
    sl_basis : {"offered", "answered"}, default "offered"
        Erlang A service level over offered contacts (abandoned ones count as
        missed) or over answered contacts. Erlang C answers every contact, so
        both are the same there.
    integer : bool, default True
        Whole agents (the smallest integer meeting every target). ``False``
        gives the continuous minimum through the gamma-function extension of
        the formulas, for planners who aggregate queues before rounding.

    Returns
    -------
    ndarray
        Required agents, broadcast over all array arguments (0-d for scalars):
        0 where the load is 0; NaN where no number of agents can meet the
        targets (e.g. ``service_level=1.0`` with a finite threshold) or an
        input is NaN or out of its domain. Erlang C results are always stable
        (agents > load).

    Raises
    ------
    InputError
        If no target is given, a target is out of range (e.g. a service level
        of 80 instead of 0.8), ``threshold`` and ``service_level`` are not
        given together, ``max_abandon`` comes without ``patience``, or
        ``sl_basis`` is unknown.

    Notes
    -----
    Every target is monotone in the number of agents ``n``, so the answer is
    the largest of the per-target minima; the search is vectorised (see the
    module docstring). The integer answer ``n`` meets all targets and ``n - 1``
    does not (unless ``n`` is the stability bound ``floor(A) + 1`` or the
    occupancy bound).

    Examples
    --------
    80% of calls answered within 20 s, 3-minute calls, 100 calls in 15 minutes
    (20 Erlangs):

    >>> from cccplan.queueing import required_agents
    >>> int(required_agents(20.0, 180.0, service_level=0.8, threshold=20))
    24

    With callers who wait 90 s on average before hanging up (Erlang A), and
    at most 5% abandoning:

    >>> required_agents(20.0, 180.0, service_level=0.8, threshold=20, patience=90,
    ...                 max_abandon=0.05).item()
    23.0

    Vectorised over intervals, with zero volume and the continuous minimum:

    >>> required_agents([0.0, 0.6, 5.0], 300.0, asa=30, integer=False).round(3)
    array([0.   , 1.995, 7.441])
    """
    fn = "required_agents"
    if sl_basis not in ("offered", "answered"):
        raise InputError(f"{fn}: `sl_basis` must be 'offered' or 'answered'; got {sl_basis!r}")
    if (service_level is None) != (threshold is None):
        given, missing = (
            ("service_level", "threshold") if threshold is None else ("threshold", "service_level")
        )
        raise InputError(
            f"{fn}: `{given}` needs `{missing}` (a service level is the share answered "
            "within a threshold in seconds, e.g. service_level=0.8, threshold=20)"
        )
    if service_level is None and asa is None and max_abandon is None and max_occupancy is None:
        raise InputError(
            f"{fn}: give at least one target: service_level (with threshold), asa, "
            "max_abandon (with patience) or max_occupancy"
        )
    if max_abandon is not None and patience is None:
        raise InputError(
            f"{fn}: `max_abandon` needs `patience` (mean caller patience in seconds): "
            "without it the queue is Erlang C, where nobody abandons"
        )
    _check_range("service_level", service_level, 0.0, 1.0, hint="fraction")
    _check_range("threshold", threshold, 0.0, np.inf)
    _check_range("asa", asa, 0.0, np.inf)
    _check_range("max_abandon", max_abandon, 0.0, 1.0, hint="fraction")
    _check_range("max_occupancy", max_occupancy, 0.0, 1.0, hint="fraction")

    targets_given = {
        "service_level": service_level,
        "threshold": threshold,
        "asa": asa,
        "max_abandon": max_abandon,
        "max_occupancy": max_occupancy,
    }
    arguments: dict[str, npt.ArrayLike] = {
        "load": load,
        "aht": aht,
        "patience": np.inf if patience is None else patience,
    }
    arguments.update({k: v for k, v in targets_given.items() if v is not None})
    args = broadcast(fn, keep_scalars=True, **arguments)
    check_nonnegative(fn, args, "load", "aht", "patience")
    check_positive_where(fn, args, "aht", args["load"] > 0, "where the load is positive")

    out = np.full(args.invalid.shape, np.nan)
    size = out.size

    def part(name: str, sl: slice) -> FloatArray:
        values = args[name]
        return values if values.ndim == 0 else values[sl]

    def solve(sl: slice) -> None:
        given = {name: part(name, sl) if name in args.values else None for name in targets_given}
        targets = _Targets(
            given["service_level"],
            given["threshold"],
            given["asa"],
            given["max_abandon"],
            given["max_occupancy"],
            sl_basis == "answered",
        )
        out[sl] = _solve_chunk(
            _full(part("load", sl), sl.stop - sl.start),
            part("aht", sl),
            part("patience", sl),
            targets,
            integer,
            invalid=args.invalid[sl],
        )

    chunks = [slice(i, min(i + _CHUNK, size)) for i in range(0, size, _CHUNK)]
    workers = min(len(chunks), os.cpu_count() or 1)
    if workers <= 1:
        for chunk in chunks:
            solve(chunk)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(solve, chunks))
    return args.result(out)
