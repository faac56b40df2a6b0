from __future__ import annotations

import pytest

import cccplan
from cccplan.report import plot_forecast


@pytest.fixture(scope="module")
def data():
    centre = cccplan.load_example(days=90)
    history = centre.history
    fc = cccplan.forecast(history, "7D", model="weekday_average", opening_hours=centre.hours)
    return history, fc


def test_plot_one_series_returns_a_figure_with_history_forecast_and_band(data):
    history, fc = data
    fig = plot_forecast(history, fc, queue="support", channel="chat", days=7)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["history", "80% prediction interval", "forecast"]
    assert "support / chat" in ax.get_title()
    assert ax.get_ylim()[0] == 0


def test_plot_needs_one_series(data):
    history, fc = data
    with pytest.raises(cccplan.InputError, match="several series"):
        plot_forecast(history, fc)
    with pytest.raises(cccplan.InputError, match="no 99% interval"):
        plot_forecast(history, fc, queue="orders", level=99)
