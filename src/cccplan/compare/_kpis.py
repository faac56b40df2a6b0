"""What a plan's agents deliver on the forecast volume: service level, ASA, abandonment.

Immediate channels use the same queueing models as :func:`cccplan.staff`
(Erlang C, Erlang A when the target gives a patience, session slots for chat
with concurrency: :func:`cccplan.staffing.concurrency.concurrent_kpis`), in one
vectorised call per distinct target. Deferred work (a target with a response
window) uses the backlog model of :func:`cccplan.staffing.deferred.deferred_kpis`
series by series, because backlog carries from one interval to the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from cccplan.staffing.concurrency import target_kpis
from cccplan.staffing.deferred import deferred_kpis
from cccplan.staffing.targets import ServiceTarget

__all__ = ["KPI_COLUMNS", "plan_kpis"]

FloatArray = npt.NDArray[np.float64]
IntpArray = npt.NDArray[np.intp]

KPI_COLUMNS = ("service_level", "asa", "abandon_rate", "occupancy")


def _immediate(
    out: dict[str, FloatArray],
    *,
    rows: IntpArray,
    agents: FloatArray,
    load: FloatArray,
    aht: FloatArray,
    target: ServiceTarget,
) -> None:
    target_kpis(out, rows, agents=agents, load=load, aht=aht, target=target)


def _deferred(
    out: dict[str, FloatArray],
    *,
    rows: IntpArray,
    times_ns: npt.NDArray[np.int64],
    volume: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    seconds: float,
    target: ServiceTarget,
) -> None:
    assert target.response_window is not None
    # The regular grid over the series' horizon, closed (absent) intervals
    # included, so that backlog carries over nights, as in cccplan.staff.
    step = round(seconds * 1e9)
    position = np.rint((times_ns[rows] - times_ns[rows][0]) / step).astype(np.int64)
    size = int(position[-1]) + 1
    grid = {name: np.zeros(size) for name in ("volume", "aht", "agents")}
    open_mask = np.zeros(size, dtype=bool)
    grid["volume"][position] = volume[rows]
    grid["aht"][position] = aht[rows]
    grid["agents"][position] = agents[rows]
    open_mask[position] = True
    result = deferred_kpis(
        grid["volume"],
        grid["aht"],
        open_mask,
        seconds,
        grid["agents"],
        response_window=target.response_window,
        window_basis=target.response_basis,
    )
    out["service_level"][rows] = np.asarray(result.service_level)[position]
    out["asa"][rows] = np.nan
    out["abandon_rate"][rows] = 0.0
    out["occupancy"][rows] = np.nan


def plan_kpis(
    volume: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    *,
    times_ns: npt.NDArray[np.int64],
    series: Sequence[tuple[IntpArray, ServiceTarget]],
    seconds: float,
    known: Mapping[str, FloatArray] | None = None,
    reuse: npt.NDArray[np.bool_] | None = None,
) -> dict[str, FloatArray]:
    """Service level, ASA (s), abandonment and occupancy of *agents* on the forecast volume.

    Parameters
    ----------
    volume, aht, agents : ndarray
        Per row: forecast contacts, handle time in seconds and net agents
        planned (0 where the plan has no interval).
    times_ns : ndarray of int64
        Interval starts in UTC nanoseconds (sorted within each series).
    series : sequence of (rows, ServiceTarget)
        The rows of each series (sorted by time) and its target.
    seconds : float
        Interval length in seconds.
    known, reuse : optional
        KPIs already computed for the same agents (those of :func:`cccplan.staff`
        where the plan has exactly the required agents) and the rows of
        immediate series where they apply: they are copied, not recomputed.

    Returns
    -------
    dict of str to ndarray
        ``service_level``, ``asa``, ``abandon_rate`` and ``occupancy`` per row
        (NaN for rows of no series).
    """
    n = volume.size
    out = {name: np.full(n, np.nan) for name in KPI_COLUMNS}
    safe_aht = np.where(volume > 0, aht, 1.0)
    load = volume * safe_aht / seconds
    immediate: dict[ServiceTarget, list[IntpArray]] = {}
    for rows, target in series:
        if rows.size == 0:
            continue
        if target.is_deferred:
            _deferred(
                out,
                rows=rows,
                times_ns=times_ns,
                volume=volume,
                aht=safe_aht,
                agents=agents,
                seconds=seconds,
                target=target,
            )
        else:
            immediate.setdefault(target, []).append(rows)
    for target, parts in immediate.items():
        rows = np.concatenate(parts)
        if reuse is not None and known is not None:
            copied = rows[reuse[rows]]
            for name in KPI_COLUMNS:
                out[name][copied] = known[name][copied]
            rows = rows[~reuse[rows]]
        # No contacts are served perfectly by any number of agents (DESIGN.md).
        idle = rows[load[rows] == 0]
        out["service_level"][idle] = 1.0
        for name in ("asa", "abandon_rate", "occupancy"):
            out[name][idle] = 0.0
        rows = rows[load[rows] > 0]
        _immediate(
            out,
            rows=rows,
            agents=agents,
            load=load,
            aht=safe_aht,
            target=target,
        )
    return out
