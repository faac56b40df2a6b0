"""Compliance checks of an agreement against data: one pure function per check.

:func:`check` (behind :meth:`cccplan.requirements.Agreement.check`) runs every
check the data passed allow and returns :class:`Finding` records, most serious
first. What each check computes:

=========  ======================================================================
clause     check
=========  ======================================================================
5.4/6.3    :func:`check_cover`: every open interval of a queue has cover in the
           plan (agents > 0, at least the minimum cover) and closed intervals
           none; :func:`check_goals`: the service goals are met in the actuals
           over each SLA window (periods under surplus relief left out)
6.5        :func:`check_notice`: every event notified at least the minimum notice
           (per event type) ahead of its start
6.7        :func:`check_forecast`: submitted with its lead time, at the agreed
           granularity, complete for every open interval of every queue over
           the horizon; :func:`check_accuracy`: forecast error within the
           tolerance at each level; :func:`check_plan_lead`: plan lead time
6.8        :func:`check_kpis`: every KPI from the actuals against its target
6.10       :func:`check_credits`: service credits owed from the credits table;
           :func:`check_relief`: periods of surplus relief;
           :func:`check_minimum_volume`: volume floor
4, 5.2,    :func:`check_dates`: certificate validity, reviews, retention,
5.3, 5.7,  suppression-list refresh, continuity tests overdue on ``today``
5.8, 5.9,
6.6
5.8        :func:`check_calling_windows`: outbound calls only within the window
6.9        :func:`check_surveys`: survey sample sizes
all        :func:`check_attestations`: items data cannot show, due or overdue
=========  ======================================================================

A check whose data are not passed says so with an ``info`` finding (code
``not_checked``), so that nothing is silent.

Frames are long format (see DESIGN.md): ``queue``, ``channel`` (optional when
the queue name is unique), a timezone-aware ``interval_start``, and the
measures of each kind. Periods (day, week, month) are local calendar periods
in the time zone of each queue's opening hours; weeks start on Monday.

Actuals columns used (each optional): ``volume`` (offered), ``service_level``
(share of offered answered within the threshold, or within the response
window for deferred work), ``asa`` (s), ``abandon_rate``, ``occupancy``,
``agents``, the counts ``answered``, ``answered_within``, ``abandoned``,
``short_abandoned``, and reported KPIs by their metric name
(``customer_satisfaction``, ``first_contact_resolution``, ...), plus
``survey_responses``. Rates are aggregated over a period by their natural
weights (service level and abandonment by offered volume, ASA by answered
contacts, occupancy by agents); counts, when present, are summed instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames.hours import OpeningHours
from cccplan.frames.validate import infer_freq, validate_frame
from cccplan.requirements.access import DeferredGoal, ImmediateGoal, OutboundGoal, Queue
from cccplan.requirements.findings import Finding, sort_findings
from cccplan.requirements.relationship import KpiDefinition

if TYPE_CHECKING:
    from cccplan.requirements.agreement import Agreement

__all__ = [
    "check",
    "check_accuracy",
    "check_attestations",
    "check_calling_windows",
    "check_cover",
    "check_credits",
    "check_dates",
    "check_forecast",
    "check_goals",
    "check_kpis",
    "check_minimum_volume",
    "check_notice",
    "check_plan_lead",
    "check_relief",
    "check_surveys",
]

_DAY = 86_400.0
_SHOW = 3
Key = tuple[str, str]


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------


def _with_keys(frame: Any, argument: str, agreement: Agreement) -> pd.DataFrame:
    """A copy with ``queue`` and lower-case ``channel`` columns (channel filled when unique)."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"check: `{argument}` must be a pandas DataFrame; got {type(frame)}")
    if "queue" not in frame.columns:
        raise InputError(
            f"check: `{argument}` has no column 'queue' (columns: {list(frame.columns)})"
        )
    out = frame.copy()
    out["queue"] = out["queue"].astype(str)
    if "channel" not in out.columns:
        channels: dict[str, list[str]] = {}
        for queue in agreement.queues:
            channels.setdefault(queue.name, []).append(queue.channel)
        ambiguous = sorted(q for q, c in channels.items() if len(c) > 1 and q in set(out["queue"]))
        if ambiguous:
            raise InputError(
                f"check: `{argument}` has no column 'channel', and queue {ambiguous[0]!r} is on "
                f"several channels ({', '.join(channels[ambiguous[0]])}); add a channel column"
            )
        out["channel"] = out["queue"].map(lambda q: channels.get(q, ["?"])[0])
    else:
        out["channel"] = out["channel"].astype(str).str.strip().str.lower()
    return out


def _interval_frame(
    frame: Any, argument: str, agreement: Agreement, *, volume: bool
) -> pd.DataFrame:
    out = _with_keys(frame, argument, agreement)
    if volume:
        out = validate_frame(out, argument=argument, allow_nan=True)
    else:
        if "interval_start" not in out.columns:
            raise InputError(
                f"check: `{argument}` has no column 'interval_start' (columns: {list(out.columns)})"
            )
        if not isinstance(out["interval_start"].dtype, pd.DatetimeTZDtype):
            raise InputError(
                f"check: `{argument}`: interval_start must be timezone-aware datetimes, e.g. "
                "`.dt.tz_localize('Europe/Berlin')`"
            )
        out["interval_start"] = out["interval_start"].dt.as_unit("ns")
        out.attrs["freq"] = infer_freq(out, argument=argument).freqstr
    out.attrs.update({k: v for k, v in frame.attrs.items() if k not in out.attrs})
    return out


def _split_known(
    frame: pd.DataFrame, agreement: Agreement, argument: str, clause: str
) -> tuple[pd.DataFrame, list[Finding]]:
    known = {(q.name, q.channel) for q in agreement.queues}
    pairs = list(zip(frame["queue"], frame["channel"], strict=True))
    mask = np.array([p in known for p in pairs], dtype=bool)
    findings: list[Finding] = []
    for queue, channel in sorted({p for p, m in zip(pairs, mask, strict=True) if not m}):
        findings.append(
            Finding(
                clause,
                "warning",
                f"{argument} has queue {queue}/{channel}, which the agreement does not list; "
                "its rows were not checked",
                queue=queue,
                channel=channel,
                code="unknown_queue",
            )
        )
    return frame[mask], findings


def _years(times: pd.Series, extra: int = 0) -> range:
    years = pd.DatetimeIndex(times).year
    return range(int(years.min()) - 1, int(years.max()) + 2 + extra)


def _hours(agreement: Agreement, key: Key, times: pd.Series) -> OpeningHours:
    return agreement.opening_hours_for(key[0], key[1], years=_years(times))


def _local_naive(times: pd.Series | pd.DatetimeIndex, zone: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(times).tz_convert(zone).tz_localize(None)


def _period(times: pd.Series | pd.DatetimeIndex, zone: str, period: str) -> pd.DatetimeIndex:
    """Start of the local calendar period (interval, day, week, month) of each time."""
    index = pd.DatetimeIndex(times)
    if period == "interval":
        return index.tz_convert(zone)
    local = _local_naive(index, zone).normalize()
    if period == "week":
        local = local - pd.to_timedelta(local.day_of_week, unit="D")
    elif period == "month":
        local = local.to_period("M").to_timestamp()
    return local.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")


def _days(seconds: float) -> str:
    days = seconds / _DAY
    if days >= 1:
        return f"{days:.3g} days"
    return f"{seconds / 3600:.3g} hours"


def _when(stamp: pd.Timestamp, period: str = "interval") -> str:
    if period == "interval":
        return str(stamp.strftime("%Y-%m-%d %H:%M"))
    if period == "week":
        return "week of " + str(stamp.strftime("%Y-%m-%d"))
    if period == "month":
        return str(stamp.strftime("%Y-%m"))
    return str(stamp.strftime("%Y-%m-%d"))


def _listing(stamps: Iterable[pd.Timestamp], period: str = "interval") -> str:
    items = sorted(stamps)
    shown = ", ".join(_when(s, period) for s in items[:_SHOW])
    more = len(items) - _SHOW
    return shown + (f" and {more} more" if more > 0 else "")


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _zone_of(agreement: Agreement, key: Key) -> str:
    access = agreement.access_strategy.channel(key[1])
    return access.timezone if access is not None else agreement.zone


def _submitted(frame: pd.DataFrame, key: Key, zone: str) -> pd.Timestamp | None:
    """When a forecast or plan was submitted: ``submitted_at`` column or attribute."""
    value: Any = None
    if "submitted_at" in frame.columns:
        rows = frame[(frame["queue"] == key[0]) & (frame["channel"] == key[1])]
        stamps = pd.to_datetime(rows["submitted_at"], errors="coerce").dropna()
        if len(stamps):
            value = stamps.min()
    if value is None:
        value = frame.attrs.get("submitted_at")
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    return stamp.tz_localize(zone) if stamp.tz is None else stamp


def _aware(value: Any, zone: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return stamp
    return stamp.tz_localize(zone) if stamp.tz is None else stamp


# ---------------------------------------------------------------------------
# 5.4 / 6.3: cover in the plan, goals in the actuals
# ---------------------------------------------------------------------------


def check_cover(agreement: Agreement, plan: pd.DataFrame) -> list[Finding]:
    """Every open interval has cover in the plan, closed intervals none (5.4/6.3).

    Cover is ``agents`` (net productive agents), else ``scheduled`` (heads).
    An open interval without a plan row, or with cover below the queue's
    minimum cover (at least one agent), is an error; cover in a closed
    interval is a warning (cost without service). The span checked is the
    plan's local dates, first to last.
    """
    column = "agents" if "agents" in plan.columns else "scheduled"
    if column not in plan.columns:
        raise InputError(
            "check: `plan` needs a column 'agents' (net productive agents) or 'scheduled' "
            f"(heads); columns: {list(plan.columns)}"
        )
    freq = plan.attrs["freq"]
    length_h = pd.Timedelta(pd.tseries.frequencies.to_offset(freq)).total_seconds() / 3600
    findings: list[Finding] = []
    zone = agreement.zone
    first = _local_naive(plan["interval_start"], zone).min().normalize()
    last = _local_naive(plan["interval_start"], zone).max().normalize() + pd.Timedelta(days=1)
    for queue in agreement.queues:
        key = (queue.name, queue.channel)
        rows = plan[(plan["queue"] == queue.name) & (plan["channel"] == queue.channel)]
        hours = _hours(agreement, key, plan["interval_start"])
        grid = hours.open_intervals(first.date(), last.date(), freq=freq)
        cover = pd.Series(
            pd.to_numeric(rows[column], errors="coerce").fillna(0.0).to_numpy(),
            index=pd.DatetimeIndex(rows["interval_start"]).tz_convert(hours.tz),
        )
        cover = cover.groupby(level=0).sum()
        minimum = agreement.targets_for(queue.name, queue.channel).min_agents
        planned = cover.reindex(grid).fillna(0.0)
        short = planned[(planned <= 0) | (planned < minimum - 1e-9)]
        if len(rows) == 0 and len(grid):
            findings.append(
                Finding(
                    "5.4",
                    "error",
                    f"the plan has no rows for {queue.name}/{queue.channel}: {len(grid)} open "
                    "intervals without cover",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(grid),
                    value=0.0,
                    limit=minimum if minimum > 0 else 1.0,
                    impact=len(grid) * length_h,
                    code="no_cover",
                )
            )
        elif len(short):
            none = short[short <= 0]
            floor = "cover" if minimum <= 0 else f"the minimum cover of {minimum:g} agents"
            findings.append(
                Finding(
                    "5.4",
                    "error",
                    f"{queue.name}/{queue.channel}: {len(short)} open intervals below {floor} "
                    f"({len(none)} with none): {_listing(short.index)}",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(short.index),
                    value=float(short.min()),
                    limit=minimum if minimum > 0 else 1.0,
                    impact=float(
                        ((minimum if minimum > 0 else 1.0) - short).clip(lower=0).sum() * length_h
                    ),
                    code="no_cover",
                )
            )
        staffed = cover[cover > 0]
        closed = staffed[~hours.is_open(staffed.index, freq=freq)] if len(staffed) else staffed
        if len(closed):
            findings.append(
                Finding(
                    "5.4",
                    "warning",
                    f"{queue.name}/{queue.channel}: agents planned in {len(closed)} closed "
                    f"intervals ({float(closed.sum()) * length_h:g} agent-hours): "
                    f"{_listing(closed.index)}",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(closed.index),
                    value=float(closed.max()),
                    limit=0.0,
                    impact=float(closed.sum()) * length_h,
                    code="staffed_while_closed",
                )
            )
    return findings


def _col(rows: pd.DataFrame, name: str) -> pd.Series | None:
    if name in rows.columns:
        return pd.to_numeric(rows[name], errors="coerce")
    return None


def _ratio(numerator: pd.Series, denominator: pd.Series, periods: pd.DatetimeIndex) -> pd.Series:
    frame = pd.DataFrame(
        {"n": numerator.to_numpy(dtype=float), "d": denominator.to_numpy(dtype=float)},
        index=periods,
    ).dropna()
    sums = frame.groupby(level=0).sum()
    sums = sums[sums["d"] > 0]
    return sums["n"] / sums["d"]


def _metric(  # noqa: PLR0911
    rows: pd.DataFrame,
    metric: str,
    variant: str,
    periods: pd.DatetimeIndex,
    forecast: pd.DataFrame | None = None,
) -> pd.Series | str:
    """A metric per period from actuals rows, or the text of what is missing."""
    volume = _col(rows, "volume")
    assert volume is not None
    abandon_rate = _col(rows, "abandon_rate")
    abandoned = _col(rows, "abandoned")
    if abandoned is None and abandon_rate is not None:
        abandoned = abandon_rate * volume
    answered = _col(rows, "answered")
    if answered is None and abandoned is not None:
        answered = volume - abandoned
    short = _col(rows, "short_abandoned")
    if metric in ("service_level", "response_within_window"):
        within = _col(rows, "answered_within")
        level = _col(rows, "service_level")
        if within is None and level is not None:
            within = level * volume
        if within is None:
            return "a 'service_level' or 'answered_within' column"
        if variant == "answered":
            if answered is None:
                return "an 'answered', 'abandoned' or 'abandon_rate' column"
            return _ratio(within, answered, periods)
        if variant == "offered_less_short_abandons":
            if short is None:
                return "a 'short_abandoned' column"
            return _ratio(within, volume - short, periods)
        return _ratio(within, volume, periods)
    if metric == "abandon_rate":
        if abandoned is None:
            return "an 'abandon_rate' or 'abandoned' column"
        if variant == "offered_less_short_abandons":
            if short is None:
                return "a 'short_abandoned' column"
            return _ratio(abandoned - short, volume - short, periods)
        return _ratio(abandoned, volume, periods)
    if metric == "asa":
        asa = _col(rows, "asa")
        if asa is None:
            return "an 'asa' column"
        weight = answered if answered is not None else volume
        return _ratio(asa * weight, weight, periods)
    if metric == "occupancy":
        occupancy = _col(rows, "occupancy")
        if occupancy is None:
            return "an 'occupancy' column"
        agents = _col(rows, "agents")
        weight = agents if agents is not None else occupancy * 0 + 1.0
        return _ratio(occupancy * weight, weight, periods)
    if metric == "aht":
        aht = _col(rows, "aht")
        if aht is None:
            return "an 'aht' column"
        return _ratio(aht * volume, volume.where(aht.notna()), periods)
    if metric == "forecast_error":
        if forecast is None:
            return "a forecast"
        merged = rows[["queue", "channel", "interval_start", "volume"]].merge(
            forecast[["queue", "channel", "interval_start", "volume"]],
            on=["queue", "channel", "interval_start"],
            suffixes=("", "_forecast"),
            how="left",
        )
        actual = merged["volume"].astype(float)
        predicted = merged["volume_forecast"].astype(float)
        frame = pd.DataFrame(
            {"a": actual.to_numpy(), "f": predicted.to_numpy()}, index=periods
        ).dropna()
        sums = frame.groupby(level=0).sum()
        base = sums["a"] if variant == "over_actual" else sums["f"]
        sums = sums[base > 0]
        base = base[base > 0]
        return (sums["f"] - sums["a"]).abs() / base
    reported = _col(rows, metric)
    if reported is None:
        return f"a '{metric}' column"
    weight = volume.where(volume > 0, 1.0)
    return _ratio(reported * weight, weight.where(reported.notna()), periods)


def _relieved(
    agreement: Agreement, actuals: pd.DataFrame, forecast: pd.DataFrame | None
) -> pd.Series:
    """Rows of the actuals under surplus relief (6.10), as a boolean Series."""
    terms = agreement.service_terms
    mask = pd.Series(False, index=actuals.index)
    if forecast is None or not terms.surplus_relief or terms.variance_band is None:
        return mask
    merged = actuals[["queue", "channel", "interval_start", "volume"]].merge(
        forecast[["queue", "channel", "interval_start", "volume"]],
        on=["queue", "channel", "interval_start"],
        suffixes=("", "_forecast"),
        how="left",
    )
    merged.index = actuals.index
    for key, rows in merged.groupby(["queue", "channel"], sort=False):
        zone = _zone_of(agreement, (str(key[0]), str(key[1])))
        periods = _period(rows["interval_start"], zone, terms.variance_level)
        sums = (
            rows[["volume", "volume_forecast"]].set_axis(periods).groupby(level=0).sum(min_count=1)
        )
        over = sums["volume"] > sums["volume_forecast"] * (1 + terms.variance_band)
        relieved = set(sums.index[over.fillna(False).to_numpy(dtype=bool)])
        mask.loc[rows.index] = [p in relieved for p in periods]
    return mask


def check_goals(
    agreement: Agreement, actuals: pd.DataFrame, forecast: pd.DataFrame | None = None
) -> list[Finding]:
    """The service goals of each queue met in the actuals, per SLA window (5.4/6.3).

    Immediate goals: service level (over offered or answered, as agreed), ASA,
    abandonment and occupancy bounds; deferred goals: the share within the
    response window (``service_level`` column); outbound goals: abandonment.
    Periods are the 6.10 ``sla_window``; intervals under surplus relief (when
    agreed and a forecast is given) are left out of the service measures.
    """
    window = agreement.service_terms.sla_window
    relieved = _relieved(agreement, actuals, forecast)
    findings: list[Finding] = []
    for queue in agreement.queues:
        selected = (actuals["queue"] == queue.name) & (actuals["channel"] == queue.channel)
        rows = actuals[selected]
        if rows.empty:
            continue
        zone = _zone_of(agreement, (queue.name, queue.channel))
        served = rows[~relieved[selected]]
        goal = agreement.goal_for(queue.name, queue.channel)
        checks: list[tuple[str, str, float, str, str]] = []  # metric, variant, limit, op, label
        if isinstance(goal, ImmediateGoal):
            if goal.service_level is not None and goal.threshold is not None:
                checks.append(
                    (
                        "service_level",
                        goal.sl_basis,
                        goal.service_level,
                        ">=",
                        f"service level (answered in {goal.threshold:g} s)",
                    )
                )
            if goal.asa is not None:
                checks.append(("asa", "answered", goal.asa, "<=", "ASA (s)"))
            if goal.max_abandon is not None:
                checks.append(("abandon_rate", "offered", goal.max_abandon, "<=", "abandonment"))
            if goal.max_occupancy is not None:
                checks.append(
                    ("occupancy", "busy_over_available", goal.max_occupancy, "<=", "occupancy")
                )
            if goal.min_occupancy is not None:
                checks.append(
                    ("occupancy", "busy_over_available", goal.min_occupancy, ">=", "occupancy")
                )
        elif isinstance(goal, DeferredGoal):
            checks.append(
                (
                    "response_within_window",
                    "offered",
                    goal.share_within,
                    ">=",
                    f"share handled within {_days(goal.response_window)}",
                )
            )
        elif isinstance(goal, OutboundGoal) and goal.max_abandon is not None:
            checks.append(
                ("abandon_rate", "offered", goal.max_abandon, "<=", "dialler abandonment")
            )
        for metric, variant, limit, op, label in checks:
            source = rows if metric == "occupancy" else served
            if source.empty:
                continue
            values = _metric(
                source, metric, variant, _period(source["interval_start"], zone, window)
            )
            if isinstance(values, str):
                findings.append(
                    Finding(
                        "5.4",
                        "warning",
                        f"{queue.name}/{queue.channel}: {label} not verifiable: the actuals "
                        f"lack {values}",
                        queue=queue.name,
                        channel=queue.channel,
                        code="goal_unverifiable",
                    )
                )
                continue
            missed = (
                values[values < limit - 1e-12] if op == ">=" else values[values > limit + 1e-12]
            )
            if missed.empty:
                continue
            worst = float(missed.min() if op == ">=" else missed.max())
            shown = (lambda v: f"{v:.1f}") if metric == "asa" else _pct
            findings.append(
                Finding(
                    "5.4",
                    "error",
                    f"{queue.name}/{queue.channel}: {label} missed in {len(missed)} of "
                    f"{len(values)} {window}s (worst {shown(worst)}, goal {op} {shown(limit)}): "
                    f"{_listing(missed.index, window)}",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(missed.index),
                    value=worst,
                    limit=limit,
                    impact=float(abs(worst - limit)) * (1.0 if metric == "asa" else 100.0),
                    code="goal_missed",
                )
            )
    return findings


# ---------------------------------------------------------------------------
# 6.5: notice of events
# ---------------------------------------------------------------------------


def _event_rows(agreement: Agreement, events: pd.DataFrame | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    zone = agreement.zone
    communication = agreement.communication
    if communication is not None:
        for event in communication.events:
            rows.append(
                {
                    "queue": event.queue,
                    "channel": ", ".join(event.channels) or None,
                    "type": event.type,
                    "description": event.description,
                    "start": _aware(event.start, zone),
                    "notified_at": _aware(event.notified_at, zone),
                    "uplift": event.expected_uplift,
                }
            )
    if events is not None:
        if not isinstance(events, pd.DataFrame):
            raise InputError(f"check: `events` must be a pandas DataFrame; got {type(events)}")
        missing = [c for c in ("start", "notified_at") if c not in events.columns]
        if missing:
            raise InputError(
                f"check: `events` lacks column(s) {missing} (columns: {list(events.columns)}); "
                "an events calendar has queue, channel, start, end, uplift, notified_at"
            )
        for record in events.to_dict("records"):
            uplift = record.get("uplift")
            if (uplift is None or pd.isna(uplift)) and record.get("multiplier") is not None:
                uplift = float(record["multiplier"]) - 1.0
            channel = record.get("channel")
            rows.append(
                {
                    "queue": record.get("queue"),
                    "channel": None if channel is None or pd.isna(channel) else str(channel),
                    "type": record.get("type"),
                    "description": record.get("description"),
                    "start": _aware(record["start"], zone),
                    "notified_at": _aware(record["notified_at"], zone),
                    "uplift": None if uplift is None or pd.isna(uplift) else float(uplift),
                }
            )
    return rows


def check_notice(agreement: Agreement, events: pd.DataFrame | None = None) -> list[Finding]:
    """Every event notified at least the minimum notice ahead of its start (6.5).

    Events are the agreement's own calendar (``communication.events``) and the
    ``events`` frame. The notice required is the event type's
    (``notice_by_type``), else ``minimum_notice``; events whose expected
    uplift is below ``material_uplift`` in size need none. A late notice is
    an error; an event without ``notified_at`` a warning.
    """
    communication = agreement.communication
    if communication is None:
        return []
    findings: list[Finding] = []
    for event in _event_rows(agreement, events):
        what = event["description"] or event["type"] or "event"
        queue = None if event["queue"] is None or pd.isna(event["queue"]) else str(event["queue"])
        uplift = event["uplift"]
        material = communication.material_uplift
        if material is not None and uplift is not None and abs(uplift) < material:
            continue
        required = communication.notice_for(event["type"])
        start, notified = event["start"], event["notified_at"]
        if pd.isna(notified):
            findings.append(
                Finding(
                    "6.5",
                    "warning",
                    f"{what} starting {_when(start, 'day')}: no notification time recorded, "
                    "notice not verifiable",
                    queue=queue,
                    intervals=(start,),
                    code="notice_unverifiable",
                )
            )
            continue
        lead = (start - notified).total_seconds()
        if lead < required:
            findings.append(
                Finding(
                    "6.5",
                    "error",
                    f"{what} starting {_when(start, 'day')} was notified "
                    f"{_days(max(lead, 0.0))} ahead; the agreement asks for {_days(required)}",
                    queue=queue,
                    channel=event["channel"],
                    intervals=(start,),
                    value=lead / _DAY,
                    limit=required / _DAY,
                    impact=(required - lead) / _DAY,
                    code="late_notice",
                )
            )
    return findings


# ---------------------------------------------------------------------------
# 6.7: forecast and plan
# ---------------------------------------------------------------------------


def check_forecast(agreement: Agreement, forecast: pd.DataFrame) -> list[Finding]:
    """The forecast: lead time, granularity, AHT, completeness over the horizon (6.7).

    The horizon starts at the local midnight of the forecast's first interval
    (per queue) and runs for ``horizon``; every open interval of every queue
    in it needs a forecast volume (NaN counts as missing). Lead time: the
    first interval is at least ``forecast_lead_time`` after ``submitted_at``
    (a column, or ``forecast.attrs["submitted_at"]``).
    """
    planning = agreement.forecasting
    findings: list[Finding] = []
    freq = forecast.attrs.get("freq")
    if freq is not None and freq != planning.granularity:
        findings.append(
            Finding(
                "6.7",
                "error",
                f"the forecast is at {freq} intervals; the agreement asks for "
                f"{planning.granularity}",
                code="forecast_granularity",
            )
        )
    if "aht" in planning.forecast_includes and "aht" not in forecast.columns:
        findings.append(
            Finding(
                "6.7",
                "error",
                "the forecast has no handle times (aht), which the agreement asks for",
                code="forecast_incomplete",
            )
        )
    starts = forecast["interval_start"]
    for queue in agreement.queues:
        key = (queue.name, queue.channel)
        hours = _hours(agreement, key, starts)
        rows = forecast[(forecast["queue"] == queue.name) & (forecast["channel"] == queue.channel)]
        first = _local_naive(starts, hours.tz).min().normalize()
        last = first + pd.Timedelta(seconds=planning.horizon)
        grid = hours.open_intervals(first, last, freq=planning.granularity)
        present = pd.DatetimeIndex(rows.loc[rows["volume"].notna(), "interval_start"])
        missing = grid.difference(present.tz_convert(hours.tz))
        if len(missing):
            findings.append(
                Finding(
                    "6.7",
                    "error",
                    f"{queue.name}/{queue.channel}: the forecast misses {len(missing)} of "
                    f"{len(grid)} open intervals over the {_days(planning.horizon)} horizon: "
                    f"{_listing(missing)}",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(missing),
                    value=float(len(grid) - len(missing)),
                    limit=float(len(grid)),
                    impact=float(len(missing)),
                    code="forecast_incomplete",
                )
            )
        if rows.empty:
            continue
        submitted = _submitted(forecast, key, hours.tz)
        first_interval = pd.Timestamp(rows["interval_start"].min())
        findings.extend(
            _lead_findings("forecast", key, submitted, first_interval, planning.forecast_lead_time)
        )
    return findings


def _lead_findings(
    what: str,
    key: tuple[str, str],
    submitted: pd.Timestamp | None,
    first_interval: pd.Timestamp,
    lead_time: float,
) -> list[Finding]:
    """6.7: a forecast or plan submitted at least *lead_time* seconds ahead of its start."""
    label = f"{key[0]}/{key[1]}"
    if submitted is None:
        return [
            Finding(
                "6.7",
                "warning",
                f"{label}: the {what} has no submitted_at (column or attrs): its lead time "
                "cannot be verified",
                queue=key[0],
                channel=key[1],
                code="lead_unverifiable",
            )
        ]
    lead = (first_interval - submitted).total_seconds()
    if lead >= lead_time:
        return []
    return [
        Finding(
            "6.7",
            "error",
            f"{label}: {what} submitted {_days(max(lead, 0))} before its first interval "
            f"({_when(first_interval)}); the agreement asks for {_days(lead_time)}",
            queue=key[0],
            channel=key[1],
            intervals=(first_interval,),
            value=lead / _DAY,
            limit=lead_time / _DAY,
            impact=(lead_time - lead) / _DAY,
            code=f"{what}_late",
        )
    ]


def check_plan_lead(agreement: Agreement, plan: pd.DataFrame) -> list[Finding]:
    """The CCC's plan submitted at least ``plan_lead_time`` before its first interval (6.7)."""
    planning = agreement.forecasting
    findings: list[Finding] = []
    for (queue, channel), rows in plan.groupby(["queue", "channel"], sort=True):
        key = (str(queue), str(channel))
        zone = _zone_of(agreement, key)
        submitted = _submitted(plan, key, zone)
        first_interval = pd.Timestamp(rows["interval_start"].min())
        findings.extend(
            _lead_findings("plan", key, submitted, first_interval, planning.plan_lead_time)
        )
    return findings


def check_accuracy(
    agreement: Agreement, forecast: pd.DataFrame, actuals: pd.DataFrame
) -> list[Finding]:
    """Forecast error within the tolerance at each agreed level (6.7).

    At each level of ``accuracy_tolerance`` (interval, day, week), forecast
    and actual volume are summed over the intervals present in both, and the
    error of a period is ``|forecast - actual| / denominator`` with the
    denominator the actual or the forecast (``accuracy_denominator``).
    Periods whose denominator is zero or below ``accuracy_min_volume`` are
    not judged. Periods above the tolerance are errors, one finding per queue
    and level.
    """
    planning = agreement.forecasting
    if not planning.accuracy_tolerance:
        return []
    merged = actuals[["queue", "channel", "interval_start", "volume"]].merge(
        forecast[["queue", "channel", "interval_start", "volume"]],
        on=["queue", "channel", "interval_start"],
        suffixes=("_actual", "_forecast"),
    )
    merged = merged.dropna(subset=["volume_actual", "volume_forecast"])
    findings: list[Finding] = []
    for (queue, channel), rows in merged.groupby(["queue", "channel"], sort=True):
        zone = _zone_of(agreement, (str(queue), str(channel)))
        for level, tolerance in planning.accuracy_tolerance.items():
            periods = _period(rows["interval_start"], zone, level)
            sums = (
                rows[["volume_actual", "volume_forecast"]].set_axis(periods).groupby(level=0).sum()
            )
            base = sums[f"volume_{planning.accuracy_denominator}"]
            judged = (base > 0) & (base >= planning.accuracy_min_volume)
            sums, base = sums[judged], base[judged]
            error = (sums["volume_forecast"] - sums["volume_actual"]).abs() / base
            over = error[error > tolerance + 1e-12]
            if over.empty:
                continue
            worst = float(over.max())
            findings.append(
                Finding(
                    "6.7",
                    "error",
                    f"{queue}/{channel}: forecast error above {_pct(tolerance)} in {len(over)} "
                    f"of {len(error)} {level}s (worst {_pct(worst)} at "
                    f"{_when(over.idxmax(), level)}, error over the "
                    f"{planning.accuracy_denominator}): {_listing(over.index, level)}",
                    queue=str(queue),
                    channel=str(channel),
                    intervals=tuple(over.index),
                    value=worst,
                    limit=tolerance,
                    impact=100 * (worst - tolerance),
                    code="forecast_accuracy",
                )
            )
    return findings


# ---------------------------------------------------------------------------
# 6.8 KPIs, 6.10 terms
# ---------------------------------------------------------------------------


def _kpi_queues(agreement: Agreement, kpi: KpiDefinition) -> list[Queue]:
    return [
        q
        for q in agreement.queues
        if (kpi.queue is None or q.name == kpi.queue)
        and (kpi.channel is None or q.channel == kpi.channel)
    ]


def _kpi_values(
    agreement: Agreement,
    kpi: KpiDefinition,
    *,
    queue: Queue,
    actuals: pd.DataFrame,
    forecast: pd.DataFrame | None,
    relieved: pd.Series,
    period: str,
) -> pd.Series | str | None:
    selected = (actuals["queue"] == queue.name) & (actuals["channel"] == queue.channel)
    if "surplus_relief" in kpi.exclusions:
        selected &= ~relieved
    rows = actuals[selected]
    if rows.empty:
        return None
    zone = _zone_of(agreement, (queue.name, queue.channel))
    if "closed_intervals" in kpi.exclusions:
        hours = _hours(agreement, (queue.name, queue.channel), rows["interval_start"])
        freq = actuals.attrs.get("freq", agreement.forecasting.granularity)
        rows = rows[hours.is_open(rows["interval_start"], freq=freq)]
        if rows.empty:
            return None
    variant = kpi.variant
    metric: str = kpi.metric
    if metric == "forecast_error":
        variant = "over_actual" if variant == "over_actual" else "over_forecast"
    return _metric(rows, metric, variant, _period(rows["interval_start"], zone, period), forecast)


def check_kpis(
    agreement: Agreement, actuals: pd.DataFrame, forecast: pd.DataFrame | None = None
) -> list[Finding]:
    """Every KPI of clause 6.8 computed from the actuals against its target.

    Each KPI applies to each queue it selects (by ``queue`` and ``channel``),
    per ``period``; a period that misses the target is an error. A KPI the
    actuals cannot give (a survey score without its column) is an ``info``
    finding: the CCC reports it.
    """
    monitoring = agreement.monitoring
    if monitoring is None:
        return []
    relieved = _relieved(agreement, actuals, forecast)
    findings: list[Finding] = []
    for kpi in monitoring.kpis:
        for queue in _kpi_queues(agreement, kpi):
            values = _kpi_values(
                agreement,
                kpi,
                queue=queue,
                actuals=actuals,
                forecast=forecast,
                relieved=relieved,
                period=kpi.period,
            )
            if values is None:
                continue
            if isinstance(values, str):
                findings.append(
                    Finding(
                        "6.8",
                        "info",
                        f"KPI {kpi.name} ({kpi.metric}) for {queue.name}/{queue.channel} cannot "
                        f"be computed: the actuals lack {values}; the CCC reports it",
                        queue=queue.name,
                        channel=queue.channel,
                        code="kpi_not_computable",
                    )
                )
                continue
            met = values.map(kpi.met)
            missed = values[~met.astype(bool)]
            if missed.empty:
                continue
            low = kpi.comparator in (">=", ">")
            worst = float(missed.min() if low else missed.max())
            findings.append(
                Finding(
                    "6.8",
                    "error",
                    f"KPI {kpi.name} for {queue.name}/{queue.channel}: missed in {len(missed)} "
                    f"of {len(values)} {kpi.period}s (worst {worst:.4g}, target "
                    f"{kpi.comparator} {kpi.target:g}): {_listing(missed.index, kpi.period)}",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(missed.index),
                    value=worst,
                    limit=kpi.target,
                    impact=abs(worst - kpi.target),
                    code="kpi_missed",
                )
            )
    return findings


def check_credits(
    agreement: Agreement, actuals: pd.DataFrame, forecast: pd.DataFrame | None = None
) -> list[Finding]:
    """Service credits owed from the credits table (6.10).

    Each KPI named in the table is measured per SLA window for each queue it
    applies to; a miss of at least a band's ``shortfall_from`` earns that
    band's credit (the highest band reached). Credits add up per calendar
    month, up to ``cap``; one finding per month, as a share of the monthly fee
    and, when the fee is given, as an amount.
    """
    credits = agreement.service_terms.service_credits
    monitoring = agreement.monitoring
    if credits is None or monitoring is None:
        return []
    window = agreement.service_terms.sla_window
    relieved = _relieved(agreement, actuals, forecast)
    owed: dict[pd.Timestamp, list[tuple[float, str, pd.Timestamp, str]]] = {}
    for name in dict.fromkeys(band.kpi for band in credits.bands):
        kpi = monitoring.kpi(name)
        assert kpi is not None  # checked at validation
        bands = sorted((b for b in credits.bands if b.kpi == name), key=lambda b: b.shortfall_from)
        for queue in _kpi_queues(agreement, kpi):
            values = _kpi_values(
                agreement,
                kpi,
                queue=queue,
                actuals=actuals,
                forecast=forecast,
                relieved=relieved,
                period=window,
            )
            if values is None or isinstance(values, str):
                continue
            zone = _zone_of(agreement, (queue.name, queue.channel))
            for start, value in values.items():
                if kpi.met(float(value)):
                    continue
                shortfall = abs(float(value) - kpi.target)
                reached = [b for b in bands if shortfall >= b.shortfall_from - 1e-12]
                if not reached:
                    continue
                stamp = pd.Timestamp(start)
                month = _period(pd.DatetimeIndex([stamp]), zone, "month")[0]
                owed.setdefault(month, []).append(
                    (reached[-1].credit, name, stamp, f"{queue.name}/{queue.channel}")
                )
    findings: list[Finding] = []
    for month, items in sorted(owed.items()):
        total = sum(credit for credit, *_ in items)
        capped = min(total, credits.cap)
        parts = "; ".join(
            f"{kpi} {where} {_when(stamp, window)}: {_pct(credit)}"
            for credit, kpi, stamp, where in items[:_SHOW]
        )
        more = f" and {len(items) - _SHOW} more" if len(items) > _SHOW else ""
        amount = ""
        value = capped
        if credits.monthly_fee is not None:
            value = capped * credits.monthly_fee
            amount = f" = {value:,.2f} {credits.currency}"
        cap = f" (capped at {_pct(credits.cap)})" if total > credits.cap else ""
        findings.append(
            Finding(
                "6.10",
                "warning",
                f"service credits owed for {month.strftime('%Y-%m')}: {_pct(capped)} of the "
                f"monthly fee{amount}{cap} ({parts}{more})",
                intervals=tuple(stamp for *_, stamp, _ in items),
                value=value,
                limit=credits.cap if credits.monthly_fee is None else None,
                impact=value,
                code="service_credit",
            )
        )
    return findings


def check_relief(
    agreement: Agreement, actuals: pd.DataFrame, forecast: pd.DataFrame
) -> list[Finding]:
    """Periods where volume exceeded the forecast beyond the variance band (6.10)."""
    terms = agreement.service_terms
    if not terms.surplus_relief or terms.variance_band is None:
        return []
    relieved = _relieved(agreement, actuals, forecast)
    findings: list[Finding] = []
    for (queue, channel), rows in actuals[relieved].groupby(["queue", "channel"], sort=True):
        zone = _zone_of(agreement, (str(queue), str(channel)))
        periods = sorted(set(_period(rows["interval_start"], zone, terms.variance_level)))
        findings.append(
            Finding(
                "6.10",
                "info",
                f"{queue}/{channel}: volume above the forecast by more than "
                f"{_pct(terms.variance_band)} in {len(periods)} {terms.variance_level}s: the CCC "
                "is released from the service level there "
                f"({_listing(periods, terms.variance_level)})",
                queue=str(queue),
                channel=str(channel),
                intervals=tuple(periods),
                limit=terms.variance_band,
                code="surplus_relief",
            )
        )
    return findings


def check_minimum_volume(agreement: Agreement, actuals: pd.DataFrame) -> list[Finding]:
    """Periods whose volume stayed below the agreed minimum volume (6.10)."""
    floor = agreement.service_terms.minimum_volume
    if floor is None:
        return []
    rows = actuals if floor.queue is None else actuals[actuals["queue"] == floor.queue]
    if rows.empty:
        return []
    periods = _period(rows["interval_start"], agreement.zone, floor.period)
    totals = rows["volume"].astype(float).set_axis(periods).groupby(level=0).sum()
    # Only periods the actuals cover from their first to their last day are judged.
    days = _local_naive(rows["interval_start"], agreement.zone).normalize()
    first, last = days.min(), days.max() + pd.Timedelta(days=1)
    naive = totals.index.tz_localize(None)
    ends = (
        (naive + pd.DateOffset(months=1))
        if floor.period == "month"
        else (naive + pd.Timedelta(days=7 if floor.period == "week" else 1))
    )
    totals = totals[(naive >= first) & (ends <= last)]
    below = totals[totals < floor.volume]
    if below.empty:
        return []
    where = floor.queue or "all queues"
    return [
        Finding(
            "6.10",
            "info",
            f"{where}: volume below the minimum of {floor.volume:g} per {floor.period} in "
            f"{len(below)} {floor.period}s (lowest {float(below.min()):g}): the minimum is "
            f"billed ({_listing(below.index, floor.period)})",
            queue=floor.queue,
            intervals=tuple(below.index),
            value=float(below.min()),
            limit=floor.volume,
            code="minimum_volume",
        )
    ]


# ---------------------------------------------------------------------------
# Dates: reviews, retention, certificates
# ---------------------------------------------------------------------------


def check_dates(agreement: Agreement, today: dt.date) -> list[Finding]:
    """Reviews, retention, refreshes and certificates overdue on ``today``.

    4: the ISO 18295-1 certificate has expired (error) or expires within 90
    days (info); 5.2: customer needs review overdue; 5.3/6.2: strategy review
    overdue; 5.7: vulnerable-customer policy review overdue; 5.8: suppression
    list not refreshed; 5.9: data review overdue, records held beyond their
    retention (error); 6.6: continuity plan test overdue.
    """
    findings: list[Finding] = []

    def overdue(clause: str, due: dt.date, what: str, code: str = "review_overdue") -> None:
        if due < today:
            findings.append(
                Finding(
                    clause,
                    "warning",
                    f"{what} was due on {due.isoformat()} ({(today - due).days} days ago)",
                    value=float((today - due).days),
                    limit=0.0,
                    impact=float((today - due).days),
                    code=code,
                )
            )

    def after(day: dt.date, seconds: float) -> dt.date:
        return day + dt.timedelta(seconds=seconds)

    provision = agreement.service_provision
    if provision is not None and provision.ccc_conformity.valid_until is not None:
        until = provision.ccc_conformity.valid_until
        if until < today:
            findings.append(
                Finding(
                    "4",
                    "error",
                    f"the CCC's ISO 18295-1 certificate expired on {until.isoformat()}",
                    value=float((today - until).days),
                    limit=0.0,
                    code="certificate_expired",
                )
            )
        elif (until - today).days <= 90:
            findings.append(
                Finding(
                    "4",
                    "info",
                    f"the CCC's ISO 18295-1 certificate expires on {until.isoformat()} "
                    f"(in {(until - today).days} days)",
                    code="certificate_expiring",
                )
            )
    needs = agreement.customer_needs
    if needs is not None:
        overdue("5.2", needs.next_review, "the review of customer needs")
        newest = max(e.collected for e in needs.evidence)
        if after(newest, needs.review_period) < today:
            findings.append(
                Finding(
                    "5.2",
                    "info",
                    f"the newest evidence of customer needs is from {newest.isoformat()}, older "
                    "than the review period",
                    code="evidence_old",
                )
            )
    strategy = agreement.experience_strategy
    if strategy is not None:
        overdue("5.3", strategy.next_review, "the review of the customer experience strategy")
    protection = agreement.customer_protection
    if protection is not None:
        policy = protection.vulnerable_customer_policy
        if policy.approved is not None and policy.review_period is not None:
            overdue(
                "5.7",
                after(policy.approved, policy.review_period),
                f"the review of the policy '{policy.name}'",
            )
    ethics = agreement.ethics
    if ethics is not None:
        for suppression in ethics.suppression_lists:
            if suppression.last_refreshed is None:
                findings.append(
                    Finding(
                        "5.8",
                        "warning",
                        f"suppression list '{suppression.name}' has no refresh date",
                        code="suppression_overdue",
                    )
                )
            else:
                overdue(
                    "5.8",
                    after(suppression.last_refreshed, suppression.refresh_every),
                    f"the refresh of suppression list '{suppression.name}'",
                    "suppression_overdue",
                )
    data = agreement.customer_data
    if data is not None:
        if data.last_reviewed is not None and data.review_period is not None:
            overdue(
                "5.9", after(data.last_reviewed, data.review_period), "the customer-data review"
            )
        for retention in data.retention:
            if retention.oldest_held is None:
                continue
            age = (today - retention.oldest_held).days
            limit = retention.period / _DAY
            if age > limit:
                findings.append(
                    Finding(
                        "5.9",
                        "error",
                        f"{retention.record_type}: records from "
                        f"{retention.oldest_held.isoformat()} are still held ({age} days), "
                        f"beyond the retention of {limit:g} days",
                        value=float(age),
                        limit=limit,
                        impact=age - limit,
                        code="retention_overdue",
                    )
                )
    operations = agreement.operations
    if operations is not None and operations.business_continuity is not None:
        continuity = operations.business_continuity
        if continuity.tested is None:
            findings.append(
                Finding(
                    "6.6",
                    "warning",
                    f"the continuity plan '{continuity.plan}' has never been tested",
                    code="continuity_test_overdue",
                )
            )
        else:
            overdue(
                "6.6",
                after(continuity.tested, continuity.test_every),
                f"the test of the continuity plan '{continuity.plan}'",
                "continuity_test_overdue",
            )
    return findings


# ---------------------------------------------------------------------------
# 5.8 calling windows, 6.9 surveys
# ---------------------------------------------------------------------------


def check_calling_windows(agreement: Agreement, actuals: pd.DataFrame) -> list[Finding]:
    """Outbound calls placed only within the jurisdiction's calling window (5.8)."""
    ethics = agreement.ethics
    if ethics is None or not ethics.calling_windows:
        return []
    findings: list[Finding] = []
    freq = actuals.attrs.get("freq", agreement.forecasting.granularity)
    for queue in agreement.queues:
        goal = agreement.goal_for(queue.name, queue.channel)
        if not isinstance(goal, OutboundGoal):
            continue
        if goal.jurisdiction is not None:
            window = next(w for w in ethics.calling_windows if w.jurisdiction == goal.jurisdiction)
        elif len(ethics.calling_windows) == 1:
            window = ethics.calling_windows[0]
        else:
            continue
        rows = actuals[
            (actuals["queue"] == queue.name)
            & (actuals["channel"] == queue.channel)
            & (actuals["volume"] > 0)
        ]
        if rows.empty:
            continue
        hours = OpeningHours.model_validate({"tz": window.timezone, "weekly": dict(window.hours)})
        if window.holidays is not None:
            hours = hours.with_holidays(
                window.holidays.country,
                window.holidays.subdiv,
                years=list(_years(rows["interval_start"])),
            )
        outside = pd.DatetimeIndex(rows["interval_start"])[
            ~hours.is_open(rows["interval_start"], freq=freq)
        ]
        if len(outside):
            findings.append(
                Finding(
                    "5.8",
                    "error",
                    f"{queue.name}/{queue.channel}: outbound calls to {window.jurisdiction} in "
                    f"{len(outside)} intervals outside the calling window: {_listing(outside)}",
                    queue=queue.name,
                    channel=queue.channel,
                    intervals=tuple(outside),
                    impact=float(len(outside)),
                    code="outside_calling_window",
                )
            )
    return findings


def check_surveys(agreement: Agreement, actuals: pd.DataFrame) -> list[Finding]:
    """Survey responses per period at least the minimum sample (6.9); needs ``survey_responses``."""
    feedback = agreement.feedback
    if feedback is None or not feedback.surveys or "survey_responses" not in actuals.columns:
        return []
    findings: list[Finding] = []
    for survey in feedback.surveys:
        rows = actuals if not survey.queues else actuals[actuals["queue"].isin(survey.queues)]
        if rows.empty:
            continue
        period = "month" if survey.cadence == "quarter" else survey.cadence
        starts = _period(rows["interval_start"], agreement.zone, period)
        if survey.cadence == "quarter":
            local = starts.tz_localize(None).to_period("Q").to_timestamp()
            starts = local.tz_localize(agreement.zone)
        totals = (
            pd.to_numeric(rows["survey_responses"], errors="coerce")
            .set_axis(starts)
            .groupby(level=0)
            .sum()
        )
        small = totals[totals < survey.min_sample]
        if small.empty:
            continue
        findings.append(
            Finding(
                "6.9",
                "warning",
                f"survey '{survey.name}': fewer than {survey.min_sample} responses in "
                f"{len(small)} {survey.cadence}s (lowest {float(small.min()):g})",
                intervals=tuple(small.index),
                value=float(small.min()),
                limit=float(survey.min_sample),
                code="survey_sample",
            )
        )
    return findings


# ---------------------------------------------------------------------------
# Attestations
# ---------------------------------------------------------------------------


def check_attestations(agreement: Agreement, today: dt.date) -> list[Finding]:
    """Attestation items as findings: overdue ones warnings, the others info."""
    findings: list[Finding] = []
    for item in agreement.attestations(today=today):
        if item.overdue:
            findings.append(
                Finding(
                    item.clause,
                    "warning",
                    f"to attest, overdue since {item.due.isoformat()}: {item.what} — by "
                    f"{item.who}; evidence: {item.evidence}",
                    value=float((today - item.due).days),
                    limit=0.0,
                    code="attestation_overdue",
                )
            )
        else:
            findings.append(
                Finding(
                    item.clause,
                    "info",
                    f"to attest by {item.due.isoformat()}: {item.what} — by {item.who}; "
                    f"evidence: {item.evidence}",
                    code="attestation_due",
                )
            )
    return findings


# ---------------------------------------------------------------------------
# All checks
# ---------------------------------------------------------------------------


def _today(today: dt.date | str | None) -> dt.date:
    if today is None:
        return dt.date.today()
    if isinstance(today, dt.datetime):
        return today.date()
    if isinstance(today, dt.date):
        return today
    try:
        day: dt.date = pd.Timestamp(today).date()
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"check: `today` must be a date such as '2026-03-02'; got {today!r}"
        ) from exc
    return day


def _skipped(clause: str, what: str, argument: str) -> Finding:
    return Finding(
        clause, "info", f"{what} not checked: pass {argument}= to check()", code="not_checked"
    )


def check(
    agreement: Agreement,
    *,
    forecast: pd.DataFrame | None = None,
    plan: pd.DataFrame | None = None,
    actuals: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    today: dt.date | str | None = None,
) -> list[Finding]:
    """Every check the data allow; see the module docstring. Sorted with :func:`sort_findings`."""
    day = _today(today)
    findings: list[Finding] = []
    run: list[Callable[[], list[Finding]]] = []
    fc = ac = pl = None
    if forecast is not None:
        fc = _interval_frame(forecast, "forecast", agreement, volume=True)
        fc, unknown = _split_known(fc, agreement, "the forecast", "6.7")
        findings += unknown
    if actuals is not None:
        ac = _interval_frame(actuals, "actuals", agreement, volume=True)
        ac, unknown = _split_known(ac, agreement, "the actuals", "6.8")
        findings += unknown
    if plan is not None:
        pl = _interval_frame(plan, "plan", agreement, volume=False)
        pl, unknown = _split_known(pl, agreement, "the plan", "5.4")
        findings += unknown

    run.append(lambda: check_dates(agreement, day))
    if agreement.communication is not None:
        if events is None and not agreement.communication.events:
            findings.append(_skipped("6.5", "notice of events", "events"))
        run.append(lambda: check_notice(agreement, events))
    if fc is not None:
        forecast_frame = fc
        run.append(lambda: check_forecast(agreement, forecast_frame))
    else:
        findings.append(
            _skipped("6.7", "forecast lead time, completeness and accuracy", "forecast")
        )
    if pl is not None:
        plan_frame = pl
        run.append(lambda: check_cover(agreement, plan_frame))
        run.append(lambda: check_plan_lead(agreement, plan_frame))
    else:
        findings.append(_skipped("5.4", "cover of opening hours and plan lead time", "plan"))
    if ac is not None:
        actual_frame = ac
        run.append(lambda: check_goals(agreement, actual_frame, fc))
        run.append(lambda: check_kpis(agreement, actual_frame, fc))
        run.append(lambda: check_credits(agreement, actual_frame, fc))
        run.append(lambda: check_minimum_volume(agreement, actual_frame))
        run.append(lambda: check_calling_windows(agreement, actual_frame))
        run.append(lambda: check_surveys(agreement, actual_frame))
        if fc is not None:
            forecast_frame2 = fc
            run.append(lambda: check_accuracy(agreement, forecast_frame2, actual_frame))
            run.append(lambda: check_relief(agreement, actual_frame, forecast_frame2))
    else:
        findings.append(_skipped("6.8", "service goals, KPIs and service credits", "actuals"))
    run.append(lambda: check_attestations(agreement, day))
    for step in run:
        findings += step()
    return sort_findings(findings)
