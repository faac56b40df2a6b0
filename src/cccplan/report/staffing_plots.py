"""Staffing pictures: the required-agents heatmap and a day's staffing curve."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import KEY_COLUMNS, TIME, VOLUME

__all__ = ["plot_day", "plot_heatmap"]


def _one_series(frame: pd.DataFrame, queue: str | None, channel: str | None) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in (("queue", queue), ("channel", channel)):
        if value is not None and column in frame.columns:
            mask &= (frame[column].astype(str) == value).to_numpy()
    chosen = frame.loc[mask]
    keys = [c for c in KEY_COLUMNS if c in chosen.columns]
    if keys and len(chosen[keys].drop_duplicates()) > 1:
        names = chosen[keys].drop_duplicates().astype(str).agg("/".join, axis=1).tolist()
        raise InputError(
            f"the staffing frame holds several series ({', '.join(names[:6])}); "
            "choose one with queue= and/or channel="
        )
    if chosen.empty:
        raise InputError(f"the staffing frame has no rows for queue={queue!r}, channel={channel!r}")
    return chosen


def _title(frame: pd.DataFrame) -> str:
    return " / ".join(str(frame[c].iloc[0]) for c in KEY_COLUMNS if c in frame.columns) or "series"


def plot_heatmap(
    staffing: pd.DataFrame,
    *,
    queue: str | None = None,
    channel: str | None = None,
    column: str = "agents",
    ax: Any = None,
) -> Any:
    """Required agents as a day x time-of-day heatmap (closed intervals blank).

    Parameters
    ----------
    staffing : pandas.DataFrame
        Output of :func:`cccplan.staff` (or any frame with ``interval_start``
        and ``column``).
    queue, channel : str, optional
        The series to show, when the frame holds several.
    column : str, default "agents"
        What to colour: ``"agents"``, ``"scheduled"``, ``"volume"``...
    ax : matplotlib Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 - plotting is optional at import time

    frame = _one_series(staffing, queue, channel)
    if column not in frame.columns:
        raise InputError(f"plot_heatmap: the frame has no column {column!r}")
    local = frame[TIME].dt.tz_localize(None)
    day = local.dt.normalize()
    minutes = (local - day) // pd.Timedelta(minutes=1)
    table = pd.pivot_table(
        pd.DataFrame({"day": day, "minute": minutes, "value": frame[column].to_numpy()}),
        index="day",
        columns="minute",
        values="value",
        aggfunc="sum",
    )
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 0.25 * len(table) + 2), layout="constrained")
    else:
        fig = ax.figure
    image = ax.imshow(
        np.ma.masked_invalid(table.to_numpy(dtype=float)),
        aspect="auto",
        interpolation="nearest",
        cmap="viridis",
    )
    fig.colorbar(image, ax=ax, label=column)
    hours = [i for i, m in enumerate(table.columns) if m % 120 == 0]
    ax.set_xticks(hours, [f"{table.columns[i] // 60:02d}:00" for i in hours])
    ax.set_yticks(range(len(table)), [d.strftime("%a %d %b") for d in table.index])
    ax.set_xlabel(f"local time ({frame[TIME].dt.tz})")
    ax.set_title(f"{_title(frame)}: {column} per interval")
    return fig


def plot_day(
    staffing: pd.DataFrame,
    day: str | pd.Timestamp,
    *,
    queue: str | None = None,
    channel: str | None = None,
    ax: Any = None,
) -> Any:
    """One day's staffing curve (agents, scheduled) against its volume.

    Parameters
    ----------
    staffing : pandas.DataFrame
        Output of :func:`cccplan.staff`: ``interval_start``, ``volume``,
        ``agents`` and optionally ``scheduled``.
    day : str or Timestamp
        The local date to show, e.g. ``"2025-03-04"``.
    queue, channel : str, optional
        The series to show, when the frame holds several.
    ax : matplotlib Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    frame = _one_series(staffing, queue, channel)
    local = frame[TIME].dt.tz_localize(None)
    date = pd.Timestamp(day).normalize()
    rows = frame.loc[(local.dt.normalize() == date).to_numpy()]
    if rows.empty:
        raise InputError(f"plot_day: no intervals on {date.date()}")
    times = rows[TIME].dt.tz_localize(None)
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 4), layout="constrained")
    else:
        fig = ax.figure
    steps = np.diff(times.to_numpy()).astype("timedelta64[s]").astype(float)
    step_days = (float(steps[steps > 0].min()) if (steps > 0).any() else 900.0) / 86400.0
    ax.bar(
        times,
        rows[VOLUME],
        width=0.9 * step_days,
        color="0.8",
        label="volume (contacts)",
        align="edge",
    )
    ax.set_ylabel("contacts per interval")
    twin = ax.twinx()
    twin.step(times, rows["agents"], where="post", color="tab:blue", label="agents required")
    if "scheduled" in rows.columns:
        twin.step(times, rows["scheduled"], where="post", color="tab:orange", label="scheduled")
    twin.set_ylabel("agents")
    twin.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + twin.get_legend_handles_labels()[1]
    ax.legend(handles, labels, loc="upper left", fontsize="small")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))  # type: ignore[no-untyped-call]
    ax.set_title(f"{_title(frame)}: staffing on {date.strftime('%a %d %b %Y')}")
    return fig
