"""A forecast against its history: the picture a planner checks before staffing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import KEY_COLUMNS, TIME, VOLUME

__all__ = ["plot_forecast"]


def _select(frame: pd.DataFrame, keys: dict[str, str | None], argument: str) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in keys.items():
        if value is not None and column in frame.columns:
            mask &= (frame[column].astype(str) == value).to_numpy()
    chosen = frame.loc[mask]
    present = [c for c in KEY_COLUMNS if c in chosen.columns]
    if present and chosen[present].drop_duplicates().shape[0] > 1:
        series = chosen[present].drop_duplicates().astype(str).agg("/".join, axis=1).tolist()
        raise InputError(
            f"plot_forecast: `{argument}` holds several series ({', '.join(series[:6])}); "
            "choose one with queue= and/or channel="
        )
    if chosen.empty:
        raise InputError(f"plot_forecast: `{argument}` has no rows for {keys}")
    return chosen


def plot_forecast(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    queue: str | None = None,
    channel: str | None = None,
    days: int = 14,
    level: int | None = 80,
    ax: Any = None,
) -> Any:
    """Plot one series' recent history, its forecast and a prediction interval.

    Parameters
    ----------
    history : pandas.DataFrame
        Canonical interval frame (volumes actually offered).
    forecast : pandas.DataFrame
        Output of :func:`cccplan.forecast`.
    queue, channel : str, optional
        The series to show (needed when the frames hold several).
    days : int, default 14
        Days of history shown before the forecast.
    level : int or None, default 80
        Prediction interval drawn as a band (``volume_lo_<level>`` /
        ``volume_hi_<level>``); None draws none.
    ax : matplotlib Axes, optional
        Draw into this Axes; by default a new Figure is made.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not shown; call ``fig.savefig`` or display it in a notebook).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import cccplan
    >>> from cccplan.report import plot_forecast
    >>> centre = cccplan.load_example(days=60)
    >>> voice = centre.history[centre.history["queue"] == "billing"]
    >>> fc = cccplan.forecast(voice, "7D", model="weekday_average")
    >>> fig = plot_forecast(voice, fc, days=7)
    >>> fig.axes[0].get_ylabel()
    'contacts per interval'
    """
    import matplotlib.dates as mdates  # noqa: PLC0415 - plotting is optional at import time
    import matplotlib.pyplot as plt  # noqa: PLC0415

    keys = {"queue": queue, "channel": channel}
    past = _select(history, keys, "history")
    future = _select(forecast, keys, "forecast")
    first = future[TIME].min()
    past = past[past[TIME] >= first - pd.Timedelta(days=days)]
    tz = str(first.tz)
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 4), layout="constrained")
    else:
        fig = ax.figure
    # Plot local wall-clock time: what planners read.
    ax.plot(past[TIME].dt.tz_localize(None), past[VOLUME], color="0.35", lw=0.9, label="history")
    local = future[TIME].dt.tz_localize(None)
    if level is not None:
        lo, hi = f"volume_lo_{level}", f"volume_hi_{level}"
        if lo not in future.columns or hi not in future.columns:
            raise InputError(
                f"plot_forecast: the forecast has no {level}% interval (columns {lo}, {hi}); "
                "pass level=None or forecast with that level"
            )
        ax.fill_between(
            local,
            future[lo],
            future[hi],
            step="post",
            color="tab:blue",
            alpha=0.25,
            lw=0,
            label=f"{level}% prediction interval",
        )
    ax.plot(local, future[VOLUME], color="tab:blue", lw=1.2, label="forecast")
    if "event_multiplier" in future.columns:
        event = future["event_multiplier"].to_numpy() != 1.0
        if event.any():
            ax.scatter(
                local[event],
                future.loc[event, VOLUME],
                s=6,
                color="tab:orange",
                label="client event applied",
                zorder=3,
            )
    ax.axvline(first.tz_localize(None), color="0.6", ls="--", lw=0.8)
    name = " / ".join(str(future[c].iloc[0]) for c in KEY_COLUMNS if c in future.columns)
    model = str(future["model"].iloc[0]) if "model" in future.columns else ""
    ax.set_title(f"{name or 'series'}: history and forecast ({model})".strip())
    ax.set_ylabel("contacts per interval")
    ax.set_xlabel(f"local time ({tz})")
    ax.set_ylim(bottom=0)
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.legend(loc="upper left", fontsize="small", ncols=4)
    ax.grid(alpha=0.3)
    return fig
