r"""A simulated check of a day's plan: time-varying arrivals, planned agents, patience.

Erlang C and Erlang A (:mod:`cccplan.queueing`) judge each interval on its own
and in steady state: as if the interval's arrival rate and agents had lasted
for ever, with nothing carried in from the interval before. :func:`simulate`
drops both assumptions. It runs a discrete-event simulation of the whole span
as one M(t)/G/n(t)+M queue -- Poisson arrivals with a piecewise-constant rate,
exponential or log-normal handle times, exponential patience, the planned
agents changing at interval boundaries, first come first served -- and reports
per interval service level, ASA, abandonment and offered contacts with
confidence intervals over independent replications, beside the Erlang figures
recomputed for the same interval.

When simulation and Erlang diverge, and what it means for a plan
----------------------------------------------------------------
*Flat stretches* (rate and agents constant for an hour or more, handle times
well below the interval length): they agree, within the simulation's
confidence intervals; this is tested.

*Sharp ramps up* (volume several times higher than in the interval before, and
agents staffed to it): the new interval starts with the previous interval's
few contacts in service and many idle agents, and the queue needs about one
handle time to fill up. The simulated service level of the ramp interval is
then **at or above** Erlang's, by more the longer the handle time is relative
to the interval. Erlang staffing of a ramp up is (slightly) conservative.

*Sharp ramps down* (volume, and so the agents, fall): the contacts in service
from the busy interval hold their agents into the quiet one (agents going off
shift finish their current contact), so new contacts find fewer free agents
than planned until that work drains, about ``aht * ln(previous / new
agents)``. The simulated service level of the interval after the drop is
**below** Erlang's, often far below when the handle time is a sizeable share
of the interval. The same happens after a single-interval spike and after
any understaffed interval: its queue is carried into the next interval,
whose Erlang figure knows nothing of it. For a plan: do not release agents in
the interval right after a peak (keep them one handle time longer, or stagger
shift ends), and do not trust per-interval Erlang on intervals that follow an
interval whose target is missed.

*Long handle times* (AHT a third of the interval or more, e.g. 10-minute
calls in 15-minute intervals, or hour-long back-office items): every interval
inherits work from the one before, so the "independent intervals" view of
Erlang is wrong in both directions above and the ramps' effects spread over
several intervals. Simulate, or plan on longer intervals.

*Handle-time variability*: Erlang assumes exponential handle times
(coefficient of variation 1). Log-normal handle times with a smaller
coefficient of variation (``service="lognormal", cv=0.6``, typical of voice)
give markedly shorter waits (ASA) than Erlang on the same agents, a larger one
longer waits; the probability of waiting, and so a short-threshold service
level, moves much less. Erlang's figures here stay the M/M ones on purpose:
the difference is the error of the formula.

*First interval*: with ``warmup="previous"`` (default) the span starts as if
its first interval's conditions had lasted an hour, so that the first interval
is comparable with Erlang; with ``warmup="empty"`` the centre opens with no
queue and idle agents, and the first interval looks better than Erlang.

Conventions
-----------
* An interval absent from both frames is closed: no arrivals, no new answers.
  Contacts still queued when the centre closes (and at the end of the span)
  are answered by the last open interval's agents, who stay until the queue is
  empty, as contact centres do; their waits count in the interval they
  arrived in.
* Agents change at interval boundaries. When the number falls below the
  contacts in service, nobody is cut off: the agents going off shift finish
  their current contact, and no new contact is answered until the number in
  service is below the new number of agents.
* Handle times are drawn with the AHT of the interval the contact arrived in;
  patience (exponential by default; deterministic or log-normal on request)
  has mean ``patience`` and only runs in the queue.
* Several series (``queue``/``channel`` keys) are simulated one by one, each
  as its own queue with its own agents, threshold and patience (from the
  staffing targets where given); chat agents with concurrency ``k`` are ``k``
  session slots, as in staffing.
* Figures are by arrival interval: a contact arriving at 09:14 and answered at
  09:16 counts in 09:00-09:15.
* Per interval: service level = answered within the threshold / offered, ASA =
  mean wait of answered contacts (answered at once count 0), abandon rate =
  abandoned / offered, each pooled over the replications (a ratio estimator:
  the share of all simulated contacts of the interval, which is what Erlang's
  long-run shares are; the mean of the per-replication ratios would be biased
  upwards for the service level by about 0.02 at 100 contacts an interval,
  because a replication with more arrivals also has longer waits). The
  confidence interval is Student t with ``replications - 1`` degrees of
  freedom on the delta-method standard error of the ratio; offered contacts
  are a plain mean. The whole-span summary pools the intervals within each
  replication first, then estimates the same way.

References
----------
.. [1] L. V. Green, P. J. Kolesar and W. Whitt, "Coping with time-varying
   demand when setting staffing requirements for a service system",
   *Production and Operations Management* 16(1), 13-39, 2007.
.. [2] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial,
   review, and research prospects", *Manufacturing & Service Operations
   Management* 5(2), 79-141, 2003.
.. [3] A. M. Law, *Simulation Modeling and Analysis*, 5th ed., McGraw-Hill,
   2015 (independent replications, chapter 9).
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from cccplan.exceptions import InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.frames.validate import infer_freq
from cccplan.queueing import asa as erlang_c_asa
from cccplan.queueing import erlang_a
from cccplan.queueing import service_level as erlang_c_service_level
from cccplan.simulation._engine import run_queue
from cccplan.staffing.targets import ServiceTarget, target_lookup

__all__ = ["SimulationSummary", "simulate"]

FloatArray = npt.NDArray[np.float64]
AGENTS = "agents"
#: A target for every series, or per series as for cccplan.staff.
Targets: TypeAlias = ServiceTarget | Mapping[Any, ServiceTarget | Mapping[str, Any]]
# Channels of deferred work, which has no queue to simulate (as in cccplan.staffing.api).
_DEFERRED_CHANNELS = ("email", "social", "backoffice")
_METRICS = ("service_level", "asa", "abandon_rate", "offered")
# Warm-up with warmup="previous": this long, or WARMUP_AHTS handle times if longer.
_WARMUP_SECONDS = 3600.0
_WARMUP_AHTS = 20.0


@dataclass(frozen=True)
class SimulationSummary:
    """Whole-span figures of :func:`simulate`, pooled over the reported intervals.

    Attributes
    ----------
    replications : int
        Independent runs.
    confidence : float
        Level of the ``_lo``/``_hi`` intervals.
    offered, offered_lo, offered_hi : float
        Contacts offered over the span (mean over replications and interval).
    service_level, service_level_lo, service_level_hi : float
        Answered within the threshold / offered, pooled over the span.
    asa, asa_lo, asa_hi : float
        Mean wait of answered contacts in seconds.
    abandon_rate, abandon_rate_lo, abandon_rate_hi : float
        Abandoned / offered.
    erlang_service_level, erlang_asa, erlang_abandon_rate : float
        The per-interval Erlang figures weighted by expected offered contacts
        (answered contacts for ASA).
    """

    replications: int
    confidence: float
    offered: float
    offered_lo: float
    offered_hi: float
    service_level: float
    service_level_lo: float
    service_level_hi: float
    asa: float
    asa_lo: float
    asa_hi: float
    abandon_rate: float
    abandon_rate_lo: float
    abandon_rate_hi: float
    erlang_service_level: float
    erlang_asa: float
    erlang_abandon_rate: float


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


def _require(frame: object, argument: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{argument} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{argument} has no column {', '.join(repr(c) for c in missing)}; "
            f"columns present: {list(frame.columns)}. simulate needs {TIME!r}, {VOLUME!r} "
            f"and {AHT!r} in the forecast and {AGENTS!r} in the staffing"
        )
    return frame


def _numbers(frame: pd.DataFrame, argument: str, column: str) -> FloatArray:
    try:
        values = pd.to_numeric(frame[column]).to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{argument} column {column!r} must be numeric: {exc}") from None
    return np.asarray(values, dtype=np.float64)


def _bad_rows(frame: pd.DataFrame, argument: str, column: str, bad: npt.NDArray[np.bool_]) -> str:
    rows = frame.loc[bad, [TIME, column]].head(3).to_dict("records")
    return f"{argument} column {column!r}: {int(bad.sum())} bad row(s), first {rows}"


def _one_series(frame: pd.DataFrame, argument: str) -> dict[str, object]:
    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    if not keys:
        return {}
    combos = frame[keys].drop_duplicates()
    if len(combos) > 1:
        raise InputError(
            f"{argument} holds {len(combos)} series ({keys}: "
            f"{combos.head(3).to_dict('records')}...); simulate checks one queue at a time: "
            f"select one series first"
        )
    if len(combos) == 0:
        return {}
    return {k: combos.iloc[0][k] for k in keys}


def _check_times(frame: pd.DataFrame, argument: str) -> None:
    times = frame[TIME]
    if not (isinstance(times.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(times)):
        raise InputError(f"{argument} column {TIME!r} must hold timestamps, not {times.dtype}")
    if times.isna().any():
        raise InputError(f"{argument} column {TIME!r} has missing timestamps")
    if times.duplicated().any():
        dup = times[times.duplicated()].head(3).tolist()
        raise InputError(f"{argument} column {TIME!r} has duplicate intervals, first {dup}")


def _time_ns(times: pd.Series) -> npt.NDArray[np.int64]:
    """Absolute nanoseconds (UTC for aware times, wall clock for naive ones)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return np.asarray(times.astype("datetime64[ns]").to_numpy().astype(np.int64))


@dataclass(frozen=True)
class _Plan:
    """The validated day: one row per open interval, on a regular grid."""

    frame: pd.DataFrame  # TIME, keys, VOLUME, AHT, AGENTS (sorted)
    interval: float  # seconds
    slot: npt.NDArray[np.int64]  # grid position of each row
    slots: int  # grid length


def _plan(forecast: object, staffing: object | None) -> _Plan:
    fc = _require(
        forecast, "forecast", (TIME, VOLUME, AHT) + (() if staffing is not None else (AGENTS,))
    )
    series = _one_series(fc, "forecast")
    _check_times(fc, "forecast")
    if staffing is None:
        st = fc
    else:
        st = _require(staffing, "staffing", (TIME, AGENTS))
        for key, value in series.items():
            if key in st.columns:
                st = st[st[key] == value]
        _check_times(st, "staffing")
        _one_series(st, "staffing")

    volume = _numbers(fc, "forecast", VOLUME)
    bad = ~np.isfinite(volume) | (volume < 0)
    if bad.any():
        raise InputError(
            _bad_rows(fc, "forecast", VOLUME, bad) + "; volume must be finite and >= 0 "
            "(expected contacts per interval)"
        )
    aht = _numbers(fc, "forecast", AHT)
    bad = (volume > 0) & ~(np.isfinite(aht) & (aht > 0))
    if bad.any():
        raise InputError(
            _bad_rows(fc, "forecast", AHT, bad) + "; aht must be finite and > 0 seconds "
            "wherever volume > 0"
        )
    agents = _numbers(st, "staffing" if staffing is not None else "forecast", AGENTS)
    bad = ~np.isfinite(agents) | (agents < 0) | (agents != np.round(agents))
    if bad.any():
        raise InputError(
            _bad_rows(st, "staffing" if staffing is not None else "forecast", AGENTS, bad)
            + "; agents must be whole numbers >= 0 (round continuous staffing up first)"
        )

    left = pd.DataFrame(
        {TIME: fc[TIME].to_numpy(), VOLUME: volume, AHT: np.where(volume > 0, aht, np.nan)}
    )
    right = pd.DataFrame({TIME: st[TIME].to_numpy(), AGENTS: agents})
    try:
        merged = left.merge(right, on=TIME, how="outer", sort=True)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"forecast and staffing {TIME!r} cannot be matched (time zones?): {exc}"
        ) from None
    # Open in one frame only: no arrivals, or no agents, in that interval.
    merged[VOLUME] = merged[VOLUME].fillna(0.0)
    merged[AGENTS] = merged[AGENTS].fillna(0.0)
    if merged.empty:
        raise InputError("forecast has no intervals to simulate")
    for key, value in series.items():
        merged.insert(0, key, value)
    merged.attrs = dict(fc.attrs)

    offset = (
        infer_freq(merged, argument="forecast") if len(merged) > 1 or "freq" in fc.attrs else None
    )
    try:
        step_ns = int(pd.Timedelta(offset).value) if offset is not None else 0
    except (TypeError, ValueError):
        step_ns = 0
    if offset is None:
        raise InputError(
            'forecast has one interval and no frame.attrs["freq"]: the interval length is unknown'
        )
    if step_ns <= 0 or step_ns >= 86_400 * 10**9:
        raise InputError(
            f"forecast interval length {offset.freqstr!r} cannot be simulated: "
            'simulate needs sub-daily intervals ("15min", "30min", "h", ...)'
        )
    ns = _time_ns(merged[TIME])
    offsets = ns - ns[0]
    if (offsets % step_ns != 0).any():
        first = merged.loc[offsets % step_ns != 0, TIME].head(3).tolist()
        raise InputError(
            f"forecast/staffing intervals are not on a regular {offset.freqstr} grid "
            f"(first off-grid: {first})"
        )
    slot = offsets // step_ns
    return _Plan(frame=merged, interval=step_ns / 1e9, slot=slot, slots=int(slot[-1]) + 1)


# ---------------------------------------------------------------------------
# One replication
# ---------------------------------------------------------------------------


def _handle_times(
    rng: np.random.Generator, mean: FloatArray, service: str, cv: float
) -> FloatArray:
    if service == "exponential":
        return rng.exponential(1.0, mean.shape[0]) * mean
    sigma2 = math.log1p(cv * cv)
    return mean * rng.lognormal(-0.5 * sigma2, math.sqrt(sigma2), mean.shape[0])


def _patience(
    rng: np.random.Generator, count: int, mean: float, distribution: str, cv: float
) -> FloatArray:
    """Patience of ``count`` contacts in seconds, with mean ``mean`` (inf: nobody abandons)."""
    if math.isinf(mean):
        return np.full(count, math.inf)
    if distribution == "exponential":
        return np.asarray(rng.exponential(mean, count), dtype=np.float64)
    if distribution == "deterministic":
        return np.full(count, mean)
    sigma2 = math.log1p(cv * cv)
    return mean * rng.lognormal(-0.5 * sigma2, math.sqrt(sigma2), count)


@dataclass(frozen=True)
class _Model:
    """Everything a replication needs, on the grid (closed slots included)."""

    plan: _Plan
    grid_rate: FloatArray  # arrivals per second
    grid_aht: FloatArray  # seconds
    segment_start: FloatArray  # seconds from the first interval's start
    segment_agents: npt.NDArray[np.int64]
    warmup_seconds: float
    threshold: float
    patience: float
    patience_distribution: str
    patience_cv: float
    service: str
    cv: float
    concurrency: int  # session slots per agent


def _replicate(rng: np.random.Generator, model: _Model) -> FloatArray:
    """Per grid slot: offered, answered in threshold, answered, abandoned, sum of answered waits."""
    plan, warmup_seconds, threshold = model.plan, model.warmup_seconds, model.threshold
    length = plan.interval
    # Slot -1 is the warm-up, with the first interval's rate and AHT.
    rate = np.concatenate(([model.grid_rate[0]], model.grid_rate))
    aht = np.concatenate(([model.grid_aht[0]], model.grid_aht))
    duration = np.concatenate(([warmup_seconds], np.full(plan.slots, length)))
    begin = np.concatenate(([-warmup_seconds], np.arange(plan.slots) * length))
    counts = rng.poisson(rate * duration)
    slot = np.repeat(np.arange(-1, plan.slots), counts)
    arrival = begin[slot + 1] + rng.random(slot.shape[0]) * duration[slot + 1]
    order = np.argsort(arrival, kind="stable")
    arrival, slot = arrival[order], slot[order]
    handle = _handle_times(rng, aht[slot + 1], model.service, model.cv)
    waits_for: FloatArray
    waits_for = _patience(
        rng, arrival.shape[0], model.patience, model.patience_distribution, model.patience_cv
    )
    fates = run_queue(arrival, handle, waits_for, model.segment_start, model.segment_agents)
    keep = slot >= 0
    where = slot[keep]
    answered = fates.answered[keep]
    wait = fates.wait[keep]
    n = plan.slots
    return np.stack(
        [
            np.bincount(where, minlength=n).astype(np.float64),
            np.bincount(where, weights=answered & (wait <= threshold), minlength=n),
            np.bincount(where, weights=answered, minlength=n),
            np.bincount(where, weights=fates.abandoned[keep], minlength=n),
            np.bincount(where, weights=np.where(answered, wait, 0.0), minlength=n),
        ]
    )


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _mean_ci(values: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean over axis 0 (NaN left out) with a Student t interval; NaN where < 2 values."""
    ok = np.isfinite(values)
    m = ok.sum(axis=0)
    filled = np.where(ok, values, 0.0)
    mean = _ratio(filled.sum(axis=0), m.astype(np.float64))
    dev = np.where(ok, values - mean, 0.0)
    var = _ratio((dev * dev).sum(axis=0), (m - 1).astype(np.float64))
    half = np.full(mean.shape, np.nan)
    two = m >= 2
    half[two] = stats.t.ppf(0.5 + confidence / 2, m[two] - 1) * np.sqrt(var[two] / m[two])
    return mean, mean - half, mean + half


def _ratio_ci(
    numerator: FloatArray, denominator: FloatArray, confidence: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Ratio estimator sum(numerator) / sum(denominator) over axis 0, with a t interval.

    The standard error is the delta-method one for independent replications,
    ``sqrt(sum(d_r**2) / (m (m - 1))) / mean(denominator)`` with residuals
    ``d_r = numerator_r - ratio * denominator_r``; NaN where fewer than two
    replications have a positive denominator.
    """
    m = numerator.shape[0]
    ratio = _ratio(numerator.sum(axis=0), denominator.sum(axis=0))
    residual = np.where(denominator > 0, numerator - np.nan_to_num(ratio) * denominator, 0.0)
    spread = np.sqrt((residual * residual).sum(axis=0) / (m * (m - 1)))
    half = stats.t.ppf(0.5 + confidence / 2, m - 1) * _ratio(spread, denominator.mean(axis=0))
    half[(denominator > 0).sum(axis=0) < 2] = np.nan
    return ratio, ratio - half, ratio + half


def _bounded(
    name: str, mean: FloatArray, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Clip a symmetric t interval to the metric's range (rates in [0, 1], others >= 0)."""
    upper = 1.0 if name in ("service_level", "abandon_rate") else np.inf
    return mean, np.clip(lo, 0.0, upper), np.clip(hi, 0.0, upper)


def _erlang(
    agents: FloatArray, load: FloatArray, aht: FloatArray, threshold: float, patience: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    aht = np.where(load > 0, aht, 1.0)  # any positive value: zero load is perfect service
    if math.isinf(patience):
        sl = erlang_c_service_level(agents, load, aht, threshold)
        wait = erlang_c_asa(agents, load, aht)
        return np.asarray(sl), np.asarray(wait), np.zeros_like(load)
    result = erlang_a(agents, load, aht, patience, threshold)
    return (
        np.asarray(result.service_level),
        np.asarray(result.asa),
        np.asarray(result.p_abandon),
    )


def _weighted(values: FloatArray, weights: FloatArray) -> float:
    total = float(weights.sum())
    if total <= 0:
        return math.nan
    finite = np.isfinite(values) | (weights == 0)
    if not finite[weights > 0].all():
        return math.inf
    return float(np.where(weights > 0, values, 0.0) @ weights / total)


# ---------------------------------------------------------------------------
# Public
# ---------------------------------------------------------------------------


def simulate(
    forecast: pd.DataFrame,
    staffing: pd.DataFrame | None = None,
    *,
    threshold: float = 20.0,
    patience: float | None = None,
    targets: Targets | None = None,
    service: Literal["exponential", "lognormal"] = "exponential",
    cv: float = 1.0,
    patience_distribution: Literal["exponential", "deterministic", "lognormal"] = "exponential",
    patience_cv: float = 1.0,
    replications: int = 20,
    seed: int | np.random.SeedSequence | None = 0,
    warmup: Literal["previous", "empty"] | float = "previous",
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""Simulate a day's (or any span's) plan and compare it with Erlang, interval by interval.

    Parameters
    ----------
    forecast : pandas.DataFrame
        An interval frame: ``interval_start`` (timezone-aware), ``volume``
        (expected contacts offered per interval, >= 0) and ``aht`` (average
        handle time in seconds, > 0 where volume > 0); optional
        ``queue``/``channel`` keys. Each series (combination of the keys) is
        simulated as its own queue. Intervals sit on a regular sub-daily grid
        (the length is inferred, with ``frame.attrs["freq"]`` as a hint);
        absent intervals are closed.
    staffing : pandas.DataFrame or None, default None
        ``interval_start`` and ``agents`` (whole numbers >= 0: agents taking
        contacts, i.e. after shrinkage -- not ``scheduled``), e.g. the output of
        :func:`cccplan.staff`; each series of the forecast takes the rows with
        its ``queue``/``channel`` values, rows of other series are ignored.
        ``None``: ``agents`` is a column of ``forecast``. An interval in only
        one of the frames has no agents, or no arrivals.
    threshold : float, default 20.0
        Service-level threshold in seconds (answered within it counts as good),
        for every series whose target does not give one.
    patience : float or None, default None
        Mean patience in seconds, for every series whose target does not give
        one; ``None`` (or ``inf``): nobody abandons, and the Erlang figures
        are Erlang C; otherwise they are Erlang A.
    targets : ServiceTarget or mapping, optional
        The staffing targets, as given to :func:`cccplan.staff` (one
        :class:`~cccplan.ServiceTarget`, or a mapping looked up as
        ``(queue, channel)``, queue, channel, then ``None``). A series' target
        supplies its ``threshold`` and ``patience`` (where set; else the
        arguments above) and its chat ``concurrency``: an agent is then
        ``concurrency`` session slots with handle time ``aht (1 +
        concurrency_slowdown (concurrency - 1))``, the model of
        :mod:`cccplan.staffing.concurrency`, and the Erlang figures are those
        of the slots. A series without a target uses the arguments. Deferred
        work (a target with ``response_window``, or an email, social or
        back-office channel without targets) has no queue to simulate and
        raises.
    service : {"exponential", "lognormal"}, default "exponential"
        Handle-time distribution, with mean the ``aht`` of the interval the
        contact arrived in.
    cv : float, default 1.0
        Coefficient of variation (standard deviation / mean) of log-normal
        handle times, > 0; ignored for exponential ones (whose cv is 1).
    patience_distribution : {"exponential", "deterministic", "lognormal"}, default "exponential"
        Distribution of the customers' patience, with mean ``patience``:
        exponential (the Erlang A assumption), the same for everyone, or
        log-normal with coefficient of variation ``patience_cv``. The Erlang
        figures stay Erlang A's (exponential) on purpose: the difference is
        the error of the formula.
    patience_cv : float, default 1.0
        Coefficient of variation of log-normal patience, > 0.
    replications : int, default 20
        Independent runs (>= 2), for the confidence intervals.
    seed : int, numpy.random.SeedSequence or None, default 0
        Seed of the replications (each gets its own stream spawned from it; no
        global random state). A series with keys draws from streams derived
        from the seed and its keys, so it gets the same numbers simulated
        alone or with other series, in any order. ``None`` draws fresh
        entropy.
    warmup : {"previous", "empty"} or float, default "previous"
        State when the span starts. ``"previous"``: as if the first interval's
        arrival rate, AHT and agents had lasted max(1 h, 20 AHT) before it (a
        steady start, comparable with Erlang); ``"empty"``: no queue and every
        agent idle (a morning opening); a number: that many seconds of warm-up
        under the first interval's conditions.
    confidence : float, default 0.95
        Level of the confidence intervals, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per series and open interval (present in either frame),
        sorted by the keys and time: the keys, ``interval_start``,
        ``volume``, ``aht``, ``agents``; for each of
        ``offered``, ``service_level`` (answered within ``threshold`` /
        offered), ``asa`` (mean wait of answered contacts, seconds) and
        ``abandon_rate`` (abandoned / offered) the columns ``sim_<name>``
        (contacts pooled over replications; offered: the mean),
        ``sim_<name>_lo`` and ``sim_<name>_hi`` (Student t confidence interval
        across replications, clipped to the metric's range; NaN when fewer
        than two replications had contacts); then ``erlang_service_level``,
        ``erlang_asa`` and ``erlang_abandon_rate`` (Erlang C, or Erlang A with
        ``patience``, for the interval's load and agents in steady state).
        ``attrs["summaries"]`` is a DataFrame with one row per series: its
        keys and the fields of its :class:`SimulationSummary` (whole-span
        figures); with one series ``attrs["summary"]`` is that
        :class:`SimulationSummary` itself (absent with several series: their
        figures are not pooled). ``attrs["freq"]`` is the interval length.

    Raises
    ------
    InputError
        Missing columns, negative or non-finite volume, non-positive AHT where
        volume > 0, agents not whole numbers >= 0, intervals off a regular
        grid, deferred work, or a bad keyword (each message names it).

    Notes
    -----
    The queue is M(t)/G/n(t)+M with FIFO service: arrivals Poisson with rate
    ``volume / interval length`` within each interval. How contacts move
    (carried-over queues, agents going off shift finishing their contact,
    closing time) and when the figures diverge from Erlang's is described in
    the module docstring of :mod:`cccplan.simulation.day`. The event loop
    costs about 1-2 microseconds per contact: a 50-agent voice day of 5,000
    calls takes well under a second for 20 replications.

    The confidence intervals assume the replication means are roughly normal
    (fine for intervals with tens of contacts); with 95 % intervals, about one
    interval in twenty misses the true value by chance, and neighbouring
    intervals are correlated.

    References
    ----------
    .. [1] L. V. Green, P. J. Kolesar and W. Whitt, "Coping with time-varying
       demand when setting staffing requirements for a service system",
       *Production and Operations Management* 16(1), 13-39, 2007.

    Examples
    --------
    Four flat hours of 15-minute intervals, 100 calls of 3 minutes each (20
    Erlangs), 24 agents: Erlang C gives 81 % answered within 20 s, and the
    simulation agrees within its confidence interval:

    >>> import pandas as pd
    >>> from cccplan.simulation import simulate
    >>> frame = pd.DataFrame({
    ...     "interval_start": pd.date_range("2024-03-04 08:00", periods=16, freq="15min",
    ...                                     tz="Europe/Berlin"),
    ...     "volume": 100.0, "aht": 180.0, "agents": 24,
    ... })
    >>> result = simulate(frame, replications=10, seed=1)
    >>> round(float(result["erlang_service_level"].iloc[0]), 3)
    0.809
    >>> s = result.attrs["summary"]
    >>> bool(s.service_level_lo < s.erlang_service_level < s.service_level_hi)
    True
    """
    if service not in ("exponential", "lognormal"):
        raise InputError(f'service must be "exponential" or "lognormal", not {service!r}')
    if not (isinstance(cv, (int, float)) and math.isfinite(cv) and cv > 0):
        raise InputError(f"cv must be a finite number > 0, not {cv!r}")
    if not (isinstance(threshold, (int, float)) and math.isfinite(threshold) and threshold >= 0):
        raise InputError(f"threshold must be a finite number of seconds >= 0, not {threshold!r}")
    if patience is None:
        mean_patience = math.inf
    elif isinstance(patience, (int, float)) and not math.isnan(patience) and patience > 0:
        mean_patience = float(patience)
    else:
        raise InputError(f"patience must be None or a number of seconds > 0, not {patience!r}")
    if (
        isinstance(replications, bool)
        or not isinstance(replications, (int, np.integer))
        or (replications < 2)
    ):
        raise InputError(f"replications must be an integer >= 2, not {replications!r}")
    if not (isinstance(confidence, float) and 0 < confidence < 1):
        raise InputError(f"confidence must be a float in (0, 1), not {confidence!r}")
    if isinstance(warmup, str):
        if warmup not in ("previous", "empty"):
            raise InputError(f'warmup must be "previous", "empty" or seconds >= 0, not {warmup!r}')
    elif not (isinstance(warmup, (int, float)) and math.isfinite(warmup) and warmup >= 0):
        raise InputError(f'warmup must be "previous", "empty" or seconds >= 0, not {warmup!r}')

    if patience_distribution not in ("exponential", "deterministic", "lognormal"):
        raise InputError(
            'patience_distribution must be "exponential", "deterministic" or "lognormal", '
            f"not {patience_distribution!r}"
        )
    if not (
        isinstance(patience_cv, (int, float)) and math.isfinite(patience_cv) and patience_cv > 0
    ):
        raise InputError(f"patience_cv must be a finite number > 0, not {patience_cv!r}")

    fc = _require(
        forecast, "forecast", (TIME, VOLUME, AHT) + (() if staffing is not None else (AGENTS,))
    )
    keys = [k for k in KEY_COLUMNS if k in fc.columns]
    parts: list[tuple[dict[str, object], pd.DataFrame]]
    if keys:
        groups = fc.groupby(keys, sort=True, dropna=False)
        parts = [
            (dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)), part)
            for key, part in groups
        ]
    else:
        parts = [({}, fc)]
    if not parts:
        raise InputError("forecast has no intervals to simulate")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    settings = _settings_per_series(
        [named for named, _ in parts], targets, threshold=threshold, patience=mean_patience
    )
    results: list[pd.DataFrame] = []
    summaries: list[dict[str, object]] = []
    for (named, rows), setting in zip(parts, settings, strict=True):
        part = rows.copy()
        part.attrs = dict(fc.attrs)
        plan = _plan(part, staffing)
        # Each series draws from its own streams, derived from the seed and its key:
        # the same numbers alone or among other series, in any order.
        stream = (
            np.random.SeedSequence(
                entropy=root.entropy,
                spawn_key=(*root.spawn_key, zlib.crc32(repr(sorted(named.items())).encode())),
            )
            if named
            else root
        )
        out, summary = _run_series(
            plan,
            setting,
            patience_distribution=patience_distribution,
            patience_cv=float(patience_cv),
            service=service,
            cv=float(cv),
            replications=int(replications),
            stream=stream,
            warmup=warmup,
            confidence=confidence,
        )
        results.append(out)
        summaries.append({**named, **dataclasses.asdict(summary)})
    result = pd.concat(results, ignore_index=True) if len(results) > 1 else results[0]
    result.attrs = dict(results[0].attrs)
    if len(results) == 1:
        result.attrs["summary"] = results[0].attrs["summary"]
    else:
        result.attrs.pop("summary", None)
    result.attrs["summaries"] = pd.DataFrame(summaries)
    return result


@dataclass(frozen=True)
class _Setting:
    """Queue parameters of one series."""

    threshold: float
    patience: float  # mean, seconds; inf: nobody abandons
    concurrency: int
    slowdown: float


def _settings_per_series(
    series: list[dict[str, object]],
    targets: object,
    *,
    threshold: float,
    patience: float,
) -> list[_Setting]:
    """Threshold, patience and concurrency of each series: its target's, else the arguments."""
    default = _Setting(threshold=float(threshold), patience=patience, concurrency=1, slowdown=0.0)
    if targets is None:
        for named in series:
            channel = str(named.get("channel", "")).lower()
            if channel in _DEFERRED_CHANNELS:
                raise InputError(
                    f"simulate: {_label(named)} is deferred work ({channel}), which has no "
                    "queue to simulate (its backlog and on-time share are in cccplan.staff's "
                    "output); select the immediate series, e.g. "
                    'frame[~frame["channel"].isin(["email", "social", "backoffice"])]'
                )
        return [default] * len(series)
    if isinstance(targets, ServiceTarget):
        chosen: list[ServiceTarget | None] = [targets] * len(series)
    elif isinstance(targets, Mapping):
        lookup = target_lookup(targets, "simulate")
        chosen = [
            lookup.get(
                None if named.get("queue") is None else str(named["queue"]),
                None if named.get("channel") is None else str(named["channel"]),
            )
            for named in series
        ]
    else:
        raise InputError(
            "simulate: `targets` must be None, a ServiceTarget or a mapping of series key -> "
            f"ServiceTarget (as for cccplan.staff); got {type(targets).__name__}"
        )
    settings = []
    for named, target in zip(series, chosen, strict=True):
        if target is None:
            settings.append(default)
            continue
        if target.is_deferred:
            raise InputError(
                f"simulate: the target of {_label(named)} has a response_window: deferred "
                "work has no queue to simulate (its backlog and on-time share are in "
                "cccplan.staff's output); select the immediate series"
            )
        settings.append(
            _Setting(
                threshold=default.threshold if target.threshold is None else target.threshold,
                patience=patience if target.patience is None else float(target.patience),
                concurrency=target.concurrency,
                slowdown=target.concurrency_slowdown,
            )
        )
    return settings


def _label(named: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in named.items()) or "the series"


def _run_series(
    plan: _Plan,
    setting: _Setting,
    *,
    patience_distribution: str,
    patience_cv: float,
    service: str,
    cv: float,
    replications: int,
    stream: np.random.SeedSequence,
    warmup: Literal["previous", "empty"] | float,
    confidence: float,
) -> tuple[pd.DataFrame, SimulationSummary]:
    """Replications of one series and their per-interval and whole-span figures."""
    threshold = setting.threshold
    mean_patience = setting.patience
    frame = plan.frame
    length = plan.interval
    volume = frame[VOLUME].to_numpy(dtype=np.float64)
    # Chat with concurrency k: an agent is k session slots, each session slowed
    # down as in cccplan.staffing.concurrency (k = 1: the voice model).
    factor = 1.0 + setting.slowdown * (setting.concurrency - 1)
    aht = frame[AHT].to_numpy(dtype=np.float64) * factor
    agents = frame[AGENTS].to_numpy(dtype=np.float64)
    slots = agents * setting.concurrency

    # The grid, closed slots included: no arrivals; the last open slot's agents stay on.
    grid_rate = np.zeros(plan.slots)
    grid_rate[plan.slot] = volume / length
    grid_aht = np.ones(plan.slots)
    grid_aht[plan.slot] = np.where(volume > 0, aht, 1.0)
    open_agents = np.full(plan.slots, -1, dtype=np.int64)
    open_agents[plan.slot] = slots.astype(np.int64)
    carried = np.maximum.accumulate(np.where(open_agents >= 0, np.arange(plan.slots), 0))
    grid_agents = open_agents[carried]

    if warmup == "previous":
        first_aht = float(grid_aht[0]) if volume[0] > 0 else 0.0
        warmup_seconds = max(_WARMUP_SECONDS, _WARMUP_AHTS * first_aht)
    elif warmup == "empty":
        warmup_seconds = 0.0
    else:
        warmup_seconds = float(warmup)
    segment_start = np.concatenate(
        ([-warmup_seconds], np.arange(plan.slots) * length, [plan.slots * length])
    )
    segment_agents = np.concatenate(([grid_agents[0]], grid_agents, [grid_agents[-1]]))

    model = _Model(
        plan=plan,
        grid_rate=grid_rate,
        grid_aht=grid_aht,
        segment_start=segment_start,
        segment_agents=segment_agents,
        warmup_seconds=warmup_seconds,
        threshold=float(threshold),
        patience=mean_patience,
        patience_distribution=patience_distribution,
        patience_cv=patience_cv,
        service=service,
        cv=float(cv),
        concurrency=setting.concurrency,
    )
    runs = np.stack(
        [_replicate(np.random.default_rng(child), model) for child in stream.spawn(replications)]
    )[:, :, plan.slot]  # replications x 5 x open intervals
    offered, within, answered, abandoned, waited = (runs[:, j, :] for j in range(5))

    # Each figure is a ratio estimator: contacts pooled over replications, as Erlang's
    # long-run shares are (a mean of per-replication ratios is biased: a busier
    # replication has both more contacts and a worse service level).
    pairs = {
        "service_level": (within, offered),
        "asa": (waited, answered),
        "abandon_rate": (abandoned, offered),
    }
    out = frame.copy()
    for name in _METRICS:
        if name == "offered":
            estimate = _mean_ci(offered, confidence)
        else:
            estimate = _ratio_ci(*pairs[name], confidence)
        mean, lo, hi = _bounded(name, *estimate)
        out[f"sim_{name}"] = mean
        out[f"sim_{name}_lo"] = lo
        out[f"sim_{name}_hi"] = hi
    load = volume / length * np.where(volume > 0, aht, 0.0)
    erlang_sl, erlang_wait, erlang_abandon = _erlang(slots, load, aht, threshold, mean_patience)
    out["erlang_service_level"] = erlang_sl
    out["erlang_asa"] = erlang_wait
    out["erlang_abandon_rate"] = erlang_abandon
    out.attrs = {"freq": pd.tseries.frequencies.to_offset(pd.Timedelta(seconds=length)).freqstr}

    fields: dict[str, float] = {}
    for name in _METRICS:
        if name == "offered":
            estimate = _mean_ci(offered.sum(axis=1, keepdims=True), confidence)
        else:
            numerator, denominator = pairs[name]
            estimate = _ratio_ci(
                numerator.sum(axis=1, keepdims=True),
                denominator.sum(axis=1, keepdims=True),
                confidence,
            )
        mean, lo, hi = _bounded(name, *estimate)
        fields[name], fields[f"{name}_lo"], fields[f"{name}_hi"] = (
            float(mean[0]),
            float(lo[0]),
            float(hi[0]),
        )
    summary = SimulationSummary(
        replications=int(replications),
        confidence=confidence,
        erlang_service_level=_weighted(erlang_sl, volume),
        erlang_asa=_weighted(erlang_wait, volume * (1.0 - erlang_abandon)),
        erlang_abandon_rate=_weighted(erlang_abandon, volume),
        **fields,
    )
    out.attrs["summary"] = summary
    return out, summary
