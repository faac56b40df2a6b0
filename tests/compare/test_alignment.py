"""Misaligned inputs: aligned with a recorded note, or refused with an InputError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cccplan.compare import compare
from cccplan.exceptions import InputError
from cccplan.staffing import ServiceTarget

TARGET = ServiceTarget(service_level=0.8, threshold=20)


def forecast_frame(
    periods: int = 8,
    freq: str = "15min",
    tz: str = "Europe/Berlin",
    queues: tuple[str, ...] = ("billing",),
) -> pd.DataFrame:
    times = pd.date_range("2026-03-02 08:00", periods=periods, freq=freq, tz=tz)
    parts = [
        pd.DataFrame(
            {
                "queue": q,
                "interval_start": times,
                "volume": 40.0 + 10 * np.arange(periods),
                "aht": 200.0,
            }
        )
        for q in queues
    ]
    return pd.concat(parts, ignore_index=True)


def plan_from(forecast: pd.DataFrame, agents: float | np.ndarray = 12.0) -> pd.DataFrame:
    plan = forecast[["queue", "interval_start"]].copy()
    plan["agents"] = agents
    return plan


def test_coarser_plan_is_repeated_not_divided() -> None:
    forecast = forecast_frame(periods=8)
    times = pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="Europe/Berlin")
    plan = pd.DataFrame(
        {"queue": "billing", "interval_start": times, "agents": [10.0, 11.0, 12.0, 13.0]}
    )
    result = compare(forecast, plan, targets=TARGET)
    np.testing.assert_array_equal(
        result.intervals["planned"], np.repeat([10.0, 11.0, 12.0, 13.0], 2)
    )
    assert (result.intervals["status"] == "matched").all()
    assert any("repeated, not divided" in n for n in result.notes)
    # Agent-hours conserved: 46 agents x 0.5 h.
    assert result.by_queue["planned_hours"].iloc[0] == pytest.approx(46 * 0.5)


def test_finer_plan_is_averaged_keeping_agent_hours() -> None:
    forecast = forecast_frame(periods=4, freq="30min")
    times = pd.date_range("2026-03-02 08:00", periods=8, freq="15min", tz="Europe/Berlin")
    agents = np.array([10.0, 12.0, 11.0, 11.0, 9.0, 13.0, 14.0, 16.0])
    plan = pd.DataFrame({"queue": "billing", "interval_start": times, "agents": agents})
    result = compare(forecast, plan, targets=TARGET)
    np.testing.assert_allclose(result.intervals["planned"], agents.reshape(4, 2).mean(axis=1))
    assert any("averaged" in n for n in result.notes)
    assert result.by_queue["planned_hours"].iloc[0] == pytest.approx(agents.sum() * 0.25)


def test_time_zones_are_converted_with_a_note() -> None:
    forecast = forecast_frame()
    plan = plan_from(forecast, 12.0 + np.arange(8))
    in_berlin = compare(forecast, plan, targets=TARGET)
    utc_plan = plan.assign(interval_start=plan["interval_start"].dt.tz_convert("UTC"))
    in_utc = compare(forecast, utc_plan, targets=TARGET)
    pd.testing.assert_frame_equal(in_berlin.intervals, in_utc.intervals)
    assert any("converted from UTC" in n for n in in_utc.notes)
    assert not any("converted" in n for n in in_berlin.notes)


def test_hourly_utc_plan_against_a_half_hour_offset_zone() -> None:
    # India is UTC+05:30: an hourly UTC plan covers local :30 to :30, which still
    # holds whole local quarter-hours.
    forecast = forecast_frame(periods=8, tz="Asia/Kolkata")
    times = pd.date_range("2026-03-02 02:00", periods=3, freq="h", tz="UTC")  # 07:30-10:30 local
    plan = pd.DataFrame({"queue": "billing", "interval_start": times, "agents": [5.0, 6.0, 7.0]})
    result = compare(forecast, plan, targets=TARGET)
    matched = result.intervals[result.intervals["status"] == "matched"]
    np.testing.assert_array_equal(matched["planned"], [5.0, 5.0, 6.0, 6.0, 6.0, 6.0, 7.0, 7.0])
    plan_only = result.intervals[result.intervals["status"] == "plan_only"]
    assert len(plan_only) == 4  # 07:30-08:00 and 10:00-10:30 local: planned, not forecast
    assert {f.code for f in result.findings} >= {"plan_outside_forecast"}


def test_plan_off_the_forecast_grid_is_refused() -> None:
    # Nepal is UTC+05:45: half-hours on the UTC grid start at :15 / :45 locally.
    forecast = forecast_frame(periods=4, freq="30min", tz="Asia/Kathmandu")
    times = pd.date_range("2026-03-02 02:00", periods=4, freq="30min", tz="UTC")
    plan = pd.DataFrame({"queue": "billing", "interval_start": times, "agents": 5.0})
    with pytest.raises(InputError, match="do not start on the forecast's"):
        compare(forecast, plan, targets=TARGET)


def test_incompatible_lengths_are_refused() -> None:
    forecast = forecast_frame(periods=4, freq="15min")
    times = pd.date_range("2026-03-02 08:00", periods=3, freq="20min", tz="Europe/Berlin")
    plan = pd.DataFrame({"queue": "billing", "interval_start": times, "agents": 5.0})
    with pytest.raises(InputError, match="not a whole multiple"):
        compare(forecast, plan, targets=TARGET)


def test_queue_names_differing_in_case_and_spaces_are_matched_with_a_note() -> None:
    forecast = forecast_frame(queues=("Billing Team", "sales"))
    plan = plan_from(forecast)
    plan["queue"] = plan["queue"].map({"Billing Team": "  billing   team ", "sales": "SALES"})
    result = compare(forecast, plan, targets=TARGET)
    assert (result.intervals["status"] == "matched").all()
    assert set(result.intervals["queue"]) == {"Billing Team", "sales"}
    assert any("ignoring case and spaces" in n and "'SALES' -> 'sales'" in n for n in result.notes)


def test_two_plan_queues_matching_one_forecast_queue_are_refused() -> None:
    forecast = forecast_frame()
    plan = pd.concat([plan_from(forecast).assign(queue=q) for q in ("Billing", "BILLING")])
    with pytest.raises(InputError, match="case and white space"):
        compare(forecast, plan, targets=TARGET)


def test_other_queue_mismatches_are_findings_not_errors() -> None:
    forecast = forecast_frame(queues=("billing", "claims"))
    plan = plan_from(forecast[forecast["queue"] == "billing"], 30.0)
    plan = pd.concat([plan, plan.assign(queue="sales")], ignore_index=True)
    result = compare(forecast, plan, targets=TARGET)
    codes = {(f.code, f.queue, f.severity) for f in result.findings}
    assert ("queue_missing_in_plan", "claims", "error") in codes
    assert ("queue_not_in_forecast", "sales", "warning") in codes
    claims = result.intervals[result.intervals["queue"] == "claims"]
    assert (claims["status"] == "forecast_only").all()
    assert claims["planned"].isna().all()
    assert result.by_queue.set_index("queue").loc["claims", "coverage"] == 0.0


def test_short_plan_horizon_is_a_finding() -> None:
    forecast = forecast_frame(periods=8)
    plan = plan_from(forecast.iloc[:5], 30.0)
    result = compare(forecast, plan, targets=TARGET)
    (finding,) = [f for f in result.findings if f.code == "horizon_short"]
    assert finding.severity == "error"
    assert finding.intervals == tuple(forecast["interval_start"].iloc[5:])
    missing = result.intervals["missing_hours"].sum()
    assert finding.value == pytest.approx(missing)
    assert missing == pytest.approx(result.intervals["required"].iloc[5:].sum() * 0.25)


def test_missing_key_column_is_filled_when_single_valued() -> None:
    forecast = forecast_frame().assign(channel="voice")
    plan = plan_from(forecast.drop(columns="channel"))
    result = compare(forecast, plan, targets=TARGET)
    assert (result.intervals["channel"] == "voice").all()
    assert any("no 'channel' column" in n for n in result.notes)
    two = pd.concat([forecast, forecast.assign(channel="chat")], ignore_index=True)
    with pytest.raises(InputError, match="add the 'channel' column"):
        compare(two, plan, targets=TARGET)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda p: p.drop(columns="agents"), "needs a column 'agents'"),
        (lambda p: p.assign(agents=-1.0), "finite numbers of agents >= 0"),
        (lambda p: p.assign(agents=np.nan), "finite numbers of agents >= 0"),
        (lambda p: p.assign(interval_start=p["interval_start"].dt.tz_localize(None)), "aware"),
        (lambda p: pd.concat([p, p.iloc[:1]]), "repeats an interval"),
        (lambda p: p.assign(scheduled=10.0, shrinkage=1.5).drop(columns="agents"), "shrinkage"),
    ],
)
def test_bad_plans_are_refused(change: object, match: str) -> None:
    forecast = forecast_frame()
    plan = change(plan_from(forecast))  # type: ignore[operator]
    with pytest.raises(InputError, match=match):
        compare(forecast, plan, targets=TARGET)


def test_bad_arguments_are_refused() -> None:
    forecast = forecast_frame()
    plan = plan_from(forecast)
    with pytest.raises(InputError, match="service targets"):
        compare(forecast, plan)
    with pytest.raises(InputError, match="adherence_band"):
        compare(forecast, plan, targets=TARGET, adherence_band=-0.1)
    with pytest.raises(InputError, match="variance level"):
        compare(forecast, plan, targets=TARGET, variance_level="week")
    with pytest.raises(InputError, match="no service target"):
        compare(forecast, plan, targets={"sales": TARGET})
    with pytest.raises(InputError, match="aht"):
        compare(forecast.drop(columns="aht"), plan, targets=TARGET)
    with pytest.raises(InputError, match="`plan` must be a DataFrame"):
        compare(forecast, "plan.csv", targets=TARGET)  # type: ignore[arg-type]


def test_actuals_coarser_than_the_forecast_are_refused() -> None:
    forecast = forecast_frame(periods=8)
    hourly = forecast_frame(periods=2, freq="h")
    with pytest.raises(InputError, match="cannot be split without an intraday profile"):
        compare(forecast, plan_from(forecast), targets=TARGET, actuals=hourly)


def test_finer_actuals_are_summed_with_a_note() -> None:
    forecast = forecast_frame(periods=4, freq="30min")
    fine = forecast_frame(periods=8, freq="15min")
    result = compare(forecast, plan_from(forecast), targets=TARGET, actuals=fine)
    expected = fine["volume"].to_numpy().reshape(4, 2).sum(axis=1)
    np.testing.assert_allclose(result.intervals["actual_volume"], expected)
    assert any("summed to the forecast's 30min" in n for n in result.notes)
    # Totals never change silently: the note states both.
    assert any("actuals:" in n and f"{expected.sum():,.0f} contacts" in n for n in result.notes)
