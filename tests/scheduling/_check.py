"""Independent recomputation of a Schedule (shared by the scheduling tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cccplan.scheduling import Schedule, ShiftTemplate


def on_floor(result: Schedule, times: pd.DatetimeIndex, group: str) -> np.ndarray:
    """Agents on the floor of `group` at each interval start in `times`, from shifts and breaks.

    Written without the model's grid: an agent is on the floor at interval start t when
    start <= t < end and t is in none of their breaks [break_start, break_end).
    """
    shifts = result.shifts[result.shifts["group"] == group]
    counts = np.zeros(len(times))
    t = times.as_unit("ns").asi8  # nanoseconds since the epoch (UTC)
    for shift in shifts.itertuples(index=False):
        working = (t >= shift.start.value) & (t < shift.end.value)
        for brk in result.breaks[result.breaks["shift_id"] == shift.shift_id].itertuples():
            working &= ~((t >= brk.break_start.value) & (t < brk.break_end.value))
        counts += shift.count * working
    return counts


def check_schedule(
    result: Schedule,
    templates: list[ShiftTemplate],
    open_times: dict[str, pd.DatetimeIndex] | None = None,
) -> None:
    """Assert the invariants every schedule must satisfy (see the tests)."""
    cover = result.coverage
    by_name = {t.name: t for t in templates}
    # 1. planned == agents on the floor recomputed from shifts and breaks (pool: summed).
    for group, rows in cover.groupby("group"):
        per_time = rows.groupby("interval_start")["planned"].sum()
        recomputed = on_floor(result, pd.DatetimeIndex(per_time.index), str(group))
        np.testing.assert_allclose(per_time.to_numpy(), recomputed, atol=1e-9)
    # 2. gap = planned - required; planned >= 0.
    np.testing.assert_allclose(cover["gap"], cover["planned"] - cover["required"])
    assert (cover["planned"] >= -1e-9).all()
    # 3. breaks inside their windows, as many as the template has, in order.
    for shift in result.shifts.itertuples(index=False):
        template = by_name[shift.template]
        assert (shift.end - shift.start).total_seconds() == template.length
        mine = result.breaks[result.breaks["shift_id"] == shift.shift_id].sort_values("break")
        assert len(mine) == len(template.breaks)
        for brk, spec in zip(mine.itertuples(), template.breaks, strict=True):
            offset = (brk.break_start - shift.start).total_seconds()
            assert spec.earliest <= offset <= spec.latest
            assert (brk.break_end - brk.break_start).total_seconds() == spec.length
            assert brk.paid == spec.paid
        # Start times are the template's wall-clock starts (no DST change in these cases).
        assert f"{shift.start:%H:%M}" in template.starts
        assert shift.count > 0
    # 4. no shift outside opening hours: its first and last interval are open.
    if open_times is not None:
        for shift in result.shifts.itertuples(index=False):
            allowed = open_times[shift.group]
            step = pd.Timedelta(result.freq)
            assert shift.start in allowed
            assert shift.end - step in allowed
    # 5. cost is the sum of the shift rows' costs.
    assert result.cost == pytest.approx(result.shifts["cost"].sum(), abs=1e-9)
