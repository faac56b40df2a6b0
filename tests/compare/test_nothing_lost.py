"""Nothing lost: every interval of the forecast and of the plan is in the result or a finding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cccplan.compare import compare
from cccplan.staffing import ServiceTarget

TARGET = ServiceTarget(service_level=0.8, threshold=20)
# Six hours across the spring DST change (02:00 -> 03:00 on 2026-03-29).
GRID = pd.date_range("2026-03-29 00:00", periods=20, freq="15min", tz="Europe/Berlin")


@st.composite
def inputs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    queues = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    plan_queues = draw(
        st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True)
    )
    factor = draw(st.sampled_from([1, 2, 4]))
    forecast_parts, plan_parts = [], []
    for queue in queues:
        # A block of consecutive open intervals: a forecast's frequency is inferred from
        # its data (cccplan.staff takes no freq), and forecasts list their open intervals.
        first = draw(st.integers(0, len(GRID) - 2))
        last = draw(st.integers(first + 1, len(GRID) - 1))
        times = GRID[first : last + 1]
        volume = draw(st.lists(st.integers(0, 80), min_size=len(times), max_size=len(times)))
        forecast_parts.append(
            pd.DataFrame(
                {
                    "queue": queue,
                    "interval_start": times,
                    "volume": np.asarray(volume, float),
                    "aht": 240.0,
                }
            )
        )
    coarse = pd.date_range(GRID[0], GRID[-1], freq=f"{15 * factor}min")
    for queue in plan_queues:
        keep = draw(st.sets(st.integers(0, len(coarse) - 1), min_size=1))
        times = coarse[sorted(keep)]
        agents = draw(st.lists(st.integers(0, 30), min_size=len(times), max_size=len(times)))
        plan_parts.append(
            pd.DataFrame(
                {"queue": queue, "interval_start": times, "agents": np.asarray(agents, float)}
            )
        )
    forecast = pd.concat(forecast_parts, ignore_index=True)
    plan = pd.concat(plan_parts, ignore_index=True)
    forecast.attrs["freq"] = "15min"
    plan.attrs["freq"] = f"{15 * factor}min"
    return forecast, plan, factor


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)
@given(inputs())
def test_every_interval_is_kept(case: tuple[pd.DataFrame, pd.DataFrame, int]) -> None:
    forecast, plan, factor = case
    result = compare(forecast, plan, targets=TARGET, freq="15min", plan_freq=f"{15 * factor}min")
    iv = result.intervals
    rows = set(zip(iv["queue"], iv["interval_start"], strict=True))
    # Every forecast interval is a row that is not plan-only.
    for key in zip(forecast["queue"], forecast["interval_start"], strict=True):
        assert key in rows
    in_forecast = iv[iv["status"] != "plan_only"]
    assert len(in_forecast) == len(forecast)
    # Every plan interval's sub-intervals are rows that are not forecast-only.
    step = pd.Timedelta(minutes=15)
    planned = set(
        zip(
            iv.loc[iv["status"] != "forecast_only", "queue"],
            iv.loc[iv["status"] != "forecast_only", "interval_start"],
            strict=True,
        )
    )
    for queue, start in zip(plan["queue"], plan["interval_start"], strict=True):
        for j in range(factor):
            assert (queue, start + j * step) in planned
    # Every row on one side only is in a finding of its series.
    listed = {(f.queue, t) for f in result.findings for t in f.intervals}
    one_side = iv[iv["status"] != "matched"]
    for key in zip(one_side["queue"], one_side["interval_start"], strict=True):
        assert key in listed
    # Agent-hours are conserved: planned hours = the plan's agents x its interval hours.
    assert iv["planned_hours"].sum() == pytest.approx(plan["agents"].sum() * 0.25 * factor)
    # Required hours split into matched + missing, and never netted with the surplus.
    assert (iv["over_hours"] >= 0).all()
    assert (iv["under_hours"] >= 0).all()
    assert ((iv["over_hours"] == 0) | (iv["under_hours"] == 0)).all()
