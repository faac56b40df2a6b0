"""Forecast vs actuals and vs the CCC's forecast, surplus relief, gap attribution, agreements."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccplan
from cccplan.compare import compare
from cccplan.forecast.accuracy import bias, wape
from cccplan.queueing import required_agents
from cccplan.requirements import Finding
from cccplan.staffing import ServiceTarget
from cccplan.staffing.deferred import deferred_kpis

TZ = "Europe/Berlin"
TARGET = ServiceTarget(service_level=0.8, threshold=20)
ROOT = Path(__file__).resolve().parents[2]


def two_days() -> tuple[pd.DataFrame, pd.DataFrame]:
    day1 = pd.date_range("2026-03-02 08:00", periods=8, freq="15min", tz=TZ)
    day2 = pd.date_range("2026-03-03 08:00", periods=8, freq="15min", tz=TZ)
    times = day1.append(day2)
    volume = np.tile([60.0, 80.0, 100.0, 120.0, 100.0, 80.0, 60.0, 40.0], 2)
    forecast = pd.DataFrame(
        {"queue": "billing", "interval_start": times, "volume": volume, "aht": 180.0}
    )
    rng = np.random.default_rng(7)
    actuals = forecast.assign(
        volume=np.round(volume * rng.uniform(0.8, 1.2, len(volume))), aht=190.0
    )
    return forecast, actuals


def plan_for(forecast: pd.DataFrame, extra: float = 0.0) -> pd.DataFrame:
    load = forecast["volume"] * forecast["aht"] / 900
    agents = required_agents(
        load.to_numpy(), forecast["aht"].to_numpy(), service_level=0.8, threshold=20
    )
    return pd.DataFrame(
        {
            "queue": forecast["queue"],
            "interval_start": forecast["interval_start"],
            "agents": agents + extra,
        }
    )


def test_accuracy_against_actuals_reuses_the_accuracy_metrics() -> None:
    forecast, actuals = two_days()
    result = compare(forecast, plan_for(forecast), targets=TARGET, actuals=actuals)
    table = result.accuracy
    assert set(table["reference"]) == {"actuals"}
    days = table[table["level"] == "day"].reset_index(drop=True)
    for i, day in enumerate(pd.unique(forecast["interval_start"].dt.date)):
        rows = (forecast["interval_start"].dt.date == day).to_numpy()
        assert days.loc[i, "wape"] == pytest.approx(
            wape(actuals["volume"][rows], forecast["volume"][rows])
        )
        assert days.loc[i, "bias"] == pytest.approx(
            bias(actuals["volume"][rows], forecast["volume"][rows])
        )
        deviation = (
            abs(forecast["volume"][rows].sum() - actuals["volume"][rows].sum())
            / actuals["volume"][rows].sum()
        )
        assert days.loc[i, "deviation"] == pytest.approx(deviation)
        assert days.loc[i, "accuracy"] == pytest.approx(1 - deviation)
    horizon = table[table["level"] == "horizon"].iloc[0]
    assert horizon["wape"] == pytest.approx(wape(actuals["volume"], forecast["volume"]))
    assert horizon["basis_aht"] == pytest.approx(190.0)
    assert horizon["assessed_aht"] == pytest.approx(180.0)
    assert horizon["aht_deviation"] == pytest.approx(180 / 190 - 1)
    np.testing.assert_allclose(result.intervals["actual_volume"], actuals["volume"])


def test_accuracy_tolerance_findings_and_denominator() -> None:
    forecast, _ = two_days()
    actuals = forecast.copy()
    actuals.loc[actuals["interval_start"].dt.day == 3, "volume"] *= 1.25  # day 2: 25 % more
    result = compare(
        forecast,
        plan_for(forecast),
        targets=TARGET,
        actuals=actuals,
        accuracy_tolerance={"day": 0.1},
    )
    (finding,) = [f for f in result.findings if f.code == "forecast_accuracy"]
    assert finding.severity == "warning"
    assert finding.clause == "6.7"
    assert finding.limit == 0.1
    assert finding.value == pytest.approx(0.25 / 1.25)  # |F - A| / A with A = 1.25 F
    assert finding.intervals == (forecast["interval_start"].iloc[8],)  # the day's first interval
    by_forecast = compare(
        forecast, plan_for(forecast), targets=TARGET, actuals=actuals,
        accuracy_tolerance={"day": 0.1}, accuracy_denominator="forecast",
    )  # fmt: skip
    (finding,) = [f for f in by_forecast.findings if f.code == "forecast_accuracy"]
    assert finding.value == pytest.approx(0.25)  # |F - A| / F


def test_surplus_relief_marks_exactly_the_intervals_above_the_band() -> None:
    forecast, _ = two_days()
    actuals = forecast.copy()
    surge = [2, 3, 11]
    actuals.loc[surge, "volume"] *= 1.3
    actuals.loc[5, "volume"] *= 1.1  # within a 15 % band: no relief
    result = compare(
        forecast, plan_for(forecast), targets=TARGET, actuals=actuals, variance_band=0.15
    )
    assert np.flatnonzero(result.intervals["relieved"]).tolist() == surge
    (finding,) = [f for f in result.findings if f.code == "surplus_relief"]
    assert (finding.clause, finding.severity) == ("6.10", "info")
    assert finding.intervals == tuple(forecast["interval_start"].iloc[surge])
    assert result.daily["relieved_intervals"].tolist() == [2, 1]
    # At day level a day is relieved when its total exceeds the band: day 1 is +9 % (no),
    # so only with a band of 5 % are all of its intervals relieved.
    by_day = compare(
        forecast, plan_for(forecast), targets=TARGET, actuals=actuals, variance_band=0.05,
        variance_level="day",
    )  # fmt: skip
    day1_excess = actuals["volume"][:8].sum() / forecast["volume"][:8].sum() - 1
    day2_excess = actuals["volume"][8:].sum() / forecast["volume"][8:].sum() - 1
    expected = [day1_excess > 0.05] * 8 + [day2_excess > 0.05] * 8
    assert by_day.intervals["relieved"].tolist() == expected


def test_gap_is_attributed_to_the_ccc_volume_aht_shrinkage_and_plan() -> None:
    forecast, _ = two_days()
    ccc = forecast.assign(volume=forecast["volume"] * 0.9, aht=200.0)
    # The CCC staffs its own forecast exactly, with 25 % shrinkage on gross heads, but the
    # agreement's planning shrinkage is 30 %.
    own = plan_for(ccc)
    plan = own.assign(scheduled=own["agents"] / 0.75, shrinkage=0.25).drop(columns="agents")
    result = compare(forecast, plan, targets=TARGET, ccc_forecast=ccc, shrinkage=0.3)
    iv = result.intervals
    parts = iv[["gap_volume", "gap_aht", "gap_shrinkage", "gap_plan"]].sum(axis=1)
    np.testing.assert_allclose(parts, iv["gap"], atol=1e-9)
    np.testing.assert_allclose(iv["gap_plan"], 0.0, atol=1e-9)  # it staffed its forecast exactly
    req_volume = required_agents(
        ccc["volume"].to_numpy() * 180 / 900, 180.0, service_level=0.8, threshold=20
    )
    np.testing.assert_allclose(iv["gap_volume"], req_volume - iv["required"])
    np.testing.assert_allclose(iv["gap_shrinkage"], own["agents"] / 0.75 * (0.7 - 0.75))
    assert set(result.accuracy["reference"]) == {"ccc_forecast"}
    under = [f for f in result.findings if f.code == "understaffed"]
    assert under
    assert all("explained by" in f.message for f in under)


def test_deferred_queue_kpis_come_from_the_backlog_model() -> None:
    times = pd.date_range("2026-03-02 08:00", periods=8, freq="15min", tz=TZ)
    forecast = pd.DataFrame(
        {"queue": "orders", "channel": "email", "interval_start": times,
         "volume": [0, 0, 40, 0, 0, 0, 0, 0], "aht": 90.0}
    )  # fmt: skip
    plan = forecast[["queue", "channel", "interval_start"]].assign(agents=[0, 0, 2, 2, 0, 0, 0, 0])
    target = ServiceTarget(service_level=0.9, response_window=3600)
    result = compare(forecast, plan, targets=target)
    direct = deferred_kpis(
        forecast["volume"], 90.0, [True] * 8, 900, plan["agents"], response_window=3600
    )
    np.testing.assert_allclose(result.intervals["service_level"], direct.service_level)
    assert result.intervals["required"].sum() > 0


@dataclass(frozen=True)
class StandInAgreement:
    """Exactly the contract compare relies on (the real Agreement is tested below)."""

    target: ServiceTarget
    forecasting: Any = field(
        default_factory=lambda: SimpleNamespace(
            shrinkage=0.2, accuracy_tolerance={"day": 0.05}, accuracy_denominator="actual"
        )
    )
    service_terms: Any = field(
        default_factory=lambda: SimpleNamespace(
            variance_band=0.15, variance_level="interval", surplus_relief=True
        )
    )

    def targets_for(self, queue: str, channel: str | None = None) -> ServiceTarget:
        return self.target

    def check(self, forecast: Any = None, plan: Any = None, actuals: Any = None, events: Any = None,
              today: Any = None) -> list[Finding]:  # fmt: skip
        assert forecast is not None
        assert plan is not None
        return [Finding("6.7", "warning", "plan submitted late", code="plan_late")]


def test_stand_in_agreement_supplies_targets_shrinkage_bands_and_its_checks() -> None:
    forecast, _ = two_days()
    actuals = forecast.copy()
    actuals.loc[[4], "volume"] *= 1.5
    gross = plan_for(forecast)
    plan = gross.assign(scheduled=gross["agents"] / 0.8).drop(columns="agents")
    result = compare(forecast, plan, agreement=StandInAgreement(TARGET), actuals=actuals)
    np.testing.assert_allclose(result.intervals["planned"], gross["agents"])
    assert any("(1 - 0.2), the planning shrinkage of the agreement" in n for n in result.notes)
    codes = {f.code for f in result.findings}
    assert {"plan_late", "surplus_relief", "forecast_accuracy"} <= codes
    assert result.intervals["relieved"].sum() == 1
    assert result.settings["variance_band"] == 0.15
    # Explicit arguments win over the agreement.
    explicit = compare(
        forecast, plan, agreement=StandInAgreement(TARGET), actuals=actuals, shrinkage=0.0,
        variance_band=0.6, check_agreement=False,
    )  # fmt: skip
    np.testing.assert_allclose(explicit.intervals["planned"], gross["agents"] / 0.8)
    assert not explicit.intervals["relieved"].any()
    assert "plan_late" not in {f.code for f in explicit.findings}


def test_with_the_real_example_agreement() -> None:
    requirements = pytest.importorskip("cccplan.requirements")
    agreement_class = getattr(requirements, "Agreement", None)
    path = ROOT / "examples" / "agreements" / "agreement.yaml"
    if agreement_class is None or not path.exists():
        pytest.skip("cccplan.requirements.Agreement or the example agreement is not there yet")
    agreement = agreement_class.from_file(path)
    history = cccplan.load_example(0, days=21).history
    forecast = history[
        history["interval_start"]
        >= history["interval_start"].max().normalize() - pd.Timedelta("6D")
    ]
    forecast = forecast.reset_index(drop=True)
    keys = forecast[["queue", "channel"]].drop_duplicates().itertuples(index=False)
    targets = {(q, c): agreement.targets_for(q, c) for q, c in keys}
    needed = cccplan.staff(forecast, targets)
    plan = needed[["queue", "channel", "interval_start", "agents"]].copy()
    billing = (plan["queue"] == "billing").to_numpy()
    plan.loc[billing, "agents"] = np.maximum(plan.loc[billing, "agents"] - 2, 0)
    result = compare(forecast, plan, agreement=agreement)
    assert result.has_errors
    under = [f for f in result.findings if f.code == "understaffed"]
    assert under
    assert {f.queue for f in under} == {"billing"}
    others = result.by_queue[result.by_queue["queue"] != "billing"]
    assert (others["under_hours"] == 0).all()
    assert (others["over_hours"] == 0).all()
    # The agreement's own checks are part of the findings.
    assert any(f.clause not in ("6.7", "6.8", "6.10") for f in result.findings)
