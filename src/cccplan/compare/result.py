"""The result of :func:`cccplan.compare.compare`: tables, findings, notes and reports."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import pandas as pd

from cccplan.requirements.findings import Finding, findings_frame

__all__ = ["Reconciliation"]


@dataclasses.dataclass(frozen=True, eq=False)
class Reconciliation:
    """The CCC's plan reconciled with the client's forecast.

    Attributes
    ----------
    intervals : pandas.DataFrame
        One row per series and interval of the forecast or the plan (the
        forecast's grid and time zone): keys, ``interval_start``, ``status``
        (``"matched"``, ``"forecast_only"``: the plan lacks the interval,
        ``"plan_only"``: the forecast lacks it), ``volume`` (contacts),
        ``aht`` (seconds), ``required`` (agents recomputed from the forecast
        and targets), ``planned`` (net agents of the plan), ``gap = planned -
        required`` (NaN where either side lacks the interval),
        ``over_hours``, ``under_hours``, ``missing_hours`` (required
        agent-hours where the plan lacks the interval), ``unforecast_hours``
        (planned agent-hours where the forecast lacks it), ``adherent``
        (planned within the line-adherence band of required),
        ``service_level``, ``asa`` (seconds), ``abandon_rate`` and
        ``occupancy`` that the plan delivers on the forecast volume (computed
        with 0 agents where the plan lacks the interval), ``relieved``
        (surplus relief, 6.10), ``date`` and ``week`` (local, naive), and when
        given ``scheduled``, ``actual_volume``, ``actual_aht``,
        ``ccc_volume``, ``ccc_aht`` and the gap's parts ``gap_volume``,
        ``gap_aht``, ``gap_shrinkage`` and ``gap_plan`` (agents).
    daily, weekly, by_queue : pandas.DataFrame
        Roll-ups per series and local day, local week (Monday) and over the
        horizon: ``volume``, ``required_hours``, ``planned_hours``,
        ``over_hours``, ``under_hours``, ``missing_hours``,
        ``unforecast_hours`` (agent-hours, never netted), ``coverage``,
        ``efficiency``, ``line_adherence``, volume-weighted
        ``service_level``, ``abandon_rate``, answered-weighted ``asa``, the
        targets, and ``relieved_intervals``.
    findings : tuple of Finding
        Sorted by severity, then impact (:func:`cccplan.requirements.sort_findings`).
    notes : tuple of str
        What was done to align the inputs (zone conversion, resampling,
        queue names matched ignoring case).
    accuracy : pandas.DataFrame
        Forecast accuracy per series and day, week and horizon (empty without
        actuals or a CCC forecast).
    freq : str
        The interval length of the comparison (the forecast's).
    timezone : str
        The time zone of the comparison (the forecast's).
    settings : dict
        The parameters used (line-adherence band, variance band, shrinkage
        source, tolerances).
    """

    intervals: pd.DataFrame
    daily: pd.DataFrame
    weekly: pd.DataFrame
    by_queue: pd.DataFrame
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    accuracy: pd.DataFrame
    freq: str
    timezone: str
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        """Whether any finding has severity ``"error"`` (a command line exits non-zero)."""
        return any(f.severity == "error" for f in self.findings)

    @property
    def findings_frame(self) -> pd.DataFrame:
        """The findings as a tidy frame (:func:`cccplan.requirements.findings_frame`)."""
        return findings_frame(self.findings)

    def totals(self) -> dict[str, float]:
        """Totals over every series and the horizon: hours, coverage, efficiency, service level."""
        from cccplan.compare.api import horizon_totals  # noqa: PLC0415 - avoids an import cycle

        return horizon_totals(self)

    def summary(self) -> str:
        """A short text a manager can read: totals, the worst findings, the alignment notes."""
        from cccplan.report.reconciliation import summary_text  # noqa: PLC0415

        return summary_text(self)

    def plot(self, *, queue: str | None = None, channel: str | None = None) -> Any:
        """Required vs planned agents, projected daily service level, over/under heatmap.

        Parameters
        ----------
        queue, channel : str, optional
            Show one series; by default all series are summed.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from cccplan.report.compare_plots import plot_reconciliation  # noqa: PLC0415

        return plot_reconciliation(self, queue=queue, channel=channel)

    def to_html(self, path: str | os.PathLike[str], *, title: str | None = None) -> None:
        """Write one self-contained HTML report (plots embedded, every user string escaped)."""
        from cccplan.report.reconciliation import write_html  # noqa: PLC0415

        write_html(self, path, title=title)

    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Write an Excel workbook with one sheet per table (times in local naive time)."""
        from cccplan.report.reconciliation import write_excel  # noqa: PLC0415

        write_excel(self, path)

    def to_markdown(self) -> str:
        """The report as Markdown: summary, findings, per-queue and daily tables."""
        from cccplan.report.reconciliation import markdown_text  # noqa: PLC0415

        return markdown_text(self)

    def __repr__(self) -> str:
        counts = {
            s: sum(f.severity == s for f in self.findings) for s in ("error", "warning", "info")
        }
        return (
            f"Reconciliation({len(self.intervals)} intervals at {self.freq}, {self.timezone}; "
            f"findings: {counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} info)"
        )
