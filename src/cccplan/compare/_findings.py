"""Findings of a reconciliation, grouped so that a planner can act on them (private).

Interval-level problems are grouped per series and local day (under- and
over-staffing, days below the service-level target) or per series (intervals
on one side only, surplus relief), never one finding per interval; each
finding lists its intervals and describes them as runs of local clock times.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cccplan.frames._columns import CHANNEL, QUEUE, TIME
from cccplan.requirements.findings import Finding, Severity
from cccplan.staffing.targets import ServiceTarget

__all__ = [
    "accuracy_findings",
    "coverage_findings",
    "relief_findings",
    "service_findings",
    "staffing_findings",
]

BoolArray = npt.NDArray[np.bool_]
_RUNS_SHOWN = 6
_TOL = 1e-9


def _key(keys: Sequence[str], values: tuple[Any, ...], key: str) -> str | None:
    named = dict(zip(keys, values, strict=True))
    return None if key not in named else str(named[key])


def _groups(
    frame: pd.DataFrame, mask: BoolArray, by: list[str]
) -> Iterator[tuple[tuple[Any, ...], npt.NDArray[np.intp]]]:
    """(key values, row positions in *frame*) of the rows in *mask*, grouped by *by*."""
    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return
    if not by:
        yield (), positions
        return
    subset = frame.iloc[positions]
    for key, rows in subset.groupby(by, sort=True, observed=True).indices.items():
        values = key if isinstance(key, tuple) else (key,)
        yield values, positions[rows]


def describe_runs(utc: npt.NDArray[np.int64], wall: npt.NDArray[np.int64], step_ns: int) -> str:
    """Runs of consecutive intervals as local clock ranges, e.g. ``"09:00-09:45, 14:00-14:15"``.

    *utc* and *wall* are the interval starts in UTC and local wall-clock
    nanoseconds; a run continues while starts are one *step_ns* apart in UTC.
    """
    breaks = np.flatnonzero(np.diff(utc) != step_ns) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [utc.size]]) - 1
    minute = 60 * 10**9
    day_minutes = 24 * 60

    def clock(ns: int) -> str:
        minutes = (ns // minute) % day_minutes
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    parts = [
        f"{clock(int(wall[first]))}-{clock(int(wall[last]) + step_ns)}"
        for first, last in zip(starts[:_RUNS_SHOWN], ends[:_RUNS_SHOWN], strict=True)
    ]
    if starts.size > _RUNS_SHOWN:
        parts.append(f"and {starts.size - _RUNS_SHOWN} more runs")
    return ", ".join(parts)


def _day(value: Any) -> str:
    return f"{pd.Timestamp(value):%a %Y-%m-%d}"


def staffing_findings(
    frame: pd.DataFrame,
    keys: list[str],
    *,
    step_ns: int,
    band: float,
    drivers: Sequence[str],
) -> list[Finding]:
    """Under-staffed (6.7 error) and over-staffed (6.7 warning/info) intervals per series-day."""
    findings: list[Finding] = []
    status = frame["status"].to_numpy()
    gap = frame["gap"].to_numpy(dtype=np.float64)
    matched = status == "matched"
    hours = step_ns / 3.6e12
    times = pd.DatetimeIndex(frame[TIME])
    utc = np.asarray(times.asi8, dtype=np.int64)
    wall = np.asarray(times.tz_localize(None).asi8, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        short = matched & (gap < -_TOL)
        over = matched & (gap > _TOL)
    required = frame["required"].to_numpy(dtype=np.float64)
    for values, rows in _groups(frame, short, [*keys, "date"]):
        series, date = values[:-1], values[-1]
        short_hours = float(-gap[rows].sum() * hours)
        worst = float(-gap[rows].min())
        explained = ""
        if drivers:
            shares = {d: float(frame[f"gap_{d}"].to_numpy()[rows].sum() * hours) for d in drivers}
            negative = {d: v for d, v in shares.items() if v < -_TOL}
            if negative:
                ranked = sorted(negative.items(), key=lambda item: item[1])
                explained = "; explained by " + ", ".join(
                    f"{d} {v:+.2f} agent-hours" for d, v in ranked
                )
        findings.append(
            Finding(
                "6.7",
                "error",
                f"plan short of the required agents on {_day(date)} in "
                f"{rows.size} interval{'s' if rows.size > 1 else ''} "
                f"({describe_runs(utc[rows], wall[rows], step_ns)}): "
                f"{short_hours:.2f} agent-hours short, "
                f"up to {worst:g} agents{explained}",
                queue=_key(keys, series, QUEUE),
                channel=_key(keys, series, CHANNEL),
                intervals=tuple(times[rows]),
                value=short_hours,
                limit=0.0,
                impact=short_hours,
                code="understaffed",
            )
        )
    day_required: dict[tuple[Any, ...], float] = {}
    if over.any():
        req_hours = pd.Series(np.nan_to_num(required) * hours)
        grouped = req_hours.groupby([frame[k] for k in [*keys, "date"]], observed=True).sum()
        day_required = {
            (key if isinstance(key, tuple) else (key,)): float(v) for key, v in grouped.items()
        }
    for values, rows in _groups(frame, over, [*keys, "date"]):
        series, date = values[:-1], values[-1]
        over_hours = float(gap[rows].sum() * hours)
        allowed = band * day_required.get(values, 0.0)
        severity: Severity = "warning" if over_hours > allowed + _TOL else "info"
        findings.append(
            Finding(
                "6.7",
                severity,
                f"plan above the required agents on {_day(date)} in "
                f"{rows.size} interval{'s' if rows.size > 1 else ''} "
                f"({describe_runs(utc[rows], wall[rows], step_ns)}): "
                f"{over_hours:.2f} agent-hours over "
                f"(the line-adherence band allows {allowed:.2f} that day)",
                queue=_key(keys, series, QUEUE),
                channel=_key(keys, series, CHANNEL),
                intervals=tuple(times[rows]),
                value=over_hours,
                limit=allowed,
                impact=over_hours,
                code="overstaffed",
            )
        )
    return findings


def coverage_findings(frame: pd.DataFrame, keys: list[str], *, step_ns: int) -> list[Finding]:
    """Intervals and queues on one side only, a short plan horizon, unreachable targets."""
    findings: list[Finding] = []
    status = frame["status"].to_numpy()
    hours = step_ns / 3.6e12
    times = pd.DatetimeIndex(frame[TIME])
    required = np.nan_to_num(frame["required"].to_numpy(dtype=np.float64))
    planned = np.nan_to_num(frame["planned"].to_numpy(dtype=np.float64))
    in_plan = status != "forecast_only"
    in_forecast = status != "plan_only"
    # Per series: first and last planned interval, and whether either side lacks it entirely.
    utc = np.asarray(times.asi8, dtype=np.int64)
    for values, rows in _groups(frame, np.ones(len(frame), dtype=bool), keys):
        planned_rows = rows[in_plan[rows]]
        forecast_rows = rows[in_forecast[rows]]
        missing = rows[~in_plan[rows]]
        extra = rows[~in_forecast[rows]]
        if missing.size:
            req_hours = float(required[missing].sum() * hours)
            severity: Severity = "error" if req_hours > _TOL else "info"
            if planned_rows.size == 0:
                findings.append(
                    Finding(
                        "6.7",
                        severity,
                        f"in the forecast ({missing.size} intervals, "
                        f"{req_hours:.2f} agent-hours required) but absent from the plan",
                        queue=_key(keys, values, QUEUE),
                        channel=_key(keys, values, CHANNEL),
                        intervals=tuple(times[missing]),
                        value=req_hours,
                        limit=0.0,
                        impact=req_hours,
                        code="queue_missing_in_plan",
                    )
                )
            else:
                first, last = utc[planned_rows].min(), utc[planned_rows].max()
                outside = (utc[missing] < first) | (utc[missing] > last)
                for part, code in (
                    (missing[outside], "horizon_short"),
                    (missing[~outside], "missing_in_plan"),
                ):
                    if part.size == 0:
                        continue
                    part_hours = float(required[part].sum() * hours)
                    part_severity: Severity = "error" if part_hours > _TOL else "info"
                    if code == "horizon_short":
                        text = (
                            f"the plan covers {times[planned_rows].min():%Y-%m-%d %H:%M} to "
                            f"{times[planned_rows].max():%Y-%m-%d %H:%M} but the forecast runs "
                            f"{times[forecast_rows].min():%Y-%m-%d %H:%M} to "
                            f"{times[forecast_rows].max():%Y-%m-%d %H:%M}: {part.size} forecast "
                            f"intervals outside the plan's horizon"
                        )
                    else:
                        text = f"{part.size} forecast intervals have no plan interval"
                    findings.append(
                        Finding(
                            "6.7",
                            part_severity,
                            f"{text} ({part_hours:.2f} agent-hours required there)",
                            queue=_key(keys, values, QUEUE),
                            channel=_key(keys, values, CHANNEL),
                            intervals=tuple(times[part]),
                            value=part_hours,
                            limit=0.0,
                            impact=part_hours,
                            code=code,
                        )
                    )
        if extra.size:
            extra_hours = float(planned[extra].sum() * hours)
            severity = "warning" if extra_hours > _TOL else "info"
            whole = forecast_rows.size == 0
            findings.append(
                Finding(
                    "6.7",
                    severity,
                    (
                        "planned but absent from the forecast"
                        if whole
                        else "plan intervals the forecast does not have (closed per the forecast)"
                    )
                    + f" ({extra.size} intervals, {extra_hours:.2f} agent-hours planned)",
                    queue=_key(keys, values, QUEUE),
                    channel=_key(keys, values, CHANNEL),
                    intervals=tuple(times[extra]),
                    value=extra_hours,
                    limit=0.0,
                    impact=extra_hours,
                    code="queue_not_in_forecast" if whole else "plan_outside_forecast",
                )
            )
    unreachable = in_forecast & np.isnan(frame["required"].to_numpy(dtype=np.float64))
    explanation = frame["explanation"].astype(str).to_numpy() if "explanation" in frame else None
    for values, rows in _groups(frame, unreachable, keys):
        why = f" ({explanation[rows[0]]})" if explanation is not None else ""
        findings.append(
            Finding(
                "6.7",
                "warning",
                f"no number of agents meets the targets in "
                f"{rows.size} intervals{why}; they are left out of the hours",
                queue=_key(keys, values, QUEUE),
                channel=_key(keys, values, CHANNEL),
                intervals=tuple(times[rows]),
                code="target_unreachable",
            )
        )
    return findings


def service_findings(
    frame: pd.DataFrame,
    daily: pd.DataFrame,
    keys: list[str],
    *,
    targets: Mapping[tuple[Any, ...], ServiceTarget],
) -> list[Finding]:
    """Days whose projected service level, abandonment or ASA misses the target (6.8 error)."""
    findings: list[Finding] = []
    if daily.empty:
        return findings
    times = pd.DatetimeIndex(frame[TIME])
    row_groups = frame.groupby([*keys, "date"], sort=False, observed=True).indices
    checks = (
        ("service_level", "daily_service_level", "service level", "service_level", -1),
        ("abandon_rate", "daily_abandon", "abandonment", "max_abandon", 1),
        ("asa", "daily_asa", "ASA", "asa", 1),
    )
    for row in daily.to_dict("records"):
        series = tuple(row[k] for k in keys)
        target = targets.get(series)
        if target is None or not row["volume"] > 0:
            continue
        for column, code, name, attribute, sign in checks:
            limit = getattr(target, attribute)
            value = row.get(column)
            if limit is None or value is None or not np.isfinite(limit) or np.isnan(value):
                continue
            if sign * (value - limit) <= 1e-9:
                continue
            key = (*series, row["date"])
            rows = row_groups.get(key if len(key) > 1 else key[0], np.array([], dtype=np.intp))
            kpi = frame[column].to_numpy(dtype=np.float64)[rows]
            with np.errstate(invalid="ignore"):
                bad = rows[sign * (kpi - limit) > 1e-9]
            shown = (
                f"{value:.1%} against {limit:.1%}"
                if column != "asa"
                else f"{value:.1f} s against {limit:.1f} s"
            )
            short = float(row["under_hours"] + row["missing_hours"])
            findings.append(
                Finding(
                    "6.8",
                    "error",
                    f"projected {name} on {_day(row['date'])} with the plan "
                    f"on the forecast volume is {shown} ({bad.size} intervals miss it; "
                    f"{short:.2f} agent-hours short that day)",
                    queue=_key(keys, series, QUEUE),
                    channel=_key(keys, series, CHANNEL),
                    intervals=tuple(times[bad]),
                    value=float(value),
                    limit=float(limit),
                    impact=short,
                    code=code,
                )
            )
    return findings


def relief_findings(
    frame: pd.DataFrame, keys: list[str], *, band: float, level: str
) -> list[Finding]:
    """Intervals outside the CCC's service-level obligation: actual volume above the band (6.10)."""
    findings: list[Finding] = []
    relieved = frame["relieved"].to_numpy(dtype=bool)
    times = pd.DatetimeIndex(frame[TIME])
    forecast = frame["volume"].to_numpy(dtype=np.float64)
    actual = frame["actual_volume"].to_numpy(dtype=np.float64)
    for values, rows in _groups(frame, relieved, keys):
        excess = float(np.nansum(actual[rows]) / max(float(np.nansum(forecast[rows])), 1e-12) - 1)
        days = sorted({f"{t:%Y-%m-%d}" for t in times[rows]})
        findings.append(
            Finding(
                "6.10",
                "info",
                f"actual volume exceeded the forecast by more than "
                f"{band:.0%} ({level} level) in {rows.size} intervals on {len(days)} days "
                f"({', '.join(days[:5])}{' ...' if len(days) > 5 else ''}): outside the CCC's "
                "service-level obligation (surplus relief)",
                queue=_key(keys, values, QUEUE),
                channel=_key(keys, values, CHANNEL),
                intervals=tuple(times[rows]),
                value=excess,
                limit=band,
                code="surplus_relief",
            )
        )
    return findings


def accuracy_findings(
    table: pd.DataFrame,
    frame: pd.DataFrame,
    keys: list[str],
    *,
    reference: str,
    tolerance: Mapping[str, float],
    interval_deviation: npt.NDArray[np.float64] | None,
) -> list[Finding]:
    """Periods whose forecast deviates beyond the agreed tolerance (6.7 warning)."""
    findings: list[Finding] = []
    what = (
        "the client's forecast against actuals"
        if reference == "actuals"
        else "the CCC's forecast against the client's"
    )
    code = "forecast_accuracy" if reference == "actuals" else "forecast_disagreement"
    times = pd.DatetimeIndex(frame[TIME])
    first_of = frame.groupby([*keys, "date"], sort=False, observed=True)[TIME].min()
    week_first = frame.groupby([*keys, "week"], sort=False, observed=True)[TIME].min()
    for level in ("day", "week", "horizon"):
        limit = tolerance.get(level)
        if limit is None:
            continue
        rows = table[(table["level"] == level) & (table["within"] == False)]  # noqa: E712
        if rows.empty:
            continue
        for values, part in rows.groupby(keys, sort=True) if keys else [((), rows)]:
            series = values if isinstance(values, tuple) else (values,)
            starts: list[pd.Timestamp] = []
            lookup = first_of if level == "day" else week_first
            if level != "horizon":
                for period in part["period"]:
                    key = (*series, period)
                    found = lookup.get(key if len(key) > 1 else key[0])
                    if found is not None:
                        starts.append(found)
            worst = float(part["deviation"].max())
            periods = ", ".join(
                f"{pd.Timestamp(p):%Y-%m-%d}" for p in part["period"][:5] if pd.notna(p)
            )
            more = " ..." if len(part) > 5 else ""
            findings.append(
                Finding(
                    "6.7",
                    "warning",
                    f"{what} deviates beyond the {limit:.0%} "
                    f"{level} tolerance in {len(part)} "
                    + ("period" if level == "horizon" else f"{level}s")
                    + (f" ({periods}{more})" if periods else "")
                    + f"; worst deviation {worst:.1%}",
                    queue=_key(keys, series, QUEUE),
                    channel=_key(keys, series, CHANNEL),
                    intervals=tuple(starts),
                    value=worst,
                    limit=limit,
                    impact=float((part["assessed_volume"] - part["basis_volume"]).abs().sum()),
                    code=code,
                )
            )
    limit = tolerance.get("interval")
    if limit is not None and interval_deviation is not None:
        with np.errstate(invalid="ignore"):
            outside = interval_deviation > limit + 1e-12
        for values, rows in _groups(frame, outside, keys):
            known = int(
                np.count_nonzero(~np.isnan(interval_deviation[_series_rows(frame, keys, values)]))
            )
            findings.append(
                Finding(
                    "6.7",
                    "warning",
                    f"{what} deviates beyond the {limit:.0%} interval "
                    f"tolerance in {rows.size} of {known} intervals",
                    queue=_key(keys, values, QUEUE),
                    channel=_key(keys, values, CHANNEL),
                    intervals=tuple(times[rows]),
                    value=rows.size / max(known, 1),
                    limit=limit,
                    impact=float(rows.size),
                    code=code,
                )
            )
    return findings


def _series_rows(frame: pd.DataFrame, keys: list[str], values: tuple[Any, ...]) -> BoolArray:
    mask = np.ones(len(frame), dtype=bool)
    for key, value in zip(keys, values, strict=True):
        mask &= (frame[key] == value).to_numpy()
    return mask
