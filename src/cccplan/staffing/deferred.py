"""Deferred work (email, back-office): deadline-driven fluid staffing with backlog.

Deferred contacts do not wait on the line; they wait in a queue of work that
must be cleared within a response window (``90 % within 24 business hours``).
An Erlang formula does not apply. This module models the work as a fluid,
served first in, first out, and works with cumulative curves over the
horizon, as in Newell's cumulative-curve method for queues [1]_ and in
network calculus [2]_:

* ``A(t)`` -- cumulative work (agent-seconds) arrived by ``t``;
* ``R(t)`` -- cumulative work that must be finished by ``t`` for the deadlines
  to be met at the target share;
* ``S(t)`` -- cumulative work done by ``t``.

A plan is feasible when ``R <= S <= A`` at every interval end (work cannot be
done before it arrives) and ``S`` stays flat while closed. Among the feasible
plans :func:`deferred_agents` takes the *taut string*: the shortest path from
``(0, 0)`` to the end of the horizon between the two curves, on the clock
that runs only while open. It is the plan of smallest peak rate and, more
generally, the one that minimises ``sum f(agents)`` for every convex ``f``
[3]_ [4]_: the most level staffing that meets every deadline.

The achieved figures of a staffing (:func:`deferred_kpis`) come from the same
curves: backlog and on-time shares, the mean wait before handling (ASA, the
horizontal distance between ``A`` and the handled-work curve) and occupancy.

Deviations from a continuous-time model: time is the interval grid, and all
contacts of an interval get the deadline of the last one to arrive in it.

How far the computation is vectorised
-------------------------------------
Everything but one step is numpy over the whole horizon: deadlines, the
required curve ``R`` (a scatter-max and a cumulative max), the check (Reich's
formula is a cumulative min) and the ASA integrals. The exception is the taut
string itself, and no exact fully vectorised form of it is known to us:

* its vertices alternate between the two curves at points that are only
  known once the string has been traced up to the next vertex (the apex of
  the funnel moves along one chain when the other crosses it), so each vertex
  depends on the bounds before and after it. The known exact methods are
  sequential stack algorithms with amortised O(1) work per point (the funnel
  of Lee and Preparata, the taut-string algorithm of Davies and Kovac [4]_,
  Condat's direct algorithm for the equivalent total-variation problem);
* the cumulative max/min closed forms (Reich's formula; the min-plus
  convolutions of network calculus) solve the problem for *one given* peak
  rate -- is there a plan with at most ``r`` agents, and which one is the
  earliest or latest -- not the taut string, which minimises the peak, then
  the peak of what is left, and so on;
* the min-max formula that makes isotonic regression vectorisable needs
  monotone slopes; the string's slopes go up and down, and the pairwise
  min-max over all interval pairs would cost O(n^2).

What is exact and vectorised is a reduction (:func:`_string_support`): the
string bends up only against a strictly convex stretch of ``A`` and down only
against a strictly concave stretch of ``R``, so every other bound can be
dropped without changing the optimum (its Lagrange multiplier is zero), in
parallel rounds. On a year of e-mail it drops about 40 % of the points and
half of the remaining bounds; the funnel then runs over the rest in a Python
loop (about 20 ms a queue-year of 15-minute intervals).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from cccplan.exceptions import InputError

__all__ = ["DeferredResult", "deferred_agents", "deferred_kpis"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Agents within this of an integer are not rounded up to the next one.
_ROUND_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DeferredResult:
    """Staffing of deferred work, per interval of the grid; every attribute is an array.

    Attributes
    ----------
    agents : ndarray
        Agents working the queue in each interval (0 while closed).
    backlog : ndarray
        Contacts waiting at the end of each interval.
    service_level : ndarray
        Share of the interval's arrivals handled within the response window.
        NaN where nothing arrived, and where contacts whose deadline lies after
        the horizon are still waiting at its end (not yet known).
    handled : ndarray
        Contacts handled in each interval.
    asa : ndarray
        Mean time in seconds from arrival to the start of handling of the
        interval's arrivals (fluid FIFO; on the clock of ``window_basis``:
        open time only, or calendar time). NaN where nothing arrived or some
        of the interval's arrivals are still waiting at the end of the horizon.
    occupancy : ndarray
        Work handled in the interval / capacity (agents x interval length), in
        [0, 1]; NaN where no agent works.
    """

    agents: FloatArray
    backlog: FloatArray
    service_level: FloatArray
    handled: FloatArray
    asa: FloatArray
    occupancy: FloatArray


def deferred_agents(
    volume: npt.ArrayLike,
    aht: npt.ArrayLike,
    open_mask: npt.ArrayLike,
    interval_seconds: float,
    *,
    response_window: float,
    service_level: float = 1.0,
    integer: bool = True,
    window_basis: Literal["open", "calendar"] = "open",
) -> DeferredResult:
    """Agents per interval so that deferred contacts are handled within their deadline.

    Parameters
    ----------
    volume : array_like, shape (n,)
        Contacts arriving in each interval of a regular grid of consecutive
        intervals, closed ones included (e-mail arrives at night too).
    aht : float or array_like, shape (n,)
        Average handle time in seconds; must be positive where ``volume > 0``
        (NaN is allowed where ``volume == 0``).
    open_mask : array_like of bool, shape (n,)
        True where the queue is worked. Nothing is handled while closed.
    interval_seconds : float
        Length of one interval in seconds (900 for 15 minutes).
    response_window : float
        Time in seconds within which a contact must be handled.
    service_level : float, default 1.0
        Share of each interval's contacts that must be handled within the
        window, in (0, 1].
    integer : bool, default True
        Round agents up to whole agents; False returns fractional agents.
    window_basis : {"open", "calendar"}, default "open"
        "open" counts only open time toward the deadline (business hours: a
        contact that arrives at night with an 8-hour window is due 8 open
        hours after the next opening); "calendar" counts elapsed time (a
        deadline that falls while closed must be met by the end of the last
        open interval before it).

    Returns
    -------
    DeferredResult
        ``agents``, ``backlog`` (contacts), achieved ``service_level`` per
        arrival interval, ``handled`` (contacts), ``asa`` (seconds) and
        ``occupancy``, each of shape (n,).

    Raises
    ------
    InputError
        If an array is not 1-D or the lengths differ, ``volume`` is negative
        or not finite, ``aht`` is not positive where contacts arrive,
        ``interval_seconds`` or ``response_window`` is not positive, or
        ``service_level`` is outside (0, 1].

    Notes
    -----
    *Deadlines.* Interval ``i`` (end ``e_i``) brings work ``w_i = volume_i
    aht_i``. Its contacts are due at the end of interval ``k(i)``, the one in
    which the deadline of a contact arriving at ``e_i`` falls: ``e_i + W`` on
    the calendar basis (moved back to the last open interval if it falls
    while closed), or the moment at which ``W`` more open seconds have
    elapsed on the open basis. With first-in-first-out service and work
    spread evenly over an interval, this is exact when ``W`` is a whole
    number of intervals: every contact is handled at the latest at its own
    deadline.

    *Required work.* With ``A_i = w_0 + ... + w_{i-1}`` and ``s`` the target
    service level, the first share ``s`` of interval ``i``'s work must be done
    by the end of ``k(i)``, so ``R_j = max_{i : k(i) <= j} (A_i + s w_i)``,
    capped by ``A_{j+1}`` (a deadline that falls before the contact can be
    worked is missed whatever the staffing). Because service is FIFO, the
    late share of an interval is its last contacts, and earlier intervals
    sharing the deadline (a night of e-mail) get no relief: conservative.

    *Plan.* On the clock that runs only while open (closed intervals have
    zero length on it), the cumulative work done ``S`` must lie between ``R``
    (deadlines) and ``A`` (arrivals), start at 0 and end at ``A`` at the end
    of the last open interval: the horizon ends with no work waiting that
    could have been done, which keeps consecutive plans consistent (each
    assumes it starts with no backlog). The plan is the taut string through
    this tube, found by the funnel algorithm in O(n) [4]_; agents in an open
    interval are the slope of ``S`` divided by the interval length. Its
    properties: every deadline is met at the target share; nothing is worked
    while closed; backlog is carried across closed hours; the total work
    done is the least possible, ``A`` at the last opening; and no other
    feasible plan has a smaller peak or a smaller spread of agents. Rounding
    up (``integer=True``) only adds capacity, so deadlines stay met.

    *Check.* Backlog and service level are recomputed from the agents by the
    fluid FIFO recursion ``D_j = min(A_{j+1}, D_{j-1} + c_j L)`` in closed
    form (Reich's formula), ``D = S + cummin(A - S)`` [2]_; the on-time share
    of interval ``i`` is ``clip(D_{k(i)} - A_i, 0, w_i) / w_i``.

    *Waits and occupancy.* ``asa`` is the mean time from arrival to the
    start of handling of the interval's contacts: under the fluid FIFO model
    the horizontal distance between the arrival curve (contacts arrive evenly
    within their interval) and the handled-work curve, averaged over the
    interval's arrivals, in seconds on the clock of ``window_basis`` (open
    time only, or calendar time). ``occupancy`` is the work handled in the
    interval over the capacity ``agents x interval_seconds``.

    The taut string is found by a vectorised, exact reduction followed by a
    loop over the points left with amortised O(1) work per point (a year of
    15-minute intervals takes about 20 ms); everything else is vectorised.
    The module docstring explains why the string itself is not.

    References
    ----------
    .. [1] G. F. Newell, "Applications of Queueing Theory", 2nd ed., Chapman
       and Hall, 1982, ch. 2 (cumulative arrival and departure curves).
    .. [2] J.-Y. Le Boudec and P. Thiran, "Network Calculus", Springer LNCS
       2050, 2001, ch. 1 (Reich's backlog formula, service curves).
    .. [3] J. D. Salehi, Z.-L. Zhang, J. Kurose and D. Towsley, "Supporting
       stored video: reducing rate variability and end-to-end resource
       requirements through optimal smoothing", *IEEE/ACM Transactions on
       Networking* 6(4), 397-410, 1998.
    .. [4] P. L. Davies and A. Kovac, "Local extremes, runs, strings and
       multiresolution", *Annals of Statistics* 29(1), 1-65, 2001.

    Examples
    --------
    Forty e-mails of 90 s arrive in the third quarter-hour, with a one-hour
    window: the work is spread evenly until it is due.

    >>> result = deferred_agents(
    ...     [0, 0, 40, 0, 0, 0, 0, 0], 90.0, [True] * 8, 900,
    ...     response_window=3600, integer=False,
    ... )
    >>> result.agents.round(2).tolist()
    [0.0, 0.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.0]
    >>> float(result.service_level[2])
    1.0

    The e-mails arrive at 4 agent-seconds per second and are worked at 0.8:
    the one at height ``y`` of the work arrives at ``y / 4`` and is handled
    at ``y / 0.8`` seconds into the interval, a wait of ``y`` seconds, 1800 s
    on average over ``y`` in [0, 3600]; the agents are busy all the time.

    >>> float(result.asa[2]), result.occupancy[2:7].tolist()
    (1800.0, [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    volume_a, aht_a, is_open = _validate(
        volume,
        aht,
        open_mask,
        interval_seconds=interval_seconds,
        response_window=response_window,
        service_level=service_level,
        window_basis=window_basis,
    )
    n = volume_a.size
    length = float(interval_seconds)
    work, arrived, due = _workload(
        volume_a, aht_a, is_open, length=length, response_window=response_window, basis=window_basis
    )

    # R at the end of each interval: the head share of every interval due by then.
    required = np.zeros(n)
    in_horizon = (due >= 0) & (due < n)
    np.maximum.at(required, due[in_horizon], (arrived[:-1] + service_level * work)[in_horizon])
    required = np.minimum(np.maximum.accumulate(required), arrived[1:])

    open_index = np.flatnonzero(is_open)
    agents = np.zeros(n)
    if open_index.size:
        lower = np.concatenate([[0.0], required[open_index]])
        upper = np.concatenate([[0.0], arrived[open_index + 1]])
        lower[-1] = upper[-1]
        done = _taut_string(lower, upper)
        agents[open_index] = np.maximum(np.diff(done), 0.0) / length
    if integer:
        agents = np.ceil(agents - _ROUND_TOLERANCE).clip(min=0.0)
    return _simulate(
        agents,
        volume_a,
        work=work,
        arrived=arrived,
        due=due,
        length=length,
        is_open=is_open,
        basis=window_basis,
    )


def deferred_kpis(
    volume: npt.ArrayLike,
    aht: npt.ArrayLike,
    open_mask: npt.ArrayLike,
    interval_seconds: float,
    agents: npt.ArrayLike,
    *,
    response_window: float,
    window_basis: Literal["open", "calendar"] = "open",
) -> DeferredResult:
    """Backlog and on-time shares that given agents achieve on deferred work.

    The check half of :func:`deferred_agents`, for a staffing that is not the
    one it computed (a minimum cover added, a plan from elsewhere): the same
    FIFO fluid queue, with ``agents`` per interval (agents in closed intervals
    are ignored: nothing is worked while closed).

    Parameters
    ----------
    volume, aht, open_mask, interval_seconds, response_window, window_basis
        As in :func:`deferred_agents`.
    agents : array_like
        Agents working the queue in each interval (>= 0).

    Returns
    -------
    DeferredResult
        With ``agents`` as given (zero while closed); ``asa`` (seconds) and
        ``occupancy`` as described in :func:`deferred_agents`.

    Examples
    --------
    >>> r = deferred_kpis([0, 0, 40, 0, 0, 0, 0, 0], 90.0, [True] * 8, 900,
    ...                   [0, 0, 2, 2, 0, 0, 0, 0], response_window=3600)
    >>> float(r.service_level[2]), float(r.backlog[2])
    (1.0, 20.0)

    Two agents work 2 agent-seconds per second against 4 arriving: the work
    at height ``y`` waits ``y / 2 - y / 4 = y / 4`` seconds, 450 s on average.

    >>> float(r.asa[2]), r.occupancy[2:4].tolist()
    (450.0, [1.0, 1.0])
    """
    volume_a, aht_a, is_open = _validate(
        volume,
        aht,
        open_mask,
        interval_seconds=interval_seconds,
        response_window=response_window,
        service_level=1.0,
        window_basis=window_basis,
    )
    staffed = _as_1d("agents", agents)
    if staffed.size != volume_a.size:
        raise InputError(
            f"deferred_kpis: `agents` has {staffed.size} intervals; `volume` has {volume_a.size}"
        )
    if not np.all(np.isfinite(staffed)) or (staffed < 0).any():
        raise InputError("deferred_kpis: `agents` must be finite and >= 0 in every interval")
    length = float(interval_seconds)
    work, arrived, due = _workload(
        volume_a, aht_a, is_open, length=length, response_window=response_window, basis=window_basis
    )
    return _simulate(
        np.where(is_open, staffed, 0.0),
        volume_a,
        work=work,
        arrived=arrived,
        due=due,
        length=length,
        is_open=is_open,
        basis=window_basis,
    )


def _workload(
    volume: FloatArray,
    aht: FloatArray,
    is_open: npt.NDArray[np.bool_],
    *,
    length: float,
    response_window: float,
    basis: str,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Work per interval (seconds), A at the interval boundaries, each interval's due interval."""
    # aht may be NaN where nothing arrives: such intervals bring no work.
    work = np.where(volume > 0, volume * np.where(volume > 0, aht, 0.0), 0.0)
    arrived = np.concatenate([[0.0], np.cumsum(work)])
    return work, arrived, _due_interval(is_open, length, float(response_window), basis)


def _validate(
    volume: npt.ArrayLike,
    aht: npt.ArrayLike,
    open_mask: npt.ArrayLike,
    *,
    interval_seconds: float,
    response_window: float,
    service_level: float,
    window_basis: str,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    volume_a = _as_1d("volume", volume)
    n = volume_a.size
    aht_a = _as_1d("aht", np.atleast_1d(np.asarray(aht, dtype=object)))
    if aht_a.size == 1:
        aht_a = np.full(n, aht_a[0])
    elif aht_a.size != n:
        raise InputError(f"`aht` has {aht_a.size} elements but `volume` has {n}")
    mask = np.asarray(open_mask)
    if mask.ndim != 1:
        raise InputError(f"`open_mask` must be 1-D; got shape {mask.shape}")
    if mask.size != n:
        raise InputError(f"`open_mask` has {mask.size} elements but `volume` has {n}")
    if mask.dtype != np.bool_ and not np.isin(mask, [0, 1]).all():
        raise InputError("`open_mask` must hold booleans (True where open)")
    if not np.isfinite(volume_a).all() or (volume_a < 0).any():
        bad = np.flatnonzero(~(volume_a >= 0) | ~np.isfinite(volume_a))
        raise InputError(
            f"`volume` must be finite and >= 0; {bad.size} elements are not "
            f"(first at position {bad[0]}: {volume_a[bad[0]]})"
        )
    bad_aht = (volume_a > 0) & ~(np.isfinite(aht_a) & (aht_a > 0))
    if bad_aht.any():
        first = int(np.flatnonzero(bad_aht)[0])
        raise InputError(
            f"`aht` must be a positive number of seconds where `volume` > 0; "
            f"{int(bad_aht.sum())} elements are not (first at position {first}: {aht_a[first]})"
        )
    _check_positive("interval_seconds", interval_seconds)
    _check_positive("response_window", response_window)
    if not 0.0 < service_level <= 1.0:
        raise InputError(f"`service_level` must be in (0, 1]; got {service_level}")
    if window_basis not in ("open", "calendar"):
        raise InputError(f"`window_basis` must be 'open' or 'calendar'; got {window_basis!r}")
    return volume_a, aht_a, mask.astype(bool)


def _as_1d(name: str, values: npt.ArrayLike) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputError(f"`{name}` must be numeric: {error}") from None
    if array.ndim != 1:
        raise InputError(f"`{name}` must be 1-D; got shape {array.shape}")
    return array


def _check_positive(name: str, value: float) -> None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"`{name}` must be a number of seconds; got {value!r}") from None
    if not (np.isfinite(number) and number > 0):
        raise InputError(f"`{name}` must be a positive, finite number of seconds; got {value}")


def _due_interval(
    is_open: npt.NDArray[np.bool_], length: float, window: float, basis: str
) -> IntArray:
    """Interval by whose end each interval's contacts are due.

    ``n`` (or more) means after the horizon; ``-1`` means no open interval
    before the deadline (the contacts are late whatever the staffing).
    """
    n = is_open.size
    index = np.arange(n)
    if basis == "open":
        # Open seconds elapsed at each boundary; the deadline of a contact that
        # arrives at e_i is reached where this clock first attains O(e_i) + W.
        open_clock = np.concatenate([[0.0], np.cumsum(is_open) * length])
        target = open_clock[1:] + window
        due: IntArray = np.searchsorted(open_clock, target - 1e-9 * length, side="left") - 1
        return np.where(due >= n, n, due)
    steps = int(np.ceil(window / length - 1e-9))
    containing = index + steps
    last_open = np.maximum.accumulate(np.where(is_open, index, -1))
    inside = containing < n
    due = np.full(n, n, dtype=np.intp)
    due[inside] = last_open[containing[inside]]
    return due


def _taut_string(lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Shortest path from (0, lower[0]) to (m, lower[m]) with lower <= y <= upper at 0..m.

    Requires ``lower[0] == upper[0]`` and ``lower[m] == upper[m]``. Two steps:
    the vectorised, exact reduction of :func:`_string_support` drops the
    bounds that cannot hold the string, then the funnel runs over the points
    left and the string is interpolated back onto the grid.
    """
    x = np.arange(lower.size, dtype=np.float64)
    kept, ceiling, floor = _string_support(x, lower, upper)
    path_x, path_y = _funnel(x[kept], lower[kept], upper[kept], ceiling, floor)
    done: FloatArray = np.interp(x, path_x, path_y)
    return done


def _string_support(
    x: FloatArray, lower: FloatArray, upper: FloatArray
) -> tuple[IntArray, list[bool], list[bool]]:
    """Grid points and bounds that may hold the taut string (exact, vectorised).

    The string bends up only where it touches the ceiling and the ceiling is
    strictly convex there relative to the neighbouring points (``S_k = U_k <
    chord(S) <= chord(U)``, as ``S <= U`` at the neighbours), and bends down
    only on a strictly concave floor. Any other bound is inactive with a zero
    Lagrange multiplier in the strictly convex problem ``min sum (dS)^2 /
    dx``, so dropping it leaves the optimum, the taut string, unchanged; a
    point with neither bound left is dropped (the string runs straight across
    it). Points are dropped in parallel rounds, each judged against the
    neighbours still kept, until none can go; the ends and pinned points
    (``lower == upper``) stay.

    Returns the kept indices and, for each, whether its ceiling and its floor
    still count.
    """
    index = np.arange(x.size)
    while True:
        before, here, after = index[:-2], index[1:-1], index[2:]
        share = (x[here] - x[before]) / (x[after] - x[before])
        pinned = lower[here] >= upper[here]
        ceiling = (upper[here] < upper[before] + share * (upper[after] - upper[before])) | pinned
        floor = (lower[here] > lower[before] + share * (lower[after] - lower[before])) | pinned
        holds = ceiling | floor
        if holds.all():
            break
        index = np.concatenate([index[:1], here[holds], index[-1:]])
    ends = [True]
    return index, ends + ceiling.tolist() + ends, ends + floor.tolist() + ends


def _funnel(
    x: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    ceiling_holds: list[bool],
    floor_holds: list[bool],
) -> tuple[FloatArray, FloatArray]:
    """Vertices of the shortest path through the tube ``lower <= y <= upper`` at abscissae ``x``.

    Only the upper bounds with ``ceiling_holds`` and the lower bounds with
    ``floor_holds`` are constraints (both hold at the two ends).

    Funnel algorithm: ``ceiling`` is the lower convex hull of the upper bounds
    seen from the apex, ``floor`` the upper concave hull of the lower bounds.
    A new bound that crosses the other chain moves the apex along that chain;
    each point enters and leaves a chain once, so the loop is O(m). ``x`` is
    increasing; ``lower[0] == upper[0]`` and ``lower[-1] == upper[-1]``.
    """
    xs = x.tolist()
    lo = lower.tolist()
    hi = upper.tolist()
    m = len(lo) - 1
    apex = (xs[0], lo[0])
    path_x = [xs[0]]
    path_y = [lo[0]]
    ceiling: deque[tuple[float, float]] = deque([apex])
    floor: deque[tuple[float, float]] = deque([apex])

    def below(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
        # slope(a, c) <= slope(a, b), with a.x < b.x and a.x < c.x.
        return (c[1] - a[1]) * (b[0] - a[0]) <= (b[1] - a[1]) * (c[0] - a[0])

    for k in range(1, m + 1):
        if ceiling_holds[k]:
            top = (xs[k], hi[k])
            if len(floor) >= 2 and below(floor[0], floor[1], top):
                while len(floor) >= 2 and below(floor[0], floor[1], top):
                    floor.popleft()
                    path_x.append(floor[0][0])
                    path_y.append(floor[0][1])
                ceiling = deque([floor[0], top])
            else:
                while len(ceiling) >= 2 and below(ceiling[-2], ceiling[-1], top):
                    ceiling.pop()
                ceiling.append(top)
        if floor_holds[k]:
            bottom = (xs[k], lo[k])
            # Strict: bottom may equal top, which is never a reason to move the apex.
            if len(ceiling) >= 2 and not below(ceiling[0], ceiling[1], bottom):
                while len(ceiling) >= 2 and not below(ceiling[0], ceiling[1], bottom):
                    ceiling.popleft()
                    path_x.append(ceiling[0][0])
                    path_y.append(ceiling[0][1])
                floor = deque([ceiling[0], bottom])
            else:
                while len(floor) >= 2 and below(floor[-2], bottom, floor[-1]):
                    floor.pop()
                floor.append(bottom)
    # Both chains end at the last point; at most one of them bends (a concave
    # floor lies above the chord, a convex ceiling below it), and the string
    # follows that one.
    rest = list(floor)[1:] if len(floor) > 2 else list(ceiling)[1:]
    if not rest or rest[-1][0] != xs[m]:
        rest.append((xs[m], lo[m]))
    path_x.extend(point[0] for point in rest)
    path_y.extend(point[1] for point in rest)
    return np.asarray(path_x, dtype=np.float64), np.asarray(path_y, dtype=np.float64)


def _simulate(
    agents: FloatArray,
    volume: FloatArray,
    *,
    work: FloatArray,
    arrived: FloatArray,
    due: IntArray,
    length: float,
    is_open: npt.NDArray[np.bool_],
    basis: str,
) -> DeferredResult:
    """Backlog, handled contacts, on-time shares, ASA and occupancy of the FIFO fluid queue."""
    n = volume.size
    capacity = np.concatenate([[0.0], np.cumsum(agents * length)])
    # Reich: D_j = S_j + min_{k <= j} (A_k - S_k), with k = 0 giving 0.
    departed = capacity + np.minimum.accumulate(np.minimum(arrived - capacity, 0.0))
    departed = np.minimum(departed, arrived)
    handled_cum = _work_to_contacts(departed, arrived, volume, work)
    arrived_contacts = np.concatenate([[0.0], np.cumsum(volume)])
    handled = np.diff(handled_cum)
    backlog = np.maximum(arrived_contacts[1:] - handled_cum[1:], 0.0)

    done_by_due = departed[np.clip(due, -1, n - 1) + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        on_time = np.clip(done_by_due - arrived[:-1], 0.0, work) / work
        occupancy = np.clip(np.diff(departed) / (agents * length), 0.0, 1.0)
    on_time = np.where(due < 0, 0.0, on_time)
    unfinished = departed[-1] < arrived[1:] * (1 - 1e-12)
    service = np.where((volume > 0) & ~(unfinished & (due >= n)), on_time, np.nan)
    occupancy = np.where(agents > 0, occupancy, np.nan)
    wait = _mean_wait(agents, arrived, departed, length=length, is_open=is_open, basis=basis)
    wait = np.where((volume > 0) & ~unfinished, wait, np.nan)
    return DeferredResult(
        agents=agents,
        backlog=backlog,
        service_level=service,
        handled=handled,
        asa=wait,
        occupancy=occupancy,
    )


def _mean_wait(
    agents: FloatArray,
    arrived: FloatArray,
    departed: FloatArray,
    *,
    length: float,
    is_open: npt.NDArray[np.bool_],
    basis: str,
) -> FloatArray:
    """Mean time in seconds from arrival to handling of each interval's work (fluid FIFO).

    Work arrives evenly within its interval and the work done within interval
    ``j`` is ``D(t) = min(A(t), D_j + c_j (t - start_j))`` (Reich's formula
    inside the interval): linear until the backlog is cleared, then along
    ``A``. The delay of the work unit at height ``y`` is the horizontal
    distance ``D^{-1}(y) - A^{-1}(y)``; its mean over the interval's work
    ``[A_i, A_{i+1}]`` is ``(G(A_{i+1}) - G(A_i)) / w_i - mean arrival time``
    with ``G(y)`` the integral of ``D^{-1}`` from 0 to ``y``, exact for the
    piecewise-linear ``D``. Time is measured on the clock of ``basis``:
    calendar time, or open time only (closed intervals last zero seconds).
    """
    n = agents.size
    if basis == "open":
        clock = np.concatenate([[0.0], np.cumsum(is_open) * length])
        span = np.where(is_open, length, 0.0)
    else:
        clock = np.arange(n + 1, dtype=np.float64) * length
        span = np.full(n, length)
    work = np.diff(arrived)
    # Where D meets A inside interval j (the backlog is cleared); else the start.
    with np.errstate(invalid="ignore", divide="ignore"):
        catch_up = (arrived[:-1] - departed[:-1]) / (agents - work / length)
    inside = (agents * length > work) & (catch_up > 0) & (catch_up < span)
    catch_up = np.where(inside, catch_up, 0.0)
    knot_time = np.empty(2 * n + 1)
    knot_work = np.empty(2 * n + 1)
    knot_time[0::2] = clock
    knot_work[0::2] = departed
    knot_time[1::2] = clock[:-1] + catch_up
    knot_work[1::2] = departed[:-1] + agents * catch_up
    # G at the knots: each linear piece contributes its height times its mean time.
    piece = np.diff(knot_work) * (knot_time[:-1] + knot_time[1:]) / 2.0
    at_knot = np.concatenate([[0.0], np.cumsum(piece)])
    # G at each arrival boundary y: the piece with knot_work[k] < y <= knot_work[k + 1].
    level = np.minimum(arrived, departed[-1])
    k = np.clip(np.searchsorted(knot_work, level, side="left") - 1, 0, 2 * n - 1)
    rise = knot_work[k + 1] - knot_work[k]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(rise > 0, (level - knot_work[k]) / rise, 0.0)
    reached = knot_time[k] + fraction * (knot_time[k + 1] - knot_time[k])
    integral = at_knot[k] + (level - knot_work[k]) * (knot_time[k] + reached) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        handled_at = np.diff(integral) / work
    arrival_at = clock[:-1] + span / 2.0
    wait: FloatArray = np.maximum(handled_at - arrival_at, 0.0)
    return wait


def _work_to_contacts(
    position: FloatArray, arrived: FloatArray, volume: FloatArray, work: FloatArray
) -> FloatArray:
    """Contacts ahead of each FIFO work position (the cumulative volume curve)."""
    n = volume.size
    contacts = np.concatenate([[0.0], np.cumsum(volume)])
    batch = np.clip(np.searchsorted(arrived, position, side="right") - 1, 0, n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(work[batch] > 0, (position - arrived[batch]) / work[batch], 0.0)
    return contacts[batch] + np.clip(share, 0.0, 1.0) * volume[batch]
