"""Reconciliation of a CCC's staffing plan with the client's forecast (ISO 18295-2, 6.7, 6.8, 6.10).

:func:`compare` answers the question a client and a CCC ask of a submitted
plan: can it deliver the agreed service on the client's forecast, where can it
not, by how much, and whose numbers moved? Step by step:

1. *Align* the plan (and actuals, the CCC's own forecast) with the client's
   forecast: series keys, time zone and interval length of the forecast
   (:mod:`cccplan.compare._align`); every change is a note, and intervals or
   queues on one side only are kept as rows and reported as findings.
2. *Required agents* are recomputed from the client's forecast and the
   agreed targets with :func:`cccplan.staff` (Erlang C, Erlang A with a
   patience, concurrency for chat, the backlog model for deferred work).
3. *Planned agents* are the plan's net ``agents``, or its gross
   ``scheduled`` heads times ``1 - shrinkage`` (the agreement's planning
   shrinkage, or the target's).
4. Per interval: ``gap = planned - required``, over- and under-staffed
   agent-hours (kept apart), and the service level, ASA and abandonment the
   plan delivers on the forecast volume (:mod:`cccplan.compare._kpis`).
5. Roll-ups per day, week and queue, forecast accuracy against actuals and
   the CCC's forecast, surplus relief, and the findings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.tseries.frequencies import to_offset

from cccplan.compare._accuracy import accuracy_table, interval_deviation, relief_mask
from cccplan.compare._align import align_plan, align_volumes, validate_forecast
from cccplan.compare._findings import (
    accuracy_findings,
    coverage_findings,
    relief_findings,
    service_findings,
    staffing_findings,
)
from cccplan.compare._kpis import KPI_COLUMNS, plan_kpis
from cccplan.compare.result import Reconciliation
from cccplan.exceptions import InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.requirements.findings import Finding, sort_findings
from cccplan.staffing.api import staff
from cccplan.staffing.targets import ServiceTarget, as_target, target_lookup

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["compare", "horizon_totals"]

FloatArray = npt.NDArray[np.float64]
SeriesKey = tuple[Any, ...]

_LEVELS = ("interval", "day", "week", "horizon")
_SHARED_CODES = ("forecast_accuracy", "surplus_relief")
_TOL = 1e-9
ROLLUP_COLUMNS = (
    "intervals", "volume", "required_hours", "planned_hours", "over_hours", "under_hours",
    "missing_hours", "unforecast_hours", "coverage", "efficiency", "adherent_intervals",
    "line_adherence", "service_level", "service_level_target", "service_level_met",
    "abandon_rate", "max_abandon", "asa", "asa_target", "relieved_intervals",
)  # fmt: skip
_SUMS = (
    "intervals", "volume", "required_hours", "planned_hours", "over_hours", "under_hours",
    "missing_hours", "unforecast_hours", "adherent_intervals", "_adherence_base",
    "_sl_num", "_sl_den", "_ab_num", "_ab_den", "_asa_num", "_asa_den", "relieved_intervals",
)  # fmt: skip


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------


def _fraction(
    name: str, value: Any, *, upper: float = math.inf, strict_upper: bool = False
) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"compare: `{name}` must be a number; got {value!r}") from None
    too_high = number >= upper if strict_upper else number > upper
    if not math.isfinite(number) or number < 0 or too_high:
        bound = f"< {upper:g}" if strict_upper else f"<= {upper:g}"
        raise InputError(f"compare: `{name}` must be a fraction >= 0 and {bound}; got {value!r}")
    return number


def _settings(
    agreement: Any,
    *,
    shrinkage: float | None,
    adherence_band: float,
    variance_band: float | None,
    variance_level: str | None,
    accuracy_tolerance: Mapping[str, float] | None,
    accuracy_denominator: str | None,
) -> dict[str, Any]:
    """Parameters of the comparison: explicit arguments first, then the agreement's."""
    forecasting = getattr(agreement, "forecasting", None)
    terms = getattr(agreement, "service_terms", None)
    if shrinkage is None:
        shrinkage = getattr(forecasting, "shrinkage", None)
        source = "the agreement" if shrinkage is not None else "the targets"
    else:
        source = "the shrinkage argument"
    relief = bool(getattr(terms, "surplus_relief", True)) if variance_band is None else True
    if variance_band is None:
        variance_band = getattr(terms, "variance_band", None)
    if variance_level is None:
        variance_level = getattr(terms, "variance_level", None) or "interval"
    if accuracy_tolerance is None:
        accuracy_tolerance = getattr(forecasting, "accuracy_tolerance", None) or {}
    if accuracy_denominator is None:
        accuracy_denominator = getattr(forecasting, "accuracy_denominator", None) or "actual"
    if variance_level not in ("interval", "day"):
        raise InputError(
            f"compare: the variance level must be 'interval' or 'day'; got {variance_level!r}"
        )
    if accuracy_denominator not in ("actual", "forecast"):
        raise InputError(
            "compare: the accuracy denominator must be 'actual' or 'forecast'; got "
            f"{accuracy_denominator!r}"
        )
    if not isinstance(accuracy_tolerance, Mapping):
        raise InputError(
            "compare: `accuracy_tolerance` must map 'interval', 'day', 'week' or 'horizon' to "
            f"a fraction; got {accuracy_tolerance!r}"
        )
    tolerance: dict[str, float] = {}
    for level, value in accuracy_tolerance.items():
        if level not in _LEVELS:
            raise InputError(
                f"compare: accuracy tolerance level {level!r} is not one of {', '.join(_LEVELS)}"
            )
        if value is not None:
            tolerance[str(level)] = _fraction(f"accuracy_tolerance[{level!r}]", value)
    return {
        "shrinkage": None
        if shrinkage is None
        else _fraction("shrinkage", shrinkage, upper=1.0, strict_upper=True),
        "shrinkage_source": source,
        "adherence_band": _fraction("adherence_band", adherence_band),
        "variance_band": None
        if variance_band is None
        else _fraction("variance_band", variance_band),
        "variance_level": variance_level,
        "surplus_relief": relief,
        "accuracy_tolerance": tolerance,
        "accuracy_denominator": accuracy_denominator,
    }


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


def _target_finder(
    targets: Any, agreement: Any
) -> Callable[[str | None, str | None], ServiceTarget | None]:
    """A function (queue, channel) -> ServiceTarget from ``targets=`` or the agreement."""
    if targets is not None:
        if isinstance(targets, ServiceTarget):
            single = targets
            return lambda queue, channel: single
        if not isinstance(targets, Mapping):
            raise InputError(
                "compare: `targets` must be a ServiceTarget or a mapping of series key -> "
                f"ServiceTarget; got {type(targets).__name__}"
            )
        return target_lookup(targets, "compare").get
    if agreement is not None:
        if not callable(getattr(agreement, "targets_for", None)):
            raise InputError(
                "compare: `agreement` must be a cccplan Agreement (with targets_for); got "
                f"{type(agreement).__name__}"
            )

        def from_agreement(queue: str | None, channel: str | None) -> ServiceTarget | None:
            found = agreement.targets_for(queue, channel)
            if found is None:
                return None
            return as_target(found, f"compare: agreement target of {queue!r}")

        return from_agreement
    raise InputError(
        "compare: give the service targets, either `targets=` (a ServiceTarget or a mapping "
        "of series key -> ServiceTarget) or `agreement=` (whose targets_for gives them)"
    )


def _series(frame: pd.DataFrame, keys: list[str]) -> dict[SeriesKey, npt.NDArray[np.intp]]:
    if not keys:
        return {(): np.arange(len(frame))}
    groups = frame.groupby(keys, sort=True, observed=True).indices
    return {(k if isinstance(k, tuple) else (k,)): rows for k, rows in groups.items()}


def _named(keys: list[str], key: SeriesKey) -> dict[str, str]:
    return {k: str(v) for k, v in zip(keys, key, strict=True)}


def _targets_of(
    series: list[SeriesKey],
    keys: list[str],
    finder: Callable[[str | None, str | None], ServiceTarget | None],
) -> dict[SeriesKey, ServiceTarget]:
    chosen: dict[SeriesKey, ServiceTarget] = {}
    missing: list[str] = []
    for key in series:
        named = _named(keys, key)
        target = finder(named.get("queue"), named.get("channel"))
        if target is None:
            missing.append(", ".join(f"{k}={v!r}" for k, v in named.items()) or "the forecast")
        else:
            chosen[key] = target
    if missing:
        raise InputError(
            f"compare: no service target for {len(missing)} series of the forecast: "
            f"{'; '.join(missing[:5])}; give targets for them (keys are looked up as "
            "(queue, channel), queue, channel, then None)"
        )
    return chosen


def _staff_targets(
    chosen: Mapping[SeriesKey, ServiceTarget], keys: list[str]
) -> ServiceTarget | dict[Any, ServiceTarget]:
    """The chosen targets in the mapping form :func:`cccplan.staff` looks up."""
    if not keys:
        return chosen[()]
    if len(keys) == 2:
        return {(str(k[0]), str(k[1])): t for k, t in chosen.items()}
    return {str(k[0]): t for k, t in chosen.items()}


# ---------------------------------------------------------------------------
# Roll-ups
# ---------------------------------------------------------------------------


def _weights(frame: pd.DataFrame) -> pd.DataFrame:
    """The additive pieces of every roll-up, one row per interval."""
    volume = np.nan_to_num(frame[VOLUME].to_numpy(dtype=np.float64))
    service = frame["service_level"].to_numpy(dtype=np.float64)
    abandon = frame["abandon_rate"].to_numpy(dtype=np.float64)
    asa = frame["asa"].to_numpy(dtype=np.float64)
    known_sl = (volume > 0) & ~np.isnan(service)
    known_ab = (volume > 0) & ~np.isnan(abandon)
    answered = volume * (1.0 - np.nan_to_num(abandon))
    known_asa = (answered > 0) & ~np.isnan(asa)
    adherent = frame["adherent"].to_numpy(dtype=bool)
    counted = ~(
        (frame["status"].to_numpy() != "plan_only")
        & np.isnan(frame["required"].to_numpy(dtype=np.float64))
    )
    pieces = {
        "intervals": np.ones(len(frame)),
        "volume": volume,
        "required_hours": frame["required_hours"].to_numpy(dtype=np.float64),
        "planned_hours": frame["planned_hours"].to_numpy(dtype=np.float64),
        "over_hours": frame["over_hours"].to_numpy(dtype=np.float64),
        "under_hours": frame["under_hours"].to_numpy(dtype=np.float64),
        "missing_hours": frame["missing_hours"].to_numpy(dtype=np.float64),
        "unforecast_hours": frame["unforecast_hours"].to_numpy(dtype=np.float64),
        "adherent_intervals": (adherent & counted).astype(np.float64),
        "_adherence_base": counted.astype(np.float64),
        "_sl_num": np.where(known_sl, service * volume, 0.0),
        "_sl_den": np.where(known_sl, volume, 0.0),
        "_ab_num": np.where(known_ab, abandon * volume, 0.0),
        "_ab_den": np.where(known_ab, volume, 0.0),
        "_asa_num": np.where(known_asa, asa, 0.0) * np.where(known_asa, answered, 0.0),
        "_asa_den": np.where(known_asa, answered, 0.0),
        "relieved_intervals": frame["relieved"].to_numpy(dtype=np.float64),
    }
    return pd.DataFrame(pieces, index=frame.index)


def _finish(
    table: pd.DataFrame, keys: list[str], targets: Mapping[SeriesKey, ServiceTarget]
) -> pd.DataFrame:
    def ratio(num: str, den: str) -> FloatArray:
        n = table[num].to_numpy(dtype=np.float64)
        d = table[den].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(d > 0, n / np.where(d > 0, d, 1.0), np.nan)

    required = table["required_hours"].to_numpy(dtype=np.float64)
    short = (table["under_hours"] + table["missing_hours"]).to_numpy(dtype=np.float64)
    surplus = (table["over_hours"] + table["unforecast_hours"]).to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["coverage"] = np.where(
            required > 0, 1.0 - short / np.where(required > 0, required, 1.0), np.nan
        )
        table["efficiency"] = np.where(
            required > 0, 1.0 - (short + surplus) / np.where(required > 0, required, 1.0), np.nan
        )
    table["line_adherence"] = ratio("adherent_intervals", "_adherence_base")
    table["service_level"] = ratio("_sl_num", "_sl_den")
    table["abandon_rate"] = ratio("_ab_num", "_ab_den")
    table["asa"] = ratio("_asa_num", "_asa_den")
    series = list(zip(*(table[k] for k in keys), strict=True)) if keys else [()] * len(table)

    def pick(attribute: str) -> FloatArray:
        values = np.full(len(table), np.nan)
        for i, key in enumerate(series):
            target = targets.get(tuple(key))
            value = None if target is None else getattr(target, attribute)
            if value is not None:
                values[i] = float(value)
        return values

    table["service_level_target"] = pick("service_level")
    table["max_abandon"] = pick("max_abandon")
    table["asa_target"] = pick("asa")
    with np.errstate(invalid="ignore"):
        met = table["service_level"] >= table["service_level_target"] - _TOL
    table["service_level_met"] = met.where(
        table["service_level"].notna() & table["service_level_target"].notna(), None
    ).astype(object)
    for column in ("intervals", "adherent_intervals", "relieved_intervals"):
        table[column] = table[column].astype(np.int64)
    extra = [c for c in ("actual_volume",) if c in table.columns]
    period = [c for c in ("date", "week") if c in table.columns]
    return table[[*keys, *period, *ROLLUP_COLUMNS, *extra]]


def _rollup(
    frame: pd.DataFrame,
    weights: pd.DataFrame,
    keys: list[str],
    period: str | None,
    targets: Mapping[SeriesKey, ServiceTarget],
) -> pd.DataFrame:
    by = [*keys, *([period] if period else [])]
    data = weights.copy()
    for column in by:
        data[column] = frame[column].to_numpy()
    if "actual_volume" in frame.columns:
        data["actual_volume"] = frame["actual_volume"].to_numpy(dtype=np.float64)
    sums = [*_SUMS, *(["actual_volume"] if "actual_volume" in data else [])]
    if by:
        table = data.groupby(by, sort=True, observed=True)[sums].sum(min_count=0).reset_index()
        if "actual_volume" in data:
            table["actual_volume"] = (
                data.groupby(by, sort=True, observed=True)["actual_volume"]
                .sum(min_count=1)
                .to_numpy()
            )
    else:
        table = data[sums].sum().to_frame().T
        if "actual_volume" in data:
            table["actual_volume"] = data["actual_volume"].sum(min_count=1)
    return _finish(table, keys, targets)


def horizon_totals(result: Reconciliation) -> dict[str, float]:
    """Totals over every series and the whole horizon of a reconciliation.

    Returns
    -------
    dict of str to float
        ``intervals``, ``volume``, ``required_hours``, ``planned_hours``,
        ``over_hours``, ``under_hours``, ``missing_hours``,
        ``unforecast_hours``, ``coverage``, ``efficiency``,
        ``line_adherence``, ``service_level`` (volume-weighted over all
        series), ``abandon_rate`` and ``asa``.
    """
    frame = result.intervals
    table = _rollup(frame, _weights(frame), [], None, {})
    row = table.iloc[0]
    names = (
        "intervals", "volume", "required_hours", "planned_hours", "over_hours", "under_hours",
        "missing_hours", "unforecast_hours", "coverage", "efficiency", "line_adherence",
        "service_level", "abandon_rate", "asa",
    )  # fmt: skip
    return {name: float(row[name]) for name in names}


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


def _local_periods(times: pd.Series) -> tuple[pd.Series, pd.Series]:
    local = times.dt.tz_localize(None)
    date = local.dt.normalize()
    week = date - pd.to_timedelta(local.dt.day_of_week, unit="D")
    return date, week


def _net_agents(
    plan: pd.DataFrame,
    *,
    measures: tuple[str, ...],
    keys: list[str],
    settings: dict[str, Any],
    finder: Callable[[str | None, str | None], ServiceTarget | None],
    notes: list[str],
) -> tuple[FloatArray, FloatArray]:
    """Net planned agents, and the net agents by the CCC's own shrinkage column (if any)."""
    if "agents" in measures:
        net = plan["agents"].to_numpy(dtype=np.float64)
        return net, net
    scheduled = plan["scheduled"].to_numpy(dtype=np.float64)
    shrink = np.empty(len(plan))
    if settings["shrinkage"] is not None:
        shrink[:] = settings["shrinkage"]
        notes.append(
            f"plan has gross 'scheduled' heads only: net agents = scheduled x (1 - "
            f"{settings['shrinkage']:g}), the planning shrinkage of {settings['shrinkage_source']}"
        )
    else:
        used = set()
        for key, rows in _series(plan, keys).items():
            named = _named(keys, key)
            target = finder(named.get("queue"), named.get("channel"))
            if target is None:
                raise InputError(
                    f"compare: the plan gives only gross 'scheduled' heads and no shrinkage is "
                    f"known for {named or 'the plan'}; pass shrinkage= or a target for it"
                )
            shrink[rows] = target.shrinkage
            used.add(target.shrinkage)
        notes.append(
            "plan has gross 'scheduled' heads only: net agents = scheduled x (1 - shrinkage) "
            f"with the targets' shrinkage ({', '.join(f'{s:g}' for s in sorted(used))})"
        )
    net = scheduled * (1.0 - shrink)
    if "shrinkage" in plan.columns:
        own = scheduled * (1.0 - plan["shrinkage"].to_numpy(dtype=np.float64))
        return net, own
    return net, net


def _required_on(
    frame: pd.DataFrame, volume: FloatArray, aht: FloatArray, targets: Any, integer: bool
) -> FloatArray:
    """Required agents for other volumes / handle times on the forecast's rows."""
    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    data = frame[[*keys, TIME]].copy()
    data[VOLUME] = volume
    data[AHT] = aht
    data.attrs["freq"] = frame.attrs["freq"]
    agents = staff(data, targets, integer=integer)["agents"].to_numpy(dtype=np.float64)
    return np.asarray(agents, dtype=np.float64)


def compare(
    forecast: pd.DataFrame,
    plan: pd.DataFrame,
    *,
    agreement: Any = None,
    targets: Any = None,
    actuals: pd.DataFrame | None = None,
    ccc_forecast: pd.DataFrame | None = None,
    shrinkage: float | None = None,
    adherence_band: float = 0.05,
    variance_band: float | None = None,
    variance_level: str | None = None,
    accuracy_tolerance: Mapping[str, float] | None = None,
    accuracy_denominator: str | None = None,
    integer: bool = True,
    check_agreement: bool = True,
    events: pd.DataFrame | None = None,
    today: Any = None,
    freq: str | None = None,
    plan_freq: str | None = None,
) -> Reconciliation:
    """Reconcile the CCC's staffing plan with the client's forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        The client's forecast: keys ``queue`` and/or ``channel``,
        ``interval_start`` (timezone-aware), ``volume`` (contacts per
        interval) and ``aht`` (seconds). Its series, time zone and interval
        length are the grid of the comparison.
    plan : pandas.DataFrame
        The CCC's plan: the same keys, ``interval_start`` (any time zone, any
        interval length that divides or is a multiple of the forecast's) and
        ``agents`` (net productive agents) and/or ``scheduled`` (gross heads;
        net = scheduled x (1 - shrinkage)). An optional ``shrinkage`` column
        (the CCC's own planning shrinkage) lets the gap be attributed to it.
    agreement : Agreement, optional
        The client-CCC agreement: its targets (``targets_for``), planning
        shrinkage, accuracy tolerances and denominator, variance band and
        surplus relief; its own checks (``check``) are added to the findings.
    targets : ServiceTarget or mapping, optional
        Service targets, as :func:`cccplan.staff` takes them; they take
        precedence over the agreement's.
    actuals : pandas.DataFrame, optional
        Actual volumes (and ``aht``) per interval: forecast accuracy and
        surplus relief.
    ccc_forecast : pandas.DataFrame, optional
        The CCC's own forecast: deviation from the client's, and the split of
        each staffing gap into volume, handle time, shrinkage and the plan
        itself.
    shrinkage : float, optional
        Planning shrinkage in [0, 1) to convert ``scheduled`` to net agents
        (default: the agreement's, else each target's ``shrinkage``).
    adherence_band : float, default 0.05
        Line adherence band: an interval is adherent when ``|planned -
        required| <= band x required``. Also the over-staffing a day may have
        before it is a warning rather than information.
    variance_band : float, optional
        Surplus relief band (default: the agreement's): actual volume above
        ``forecast x (1 + band)`` puts the interval (or day) outside the
        CCC's service-level obligation.
    variance_level : {"interval", "day"}, optional
        Where the variance band is applied (default: the agreement's, else
        "interval").
    accuracy_tolerance : mapping, optional
        Tolerated deviation per level, e.g. ``{"day": 0.05, "week": 0.03}``
        (default: the agreement's).
    accuracy_denominator : {"actual", "forecast"}, optional
        Denominator of the accuracy formula (default: the agreement's, else
        "actual").
    integer : bool, default True
        Whole required agents (as a plan has); False gives continuous agents.
    check_agreement : bool, default True
        Add ``agreement.check(forecast=..., plan=..., actuals=..., events=...,
        today=...)``'s findings.
    events : pandas.DataFrame, optional
        The client's communicated events (clause 6.5), passed to
        ``agreement.check`` (notice given ahead of each event).
    today : datetime.date or str, optional
        The date the agreement's deadlines (reviews, lead times, retention)
        are checked against; default: today. A reconciliation of a past
        planning round passes the round's date.
    freq, plan_freq : str, optional
        Interval lengths of the forecast and the plan (e.g. ``"15min"``), for
        frames too sparse to infer them from (by default they are inferred,
        see :func:`cccplan.frames.infer_freq`).

    Returns
    -------
    Reconciliation
        ``intervals``, ``daily``, ``weekly``, ``by_queue``, ``findings``,
        ``notes``, ``accuracy``, ``has_errors``, ``summary()``, ``plot()``,
        ``to_html()``, ``to_excel()``, ``to_markdown()``.

    Raises
    ------
    InputError
        Invalid frames (see :func:`cccplan.validate_frame`), a plan without
        ``agents`` or ``scheduled`` or with negative values, interval lengths
        that are not multiples of each other, a plan whose intervals do not
        fall on the forecast's grid, key columns that cannot be matched, no
        targets, or a parameter out of range.

    Notes
    -----
    Over- and under-staffing are agent-hours, kept apart and never netted:
    ``over = sum max(gap, 0) h``, ``under = sum max(-gap, 0) h`` over the
    intervals both sides have (``h`` the interval length in hours);
    ``missing_hours`` are the required hours of intervals the plan lacks and
    ``unforecast_hours`` the planned hours of intervals the forecast lacks.
    ``coverage = 1 - (under + missing) / required`` and ``efficiency = 1 -
    (over + under + missing + unforecast) / required``. The service level of
    a day is the volume-weighted mean of its intervals'.

    Examples
    --------
    A plan two agents short in one interval of four:

    >>> import pandas as pd
    >>> from cccplan.compare import compare
    >>> from cccplan.staffing import ServiceTarget
    >>> times = pd.date_range("2026-03-02 09:00", periods=4, freq="15min", tz="Europe/Berlin")
    >>> forecast = pd.DataFrame({"queue": "billing", "interval_start": times,
    ...                          "volume": 100.0, "aht": 180.0})
    >>> plan = pd.DataFrame({"queue": "billing", "interval_start": times,
    ...                      "agents": [24.0, 24.0, 22.0, 24.0]})
    >>> result = compare(forecast, plan, targets=ServiceTarget(service_level=0.8, threshold=20))
    >>> result.intervals[["required", "planned", "gap"]].iloc[2].tolist()
    [24.0, 22.0, -2.0]
    >>> float(result.by_queue["under_hours"].iloc[0])
    0.5
    >>> result.has_errors, result.findings[0].code
    (True, 'understaffed')
    """
    notes: list[str] = []
    settings = _settings(
        agreement,
        shrinkage=shrinkage,
        adherence_band=adherence_band,
        variance_band=variance_band,
        variance_level=variance_level,
        accuracy_tolerance=accuracy_tolerance,
        accuracy_denominator=accuracy_denominator,
    )
    fc = validate_forecast(forecast, freq=freq)
    keys = [k for k in KEY_COLUMNS if k in fc.columns]
    freq = str(fc.attrs["freq"])
    seconds = 86_400.0 if freq == "D" else pd.Timedelta(to_offset(freq)).total_seconds()
    hours = seconds / 3600.0
    step_ns = round(seconds * 1e9)
    tz = fc[TIME].dt.tz

    finder = _target_finder(targets, agreement)
    chosen = _targets_of(list(_series(fc, keys)), keys, finder)
    staff_targets = _staff_targets(chosen, keys)
    base = fc[[*keys, TIME, VOLUME, AHT]].copy()
    base.attrs["freq"] = freq
    staffed = staff(base, staff_targets, integer=integer)
    if staffed.attrs.get("freq") != freq:
        raise InputError(
            "forecast: every series is sparse and cccplan.staff infers "
            f"{staffed.attrs.get('freq')} intervals where the forecast has {freq}; give each "
            "series its consecutive open intervals (absent intervals are closed ones)"
        )
    base["required"] = staffed["agents"].to_numpy(dtype=np.float64)
    for name in KPI_COLUMNS:
        base[f"_staff_{name}"] = staffed[name].to_numpy(dtype=np.float64)
    base["explanation"] = (
        staffed["explanation"].where(base["required"].isna().to_numpy(), "").to_numpy()
    )

    aligned = align_plan(plan, fc, notes=notes, freq=plan_freq)
    pl = aligned.frame
    net, own = _net_agents(
        pl, measures=aligned.measures, keys=keys, settings=settings, finder=finder, notes=notes
    )
    pl = pl[[*keys, TIME, *(["scheduled"] if "scheduled" in aligned.measures else [])]].copy()
    pl["planned"] = net
    pl["_planned_own"] = own

    merged = base.merge(pl, on=[*keys, TIME], how="outer", indicator=True, sort=False)
    merged = merged.sort_values([*keys, TIME], kind="stable", ignore_index=True)
    indicator = merged.pop("_merge").to_numpy()
    status = np.where(
        indicator == "both",
        "matched",
        np.where(indicator == "left_only", "forecast_only", "plan_only"),
    )
    merged.insert(
        len(keys) + 1,
        "status",
        pd.Categorical(status, categories=["matched", "forecast_only", "plan_only"]),
    )
    in_forecast = status != "plan_only"
    matched = status == "matched"
    plan_hours_in = float(np.sum(net) * hours)

    date, week = _local_periods(merged[TIME])
    merged["date"] = date.to_numpy()
    merged["week"] = week.to_numpy()

    required = merged["required"].to_numpy(dtype=np.float64)
    planned = merged["planned"].to_numpy(dtype=np.float64)
    merged["gap"] = planned - required
    planned_eff = np.nan_to_num(planned)
    required_eff = np.nan_to_num(required)

    # Actuals and the CCC's forecast on the forecast's grid.
    drivers: list[str] = []
    extra_findings: list[Finding] = []
    accuracy_parts: list[pd.DataFrame] = []
    fc_index = merged.loc[in_forecast, [*keys, TIME]]
    for argument, frame, prefix in (
        ("actuals", actuals, "actual"),
        ("ccc_forecast", ccc_forecast, "ccc"),
    ):
        other = align_volumes(frame, fc, argument=argument, notes=notes)
        if other is None:
            continue
        renamed = other.rename(columns={VOLUME: f"{prefix}_volume", AHT: f"{prefix}_aht"})
        joined = fc_index.merge(renamed, on=[*keys, TIME], how="left", sort=False)
        for column in (f"{prefix}_volume", f"{prefix}_aht"):
            values = np.full(len(merged), np.nan)
            if column in joined.columns:
                values[in_forecast] = joined[column].to_numpy(dtype=np.float64)
            merged[column] = values
        outside = other.merge(fc_index, on=[*keys, TIME], how="left", indicator=True)
        outside_rows = outside[(outside["_merge"] == "left_only").to_numpy()]
        total_other = float(other[VOLUME].sum())
        total_fc = float(fc[VOLUME].sum())
        notes.append(
            f"{argument}: {total_other:,.0f} contacts in total against the client's forecast "
            f"{total_fc:,.0f} ({(total_other / total_fc - 1) if total_fc else float('nan'):+.1%})"
        )
        if len(outside_rows):
            lost = float(outside_rows[VOLUME].sum())
            extra_findings.append(
                Finding(
                    "6.7",
                    "warning" if lost > 0 else "info",
                    f"{argument}: {len(outside_rows)} intervals ({lost:,.0f} contacts) where the "
                    "client's forecast has no interval",
                    intervals=tuple(pd.DatetimeIndex(outside_rows[TIME])),
                    value=lost,
                    limit=0.0,
                    impact=lost,
                    code=f"{prefix}_outside_forecast",
                )
            )

    if "ccc_volume" in merged.columns:
        rows = in_forecast & ~np.isnan(merged["ccc_volume"].to_numpy(dtype=np.float64))
        client_aht = merged[AHT].to_numpy(dtype=np.float64)
        ccc_vol = merged["ccc_volume"].to_numpy(dtype=np.float64)
        ccc_aht = merged["ccc_aht"].to_numpy(dtype=np.float64)
        fallback = np.where(np.isnan(client_aht), ccc_aht, client_aht)
        if np.isnan(fallback[rows & (ccc_vol > 0)]).any():
            weighted = np.nansum(merged[VOLUME] * client_aht) / max(np.nansum(merged[VOLUME]), 1.0)
            fallback = np.where(np.isnan(fallback), weighted, fallback)
        own_aht = np.where(np.isnan(ccc_aht), fallback, ccc_aht)
        sub = merged.loc[rows]
        sub.attrs["freq"] = freq
        req_volume = np.array(required, copy=True)
        req_ccc = np.array(required, copy=True)
        req_volume[rows] = _required_on(sub, ccc_vol[rows], fallback[rows], staff_targets, integer)
        req_ccc[rows] = _required_on(sub, ccc_vol[rows], own_aht[rows], staff_targets, integer)
        merged["gap_volume"] = np.where(matched, req_volume - required, np.nan)
        merged["gap_aht"] = np.where(matched, req_ccc - req_volume, np.nan)
        drivers += ["volume", "aht"]
    else:
        req_ccc = required
    own = merged["_planned_own"].to_numpy(dtype=np.float64)
    if "shrinkage" in plan.columns and "agents" not in aligned.measures:
        merged["gap_shrinkage"] = np.where(matched, planned - own, np.nan)
        drivers.append("shrinkage")
    if drivers:
        merged["gap_plan"] = np.where(matched, own - req_ccc, np.nan)
        drivers.append("plan")
    merged = merged.drop(columns="_planned_own")

    # What the plan delivers on the forecast volume (0 agents where it lacks the interval).
    kpi_series = []
    immediate_rows = np.zeros(len(merged), dtype=bool)
    for key, rows in _series(merged, keys).items():
        target = chosen.get(key)
        if target is not None:
            kpi_series.append((rows[in_forecast[rows]], target))
            immediate_rows[rows] = not target.is_deferred
    # Where the plan has exactly the required agents, staff() has computed its KPIs already.
    reuse = immediate_rows & in_forecast & (planned_eff == required)
    known = {name: merged.pop(f"_staff_{name}").to_numpy(dtype=np.float64) for name in KPI_COLUMNS}
    kpis = plan_kpis(
        np.nan_to_num(merged[VOLUME].to_numpy(dtype=np.float64)),
        merged[AHT].to_numpy(dtype=np.float64),
        planned_eff,
        times_ns=np.asarray(merged[TIME].array.asi8, dtype=np.int64),
        series=kpi_series,
        seconds=seconds,
        known=known,
        reuse=reuse,
    )
    for name, values in kpis.items():
        merged[name] = values

    gap = merged["gap"].to_numpy(dtype=np.float64)
    merged["required_hours"] = required_eff * hours
    merged["planned_hours"] = planned_eff * hours
    merged["over_hours"] = np.where(matched, np.clip(np.nan_to_num(gap), 0.0, None), 0.0) * hours
    merged["under_hours"] = np.where(matched, np.clip(-np.nan_to_num(gap), 0.0, None), 0.0) * hours
    merged["missing_hours"] = np.where(status == "forecast_only", required_eff, 0.0) * hours
    merged["unforecast_hours"] = np.where(status == "plan_only", planned_eff, 0.0) * hours
    band = settings["adherence_band"]
    merged["adherent"] = np.abs(planned_eff - required_eff) <= band * required_eff + _TOL

    relieved = np.zeros(len(merged), dtype=bool)
    if (
        "actual_volume" in merged.columns
        and settings["variance_band"] is not None
        and settings["surplus_relief"]
    ):
        relieved = relief_mask(
            merged, keys, band=settings["variance_band"], level=settings["variance_level"]
        )
    merged["relieved"] = relieved

    tolerance = settings["accuracy_tolerance"]
    for reference, prefix, basis, assessed, b_aht, a_aht in (
        ("actuals", "actual", "actual_volume", VOLUME, "actual_aht", AHT),
        ("ccc_forecast", "ccc", VOLUME, "ccc_volume", AHT, "ccc_aht"),
    ):
        if f"{prefix}_volume" not in merged.columns:
            continue
        subset = merged.loc[in_forecast]
        table = accuracy_table(
            subset,
            keys,
            reference=reference,
            basis=basis,
            assessed=assessed,
            basis_aht=b_aht,
            assessed_aht=a_aht,
            denominator=settings["accuracy_denominator"],
            tolerance=tolerance,
        )
        accuracy_parts.append(table)
        deviation = interval_deviation(
            subset[basis].to_numpy(dtype=np.float64),
            subset[assessed].to_numpy(dtype=np.float64),
            settings["accuracy_denominator"],
        )
        extra_findings += accuracy_findings(
            table,
            subset.reset_index(drop=True),
            keys,
            reference=reference,
            tolerance=tolerance,
            interval_deviation=deviation,
        )

    weights = _weights(merged)
    daily = _rollup(merged, weights, keys, "date", chosen)
    weekly = _rollup(merged, weights, keys, "week", chosen)
    by_queue = _rollup(merged, weights, keys, None, chosen)

    plan_hours_out = float(merged["planned_hours"].sum())
    if abs(plan_hours_out - plan_hours_in) > 1e-6 * max(plan_hours_in, 1.0):
        notes.append(
            f"plan: {plan_hours_in:,.2f} net agent-hours on the forecast's grid but "
            f"{plan_hours_out:,.2f} reconciled"
        )
    notes.append(
        f"totals: forecast {float(fc[VOLUME].sum()):,.0f} contacts; required "
        f"{float(merged['required_hours'].sum()):,.2f} and planned {plan_hours_out:,.2f} "
        "net agent-hours"
    )

    findings: list[Finding] = []
    findings += staffing_findings(merged, keys, step_ns=step_ns, band=band, drivers=drivers)
    findings += coverage_findings(merged, keys, step_ns=step_ns)
    findings += service_findings(merged, daily, keys, targets=chosen)
    if relieved.any():
        findings += relief_findings(
            merged, keys, band=settings["variance_band"], level=settings["variance_level"]
        )
    findings += extra_findings
    if agreement is not None and check_agreement and callable(getattr(agreement, "check", None)):
        # The agreement's own accuracy and relief checks repeat what the reconciliation
        # found on its grid (with the intervals listed): keep one of each.
        ours = {(f.code, f.queue) for f in findings if f.code in _SHARED_CODES}
        checked = list(
            agreement.check(
                forecast=forecast, plan=plan, actuals=actuals, events=events, today=today
            )
        )
        kept = [f for f in checked if (f.code, f.queue) not in ours]
        if len(kept) < len(checked):
            notes.append(
                f"agreement.check: {len(checked) - len(kept)} findings on forecast accuracy or "
                "surplus relief repeat the reconciliation's and are shown once"
            )
        findings += kept

    accuracy = pd.concat(accuracy_parts, ignore_index=True) if accuracy_parts else pd.DataFrame()
    order = [
        *keys, TIME, "status", VOLUME, AHT, "required", "planned", "gap", "scheduled",
        "service_level", "asa", "abandon_rate", "occupancy", "required_hours", "planned_hours",
        "over_hours", "under_hours", "missing_hours", "unforecast_hours", "adherent", "relieved",
        "actual_volume", "actual_aht", "ccc_volume", "ccc_aht",
        *(f"gap_{d}" for d in drivers), "explanation", "date", "week",
    ]  # fmt: skip
    merged = merged[[c for c in order if c in merged.columns]]
    merged.attrs = {"freq": freq}
    return Reconciliation(
        intervals=merged,
        daily=daily,
        weekly=weekly,
        by_queue=by_queue,
        findings=tuple(sort_findings(findings)),
        notes=tuple(notes),
        accuracy=accuracy,
        freq=freq,
        timezone=str(tz),
        settings=settings,
    )
