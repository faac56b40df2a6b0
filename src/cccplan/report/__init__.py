"""Plots and reports (matplotlib). Every plot function returns the Figure."""

from __future__ import annotations

from cccplan.report.forecast_plot import plot_forecast

__all__ = ["plot_forecast"]
