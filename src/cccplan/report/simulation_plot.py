"""The simulated check of a plan, interval by interval, beside the Erlang figures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import TIME, VOLUME
from cccplan.report.staffing_plots import _one_series, _title

__all__ = ["plot_simulation"]

_LABELS = {
    "service_level": "service level",
    "asa": "ASA (s)",
    "abandon_rate": "abandon rate",
}


def plot_simulation(
    sim: pd.DataFrame,
    *,
    queue: str | None = None,
    channel: str | None = None,
    metric: str = "service_level",
) -> Any:
    """Simulated figure per interval with its confidence band, beside Erlang's.

    Two panels sharing the time axis: above, the simulated ``metric`` of each
    interval (``sim_<metric>``) with its confidence band (``sim_<metric>_lo``
    to ``sim_<metric>_hi``) and the Erlang figure (``erlang_<metric>``);
    below, for context, the offered volume and the planned agents. Where the
    Erlang line leaves the band, the per-interval steady-state formula is
    wrong for that interval (ramps, long handle times: see
    :mod:`cccplan.simulation.day`).

    Parameters
    ----------
    sim : pandas.DataFrame
        Output of :func:`cccplan.simulate`.
    queue, channel : str, optional
        The series to show, when the frame holds several.
    metric : {"service_level", "asa", "abandon_rate"}, default "service_level"
        What to compare: service level (fraction), ASA (seconds) or abandon rate.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        If ``metric`` is unknown, the frame lacks the columns of
        :func:`cccplan.simulate`, or holds several series and none is chosen.

    Examples
    --------
    >>> import pandas as pd
    >>> import cccplan
    >>> from cccplan.report import plot_simulation
    >>> day = pd.DataFrame({
    ...     "interval_start": pd.date_range("2024-03-04 08:00", periods=8, freq="15min",
    ...                                     tz="Europe/Berlin"),
    ...     "volume": [40.0, 40, 120, 120, 40, 40, 40, 40], "aht": 180.0,
    ...     "agents": [11, 11, 28, 28, 11, 11, 11, 11],
    ... })
    >>> sim = cccplan.simulate(day, replications=5, seed=1)
    >>> fig = plot_simulation(sim)
    >>> [ax.get_ylabel() for ax in fig.axes[:2]]
    ['service level', 'contacts per interval']
    """
    import matplotlib.dates as mdates  # noqa: PLC0415 - plotting is optional at import time
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if metric not in _LABELS:
        raise InputError(
            f"plot_simulation: `metric` must be one of {list(_LABELS)}; got {metric!r}"
        )
    if not isinstance(sim, pd.DataFrame):
        raise InputError(
            f"plot_simulation: `sim` must be the DataFrame of cccplan.simulate; "
            f"got {type(sim).__name__}"
        )
    needed = [TIME, VOLUME, "agents", f"sim_{metric}", f"sim_{metric}_lo", f"sim_{metric}_hi"]
    needed.append(f"erlang_{metric}")
    missing = [column for column in needed if column not in sim.columns]
    if missing:
        raise InputError(
            f"plot_simulation: `sim` lacks column(s) {missing}; pass the result of cccplan.simulate"
        )
    frame = _one_series(sim, queue, channel).sort_values(TIME)
    times = frame[TIME].dt.tz_localize(None)
    steps = np.diff(times.to_numpy()).astype("timedelta64[s]").astype(float)
    step = pd.Timedelta(seconds=float(steps[steps > 0].min()) if (steps > 0).any() else 900.0)
    # Each interval's value is drawn over the whole interval (start to end).
    edges = pd.DatetimeIndex(times).append(pd.DatetimeIndex([times.iloc[-1] + step]))

    def stepped(column: str) -> np.ndarray:
        values = frame[column].to_numpy(dtype=np.float64)
        return np.append(values, values[-1])

    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(11, 6),
        sharex=True,
        height_ratios=(3, 2),
        layout="constrained",
    )
    summaries = sim.attrs.get("summaries")
    level = (
        round(100 * float(summaries["confidence"].iloc[0]))
        if isinstance(summaries, pd.DataFrame) and "confidence" in summaries
        else None
    )
    band = f"{level} % confidence band" if level is not None else "confidence band"
    top.fill_between(
        edges,
        stepped(f"sim_{metric}_lo"),
        stepped(f"sim_{metric}_hi"),
        step="post",
        color="tab:blue",
        alpha=0.25,
        label=band,
    )
    top.step(edges, stepped(f"sim_{metric}"), where="post", color="tab:blue", label="simulated")
    top.step(
        edges,
        stepped(f"erlang_{metric}"),
        where="post",
        color="black",
        linestyle="--",
        label="Erlang (steady state)",
    )
    top.set_ylabel(_LABELS[metric])
    if metric != "asa":
        top.set_ylim(-0.02, 1.02)
    top.legend(loc="lower left", fontsize="small")
    top.set_title(f"{_title(frame)}: simulated check of the plan")

    bottom.bar(
        times,
        frame[VOLUME],
        width=0.9 * step / pd.Timedelta(days=1),
        align="edge",
        color="0.8",
        label="volume (contacts)",
    )
    bottom.set_ylabel("contacts per interval")
    twin = bottom.twinx()
    twin.step(edges, stepped("agents"), where="post", color="tab:orange", label="agents")
    twin.set_ylabel("agents")
    twin.set_ylim(bottom=0)
    handles = bottom.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    labels = bottom.get_legend_handles_labels()[1] + twin.get_legend_handles_labels()[1]
    bottom.legend(handles, labels, loc="upper left", fontsize="small")
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))  # type: ignore[no-untyped-call]
    bottom.set_xlabel(f"local time ({frame[TIME].dt.tz})")
    return fig
