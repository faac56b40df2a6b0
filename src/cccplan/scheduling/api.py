"""Shift scheduling: from required agents per interval to shifts with breaks and days off.

:func:`schedule` turns a requirement (the output of :func:`cccplan.staff`, or
any interval frame with a requirement column) and a list of
:class:`~cccplan.scheduling.ShiftTemplate` into the shifts a contact centre
plans: how many agents start each template at each allowed time on each day,
where their breaks go, and, with ``tours=``, which days each agent has off.
The optimisation is a MILP solved by HiGHS through
:func:`scipy.optimize.milp`; the formulation (implicit breaks after Bechtold &
Jacobs 1990 and Aykin 1996) is described in :mod:`cccplan.scheduling.model`.

Conventions
-----------
* The requirement column (default ``agents``, the net productive agents of
  :func:`cccplan.staff`) is compared with **agents on the floor**: shifts
  minus the agents on a break. Breaks are planned explicitly, so the
  requirement should not already be grossed up for breaks.
* Shortfall and surplus are penalised slack: the model is always feasible;
  when the allowed shifts cannot cover the requirement the result is the best
  partial plan, with the short intervals in :attr:`Schedule.uncovered`.
* Intervals absent from the requirement are closed (unless ``opening_hours``
  says otherwise): they need no cover, and no shift starts before opening or
  ends after closing (its first and its last interval must be open), unless
  ``outside_hours=True``.
* Time zones and DST: the grid is physical time in the requirement's time
  zone, from local midnight of its first date to local midnight after its
  last date. Shift starts are local wall-clock times: a start in the hour
  skipped in spring moves to the end of the gap (and is dropped if that time
  is already a start), a start in the hour repeated in autumn is taken at its
  first occurrence. Shift and break lengths are physical: an 8-hour shift
  across a change lasts 8 hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from cccplan.exceptions import InputError
from cccplan.frames._columns import KEY_COLUMNS, TIME
from cccplan.frames._lookup import SeriesLookup
from cccplan.frames.hours import OpeningHours
from cccplan.frames.validate import infer_freq, parse_freq
from cccplan.scheduling.model import (
    BreakSpec,
    Candidates,
    assign_breaks,
    solve_schedule,
)
from cccplan.scheduling.result import Schedule
from cccplan.scheduling.templates import (
    WEEKDAY_NAMES,
    ShiftTemplate,
    describe_days,
    parse_days,
    templates_frame,
)

__all__ = ["schedule"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

PoolMember: TypeAlias = str | tuple[str, str]
_MAX_SHOWN = 5
_NS = 1_000_000_000
#: Five working days with two consecutive days off, all seven rotations.
FIVE_TWO: tuple[tuple[int, ...], ...] = tuple(
    tuple(sorted(set(range(7)) - {off, (off + 1) % 7})) for off in (5, 6, 0, 1, 2, 3, 4)
)


def _fail(message: str) -> InputError:
    return InputError(f"schedule: {message}")


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _check_requirements(requirements: object, column: str) -> pd.DataFrame:
    if not isinstance(requirements, pd.DataFrame):
        raise _fail(
            f"`requirements` must be a pandas DataFrame (e.g. the output of cccplan.staff); "
            f"got {type(requirements).__name__}"
        )
    frame = requirements
    if TIME not in frame.columns:
        raise _fail(f"`requirements` has no column {TIME!r} (columns: {list(frame.columns)})")
    if column not in frame.columns:
        raise _fail(
            f"`requirements` has no column {column!r} (columns: {list(frame.columns)}); "
            "choose the requirement column with column="
        )
    times = frame[TIME]
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise _fail(
            f"`requirements`[{TIME!r}] must be timezone-aware timestamps; got dtype {times.dtype}"
        )
    if not len(frame):
        raise _fail("`requirements` has no rows")
    keys = [c for c in KEY_COLUMNS if c in frame.columns]
    for key in keys:
        if frame[key].isna().any():
            rows = frame.index[frame[key].isna()][:_MAX_SHOWN].tolist()
            raise _fail(f"`requirements`[{key!r}] is missing in rows {rows}")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        rows = frame.index[bad][:_MAX_SHOWN].tolist()
        raise _fail(
            f"`requirements`[{column!r}] must be finite numbers >= 0; {int(bad.sum())} rows are "
            f"NaN, infinite or not numbers (rows {rows}); a requirement the staffing could not "
            "reach is NaN: decide what to plan there before scheduling"
        )
    negative = values < 0
    if negative.any():
        rows = frame.index[negative][:_MAX_SHOWN].tolist()
        raise _fail(
            f"`requirements`[{column!r}] must be >= 0; {int(negative.sum())} rows are negative "
            f"(rows {rows})"
        )
    duplicated = frame.duplicated([*keys, TIME])
    if duplicated.any():
        rows = frame.index[duplicated][:_MAX_SHOWN].tolist()
        raise _fail(f"`requirements` has repeated series and interval_start in rows {rows}")
    out = frame[[*keys, TIME]].copy()
    for key in keys:
        out[key] = out[key].astype(str)
    out["required"] = values
    return out.reset_index(drop=True)


def _check_templates(shifts: object) -> list[ShiftTemplate]:
    if isinstance(shifts, ShiftTemplate):
        return [shifts]
    if isinstance(shifts, str) or not isinstance(shifts, Sequence):
        raise _fail(
            "`shifts` must be a list of ShiftTemplate (or of mappings of their fields, or "
            f"read_shifts(path)); got {type(shifts).__name__}"
        )
    templates: list[ShiftTemplate] = []
    for number, item in enumerate(shifts, start=1):
        if isinstance(item, ShiftTemplate):
            templates.append(item)
        elif isinstance(item, Mapping):
            try:
                templates.append(ShiftTemplate(**{str(k): v for k, v in item.items()}))
            except InputError as exc:
                raise _fail(f"shifts[{number - 1}]: {exc}") from None
        else:
            raise _fail(f"shifts[{number - 1}] is a {type(item).__name__}, not a ShiftTemplate")
    if not templates:
        raise _fail("`shifts` is empty: give at least one ShiftTemplate")
    names = [t.name for t in templates]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _fail(f"shift template names must be unique; repeated: {repeated}")
    return templates


def _positive(value: object, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise _fail(f"`{name}` must be a number; got {value!r}")
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        allowed = ">= 0" if allow_zero else "> 0"
        raise _fail(f"`{name}` must be a finite number {allowed}; got {value!r}")
    return number


def _steps(seconds: float, step: float, what: str) -> int:
    count = seconds / step
    if abs(count - round(count)) > 1e-9:
        raise _fail(
            f"{what} ({seconds:g} s) is not a whole number of intervals of {step:g} s; "
            "schedule on a finer requirement or round the template"
        )
    return round(count)


# ---------------------------------------------------------------------------
# Series, groups and the grid
# ---------------------------------------------------------------------------


def _label(keys: list[str], values: tuple[str, ...]) -> str:
    return "/".join(values) if keys else "all"


def _pool_groups(
    series: list[tuple[str, ...]],
    keys: list[str],
    pools: Mapping[str, Sequence[PoolMember]] | None,
) -> tuple[list[str], IntArray, list[bool]]:
    """Group index of each series, group labels, and whether each group is a pool."""
    group_of = np.full(len(series), -1, dtype=np.int64)
    labels: list[str] = []
    pooled: list[bool] = []
    if pools is not None:
        if not isinstance(pools, Mapping):
            raise _fail(
                "`pools` must be a mapping of pool name -> list of queues, channels or "
                f"(queue, channel) tuples; got {type(pools).__name__}"
            )
        for name, given in pools.items():
            members: Sequence[Any] = (
                [given]
                if isinstance(given, str | tuple) or not isinstance(given, Sequence)
                else given
            )
            number = len(labels)
            labels.append(str(name))
            pooled.append(True)
            for member in members:
                matched = []
                for index, values in enumerate(series):
                    named = dict(zip(keys, values, strict=True))
                    if isinstance(member, tuple) and len(member) == 2:
                        hit = named.get("queue") == str(member[0]) and (
                            named.get("channel", "").lower() == str(member[1]).lower()
                        )
                    else:
                        hit = named.get("queue") == str(member) or (
                            named.get("channel", "").lower() == str(member).lower()
                        )
                    if hit:
                        matched.append(index)
                if not matched:
                    known = [_label(keys, s) for s in series]
                    raise _fail(
                        f"pools[{name!r}]: member {member!r} matches no series of the "
                        f"requirement (series: {known})"
                    )
                for index in matched:
                    if group_of[index] not in (-1, number):
                        raise _fail(
                            f"pools: series {_label(keys, series[index])!r} is in two pools, "
                            f"{labels[group_of[index]]!r} and {name!r}"
                        )
                    group_of[index] = number
    for index, values in enumerate(series):
        if group_of[index] < 0:
            group_of[index] = len(labels)
            labels.append(_label(keys, values))
            pooled.append(False)
    return labels, group_of, pooled


def _open_masks(
    opening_hours: OpeningHours | Mapping[Any, OpeningHours] | None,
    series: list[tuple[str, ...]],
    keys: list[str],
    *,
    grid: pd.DatetimeIndex,
    freq: Any,
    present: BoolArray,
) -> BoolArray:
    """Open intervals per series on the grid: present rows, or the opening hours given."""
    if opening_hours is None:
        return present
    if isinstance(opening_hours, OpeningHours):
        lookup: SeriesLookup[OpeningHours] = SeriesLookup(
            {None: opening_hours}, function="schedule", argument="opening_hours"
        )
    elif isinstance(opening_hours, Mapping):
        for key, value in opening_hours.items():
            if not isinstance(value, OpeningHours):
                raise _fail(
                    f"opening_hours[{key!r}] must be an OpeningHours; got {type(value).__name__}"
                )
        lookup = SeriesLookup(opening_hours, function="schedule", argument="opening_hours")
    else:
        raise _fail(
            "`opening_hours` must be an OpeningHours or a mapping of series key -> "
            f"OpeningHours; got {type(opening_hours).__name__}"
        )
    masks = np.zeros_like(present)
    for index, values in enumerate(series):
        named = dict(zip(keys, values, strict=True))
        hours = lookup.get(named.get("queue"), named.get("channel"))
        if hours is None:
            raise _fail(
                f"opening_hours has no entry for series {_label(keys, values)!r}; keys are "
                "looked up as (queue, channel), queue, channel, then None (a default)"
            )
        masks[index] = hours.is_open(grid, freq=freq)
    return masks


def _patterns(tours: object) -> list[tuple[int, ...]]:
    if isinstance(tours, str) and tours.strip().lower() in ("5x2", "5/2", "5-2"):
        return list(FIVE_TWO)
    if isinstance(tours, str) or not isinstance(tours, Sequence) or not tours:
        raise _fail(
            "`tours` must be None (daily shifts), '5x2' (five days with two consecutive days "
            "off) or a list of working-day patterns such as ['Mon-Fri', 'Tue-Sat']; "
            f"got {tours!r}"
        )
    patterns = []
    for item in tours:
        try:
            days = parse_days(item)
        except ValueError as exc:
            raise _fail(f"tours: pattern {item!r}: {exc}") from None
        patterns.append(tuple(WEEKDAY_NAMES.index(d) for d in days))
    return list(dict.fromkeys(patterns))


# ---------------------------------------------------------------------------
# The public function
# ---------------------------------------------------------------------------


def schedule(
    requirements: pd.DataFrame,
    shifts: Sequence[ShiftTemplate | Mapping[str, Any]] | ShiftTemplate,
    *,
    opening_hours: OpeningHours | Mapping[Any, OpeningHours] | None = None,
    time_limit: float = 30,
    gap: float = 0.01,
    column: str = "agents",
    pools: Mapping[str, Sequence[PoolMember]] | None = None,
    tours: str | Sequence[Any] | None = None,
    outside_hours: bool = False,
    shortage_penalty: float | None = None,
    surplus_penalty: float | None = None,
) -> Schedule:
    """Shifts, breaks and (optionally) days off that cover a requirement at least cost.

    Parameters
    ----------
    requirements : pandas.DataFrame
        Agents required per series and interval: the output of
        :func:`cccplan.staff` or any frame with key columns (``queue`` and/or
        ``channel``; neither for one series), a timezone-aware
        ``interval_start`` and the requirement ``column``. Closed intervals
        are absent rows.
    shifts : list of ShiftTemplate
        The templates the plan may use (or mappings of their fields, or
        ``read_shifts(path)``). Every template is available to every queue
        (or pool); start times are local wall-clock times in the
        requirement's time zone.
    opening_hours : OpeningHours or mapping, optional
        Opening hours to use instead of the rows present: one for every
        series, or a mapping looked up as ``(queue, channel)``, queue,
        channel, then None (as :func:`cccplan.staff` does). Requirement rows
        in closed intervals then need no cover (``open`` is False in
        :attr:`Schedule.coverage`).
    time_limit : float, default 30
        Seconds HiGHS may search; the best plan found by then is returned
        (status "time_limit").
    gap : float, default 0.01
        Relative MIP gap at which the search stops (0.01: within 1 % of the
        optimum).
    column : str, default "agents"
        The requirement column: agents needed on the floor (net of breaks).
    pools : mapping, optional
        ``{pool name: [members]}``: queues that share agents (the agents have
        every skill of the pool). Members are queue names, channel names or
        ``(queue, channel)`` tuples. A pool is scheduled as one requirement
        (the sum of its members'); every other series is its own group.
    tours : "5x2" or list, optional
        Weekly tours: each agent works the same shift (template and start
        time) on the working days of a pattern. "5x2" is five days with two
        consecutive days off (all seven rotations); a list gives the patterns,
        e.g. ``["Mon-Fri", "Tue-Sat"]``. None (default): shifts are planned
        day by day.
    outside_hours : bool, default False
        Allow shifts that start before opening or end after closing.
    shortage_penalty : float, optional
        Objective cost of one agent short for one interval. Default: 10 x the
        cost of the dearest shift, so that any shift that covers a shortfall
        is worth its cost.
    surplus_penalty : float, optional
        Objective cost of one agent over the requirement for one interval (a
        secondary goal). Default: 0.001 x the cost of the cheapest shift (or
        0.001 if shifts are free).

    Returns
    -------
    Schedule
        ``.shifts``, ``.breaks``, ``.coverage``, ``.tours``, ``.cost``,
        ``.status``, ``.gap``, ``.time``, ``.uncovered``, ``.to_plan()``,
        ``.plot()``, ``.plot_shifts()``.

    Raises
    ------
    InputError
        For a requirement that is not a frame with timezone-aware
        ``interval_start`` and a finite, non-negative requirement column, a
        sub-daily frequency that cannot be inferred, invalid templates (or
        ones whose start times, lengths or break windows are not whole
        intervals of the requirement's frequency), bad pools, opening hours,
        tours or penalties. Never for an instance that cannot be covered.

    See Also
    --------
    cccplan.scheduling.model : the MILP formulation.

    Notes
    -----
    The objective is ``sum(cost of shifts) + shortage_penalty x agent-intervals
    short + surplus_penalty x agent-intervals over``. Min and max counts of a
    template apply per day (the day a shift starts) and per group.

    Examples
    --------
    One queue needing 2 agents from 08:00 to 12:00 and 3 from 12:00 to 16:00,
    4-hour shifts starting on the hour:

    >>> import pandas as pd
    >>> from cccplan.scheduling import ShiftTemplate, schedule
    >>> times = pd.date_range("2025-03-03 08:00", periods=8, freq="h", tz="Europe/Berlin")
    >>> need = pd.DataFrame({"queue": "sales", "interval_start": times,
    ...                      "agents": [2, 2, 2, 2, 3, 3, 3, 3]})
    >>> result = schedule(need, [ShiftTemplate("half", starts="08:00-12:00/1h", length="4h")])
    >>> result.status, result.cost
    ('optimal', 20.0)
    >>> print(result.shifts[["template", "start", "count"]])
      template                     start  count
    0     half 2025-03-03 08:00:00+01:00      2
    1     half 2025-03-03 12:00:00+01:00      3
    >>> result.uncovered.empty
    True
    """
    frame = _check_requirements(requirements, column)
    templates = _check_templates(shifts)
    time_limit = _positive(time_limit, "time_limit")
    gap = _positive(gap, "gap", allow_zero=True)
    if not isinstance(outside_hours, bool):
        raise _fail(f"`outside_hours` must be True or False; got {outside_hours!r}")
    keys = [c for c in KEY_COLUMNS if c in frame.columns]

    # Frequency and grid.
    probe = frame.rename(columns={"required": "volume"})
    probe.attrs = dict(requirements.attrs)
    offset = infer_freq(probe, argument="requirements")
    offset = parse_freq(offset, argument="requirements frequency")
    try:
        step_td = pd.Timedelta(offset)
    except (ValueError, TypeError):
        step_td = pd.Timedelta(days=1)
    if step_td >= pd.Timedelta(days=1):
        raise _fail(
            f"the requirement's interval length is {offset.freqstr!r}; scheduling needs "
            "sub-daily intervals (e.g. 15min, 30min, h)"
        )
    step_ns = int(step_td.value)
    step_s = step_ns / _NS
    tz = frame[TIME].dt.tz
    local = frame[TIME].dt.tz_convert(tz)
    first_date = local.min().tz_localize(None).normalize()
    last_date = local.max().tz_localize(None).normalize()
    dates = pd.date_range(first_date, last_date, freq="D")
    edges = pd.DatetimeIndex([first_date, last_date + pd.Timedelta(days=1)]).tz_localize(
        tz, ambiguous=np.array([True, True]), nonexistent="shift_forward"
    )
    grid_start_ns = int(edges[0].value)
    n_intervals = int((edges[1].value - grid_start_ns) // step_ns)
    grid = pd.DatetimeIndex(
        pd.to_datetime(grid_start_ns + step_ns * np.arange(n_intervals), utc=True)
    ).tz_convert(tz)
    row_ns = (
        frame[TIME].dt.tz_convert("UTC").dt.as_unit("ns").astype("int64").to_numpy() - grid_start_ns
    )
    if np.any(row_ns % step_ns):
        bad = frame.index[(row_ns % step_ns) != 0][:_MAX_SHOWN].tolist()
        raise _fail(f"`requirements` intervals in rows {bad} are not on the {offset.freqstr} grid")
    row_pos = (row_ns // step_ns).astype(np.int64)

    # Series, pools, requirement and opening per group.
    if keys:
        codes, uniques = pd.MultiIndex.from_frame(frame[keys]).factorize(sort=True)
        series = [tuple(str(v) for v in (u if isinstance(u, tuple) else (u,))) for u in uniques]
    else:
        codes, series = np.zeros(len(frame), dtype=np.int64), [()]
    codes = np.asarray(codes, dtype=np.int64)
    labels, group_of, pooled = _pool_groups(series, keys, pools)
    n_series, n_groups = len(series), len(labels)
    present = np.zeros((n_series, n_intervals), dtype=bool)
    present[codes, row_pos] = True
    series_open = _open_masks(opening_hours, series, keys, grid=grid, freq=offset, present=present)
    row_open = series_open[codes, row_pos]
    series_required = np.zeros((n_series, n_intervals))
    series_required[codes, row_pos] = np.where(row_open, frame["required"].to_numpy(), 0.0)
    required = np.zeros((n_groups, n_intervals))
    np.add.at(required, group_of, series_required)
    group_open = np.zeros((n_groups, n_intervals), dtype=bool)
    np.logical_or.at(group_open, group_of, series_open)

    # Candidate shifts.
    costs = np.array([t.shift_cost for t in templates])
    cand: dict[str, list[IntArray]] = {k: [] for k in ("group", "template", "start", "day", "s")}
    template_steps: list[int] = []
    break_specs: list[tuple[BreakSpec, ...]] = []
    weekday_of_date = np.asarray(dates.day_of_week, dtype=np.int64)
    for number, template in enumerate(templates):
        what = f"template {template.name!r}"
        length = _steps(template.length, step_s, f"{what}: length")
        template_steps.append(length)
        specs: list[BreakSpec] = []
        for k, item in enumerate(template.breaks, start=1):
            specs.append(
                BreakSpec(
                    length=_steps(item.length, step_s, f"{what}: break {k} length"),
                    earliest=_steps(item.earliest, step_s, f"{what}: break {k} earliest"),
                    latest=_steps(item.latest, step_s, f"{what}: break {k} latest"),
                )
            )
        break_specs.append(tuple(specs))
        start_minutes = np.array([int(s[:2]) * 60 + int(s[3:]) for s in template.starts])
        for start in template.starts:
            _steps(int(start[:2]) * 3600 + int(start[3:]) * 60, step_s, f"{what}: start {start}")
        allowed_days = {WEEKDAY_NAMES.index(d) for d in template.days}
        day_index = np.flatnonzero(np.isin(weekday_of_date, list(allowed_days)))
        if not day_index.size:
            continue
        day_rep = np.repeat(day_index, start_minutes.size)
        start_rep = np.tile(np.arange(start_minutes.size), day_index.size)
        naive = dates[day_rep] + pd.to_timedelta(start_minutes[start_rep], unit="min")
        instants = pd.DatetimeIndex(naive).tz_localize(
            tz, ambiguous=np.ones(naive.size, dtype=bool), nonexistent="shift_forward"
        )
        offset_ns = instants.as_unit("ns").asi8 - grid_start_ns
        if np.any(offset_ns % step_ns):
            raise _fail(
                f"{what}: some starts fall off the {offset.freqstr} grid after the time-zone "
                "conversion (a zone with a part-hour DST change?); use starts on the hour"
            )
        position = (offset_ns // step_ns).astype(np.int64)
        inside = (position >= 0) & (position + length <= n_intervals)
        for group in range(n_groups):
            ok = inside.copy()
            if not outside_hours:
                first = np.clip(position, 0, n_intervals - 1)
                last = np.clip(position + length - 1, 0, n_intervals - 1)
                ok &= group_open[group, first] & group_open[group, last]
            chosen = np.flatnonzero(ok)
            # A start moved by DST onto another start of the same template is one shift.
            _, unique = np.unique(position[chosen], return_index=True)
            chosen = chosen[np.sort(unique)]
            cand["group"].append(np.full(chosen.size, group, dtype=np.int64))
            cand["template"].append(np.full(chosen.size, number, dtype=np.int64))
            cand["start"].append(position[chosen])
            cand["day"].append(day_rep[chosen].astype(np.int64))
            cand["s"].append(start_rep[chosen].astype(np.int64))
    arrays = {k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64)) for k, v in cand.items()}
    lengths_per_template = np.array(template_steps, dtype=np.int64)
    candidates = Candidates(
        group=arrays["group"],
        template=arrays["template"],
        start=arrays["start"],
        length=lengths_per_template[arrays["template"]],
        cost=costs[arrays["template"]].astype(np.float64),
        day=arrays["day"],
        breaks=break_specs,
    )
    n_candidates = candidates.start.size

    # Per-day counts.
    count_rows: list[tuple[IntArray, float, float]] = []
    for number, template in enumerate(templates):
        if template.min_count == 0 and template.max_count is None:
            continue
        mine = np.flatnonzero(candidates.template == number)
        if not mine.size:
            continue
        table = pd.DataFrame({"g": candidates.group[mine], "d": candidates.day[mine], "i": mine})
        for _, members in table.groupby(["g", "d"])["i"]:
            high = np.inf if template.max_count is None else float(template.max_count)
            count_rows.append((members.to_numpy(dtype=np.int64), float(template.min_count), high))

    # Weekly tours: x = M y.
    tour_arg: tuple[sp.csr_array, FloatArray] | None = None
    tour_keys: list[tuple[int, int, int, tuple[int, ...]]] = []
    if tours is not None:
        patterns = _patterns(tours)
        index_of = {
            (int(g), int(k), int(s), int(d)): j
            for j, (g, k, s, d) in enumerate(
                zip(
                    candidates.group,
                    candidates.template,
                    arrays["s"],
                    candidates.day,
                    strict=True,
                )
            )
        }
        rows_m: list[int] = []
        cols_m: list[int] = []
        for group in range(n_groups):
            for number, template in enumerate(templates):
                for s_index in range(len(template.starts)):
                    for pattern in patterns:
                        days = np.flatnonzero(np.isin(weekday_of_date, pattern))
                        members = [index_of.get((group, number, s_index, int(d))) for d in days]
                        if not days.size or any(m is None for m in members):
                            continue
                        column_number = len(tour_keys)
                        tour_keys.append((group, number, s_index, pattern))
                        rows_m.extend(int(m) for m in members if m is not None)
                        cols_m.extend([column_number] * len(members))
        matrix = sp.csr_array(
            (np.ones(len(rows_m)), (rows_m, cols_m)), shape=(n_candidates, len(tour_keys))
        )
        tour_arg = (matrix, np.asarray(matrix.T @ candidates.cost, dtype=np.float64))

    dearest = float(costs.max()) if costs.size else 1.0
    cheapest = float(costs[costs > 0].min()) if np.any(costs > 0) else 1.0
    if shortage_penalty is None:
        shortage = 10.0 * max(dearest, 1e-3)
    else:
        shortage = _positive(shortage_penalty, "shortage_penalty")
    if surplus_penalty is None:
        surplus = 1e-3 * cheapest
    else:
        surplus = _positive(surplus_penalty, "surplus_penalty", allow_zero=True)

    solution = solve_schedule(
        candidates,
        required,
        group_open,
        tours=tour_arg,
        min_max_rows=count_rows,
        shortage_penalty=shortage,
        surplus_penalty=surplus,
        time_limit=time_limit,
        gap=gap,
    )
    placed = assign_breaks(candidates, solution)

    # Shift rows: split each shift's agents by their break placements.
    shift_rows: list[dict[str, Any]] = []
    break_rows: list[dict[str, Any]] = []
    on_floor = np.zeros((n_groups, n_intervals))
    for j in np.flatnonzero(solution.counts > 0):
        count = int(solution.counts[j])
        number = int(candidates.template[j])
        template = templates[number]
        chosen_specs = break_specs[number]
        per_agent: list[list[int]] = []
        for k in range(len(chosen_specs)):
            starts = sorted(placed[(int(j), k)])
            per_agent.append([pos for pos, n in starts for _ in range(n)])
        combos = Counter(zip(*per_agent, strict=True)) if chosen_specs else Counter({(): count})
        group = int(candidates.group[j])
        begin = int(candidates.start[j])
        end = begin + int(candidates.length[j])
        for combo, n in sorted(combos.items()):
            shift_id = len(shift_rows)
            floor = np.zeros(n_intervals)
            floor[begin:end] += n
            texts = []
            for k, pos in enumerate(combo):
                floor[pos : pos + chosen_specs[k].length] -= n
                b_start, b_end = grid[pos], grid[pos] + step_td * chosen_specs[k].length
                texts.append(f"{b_start:%H:%M}-{b_end:%H:%M}")
                break_rows.append(
                    {
                        "shift_id": shift_id,
                        "break": k + 1,
                        "break_start": b_start,
                        "break_end": b_end,
                        "paid": template.breaks[k].paid,
                    }
                )
            on_floor[group] += floor
            row: dict[str, Any] = {"shift_id": shift_id, "group": labels[group]}
            if not pooled[group]:
                members = np.flatnonzero(group_of == group)
                row |= dict(zip(keys, series[int(members[0])], strict=True))
            row |= {
                "template": template.name,
                "date": grid[begin].date(),
                "start": grid[begin],
                "end": grid[begin] + step_td * int(candidates.length[j]),
                "count": n,
                "breaks": ", ".join(texts),
                "paid_hours": template.paid_hours,
                "cost": n * template.shift_cost,
            }
            shift_rows.append(row)
    shift_columns = [
        "shift_id", "group", *keys, "template", "date", "start", "end",
        "count", "breaks", "paid_hours", "cost",
    ]  # fmt: skip
    shifts_frame = pd.DataFrame(shift_rows, columns=shift_columns)
    if len(shifts_frame):
        shifts_frame = shifts_frame.sort_values(["group", "start", "template", "shift_id"])
        shifts_frame = shifts_frame.reset_index(drop=True)
    for column_name in ("start", "end"):
        shifts_frame[column_name] = pd.to_datetime(
            shifts_frame[column_name], utc=True
        ).dt.tz_convert(tz)
    breaks_frame = pd.DataFrame(
        break_rows, columns=["shift_id", "break", "break_start", "break_end", "paid"]
    )
    for column_name in ("break_start", "break_end"):
        breaks_frame[column_name] = pd.to_datetime(
            breaks_frame[column_name], utc=True
        ).dt.tz_convert(tz)

    # Coverage per requirement row; a pool's agents shared in proportion to requirement.
    row_group = group_of[codes]
    group_total = required[row_group, row_pos]
    row_required = series_required[codes, row_pos]
    sharing = np.zeros((n_groups, n_intervals))
    np.add.at(sharing, (row_group, row_pos), 1.0)
    share = np.where(
        group_total > 0, row_required / np.where(group_total > 0, group_total, 1.0), 0.0
    )
    share = np.where(group_total > 0, share, 1.0 / sharing[row_group, row_pos])
    planned = on_floor[row_group, row_pos] * share
    coverage = frame[[*keys, TIME]].copy()
    coverage["group"] = [labels[g] for g in row_group]
    coverage["open"] = row_open
    coverage["required"] = frame["required"].to_numpy()
    coverage["planned"] = planned
    coverage["gap"] = coverage["planned"] - coverage["required"]
    coverage = coverage.sort_values([*keys, TIME]).reset_index(drop=True)

    hours_per_interval = step_s / 3600.0
    difference = on_floor - required
    shortfall = float(np.sum(np.clip(-difference, 0, None)[group_open])) * hours_per_interval
    surplus_hours = float(np.sum(np.clip(difference, 0, None)[group_open])) * hours_per_interval

    tours_frame = None
    if tours is not None:
        tour_rows = []
        for tour_column in np.flatnonzero(solution.tour_counts > 0).tolist():
            tour_group, tour_template, s_index, pattern = tour_keys[int(tour_column)]
            row = {"group": labels[tour_group]}
            if not pooled[tour_group]:
                members = np.flatnonzero(group_of == tour_group)
                row |= dict(zip(keys, series[int(members[0])], strict=True))
            row |= {
                "template": templates[tour_template].name,
                "start": templates[tour_template].starts[s_index],
                "days": describe_days([WEEKDAY_NAMES[d] for d in pattern]),
                "count": int(solution.tour_counts[tour_column]),
            }
            tour_rows.append(row)
        tours_frame = pd.DataFrame(
            tour_rows, columns=["group", *keys, "template", "start", "days", "count"]
        )

    return Schedule(
        shifts=shifts_frame,
        breaks=breaks_frame,
        coverage=coverage,
        tours=tours_frame,
        templates=templates_frame(templates),
        cost=float(np.sum(solution.counts * candidates.cost)),
        status=solution.status,
        gap=solution.gap,
        time=solution.time,
        shortfall=shortfall,
        surplus=surplus_hours,
        freq=offset.freqstr,
        message=solution.message,
        n_variables=solution.n_variables,
        n_constraints=solution.n_constraints,
    )
