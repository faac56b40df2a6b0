"""The result of :func:`cccplan.scheduling.schedule`: shifts, breaks, coverage and plots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Schedule"]

_KEYS = ("queue", "channel")


@dataclass(frozen=True)
class Schedule:
    """Shifts (with breaks and, optionally, weekly tours) planned against a requirement.

    Attributes
    ----------
    shifts : pandas.DataFrame
        One row per group, template, start and break placement:
        ``shift_id``, ``group`` (the queue / series label, or the pool name),
        the key columns (``queue`` / ``channel``; missing for a pool),
        ``template``, ``date`` (local date of the start), ``start`` and ``end``
        (timezone-aware), ``count`` (agents on this shift), ``breaks`` (local
        times, e.g. ``"10:00-10:15, 12:30-13:00"``), ``paid_hours`` and
        ``cost`` (of the row: count x the cost of one shift).
    breaks : pandas.DataFrame
        One row per shift row and break: ``shift_id``, ``break`` (1, 2, ...,
        in the template's order), ``break_start``, ``break_end``, ``paid``.
        Every agent of a ``shifts`` row takes these breaks.
    coverage : pandas.DataFrame
        One row per requirement row: key columns, ``interval_start``,
        ``group``, ``open`` (whether cover is required), ``required``,
        ``planned`` (agents on the floor, net of breaks) and
        ``gap = planned - required``, the vocabulary of ``cccplan.compare``.
        In a pool, the pool's agents on the floor are shared among its queues
        in proportion to their requirement (equally where it is 0).
    tours : pandas.DataFrame or None
        With weekly tours: ``group``, key columns, ``template``, ``start``
        (local "HH:MM"), ``days`` (the working days, e.g. "Mon-Fri"),
        ``count``; otherwise None.
    templates : pandas.DataFrame
        The shift templates (:func:`cccplan.scheduling.templates_frame`).
    cost : float
        Total cost of the shifts (penalties excluded).
    status : str
        "optimal" (HiGHS proved the plan within ``gap`` of the optimum),
        "time_limit" (the best plan found when the time ran out) or
        "no_solution" (no plan was found in the time: every count is 0).
    gap : float
        Relative MIP gap HiGHS reported (NaN when unknown).
    time : float
        Wall-clock seconds of the solve (HiGHS), model building excluded.
    shortfall, surplus : float
        Agent-hours short of and over the requirement in open intervals.
    freq : str
        Interval length of the requirement (e.g. "15min").
    message : str
        HiGHS's message.
    n_variables, n_constraints : int
        Size of the MILP.
    """

    shifts: pd.DataFrame
    breaks: pd.DataFrame
    coverage: pd.DataFrame
    tours: pd.DataFrame | None
    templates: pd.DataFrame
    cost: float
    status: str
    gap: float
    time: float
    shortfall: float
    surplus: float
    freq: str
    message: str
    n_variables: int
    n_constraints: int

    @property
    def keys(self) -> list[str]:
        """Key columns of the requirement (``queue`` and/or ``channel``)."""
        return [c for c in _KEYS if c in self.coverage.columns]

    @property
    def uncovered(self) -> pd.DataFrame:
        """Open intervals where the plan is short of the requirement (``gap < 0``).

        Key columns, ``interval_start``, ``required``, ``planned``, ``gap``;
        empty when everything is covered.
        """
        short = self.coverage["open"].to_numpy() & (self.coverage["gap"].to_numpy() < -1e-9)
        columns = [*self.keys, "interval_start", "required", "planned", "gap"]
        return self.coverage.loc[short, columns].reset_index(drop=True)

    def to_plan(self) -> pd.DataFrame:
        """The plan as an interval frame that ``cccplan.compare`` accepts.

        Returns
        -------
        pandas.DataFrame
            Key columns, ``interval_start`` and ``agents`` (agents on the floor,
            net of breaks), one row per requirement row (zeros included), with
            ``attrs["freq"]`` set.
        """
        plan = self.coverage[[*self.keys, "interval_start", "planned"]].rename(
            columns={"planned": "agents"}
        )
        plan = plan.reset_index(drop=True)
        plan.attrs["freq"] = self.freq
        return plan

    def summary(self) -> str:
        """A few lines: status, cost, shifts, shortfall and surplus."""
        agents = int(self.shifts["count"].sum()) if len(self.shifts) else 0
        lines = [
            f"Schedule: {self.status}, gap {self.gap:.2%}, {self.time:.1f} s "
            f"({self.n_variables} variables, {self.n_constraints} constraints)",
            f"  shifts      {agents} ({len(self.shifts)} rows)",
            f"  cost        {self.cost:,.2f}",
            f"  shortfall   {self.shortfall:,.2f} agent-hours in {len(self.uncovered)} intervals",
            f"  surplus     {self.surplus:,.2f} agent-hours",
        ]
        return "\n".join(lines)

    def plot(self, *, max_groups: int = 6) -> Figure:
        """Required vs planned agents on the floor per group, uncovered intervals marked.

        Parameters
        ----------
        max_groups : int, default 6
            Plot at most this many groups (one panel each), the first in order.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt  # noqa: PLC0415 - plotting is optional at import time

        cover = self.coverage
        groups = list(dict.fromkeys(cover["group"]))[:max_groups]
        fig, axes = plt.subplots(
            len(groups), 1, figsize=(12, 2.6 * max(len(groups), 1)), squeeze=False, sharex=True
        )
        step = pd.Timedelta(self.freq)
        for ax, group in zip(axes[:, 0], groups, strict=True):
            rows = cover[cover["group"] == group]
            per_time = rows.groupby("interval_start", sort=True)[["required", "planned"]].sum()
            times = per_time.index
            required = per_time["required"].to_numpy(dtype=float)
            planned = per_time["planned"].to_numpy(dtype=float)
            ax.step(times, required, where="post", color="0.3", lw=1.2, label="required")
            ax.step(times, planned, where="post", color="tab:blue", lw=1.2, label="planned")
            short = planned < required - 1e-9
            if short.any():
                ax.fill_between(
                    times,
                    planned,
                    required,
                    where=short,
                    step="post",
                    color="tab:red",
                    alpha=0.4,
                    label="uncovered",
                )
            ax.set_ylabel("agents")
            ax.set_title(f"{group}: required vs scheduled on the floor", fontsize=10)
            ax.set_xlim(times.min(), times.max() + step) if len(times) else None
            ax.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        return fig

    def plot_shifts(self, *, max_rows: int = 60) -> Figure:
        """A Gantt-like view: one bar per shift row, labelled with its count.

        Parameters
        ----------
        max_rows : int, default 60
            Draw at most this many shift rows (the earliest starts).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt  # noqa: PLC0415 - plotting is optional at import time

        shifts = self.shifts.sort_values(["start", "template"]).head(max_rows)
        fig, ax = plt.subplots(figsize=(12, max(2.5, 0.22 * len(shifts) + 1.2)))
        templates = list(dict.fromkeys(self.templates["name"]))
        colours = plt.get_cmap("tab10")
        for row, shift in enumerate(shifts.itertuples(index=False)):
            colour = colours(templates.index(str(shift.template)) % 10)
            ax.barh(
                row,
                shift.end - shift.start,
                left=shift.start,
                height=0.7,
                color=colour,
                alpha=0.8,
            )
            ax.text(shift.start, row, f" {shift.count}", va="center", fontsize=7)
            for brk in self.breaks[self.breaks["shift_id"] == shift.shift_id].itertuples():
                ax.barh(
                    row,
                    brk.break_end - brk.break_start,
                    left=brk.break_start,
                    height=0.7,
                    color="white",
                    alpha=0.9,
                )
        ax.set_yticks(range(len(shifts)))
        ax.set_yticklabels(
            [f"{s.group} {s.template}" for s in shifts.itertuples(index=False)], fontsize=7
        )
        ax.invert_yaxis()
        ax.set_title("Shifts (count on each bar; breaks in white)", fontsize=10)
        fig.tight_layout()
        return fig
