from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cccplan
from cccplan.report import plot_day, plot_heatmap


@pytest.fixture(scope="module")
def staffing():
    """A small staffing-like frame: two days of one queue, agents from Erlang C."""
    grid = pd.date_range("2025-03-03 08:00", periods=48, freq="15min", tz="Europe/Berlin")
    grid = grid.append(grid + pd.Timedelta(days=1))
    volume = 40 + 30 * np.sin(np.linspace(0, np.pi, 48))
    volume = np.concatenate([volume, volume * 1.1])
    load = volume * 240 / 900
    agents = cccplan.queueing.required_agents(load, 240, service_level=0.8, threshold=20)
    return pd.DataFrame(
        {
            "queue": "sales",
            "channel": "voice",
            "interval_start": grid,
            "volume": volume,
            "agents": agents,
            "scheduled": np.ceil(agents / 0.7),
        }
    )


def test_heatmap_has_one_row_per_day(staffing):
    fig = plot_heatmap(staffing)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Mon 03 Mar", "Tue 04 Mar"]
    image = ax.get_images()[0].get_array()
    assert image.shape == (2, 48)
    assert float(image.max()) == staffing["agents"].max()


def test_day_curve_shows_volume_and_agents(staffing):
    fig = plot_day(staffing, "2025-03-04")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["volume (contacts)", "agents required", "scheduled"]
    with pytest.raises(cccplan.InputError, match="no intervals"):
        plot_day(staffing, "2025-03-09")


def test_plots_need_one_series(staffing):
    two = pd.concat([staffing, staffing.assign(queue="other")])
    with pytest.raises(cccplan.InputError, match="several series"):
        plot_heatmap(two)
    assert plot_heatmap(two, queue="other").axes
