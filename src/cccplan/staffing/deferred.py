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

Deviations from a continuous-time model: time is the interval grid, and all
contacts of an interval get the deadline of the last one to arrive in it.
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
    """

    agents: FloatArray
    backlog: FloatArray
    service_level: FloatArray
    handled: FloatArray


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
        arrival interval and ``handled`` (contacts), each of shape (n,).

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

    The taut string is computed by a loop over the open intervals with
    amortised O(1) work per interval (a year of 15-minute intervals takes
    tens of milliseconds); everything else is vectorised.

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
    work = np.where(volume_a > 0, volume_a * np.where(volume_a > 0, aht_a, 0.0), 0.0)
    arrived = np.concatenate([[0.0], np.cumsum(work)])  # A at the interval boundaries
    due = _due_interval(is_open, length, float(response_window), window_basis)

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
    return _simulate(agents, volume_a, work=work, arrived=arrived, due=due, length=length)


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
        With ``agents`` as given (zero while closed).

    Examples
    --------
    >>> r = deferred_kpis([0, 0, 40, 0, 0, 0, 0, 0], 90.0, [True] * 8, 900,
    ...                   [0, 0, 2, 2, 0, 0, 0, 0], response_window=3600)
    >>> float(r.service_level[2]), float(r.backlog[2])
    (1.0, 20.0)
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
    work = np.where(volume_a > 0, volume_a * np.where(volume_a > 0, aht_a, 0.0), 0.0)
    arrived = np.concatenate([[0.0], np.cumsum(work)])
    due = _due_interval(is_open, length, float(response_window), window_basis)
    return _simulate(
        np.where(is_open, staffed, 0.0),
        volume_a,
        work=work,
        arrived=arrived,
        due=due,
        length=length,
    )


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

    Funnel algorithm: ``ceiling`` is the lower convex hull of the upper bounds
    seen from the apex, ``floor`` the upper concave hull of the lower bounds.
    A new bound that crosses the other chain moves the apex along that chain;
    each point enters and leaves a chain once, so the loop is O(m).
    Requires ``lower[0] == upper[0]`` and ``lower[m] == upper[m]``.
    """
    lo = lower.tolist()
    hi = upper.tolist()
    m = len(lo) - 1
    apex = (0, lo[0])
    path_x = [0]
    path_y = [lo[0]]
    ceiling: deque[tuple[int, float]] = deque([apex])
    floor: deque[tuple[int, float]] = deque([apex])

    def below(a: tuple[int, float], b: tuple[int, float], c: tuple[int, float]) -> bool:
        # slope(a, c) <= slope(a, b), with a.x < b.x and a.x < c.x.
        return (c[1] - a[1]) * (b[0] - a[0]) <= (b[1] - a[1]) * (c[0] - a[0])

    for k in range(1, m + 1):
        top = (k, hi[k])
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
        bottom = (k, lo[k])
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
    # Both chains end at (m, lo[m]) == (m, hi[m]); at most one of them bends
    # (a concave floor lies above the chord, a convex ceiling below it), and
    # the string follows that one.
    rest = list(floor)[1:] if len(floor) > 2 else list(ceiling)[1:]
    if not rest or rest[-1][0] != m:
        rest.append((m, lo[m]))
    path_x.extend(point[0] for point in rest)
    path_y.extend(point[1] for point in rest)
    done: FloatArray = np.interp(np.arange(m + 1), np.asarray(path_x), np.asarray(path_y))
    return done


def _simulate(
    agents: FloatArray,
    volume: FloatArray,
    *,
    work: FloatArray,
    arrived: FloatArray,
    due: IntArray,
    length: float,
) -> DeferredResult:
    """Backlog, handled contacts and on-time shares of the FIFO fluid queue."""
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
    on_time = np.where(due < 0, 0.0, on_time)
    unknown = (due >= n) & (departed[-1] < arrived[1:] * (1 - 1e-12))
    service = np.where((volume > 0) & ~unknown, on_time, np.nan)
    return DeferredResult(agents=agents, backlog=backlog, service_level=service, handled=handled)


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
