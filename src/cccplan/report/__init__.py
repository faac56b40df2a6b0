"""Plots and reports (matplotlib). Every plot function returns the Figure."""

from __future__ import annotations

from cccplan.report.compare_plots import plot_reconciliation
from cccplan.report.forecast_plot import plot_forecast
from cccplan.report.simulation_plot import plot_simulation
from cccplan.report.staffing_plots import plot_day, plot_heatmap

__all__ = ["plot_day", "plot_forecast", "plot_heatmap", "plot_reconciliation", "plot_simulation"]
