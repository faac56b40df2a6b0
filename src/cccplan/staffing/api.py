"""Staffing a forecast: required agents per interval for every channel.

:func:`staff` turns a forecast frame (see DESIGN.md, "Frame conventions") into
the staffing a contact centre must plan (ISO 18295-2, 5.4 access strategy and
6.7 planning), series by series:

* **immediate channels** (voice, callback, video): Erlang C, or Erlang A when
  the target gives the customers' ``patience`` (:mod:`cccplan.queueing`);
* **chat and messaging** with ``concurrency`` k > 1: an agent is k session
  slots whose handle time grows with k (:mod:`cccplan.staffing.concurrency`);
* **deferred work** (email, social, back-office, or any series whose target
  has a ``response_window``): a deadline-driven backlog model carried across
  intervals and closed hours (:mod:`cccplan.staffing.deferred`).

Then the staffing rules: a minimum cover while open (``min_agents``) and
shrinkage, ``scheduled = ceil(agents / (1 - shrinkage))``. Closed intervals are
absent from a forecast and stay absent (they need nobody). :func:`daily` and
:func:`weekly` roll the result up into agent-hours and FTE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.frames.validate import infer_freq, validate_frame
from cccplan.staffing.concurrency import concurrent_agents, target_kpis
from cccplan.staffing.deferred import deferred_agents, deferred_kpis
from cccplan.staffing.targets import ServiceTarget, target_lookup

__all__ = ["daily", "staff", "weekly"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Key of a target in a mapping: (queue, channel), a queue, a channel, or None (default).
TargetKey: TypeAlias = str | tuple[str, str] | None
Targets: TypeAlias = ServiceTarget | Mapping[Any, ServiceTarget | Mapping[str, Any]]

#: Channels staffed as deferred work (they need a response window).
DEFERRED_CHANNELS = ("email", "social", "backoffice")
#: Columns :func:`staff` adds to the forecast.
STAFFING_COLUMNS = (
    "agents",
    "scheduled",
    "service_level",
    "asa",
    "abandon_rate",
    "occupancy",
    "backlog",
    "target_met",
    "explanation",
)
# Achieved KPIs are compared with the targets with this slack (continuous agents
# meet a target to solver precision, not exactly).
_TOL = 1e-6
_MAX_SHOWN = 5


# ---------------------------------------------------------------------------
# Targets per series
# ---------------------------------------------------------------------------


def _targets_per_series(series: list[dict[str, str]], targets: Targets) -> list[ServiceTarget]:
    """The target of each series, looked up as (queue, channel), queue, channel, None."""
    if isinstance(targets, ServiceTarget):
        return [targets] * len(series)
    if not isinstance(targets, Mapping):
        raise InputError(
            "staff: `targets` must be a ServiceTarget or a mapping of series key -> "
            f"ServiceTarget; got {type(targets).__name__}"
        )
    lookup = target_lookup(targets, "staff")
    chosen: list[ServiceTarget] = []
    missing: list[str] = []
    for named in series:
        found = lookup.get(named.get("queue"), named.get("channel"))
        if found is None:
            missing.append(", ".join(f"{k}={v!r}" for k, v in named.items()) or "the series")
        else:
            chosen.append(found)
    if missing:
        shown = "; ".join(missing[:_MAX_SHOWN])
        more = f" and {len(missing) - _MAX_SHOWN} more" if len(missing) > _MAX_SHOWN else ""
        raise InputError(
            f"staff: no target for {len(missing)} series: {shown}{more}. Keys are looked up "
            "as (queue, channel), then queue, then channel, then None (a default); keys "
            f"given: {list(targets)}"
        )
    return chosen


# ---------------------------------------------------------------------------
# One series
# ---------------------------------------------------------------------------


def _unreachable_reason(target: ServiceTarget) -> str:
    """Why no number of agents meets an immediate target."""
    reasons = []
    if target.service_level == 1.0:
        reasons.append(
            f"service level 1.0 within a finite threshold ({target.threshold:g} s) "
            "needs infinitely many agents"
        )
    if target.asa == 0.0:
        reasons.append("an ASA of 0 s needs infinitely many agents")
    if target.max_abandon == 0.0 and target.patience is not None:
        reasons.append("zero abandonment with a finite patience needs infinitely many agents")
    if not reasons:
        reasons.append("no number of agents meets the targets together")
    return "unreachable: " + "; ".join(reasons)


def _met(kpis: Mapping[str, FloatArray], target: ServiceTarget) -> BoolArray:
    ok = np.ones(np.shape(kpis["service_level"]), dtype=bool)
    if target.service_level is not None:
        ok &= kpis["service_level"] >= target.service_level - _TOL
    if target.asa is not None:
        ok &= kpis["asa"] <= target.asa * (1 + _TOL) + _TOL
    if target.max_abandon is not None:
        ok &= kpis["abandon_rate"] <= target.max_abandon + _TOL
    if target.max_occupancy is not None:
        ok &= kpis["occupancy"] <= target.max_occupancy + _TOL
    return ok


def _min_cover(agents: FloatArray, target: ServiceTarget, integer: bool) -> FloatArray:
    minimum = float(np.ceil(target.min_agents - 1e-9)) if integer else target.min_agents
    # np.maximum keeps NaN (an unreachable target stays unreachable).
    return np.maximum(agents, minimum)


def _immediate(
    volume: FloatArray,
    aht: FloatArray,
    seconds: float,
    target: ServiceTarget,
    integer: bool,
) -> dict[str, Any]:
    load = volume * aht / seconds
    kwargs = target.queueing_targets()
    required = concurrent_agents(
        load,
        aht,
        concurrency=target.concurrency,
        slowdown=target.concurrency_slowdown,
        integer=integer,
        **kwargs,
    )
    agents = _min_cover(required, target, integer)
    reachable = np.isfinite(agents)
    kpis = {name: np.full(len(volume), np.nan) for name in ("service_level", "asa")}
    kpis |= {name: np.full(len(volume), np.nan) for name in ("abandon_rate", "occupancy")}
    rows = np.flatnonzero(reachable)

    target_kpis(kpis, rows, agents=agents, load=load, aht=aht, target=target)
    met = reachable & _met(kpis, target)
    explanation = np.full(len(volume), np.nan, dtype=object)
    explanation[~reachable] = _unreachable_reason(target)
    return {
        "agents": agents,
        **kpis,
        "backlog": np.full(len(volume), np.nan),
        "target_met": met,
        "explanation": explanation,
    }


def _deferred(
    times: pd.Series,
    volume: FloatArray,
    aht: FloatArray,
    *,
    seconds: float,
    target: ServiceTarget,
    integer: bool,
) -> dict[str, Any]:
    # ServiceTarget guarantees a service level whenever a response window is set.
    assert target.response_window is not None
    assert target.service_level is not None
    # A regular grid over the series' horizon, closed (absent) intervals included,
    # so that backlog is carried across nights and weekends.
    ns = times.dt.tz_convert("UTC").astype("int64").to_numpy()
    step = round(seconds * 1e9)
    position = np.rint((ns - ns[0]) / step).astype(np.int64)
    size = int(position[-1]) + 1 if len(position) else 0
    grid_volume = np.zeros(size)
    grid_aht = np.zeros(size)
    open_mask = np.zeros(size, dtype=bool)
    grid_volume[position] = volume
    grid_aht[position] = aht
    open_mask[position] = True
    result = deferred_agents(
        grid_volume,
        grid_aht,
        open_mask,
        seconds,
        response_window=target.response_window,
        service_level=target.service_level,
        integer=integer,
        window_basis=target.response_basis,
    )
    required = np.asarray(result.agents, dtype=np.float64)[position]
    agents = _min_cover(required, target, integer)
    if np.isfinite(agents).all() and not np.array_equal(agents, required):
        # The minimum cover adds agents: recompute what the final plan achieves.
        grid_agents = np.zeros(size)
        grid_agents[position] = agents
        result = deferred_kpis(
            grid_volume,
            grid_aht,
            open_mask,
            seconds,
            grid_agents,
            response_window=target.response_window,
            window_basis=target.response_basis,
        )
    achieved = np.asarray(result.service_level, dtype=np.float64)[position]
    backlog = np.asarray(result.backlog, dtype=np.float64)[position]
    wait = np.asarray(result.asa, dtype=np.float64)[position]
    occupancy = np.asarray(result.occupancy, dtype=np.float64)[position]
    level = target.service_level if target.service_level is not None else 0.0
    # NaN: nothing arrived, or the deadline lies beyond the horizon (nothing missed yet).
    met = np.isnan(achieved) | (achieved >= level - _TOL)
    met &= np.isfinite(agents)
    explanation = np.full(len(volume), np.nan, dtype=object)
    explanation[~met] = (
        f"unreachable: fewer than {level:g} of the interval's contacts can be handled within "
        f"{target.response_window:g} s ({target.response_basis} time) whatever the staffing: "
        "their deadline falls before they can be worked"
    )
    return {
        "agents": agents,
        "service_level": achieved,
        "asa": wait,
        "abandon_rate": np.zeros(len(volume)),
        "occupancy": occupancy,
        "backlog": backlog,
        "target_met": met,
        "explanation": explanation,
    }


def _is_deferred(target: ServiceTarget, named: Mapping[str, str]) -> bool:
    if target.is_deferred:
        return True
    channel = named.get("channel")
    if channel in DEFERRED_CHANNELS and target.patience is None:
        label = ", ".join(f"{k}={v!r}" for k, v in named.items())
        raise InputError(
            f"staff: the target of {label} has no response_window; {channel} is deferred "
            "work: give response_window (seconds, e.g. 86400) and service_level, or "
            "patience to staff it as a queue"
        )
    return False


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def staff(forecast: pd.DataFrame, targets: Targets, *, integer: bool = True) -> pd.DataFrame:
    """Required and scheduled agents per series and interval of a forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        A forecast (or any interval frame): keys ``queue`` and/or ``channel``,
        ``interval_start`` (timezone-aware), ``volume`` (contacts offered in the
        interval) and ``aht`` (seconds; may be NaN where volume is 0). Closed
        intervals are absent rows. An optional ``shrinkage`` column (fractions
        in [0, 1), NaN for the target's) gives shrinkage per interval.
    targets : ServiceTarget or mapping
        One :class:`ServiceTarget` for every series, or a mapping from series
        keys to targets (or to plain dicts of their fields, e.g. an example
        centre's ``targets``). Keys are looked up as ``(queue, channel)``, then
        ``queue``, then ``channel``, then ``None`` (a default), as for opening
        hours.
    integer : bool, default True
        Whole agents. ``False`` gives continuous agents (and scheduled heads)
        for planners who aggregate before rounding.

    Returns
    -------
    pandas.DataFrame
        The validated forecast (sorted by queue, channel, interval_start) plus:

        * ``agents``: productive agents required (after ``min_agents``);
        * ``scheduled``: agents to schedule, ``ceil(agents / (1 - shrinkage))``;
        * ``service_level``, ``asa`` (seconds), ``abandon_rate`` and
          ``occupancy`` achieved with ``agents`` (Erlang C or A; ``asa`` is over
          offered contacts for Erlang C and answered ones for Erlang A;
          ``abandon_rate`` is 0 for Erlang C; with concurrency, ``occupancy``
          is that of the session slots). Deferred work (a fluid first-in,
          first-out backlog model): ``service_level`` is the share of the
          interval's arrivals handled within the response window (NaN where
          nothing arrived or the deadline lies beyond the horizon); ``asa``
          is the mean time in seconds from arrival to the start of handling
          of the interval's arrivals, counted in open time only when the
          target's ``response_basis`` is ``"open"`` and in calendar time when
          it is ``"calendar"`` (NaN where nothing arrived or some arrivals are
          still waiting at the end of the horizon); ``occupancy`` is the work
          handled in the interval over ``agents x`` the interval length (NaN
          with no agents); ``abandon_rate`` is 0 (e-mail does not hang up);
        * ``backlog``: contacts waiting at the end of the interval (deferred
          work; NaN otherwise). The deferred figures are recomputed for the
          final agents, minimum cover included
          (:func:`cccplan.staffing.deferred.deferred_kpis`);
        * ``target_met``: whether every target of the series is met;
        * ``explanation``: why the target cannot be met (NaN where it is),
          e.g. ``"unreachable: service level 1.0 ..."``. Such intervals have
          NaN ``agents`` and ``scheduled``.

        ``attrs["freq"]`` is the interval length.

    Raises
    ------
    InputError
        If the forecast is not a valid interval frame with ``aht``; a series
        has no target; a target is not a ServiceTarget; an email, social or
        back-office series' target has no ``response_window`` (nor patience);
        or a ``shrinkage`` column is outside [0, 1).

    See Also
    --------
    daily, weekly : roll-ups in agent-hours and FTE.
    cccplan.queueing.required_agents : the Erlang C / A solver.

    Notes
    -----
    Load of an interval of ``T`` seconds: ``A = volume x aht / T`` Erlangs.
    Each interval is staffed as an independent queue in steady state (the
    usual assumption; :func:`cccplan.simulate` checks it). Shrinkage divides:
    ``scheduled = ceil(agents / (1 - shrinkage))``; it is applied after the
    minimum cover, which counts productive agents.

    Erlang C or Erlang A? Erlang C assumes nobody hangs up, so its queue grows
    without bound when staffing is tight and it over-staffs. When abandonment
    is measured, give the target a ``patience`` (mean time callers wait
    before hanging up): Erlang A counts the callers who leave, needs fewer
    agents for the same service level and matches real queues better.

    Examples
    --------
    One 15-minute interval with 100 calls of 3 minutes (20 Erlangs), 80 %
    answered within 20 s, 30 % shrinkage:

    >>> import pandas as pd
    >>> from cccplan.staffing import ServiceTarget, staff
    >>> forecast = pd.DataFrame({
    ...     "channel": ["voice"],
    ...     "interval_start": pd.to_datetime(["2024-03-04 10:00"]).tz_localize("Europe/Berlin"),
    ...     "volume": [100.0],
    ...     "aht": [180.0],
    ... })
    >>> forecast.attrs["freq"] = "15min"
    >>> erlang_c = staff(forecast, ServiceTarget(service_level=0.8, threshold=20, shrinkage=0.3))
    >>> erlang_c[["agents", "scheduled", "abandon_rate"]].to_dict("records")
    [{'agents': 24.0, 'scheduled': 35.0, 'abandon_rate': 0.0}]
    >>> round(float(erlang_c["service_level"].iloc[0]), 3)
    0.809

    The same queue with callers who hang up after 3 minutes on average
    (Erlang A) needs one agent fewer: the 3.5 % who abandon shorten the queue.
    With impatient callers (90 s) the service level is met with 22 agents, but
    6 % abandon; a ``max_abandon`` target guards against that:

    >>> erlang_a = staff(forecast, ServiceTarget(service_level=0.8, threshold=20,
    ...                                          patience=180, shrinkage=0.3))
    >>> erlang_a[["agents", "scheduled"]].to_dict("records")
    [{'agents': 23.0, 'scheduled': 33.0}]
    >>> round(float(erlang_a["abandon_rate"].iloc[0]), 3)
    0.035
    >>> impatient = ServiceTarget(service_level=0.8, threshold=20, patience=90)
    >>> staff(forecast, impatient)[["agents", "abandon_rate"]].round(3).to_dict("records")
    [{'agents': 22.0, 'abandon_rate': 0.061}]
    >>> capped = ServiceTarget(service_level=0.8, threshold=20, patience=90, max_abandon=0.05)
    >>> staff(forecast, capped)[["agents", "abandon_rate"]].round(3).to_dict("records")
    [{'agents': 23.0, 'abandon_rate': 0.045}]
    """
    if not isinstance(forecast, pd.DataFrame):
        raise InputError(f"staff: `forecast` must be a DataFrame; got {type(forecast).__name__}")
    frame = validate_frame(forecast, argument="forecast", require_aht=True)
    freq = infer_freq(frame, argument="forecast")
    seconds = pd.Timedelta(freq).total_seconds()
    keys = [column for column in KEY_COLUMNS if column in frame.columns]
    n = len(frame)
    if keys:
        groups = frame.groupby(keys, sort=False).indices
        series = [
            (dict(zip(keys, (key,) if len(keys) == 1 else key, strict=True)), rows)
            for key, rows in groups.items()
        ]
    else:
        series = [({}, np.arange(n))]
    chosen = _targets_per_series([named for named, _ in series], targets)

    volume = frame[VOLUME].to_numpy(dtype=np.float64)
    # aht is NaN where nothing was offered; any positive value gives zero load.
    aht = np.where(volume > 0, frame[AHT].to_numpy(dtype=np.float64), 1.0)
    out: dict[str, Any] = {
        "agents": np.full(n, np.nan),
        "service_level": np.full(n, np.nan),
        "asa": np.full(n, np.nan),
        "abandon_rate": np.full(n, np.nan),
        "occupancy": np.full(n, np.nan),
        "backlog": np.full(n, np.nan),
        "target_met": np.zeros(n, dtype=bool),
        "explanation": np.full(n, np.nan, dtype=object),
    }
    shrinkage = np.empty(n)
    # Immediate series with the same target are staffed in one vectorised call.
    immediate: dict[ServiceTarget, list[npt.NDArray[np.intp]]] = {}
    for (named, rows), target in zip(series, chosen, strict=True):
        shrinkage[rows] = target.shrinkage
        if _is_deferred(target, named):
            result = _deferred(
                frame[TIME].iloc[rows],
                volume[rows],
                aht[rows],
                seconds=seconds,
                target=target,
                integer=integer,
            )
            for name, values in result.items():
                out[name][rows] = values
        else:
            immediate.setdefault(target, []).append(rows)
    for target, parts in immediate.items():
        rows = np.concatenate(parts)
        result = _immediate(volume[rows], aht[rows], seconds, target, integer)
        for name, values in result.items():
            out[name][rows] = values

    if "shrinkage" in frame.columns:
        given = pd.to_numeric(frame["shrinkage"], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isnan(given) & ~((given >= 0) & (given < 1))
        if bad.any():
            raise InputError(
                "staff: the forecast's `shrinkage` column must hold fractions in [0, 1) "
                f"(NaN for the target's); got {given[bad][:_MAX_SHOWN].tolist()}"
            )
        shrinkage = np.where(np.isnan(given), shrinkage, given)

    gross = out["agents"] / (1.0 - shrinkage)
    # The slack keeps 7 / 0.7 = 10.000000000000002 at 10.
    scheduled = np.ceil(gross - 1e-9) if integer else gross

    result_frame = frame.copy()
    result_frame["agents"] = out["agents"]
    result_frame["scheduled"] = scheduled
    for name in ("service_level", "asa", "abandon_rate", "occupancy", "backlog"):
        result_frame[name] = out[name]
    result_frame["target_met"] = out["target_met"]
    result_frame["explanation"] = pd.Series(out["explanation"], index=frame.index, dtype="str")
    result_frame.attrs["freq"] = freq.freqstr
    return result_frame


def _rollup(
    staffing: pd.DataFrame, period: str, hours_per_fte: float, function: str
) -> pd.DataFrame:
    if not isinstance(staffing, pd.DataFrame):
        raise InputError(
            f"{function}: `staffing` must be the DataFrame of cccplan.staff; "
            f"got {type(staffing).__name__}"
        )
    missing = [c for c in (TIME, VOLUME, "agents", "scheduled") if c not in staffing.columns]
    if missing:
        raise InputError(
            f"{function}: `staffing` lacks column(s) {missing}; pass the result of cccplan.staff"
        )
    if not (isinstance(hours_per_fte, int | float) and np.isfinite(hours_per_fte)) or (
        hours_per_fte <= 0
    ):
        raise InputError(
            f"{function}: `hours_per_fte` must be a number of hours > 0; got {hours_per_fte!r}"
        )
    freq = infer_freq(staffing, argument="staffing")
    hours = pd.Timedelta(freq).total_seconds() / 3600.0
    keys = [column for column in KEY_COLUMNS if column in staffing.columns]
    times = staffing[TIME]
    local = times.dt.tz_localize(None) if times.dt.tz is not None else times
    day = local.dt.normalize()
    if period == "week":
        day = day - pd.to_timedelta(local.dt.day_of_week, unit="D")
    data = pd.DataFrame(
        {
            **{key: staffing[key] for key in keys},
            period: day,
            "volume": staffing[VOLUME],
            "agent_hours": staffing["agents"] * hours,
            "scheduled_hours": staffing["scheduled"] * hours,
            "unmet_intervals": (
                ~staffing["target_met"].astype(bool) if "target_met" in staffing else False
            ),
        }
    )
    rolled = data.groupby([*keys, period], sort=True, as_index=False).sum(min_count=1)
    rolled["unmet_intervals"] = rolled["unmet_intervals"].fillna(0).astype(np.int64)
    rolled["fte"] = rolled["scheduled_hours"] / hours_per_fte
    return rolled


def daily(staffing: pd.DataFrame, *, hours_per_fte: float = 7.5) -> pd.DataFrame:
    """Daily roll-up of a staffing frame in agent-hours and FTE.

    Parameters
    ----------
    staffing : pandas.DataFrame
        The result of :func:`staff`.
    hours_per_fte : float, default 7.5
        Paid hours of one full-time equivalent per day (37.5 h / 5 days).

    Returns
    -------
    pandas.DataFrame
        One row per series and local date: keys, ``date`` (local midnight,
        timezone-naive), ``volume`` (contacts), ``agent_hours`` (productive
        agent-hours, sum of ``agents`` x interval hours), ``scheduled_hours``
        (sum of ``scheduled`` x interval hours), ``unmet_intervals`` (intervals
        whose target is not met) and ``fte`` (``scheduled_hours /
        hours_per_fte``: heads needed on that day if each works a full day).
        Intervals with NaN agents (unreachable targets) count as 0 hours.

    Examples
    --------
    >>> import pandas as pd
    >>> from cccplan.staffing import ServiceTarget, daily, staff
    >>> forecast = pd.DataFrame({
    ...     "interval_start": pd.date_range("2024-03-04 08:00", periods=32, freq="15min",
    ...                                     tz="Europe/Berlin"),
    ...     "volume": 100.0, "aht": 180.0,
    ... })
    >>> plan = staff(forecast, ServiceTarget(shrinkage=0.3))
    >>> daily(plan)[["date", "agent_hours", "scheduled_hours", "fte"]]
            date  agent_hours  scheduled_hours   fte
    0 2024-03-04        192.0            280.0  37.333333
    """
    return _rollup(staffing, "date", hours_per_fte, "daily")


def weekly(staffing: pd.DataFrame, *, hours_per_fte: float = 37.5) -> pd.DataFrame:
    """Weekly roll-up of a staffing frame in agent-hours and FTE.

    Parameters
    ----------
    staffing : pandas.DataFrame
        The result of :func:`staff`.
    hours_per_fte : float, default 37.5
        Paid hours of one full-time equivalent per week.

    Returns
    -------
    pandas.DataFrame
        One row per series and local week (Monday to Sunday): keys, ``week``
        (local date of its Monday, timezone-naive), ``volume``,
        ``agent_hours``, ``scheduled_hours``, ``unmet_intervals`` and ``fte``
        (``scheduled_hours / hours_per_fte``), as in :func:`daily`.
    """
    return _rollup(staffing, "week", hours_per_fte, "weekly")
