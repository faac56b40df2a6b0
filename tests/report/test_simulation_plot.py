"""plot_simulation: the panels, the band around the simulated figure, series choice, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cccplan
from cccplan.report import plot_simulation


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    """Two queues, eight quarter-hours each, a ramp in sales."""
    grid = pd.date_range("2025-03-04 08:00", periods=8, freq="15min", tz="Europe/Berlin")
    sales = pd.DataFrame(
        {
            "queue": "sales",
            "interval_start": grid,
            "volume": [40.0, 40, 120, 120, 40, 40, 40, 40],
            "aht": 180.0,
            "agents": [11, 11, 28, 28, 11, 11, 11, 11],
        }
    )
    support = sales.assign(queue="support", volume=30.0, agents=9)
    frame = pd.concat([sales, support], ignore_index=True)
    frame.attrs["freq"] = "15min"
    return cccplan.simulate(frame, patience=180.0, replications=4, seed=2)


def test_panels_band_and_erlang_line(sim: pd.DataFrame) -> None:
    fig = plot_simulation(sim, queue="sales")
    top, bottom = fig.axes[:2]
    assert top.get_ylabel() == "service level"
    assert bottom.get_ylabel() == "contacts per interval"
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert labels == ["95 % confidence band", "simulated", "Erlang (steady state)"]
    sales = sim[sim["queue"] == "sales"]
    lines = {line.get_label(): line for line in top.get_lines()}
    # Step lines repeat the last interval's value to close the last interval.
    simulated = np.asarray(lines["simulated"].get_ydata(), dtype=float)
    np.testing.assert_allclose(simulated[:-1], sales["sim_service_level"])
    erlang = np.asarray(lines["Erlang (steady state)"].get_ydata(), dtype=float)
    np.testing.assert_allclose(erlang[:-1], sales["erlang_service_level"])
    bars = bottom.patches
    assert len(bars) == 8
    assert [bar.get_height() for bar in bars] == sales["volume"].tolist()
    agents = fig.axes[2].get_lines()[0].get_ydata()
    assert list(agents[:-1]) == sales["agents"].tolist()


def test_other_metrics(sim: pd.DataFrame) -> None:
    fig = plot_simulation(sim, queue="support", metric="asa")
    assert fig.axes[0].get_ylabel() == "ASA (s)"
    fig = plot_simulation(sim, queue="support", metric="abandon_rate")
    assert fig.axes[0].get_ylabel() == "abandon rate"


def test_errors(sim: pd.DataFrame) -> None:
    with pytest.raises(cccplan.InputError, match="several series"):
        plot_simulation(sim)
    with pytest.raises(cccplan.InputError, match="metric"):
        plot_simulation(sim, queue="sales", metric="occupancy")
    with pytest.raises(cccplan.InputError, match=r"cccplan\.simulate"):
        plot_simulation(sim.drop(columns="erlang_service_level"), queue="sales")
    with pytest.raises(cccplan.InputError, match="DataFrame"):
        plot_simulation([1, 2])  # type: ignore[arg-type]
