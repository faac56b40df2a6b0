"""Pictures of a reconciliation: required vs planned agents, service level, gap heatmap."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import CHANNEL, KEY_COLUMNS, QUEUE, TIME, VOLUME

__all__ = ["plot_reconciliation", "select_series"]


def _plain(text: str) -> str:
    """A user string safe from matplotlib's mathtext (``$`` starts a formula)."""
    return text.replace("$", r"\$")


def select_series(
    intervals: pd.DataFrame, queue: str | None = None, channel: str | None = None
) -> pd.DataFrame:
    """The interval rows of one queue and/or channel (all rows when both are None)."""
    mask = np.ones(len(intervals), dtype=bool)
    for column, value in ((QUEUE, queue), (CHANNEL, channel)):
        if value is None:
            continue
        if column not in intervals.columns:
            raise InputError(f"plot: the reconciliation has no {column!r} column; drop {column}=")
        mask &= (intervals[column].astype(str) == str(value)).to_numpy()
    chosen = intervals.loc[mask]
    if chosen.empty:
        raise InputError(f"plot: no intervals for queue={queue!r}, channel={channel!r}")
    return chosen


def plot_reconciliation(
    result: Any, *, queue: str | None = None, channel: str | None = None, dpi: int = 80
) -> Any:
    """Required vs planned agents, projected daily service level and the gap heatmap.

    Parameters
    ----------
    result : Reconciliation
        The result of :func:`cccplan.compare.compare`.
    queue, channel : str, optional
        Show one series; by default every series is summed (agents) or
        volume-weighted (service level).
    dpi : int, default 80
        Resolution of the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: (1) required and planned net agents per interval, with
        the under-staffed area shaded; (2) the service level the plan
        delivers on the forecast volume per local day, against the target
        when the series share one; (3) a heatmap of ``planned - required``
        agents, local day x time of day (red: short, blue: over; blank: no
        interval on either side).
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 - plotting is optional at import time
    from matplotlib.colors import TwoSlopeNorm  # noqa: PLC0415

    frame = select_series(result.intervals, queue, channel)
    required = np.nan_to_num(frame["required"].to_numpy(dtype=np.float64))
    planned = np.nan_to_num(frame["planned"].to_numpy(dtype=np.float64))
    data = pd.DataFrame(
        {
            "time": frame[TIME].dt.tz_localize(None).to_numpy(),
            "required": required,
            "planned": planned,
            "gap": planned - required,
            "date": frame["date"].to_numpy(),
        }
    )
    service = frame["service_level"].to_numpy(dtype=np.float64)
    volume = np.nan_to_num(frame[VOLUME].to_numpy(dtype=np.float64))
    known = (volume > 0) & ~np.isnan(service)
    data["_sl"] = np.where(known, service * volume, 0.0)
    data["_w"] = np.where(known, volume, 0.0)
    per_time = data.groupby("time", sort=True)[["required", "planned", "gap"]].sum()
    per_day = data.groupby("date", sort=True)[["_sl", "_w"]].sum()
    daily_sl = per_day["_sl"] / per_day["_w"].where(per_day["_w"] > 0)

    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    names = frame[keys].drop_duplicates() if keys else pd.DataFrame()
    if keys and len(names) == 1:
        label = " / ".join(str(names.iloc[0][k]) for k in keys)
    else:
        label = f"{len(names)} series" if keys else "the forecast"

    fig, axes = plt.subplots(
        3, 1, figsize=(12, 11), dpi=dpi, layout="constrained", height_ratios=[1.2, 0.8, 1.4]
    )
    ax = axes[0]
    if len(per_time) > 1:
        # Closed hours are absent rows: on a full grid they become gaps in the
        # lines instead of a level drawn across the night.
        grid = pd.date_range(per_time.index[0], per_time.index[-1], freq=result.freq)
        per_time = per_time.reindex(grid)
    times = per_time.index
    ax.step(times, per_time["required"], where="post", color="black", lw=1.0, label="required")
    ax.step(times, per_time["planned"], where="post", color="tab:blue", lw=1.0, label="planned")
    ax.fill_between(
        times,
        per_time["planned"],
        per_time["required"],
        where=(per_time["planned"] < per_time["required"]).to_numpy(),
        step="post",
        color="tab:red",
        alpha=0.35,
        label="short",
    )
    ax.set_ylabel("net agents")
    ax.set_title(_plain(f"{label}: required vs planned agents ({result.timezone})"))
    ax.legend(loc="upper right")

    ax = axes[1]
    ax.plot(
        daily_sl.index, daily_sl.to_numpy(), marker="o", ms=3, color="tab:blue", label="projected"
    )
    targets = pd.unique(
        result.daily.loc[
            result.daily.index.isin(_daily_rows(result.daily, queue, channel)),
            "service_level_target",
        ].dropna()
    )
    if len(targets) == 1:
        ax.axhline(
            float(targets[0]), color="tab:red", ls="--", lw=1, label=f"target {targets[0]:.0%}"
        )
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("service level")
    ax.set_title("projected daily service level of the plan on the forecast volume")
    ax.legend(loc="lower right")

    ax = axes[2]
    local = pd.DatetimeIndex(data["time"])
    minutes = (local - local.normalize()) // pd.Timedelta(minutes=1)
    table = pd.pivot_table(
        pd.DataFrame({"day": local.normalize(), "minute": minutes, "gap": data["gap"].to_numpy()}),
        index="day",
        columns="minute",
        values="gap",
        aggfunc="sum",
    )
    values = table.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    low = float(min(finite.min(initial=0.0), -1e-6)) if finite.size else -1.0
    high = float(max(finite.max(initial=0.0), 1e-6)) if finite.size else 1.0
    image = ax.imshow(
        np.ma.masked_invalid(values),
        aspect="auto",
        interpolation="nearest",
        cmap="RdBu",
        norm=TwoSlopeNorm(vcenter=0.0, vmin=low, vmax=high),
    )
    fig.colorbar(image, ax=ax, label="planned - required (agents)")
    ticks = [i for i, m in enumerate(table.columns) if m % 120 == 0]
    ax.set_xticks(ticks, [f"{table.columns[i] // 60:02d}:00" for i in ticks])
    step = max(1, -(-len(table) // 28))  # at most 28 day labels
    rows = list(range(0, len(table), step))
    ax.set_yticks(rows, [table.index[i].strftime("%a %d %b") for i in rows])
    ax.set_xlabel("local time of day")
    ax.set_title("over (blue) and under (red) staffing by day and time of day")
    return fig


def _daily_rows(daily: pd.DataFrame, queue: str | None, channel: str | None) -> pd.Index:
    mask = np.ones(len(daily), dtype=bool)
    for column, value in ((QUEUE, queue), (CHANNEL, channel)):
        if value is not None and column in daily.columns:
            mask &= (daily[column].astype(str) == str(value)).to_numpy()
    return daily.index[mask]
