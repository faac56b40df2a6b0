"""Alignment of the CCC's plan (and of actuals, a second forecast) with the client's forecast.

The client's forecast sets the grid: its series keys, its time zone and its
interval length. Everything else is brought onto that grid, and every change
made on the way is recorded as a note in words a planner can read:

* key columns: a key column that one side lacks is filled (or dropped) when
  the other side has a single value for it; otherwise the inputs are refused;
* queue names that differ only in case or white space (``"Sales "`` and
  ``"sales"``) are matched; other differences stay differences (a queue on
  one side only is a finding of the reconciliation, not an error);
* time zones are converted to the forecast's;
* a plan at a coarser interval length is repeated over the finer intervals
  (agents are a level that holds for the whole plan interval: it is never
  divided); a plan at a finer length is averaged over each forecast interval
  (agent-hours are kept; absent sub-intervals count as no agents);
* volumes at a finer length are summed (:func:`cccplan.frames.resample`);
  volumes at a coarser length cannot be split without a profile and are
  refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, QUEUE, TIME, VOLUME
from cccplan.frames.resample import resample
from cccplan.frames.validate import parse_freq, validate_frame

__all__ = ["AlignedPlan", "align_plan", "align_volumes", "normalise_name", "validate_forecast"]

_DAY_NS = 86_400 * 10**9
_SHOW = 5
PLAN_MEASURES = ("agents", "scheduled")
PLAN_SHRINKAGE = "shrinkage"


def normalise_name(name: str) -> str:
    """A queue name with case and runs of white space ignored.

    Examples
    --------
    >>> normalise_name("  Billing   Team ")
    'billing team'
    """
    return " ".join(str(name).split()).casefold()


def _step_ns(offset: Any) -> int:
    if isinstance(offset, pd.offsets.Day):
        return _DAY_NS * int(offset.n)
    return int(offset.nanos)


def _show(frame: pd.DataFrame, mask: npt.NDArray[np.bool_], columns: Sequence[str]) -> str:
    rows = frame.loc[mask, [c for c in columns if c in frame.columns]].head(_SHOW)
    shown = "; ".join(
        ", ".join(f"{column}={row[column]!s}" for column in rows.columns)
        for _, row in rows.iterrows()
    )
    more = int(mask.sum()) - len(rows)
    return shown + (f" (and {more} more)" if more > 0 else "")


def validate_forecast(forecast: pd.DataFrame, *, freq: str | None = None) -> pd.DataFrame:
    """The client's forecast as a canonical frame with ``aht`` (the grid of the comparison)."""
    if not isinstance(forecast, pd.DataFrame):
        raise InputError(
            f"compare: `forecast` must be a DataFrame (the client's forecast: keys, "
            f"interval_start, volume, aht); got {type(forecast).__name__}"
        )
    frame = validate_frame(forecast, argument="forecast", require_aht=True, freq=freq)
    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    if QUEUE in keys:
        names = pd.unique(frame[QUEUE])
        seen: dict[str, str] = {}
        for name in names:
            other = seen.setdefault(normalise_name(name), name)
            if other != name:
                raise InputError(
                    f"forecast: queues {other!r} and {name!r} differ only in case or white "
                    "space; a forecast must name each queue one way (rename one of them)"
                )
    return frame


def _match_keys(
    frame: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    argument: str,
    notes: list[str],
) -> pd.DataFrame:
    """Give *frame* the key columns of *reference* (filled or dropped when single-valued)."""
    ref_keys = [k for k in KEY_COLUMNS if k in reference.columns]
    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    out = frame
    for key in ref_keys:
        if key in keys:
            continue
        values = pd.unique(reference[key])
        if len(values) != 1:
            raise InputError(
                f"{argument}: has no {key!r} column but the forecast has {len(values)} "
                f"{key}s ({', '.join(map(repr, values[:_SHOW]))}); add the {key!r} column "
                f"so that each row of {argument} names its series"
            )
        out = out.assign(**{key: values[0]})
        notes.append(f"{argument} has no {key!r} column: its rows are taken as {key} {values[0]!r}")
    for key in keys:
        if key in ref_keys:
            continue
        values = pd.unique(out[key])
        if len(values) != 1:
            raise InputError(
                f"{argument}: has a {key!r} column with {len(values)} values "
                f"({', '.join(map(repr, values[:_SHOW]))}) but the forecast has none; "
                f"the forecast must be split by {key} too, or {argument} summed over it"
            )
        out = out.drop(columns=key)
        notes.append(
            f"{argument} has a {key!r} column ({values[0]!r}) that the forecast lacks: "
            "it is ignored"
        )
    return out


def _match_queues(
    frame: pd.DataFrame, reference: pd.DataFrame, *, argument: str, notes: list[str]
) -> pd.DataFrame:
    """Rename queues of *frame* that match a forecast queue up to case and white space."""
    if QUEUE not in frame.columns or QUEUE not in reference.columns:
        return frame
    known = {normalise_name(q): q for q in pd.unique(reference[QUEUE])}
    exact = set(known.values())
    rename: dict[str, str] = {}
    for name in pd.unique(frame[QUEUE]):
        if name in exact:
            continue
        match = known.get(normalise_name(name))
        if match is not None:
            rename[name] = match
    if not rename:
        return frame
    targets = list(rename.values())
    names = set(pd.unique(frame[QUEUE]))
    clash = [t for t in set(targets) if targets.count(t) > 1 or t in names]
    if clash:
        sources = [s for s, t in rename.items() if t in clash]
        raise InputError(
            f"{argument}: queues {', '.join(map(repr, sorted(sources)))} all match forecast "
            f"queue(s) {', '.join(map(repr, sorted(clash)))} once case and white space are "
            "ignored; name each queue one way"
        )
    out = frame.assign(**{QUEUE: frame[QUEUE].replace(rename)})
    shown = ", ".join(f"{s!r} -> {t!r}" for s, t in sorted(rename.items()))
    notes.append(
        f"{argument}: queue names matched to the forecast's ignoring case and spaces: {shown}"
    )
    return out


def _to_zone(frame: pd.DataFrame, tz: Any, *, argument: str, notes: list[str]) -> pd.DataFrame:
    zone = frame[TIME].dt.tz
    if str(zone) == str(tz):
        return frame
    notes.append(f"{argument}: times converted from {zone} to the forecast's time zone {tz}")
    out = frame.copy()
    out[TIME] = out[TIME].dt.tz_convert(tz)
    return out


def _check_grid(frame: pd.DataFrame, step: int, *, argument: str, what: str = "forecast") -> None:
    """Sub-daily starts must sit on the local grid of *step* (after a zone change)."""
    if step >= _DAY_NS:
        wall = frame[TIME].dt.tz_localize(None)
        off = (wall != wall.dt.normalize()).to_numpy()
    else:
        wall_ns = np.asarray(frame[TIME].dt.tz_localize(None).array.asi8, dtype=np.int64)
        off = wall_ns % step != 0
    if off.any():
        shown = _show(frame, off, [*KEY_COLUMNS, TIME])
        raise InputError(
            f"{argument}: {int(off.sum())} intervals do not start on the {what}'s "
            f"{pd.Timedelta(step)} grid in its time zone (e.g. {shown}); "
            f"the two cannot be aligned interval by interval: resample {argument} to a length "
            f"whose intervals start on the {what}'s grid"
        )


@dataclasses.dataclass(frozen=True)
class AlignedPlan:
    """The plan on the forecast's grid: keys, interval_start, agents/scheduled/shrinkage."""

    frame: pd.DataFrame
    measures: tuple[str, ...]
    freq: str


def _validate_plan(plan: pd.DataFrame, freq: str | None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    if not isinstance(plan, pd.DataFrame):
        raise InputError(
            f"compare: `plan` must be a DataFrame (keys, interval_start, agents and/or "
            f"scheduled); got {type(plan).__name__}"
        )
    measures = tuple(m for m in PLAN_MEASURES if m in plan.columns)
    if not measures:
        raise InputError(
            "plan: needs a column 'agents' (net productive agents planned on the queue) or "
            "'scheduled' (gross heads, converted to net with the agreement's shrinkage); "
            f"columns present: {list(plan.columns)}"
        )
    extra = [PLAN_SHRINKAGE] if PLAN_SHRINKAGE in plan.columns else []
    columns = [*(k for k in KEY_COLUMNS if k in plan.columns), TIME, *measures, *extra]
    if TIME not in plan.columns:
        raise InputError(
            f"plan: has no {TIME!r} column (timezone-aware interval starts); columns present: "
            f"{list(plan.columns)}"
        )
    frame = plan[columns].copy()
    for column in (*measures, *extra):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
        if column == PLAN_SHRINKAGE:
            bad = ~((values >= 0) & (values < 1))
            allowed = "fractions in [0, 1) (the CCC's planning shrinkage)"
        else:
            bad = ~(np.isfinite(values) & (values >= 0))
            allowed = "finite numbers of agents >= 0 (0 where nobody is planned)"
        if bad.any():
            raise InputError(
                f"plan: column {column!r} must hold {allowed}; {int(bad.sum())} rows do not: "
                f"{_show(frame, bad, [*KEY_COLUMNS, TIME, column])}"
            )
        frame[column] = values
    # validate_frame checks keys, time zone, duplicates and the grid; a plan has no volume.
    frame[VOLUME] = 0.0
    frame.attrs = dict(plan.attrs)
    canonical = validate_frame(frame, argument="plan", freq=freq)
    return canonical.drop(columns=VOLUME), measures


def _repeat(frame: pd.DataFrame, factor: int, step: int) -> pd.DataFrame:
    """Each row repeated over *factor* sub-intervals of *step* ns (a level, not divided)."""
    repeated = frame.loc[frame.index.repeat(factor)].reset_index(drop=True)
    offset = np.tile(np.arange(factor, dtype=np.int64) * step, len(frame))
    repeated[TIME] = repeated[TIME] + pd.to_timedelta(offset, unit="ns")
    return repeated


def align_plan(
    plan: pd.DataFrame, forecast: pd.DataFrame, *, notes: list[str], freq: str | None = None
) -> AlignedPlan:
    """The plan on the forecast's grid (keys, zone and interval length of the forecast).

    *freq* is the plan's interval length when it cannot be inferred (a sparse plan).
    """
    canonical, measures = _validate_plan(plan, freq)
    plan_freq = parse_freq(canonical.attrs["freq"])
    fc_freq = parse_freq(forecast.attrs["freq"])
    plan_step, step = _step_ns(plan_freq), _step_ns(fc_freq)
    frame = _match_keys(canonical, forecast, argument="plan", notes=notes)
    frame = _match_queues(frame, forecast, argument="plan", notes=notes)
    frame = _to_zone(frame, forecast[TIME].dt.tz, argument="plan", notes=notes)
    keys = [k for k in KEY_COLUMNS if k in forecast.columns]
    if plan_step != step and (plan_step >= _DAY_NS or step >= _DAY_NS):
        raise InputError(
            f"plan: at {plan_freq.freqstr} intervals but the forecast at {fc_freq.freqstr}; daily "
            "plans can only be compared with daily forecasts (agents are a level within a day)"
        )
    if plan_step > step:
        if plan_step % step:
            raise InputError(
                f"plan: its interval length {plan_freq.freqstr} is not a whole multiple of the "
                f"forecast's {fc_freq.freqstr}; resample one of them so that it is"
            )
        factor = plan_step // step
        frame = _repeat(frame, factor, step)
        notes.append(
            f"plan at {plan_freq.freqstr} intervals, forecast at {fc_freq.freqstr}: each plan "
            f"interval's agents hold for its {factor} {fc_freq.freqstr} intervals (repeated, not "
            "divided)"
        )
    elif plan_step < step:
        if step % plan_step:
            raise InputError(
                f"plan: its interval length {plan_freq.freqstr} does not divide the "
                f"forecast's {fc_freq.freqstr}; resample one of them so that it does"
            )
        frame = _average(
            frame,
            keys=keys,
            measures=measures,
            freq=fc_freq.freqstr,
            factor=step // plan_step,
            notes=notes,
        )
        notes.append(
            f"plan at {plan_freq.freqstr} intervals, forecast at {fc_freq.freqstr}: planned agents "
            f"averaged over each {fc_freq.freqstr} interval (agent-hours kept)"
        )
    _check_grid(frame, step, argument="plan")
    frame = frame.sort_values([*keys, TIME], kind="stable").reset_index(drop=True)
    return AlignedPlan(frame=frame, measures=measures, freq=fc_freq.freqstr)


def _average(
    frame: pd.DataFrame,
    *,
    keys: list[str],
    measures: tuple[str, ...],
    freq: str,
    factor: int,
    notes: list[str],
) -> pd.DataFrame:
    """Mean agents per coarse interval through :func:`resample` (sums of levels / factor)."""
    base = frame[[*keys, TIME]]
    count = resample(base.assign(**{VOLUME: 1.0}), freq)
    out = count[[*keys, TIME]].copy()
    partial = int((count[VOLUME] < factor - 1e-9).sum())
    for measure in measures:
        summed = resample(base.assign(**{VOLUME: frame[measure].to_numpy()}), freq)
        out[measure] = summed[VOLUME].to_numpy() / factor
    if PLAN_SHRINKAGE in frame.columns:
        weight = frame["scheduled"] if "scheduled" in frame.columns else frame[measures[0]]
        # Net share (1 - shrinkage) weighted by heads: resample's volume-weighted aht.
        net = resample(
            base.assign(**{VOLUME: weight.to_numpy(), AHT: 1.0 - frame[PLAN_SHRINKAGE].to_numpy()}),
            freq,
        )
        out[PLAN_SHRINKAGE] = 1.0 - net[AHT].fillna(1.0 - frame[PLAN_SHRINKAGE].mean()).to_numpy()
    if partial:
        notes.append(
            f"plan: {partial} {freq} intervals are only partly covered by plan intervals; "
            "the absent parts count as no agents"
        )
    return out


def align_volumes(
    frame: pd.DataFrame | None,
    forecast: pd.DataFrame,
    *,
    argument: str,
    notes: list[str],
) -> pd.DataFrame | None:
    """Actuals or a second forecast on the forecast's grid: keys, interval_start, volume, aht."""
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"compare: `{argument}` must be a DataFrame (keys, interval_start, volume, aht) or "
            f"None; got {type(frame).__name__}"
        )
    keep = [c for c in (*KEY_COLUMNS, TIME, VOLUME, AHT) if c in frame.columns]
    canonical = validate_frame(frame[keep].copy(), argument=argument)
    canonical.attrs = {"freq": canonical.attrs["freq"]}
    other = parse_freq(canonical.attrs["freq"])
    freq = parse_freq(forecast.attrs["freq"])
    out = _match_keys(canonical, forecast, argument=argument, notes=notes)
    out = _match_queues(out, forecast, argument=argument, notes=notes)
    out = _to_zone(out, forecast[TIME].dt.tz, argument=argument, notes=notes)
    keys = [k for k in KEY_COLUMNS if k in forecast.columns]
    out = out[[*keys, TIME, VOLUME, *([AHT] if AHT in out.columns else [])]]
    out.attrs = {"freq": other.freqstr}
    if _step_ns(other) > _step_ns(freq):
        raise InputError(
            f"{argument}: at {other.freqstr} intervals, coarser than the forecast's "
            f"{freq.freqstr}; volumes cannot be split without an intraday profile: resample "
            f"the forecast to {other.freqstr} first (cccplan.resample) or give finer {argument}"
        )
    if _step_ns(other) < _step_ns(freq):
        out = resample(out, freq.freqstr)
        notes.append(
            f"{argument} at {other.freqstr} intervals summed to the forecast's {freq.freqstr} "
            "(handle time volume-weighted)"
        )
    _check_grid(out, _step_ns(freq), argument=argument)
    return out.sort_values([*keys, TIME], kind="stable").reset_index(drop=True)
