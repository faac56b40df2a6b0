"""A reconciliation whose every number is known by hand.

One queue, 16 quarter-hours of 100 calls of 180 s (load 20 Erlangs), target
80 % within 20 s (Erlang C): 24 agents are required in every interval
(cccplan.staff's own doctest gives 24 for this load and target, and it is
recomputed below with cccplan.queueing). The plan has 22 agents in three
intervals (short by exactly 2) and 25 elsewhere (over by 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cccplan.compare import compare
from cccplan.queueing import asa, erlang_a, required_agents, service_level
from cccplan.requirements import Finding
from cccplan.staffing import ServiceTarget

TZ = "Europe/Berlin"
TIMES = pd.date_range("2026-03-02 08:00", periods=16, freq="15min", tz=TZ)
SHORT = TIMES[4:7]  # 09:00, 09:15, 09:30
TARGET = ServiceTarget(service_level=0.8, threshold=20)
LOAD = 100 * 180 / 900  # 20 Erlangs


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    forecast = pd.DataFrame(
        {"queue": "billing", "interval_start": TIMES, "volume": 100.0, "aht": 180.0}
    )
    agents = np.where(TIMES.isin(SHORT), 22.0, 25.0)
    plan = pd.DataFrame({"queue": "billing", "interval_start": TIMES, "agents": agents})
    return forecast, plan


def test_required_is_24_by_the_queueing_core() -> None:
    assert float(required_agents(LOAD, 180.0, service_level=0.8, threshold=20)) == 24.0
    assert (
        float(service_level(23, LOAD, 180.0, 20)) < 0.8 <= float(service_level(24, LOAD, 180.0, 20))
    )


def test_intervals_gap_hours_and_kpis() -> None:
    result = compare(*frames(), targets=TARGET)
    iv = result.intervals
    assert len(iv) == 16
    assert (iv["status"] == "matched").all()
    assert (iv["required"] == 24.0).all()
    short = iv["interval_start"].isin(SHORT).to_numpy()
    np.testing.assert_array_equal(iv["gap"].to_numpy(), np.where(short, -2.0, 1.0))
    # Hours: 3 intervals x 2 agents x 0.25 h short; 13 x 1 x 0.25 h over.
    assert iv["under_hours"].sum() == pytest.approx(1.5)
    assert iv["over_hours"].sum() == pytest.approx(3.25)
    # Service level, ASA recomputed independently with cccplan.queueing.
    sl22, sl25 = (float(service_level(n, LOAD, 180.0, 20)) for n in (22, 25))
    np.testing.assert_allclose(iv["service_level"], np.where(short, sl22, sl25), rtol=1e-12)
    a22, a25 = (float(asa(n, LOAD, 180.0)) for n in (22, 25))
    np.testing.assert_allclose(iv["asa"], np.where(short, a22, a25), rtol=1e-12)
    assert (iv["abandon_rate"] == 0).all()


def test_rollups_by_hand() -> None:
    result = compare(*frames(), targets=TARGET)
    row = result.by_queue.iloc[0]
    assert row["required_hours"] == pytest.approx(16 * 24 * 0.25)  # 96
    assert row["planned_hours"] == pytest.approx((3 * 22 + 13 * 25) * 0.25)  # 97.75
    assert row["under_hours"] == pytest.approx(1.5)
    assert row["over_hours"] == pytest.approx(3.25)  # never netted against the 1.5
    assert row["coverage"] == pytest.approx(1 - 1.5 / 96)
    assert row["efficiency"] == pytest.approx(1 - (1.5 + 3.25) / 96)
    # |25 - 24| = 1 <= 0.05 x 24 = 1.2: adherent; |22 - 24| = 2 > 1.2: not.
    assert row["line_adherence"] == pytest.approx(13 / 16)
    sl22, sl25 = (float(service_level(n, LOAD, 180.0, 20)) for n in (22, 25))
    assert row["service_level"] == pytest.approx((3 * sl22 + 13 * sl25) / 16)
    assert result.daily["under_hours"].tolist() == pytest.approx([1.5])
    assert result.weekly["over_hours"].tolist() == pytest.approx([3.25])
    # A tighter band makes the over-staffed intervals non-adherent too.
    tight = compare(*frames(), targets=TARGET, adherence_band=0.01)
    assert tight.by_queue["line_adherence"].iloc[0] == 0.0


def test_findings_name_exactly_the_short_intervals() -> None:
    result = compare(*frames(), targets=TARGET)
    assert all(isinstance(f, Finding) for f in result.findings)
    under = [f for f in result.findings if f.code == "understaffed"]
    assert len(under) == 1
    (finding,) = under
    assert finding.clause == "6.7"
    assert finding.severity == "error"
    assert finding.queue == "billing"
    assert finding.intervals == tuple(SHORT)
    assert finding.value == pytest.approx(1.5)
    assert finding.impact == pytest.approx(1.5)
    assert "09:00-09:45" in finding.message
    over = [f for f in result.findings if f.code == "overstaffed"]
    assert len(over) == 1
    assert set(over[0].intervals) == set(TIMES) - set(SHORT)
    # 3.25 agent-hours over is within the band's 0.05 x 96 = 4.8 h: information only.
    assert over[0].severity == "info"
    assert result.findings[0] is finding  # errors first
    assert result.has_errors
    # The daily service level (about 0.82) meets 0.8: no 6.8 finding.
    assert not [f for f in result.findings if f.clause == "6.8"]


def test_projected_daily_service_level_below_target_is_a_6_8_error() -> None:
    forecast, plan = frames()
    plan["agents"] = np.where(TIMES.isin(TIMES[:8]), 21.0, 24.0)
    result = compare(forecast, plan, targets=TARGET)
    sl21, sl24 = (float(service_level(n, LOAD, 180.0, 20)) for n in (21, 24))
    expected = (8 * sl21 + 8 * sl24) / 16
    assert expected < 0.8
    (finding,) = [f for f in result.findings if f.code == "daily_service_level"]
    assert finding.clause == "6.8"
    assert finding.severity == "error"
    assert finding.value == pytest.approx(expected)
    assert finding.limit == 0.8
    assert finding.intervals == tuple(TIMES[:8])  # the intervals that miss the target
    assert result.daily["service_level_met"].tolist() == [False]


def test_exact_plan_has_no_errors() -> None:
    forecast, plan = frames()
    plan["agents"] = 24.0
    result = compare(forecast, plan, targets=TARGET)
    assert not result.has_errors
    assert result.findings == ()
    assert result.by_queue["coverage"].iloc[0] == 1.0
    assert result.by_queue["efficiency"].iloc[0] == 1.0
    assert result.by_queue["line_adherence"].iloc[0] == 1.0
    # The KPIs of an exact plan (copied from cccplan.staff) equal the queueing core's.
    np.testing.assert_allclose(
        result.intervals["service_level"], float(service_level(24, LOAD, 180.0, 20)), rtol=1e-12
    )
    np.testing.assert_allclose(result.intervals["asa"], float(asa(24, LOAD, 180.0)), rtol=1e-12)


def test_erlang_a_kpis_match_the_queueing_core() -> None:
    forecast, plan = frames()
    target = ServiceTarget(service_level=0.8, threshold=20, patience=180, max_abandon=0.05)
    result = compare(forecast, plan, targets=target)
    expected = erlang_a(np.array([22.0, 25.0]), LOAD, 180.0, 180.0, 20.0)
    short = result.intervals["interval_start"].isin(SHORT).to_numpy()
    np.testing.assert_allclose(
        result.intervals["service_level"], np.where(short, *expected.service_level), rtol=1e-10
    )
    np.testing.assert_allclose(
        result.intervals["abandon_rate"], np.where(short, *expected.p_abandon), rtol=1e-10
    )
    required = float(
        required_agents(
            LOAD, 180.0, service_level=0.8, threshold=20, patience=180, max_abandon=0.05
        )
    )
    assert (result.intervals["required"] == required).all()


def test_gross_plan_converted_with_shrinkage() -> None:
    forecast, plan = frames()
    plan = plan.assign(scheduled=plan.pop("agents") / 0.8)  # 30 and 27.5 heads at 20 % shrinkage
    with_shrinkage = compare(forecast, plan, targets=TARGET, shrinkage=0.2)
    np.testing.assert_allclose(
        with_shrinkage.intervals["planned"], np.where(TIMES.isin(SHORT), 22.0, 25.0)
    )
    assert any("scheduled x (1 - 0.2)" in n for n in with_shrinkage.notes)
    # Without a shrinkage argument, the target's shrinkage is used.
    target = ServiceTarget(service_level=0.8, threshold=20, shrinkage=0.2)
    by_target = compare(forecast, plan, targets=target)
    np.testing.assert_allclose(by_target.intervals["planned"], with_shrinkage.intervals["planned"])
