"""Chat and messaging: agents who handle several sessions at once.

A chat agent with concurrency ``k`` serves up to ``k`` sessions in parallel.
Sharing attention slows each session down: the customer waits for the agent's
turn, and the agent switches context. Following the chat-centre literature
(Luo and Zhang 2013; Tezcan and Zhang 2014), where an agent serving ``k``
sessions works on each at a rate that falls with ``k``, this module uses the
simplest model with one parameter:

* a session's handle time grows linearly with the number of sessions the agent
  holds, ``aht_k = aht (1 + s (k - 1))``, with ``s`` the slowdown per extra
  session (``concurrency_slowdown``, default 0.15: a third session makes each
  of three chats 30 % longer). ``aht`` is the handle time of a session handled
  alone; ``s = 0`` means no slowdown (``k`` times the capacity); with
  ``s = 1`` an agent's work rate is unchanged and only pooling and the longer
  sessions' relatively shorter answer threshold reduce the agents needed;
* an agent is ``k`` session slots (servers), each an M/M/1 server with handle
  time ``aht_k``; the queue of sessions is Erlang C (or Erlang A with
  patience) with ``n`` slots and offered load ``A_k = A (1 + s (k - 1))``;
* agents = ``ceil(n / k)``, with ``n`` the fewest slots meeting the targets
  (``n / k`` with ``integer=False``). Achieved KPIs are those of the
  ``agents x k`` slots.

Every slot is assumed busy at the slow rate ``aht_k``, i.e. agents always hold
``k`` sessions when they hold any. That is conservative at low load, when
agents often hold fewer sessions and work faster; it is accurate near full
occupancy, where staffing matters most. ``s`` should be calibrated from the
centre's data (handle time against sessions held); 0.15 is a moderate default
within the range reported for chat centres. With ``k = 1`` the model is
exactly the voice model.

References
----------
.. [1] J. Luo and J. Zhang, "Staffing and control of instant messaging contact
   centers", *Operations Research* 61(2), 328-343, 2013.
.. [2] T. Tezcan and J. Zhang, "Routing and staffing in customer service chat
   systems with impatient customers", *Operations Research* 62(4), 943-956,
   2014.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cccplan.exceptions import InputError
from cccplan.queueing import asa as erlang_c_asa
from cccplan.queueing import erlang_a, required_agents
from cccplan.queueing import occupancy as erlang_c_occupancy
from cccplan.queueing import service_level as erlang_c_service_level

if TYPE_CHECKING:
    from cccplan.staffing.targets import ServiceTarget

__all__ = ["concurrent_agents", "concurrent_kpis", "session_aht", "target_kpis"]

# Rows per chunk of target_kpis's thread pool.
_CHUNK = 1 << 14

FloatArray = npt.NDArray[np.float64]


def _check(concurrency: int, slowdown: float) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int | np.integer):
        raise InputError(f"`concurrency` must be a whole number >= 1; got {concurrency!r}")
    if concurrency < 1:
        raise InputError(f"`concurrency` must be a whole number >= 1; got {concurrency!r}")
    if not np.isfinite(slowdown) or slowdown < 0:
        raise InputError(f"`concurrency_slowdown` must be a number >= 0; got {slowdown!r}")


def session_aht(
    aht: npt.ArrayLike, concurrency: int, slowdown: float = 0.15
) -> npt.NDArray[np.float64]:
    """Handle time of a session shared with ``concurrency - 1`` others.

    Parameters
    ----------
    aht : array_like
        Handle time in seconds of a session handled alone.
    concurrency : int
        Sessions an agent handles at once, ``k >= 1``.
    slowdown : float, default 0.15
        Relative growth of handle time per extra session, ``s >= 0``.

    Returns
    -------
    ndarray
        ``aht (1 + s (k - 1))`` in seconds.

    Examples
    --------
    >>> from cccplan.staffing.concurrency import session_aht
    >>> [float(session_aht(300.0, k)) for k in (1, 2, 3)]
    [300.0, 345.0, 390.0]
    """
    _check(concurrency, slowdown)
    factor = 1.0 + slowdown * (concurrency - 1)
    return np.asarray(aht, dtype=np.float64) * factor


def concurrent_agents(
    load: npt.ArrayLike,
    aht: npt.ArrayLike,
    *,
    concurrency: int,
    slowdown: float = 0.15,
    integer: bool = True,
    **targets: Any,
) -> npt.NDArray[np.float64]:
    """Fewest agents with concurrency ``k`` meeting the session targets.

    Parameters
    ----------
    load : array_like
        Offered load in Erlangs, volume x ``aht`` / interval length, with the
        handle time of a session handled alone.
    aht : array_like
        Handle time in seconds of a session handled alone.
    concurrency : int
        Sessions an agent handles at once, ``k >= 1``.
    slowdown : float, default 0.15
        Relative growth of a session's handle time per extra session.
    integer : bool, default True
        Whole agents (``ceil(slots / k)`` of whole slots); ``False`` gives the
        continuous ``slots / k``.
    **targets
        Keyword targets of :func:`cccplan.queueing.required_agents`
        (``service_level``, ``threshold``, ``asa``, ``max_abandon``,
        ``max_occupancy``, ``patience``, ``sl_basis``); the waiting time is
        the session's wait for a free slot.

    Returns
    -------
    ndarray
        Required agents per interval; NaN where the targets cannot be met.

    Notes
    -----
    With ``aht_k = aht (1 + s (k - 1))`` and ``A_k = A (1 + s (k - 1))``, the
    slots needed are ``n = required_agents(A_k, aht_k, ...)`` and the agents
    ``ceil(n / k)`` (see the module docstring).

    Examples
    --------
    Twenty chats of 5 minutes each in 15 minutes (6.67 Erlangs), 80 % answered
    within 60 s: concurrency 2 needs fewer agents than one chat at a time but
    more than half as many, and a third session gains less again:

    >>> from cccplan.staffing.concurrency import concurrent_agents
    >>> load = 20 * 300.0 / 900
    >>> [int(concurrent_agents(load, 300.0, concurrency=k, service_level=0.8, threshold=60))
    ...  for k in (1, 2, 3)]
    [9, 6, 4]
    """
    _check(concurrency, slowdown)
    factor = 1.0 + slowdown * (concurrency - 1)
    load_k = np.asarray(load, dtype=np.float64) * factor
    aht_k = np.asarray(aht, dtype=np.float64) * factor
    slots = required_agents(load_k, aht_k, integer=integer, **targets)
    agents = slots / concurrency
    return np.ceil(agents) if integer else agents


def concurrent_kpis(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    aht: npt.ArrayLike,
    *,
    concurrency: int = 1,
    slowdown: float = 0.15,
    threshold: float | None = None,
    patience: float | None = None,
    sl_basis: str = "offered",
) -> dict[str, FloatArray]:
    """Achieved service level, ASA, abandonment and occupancy of ``agents``.

    Parameters
    ----------
    agents : array_like
        Agents on the queue (each with ``concurrency`` session slots).
    load : array_like
        Offered load in Erlangs with the handle time of a session handled alone.
    aht : array_like
        Handle time in seconds of a session handled alone.
    concurrency : int, default 1
        Sessions an agent handles at once.
    slowdown : float, default 0.15
        Relative growth of a session's handle time per extra session.
    threshold : float, optional
        Answer-time threshold in seconds of the service level (0 when None).
    patience : float, optional
        Mean patience in seconds: Erlang A when given, Erlang C otherwise.
    sl_basis : {"offered", "answered"}, default "offered"
        Erlang A service level basis.

    Returns
    -------
    dict of str to ndarray
        ``service_level``, ``asa`` (seconds; Erlang C over offered contacts,
        Erlang A over answered ones), ``abandon_rate`` (0 under Erlang C) and
        ``occupancy`` (busy session slots / slots).
    """
    _check(concurrency, slowdown)
    factor = 1.0 + slowdown * (concurrency - 1)
    slots = np.asarray(agents, dtype=np.float64) * concurrency
    load_k = np.asarray(load, dtype=np.float64) * factor
    aht_k = np.asarray(aht, dtype=np.float64) * factor
    t = 0.0 if threshold is None else float(threshold)
    if patience is None or not np.isfinite(patience):
        return {
            "service_level": erlang_c_service_level(slots, load_k, aht_k, t),
            "asa": erlang_c_asa(slots, load_k, aht_k),
            "abandon_rate": np.zeros(np.broadcast(slots, load_k).shape),
            "occupancy": erlang_c_occupancy(slots, load_k),
        }
    result = erlang_a(slots, load_k, aht_k, patience, t)
    return {
        "service_level": (
            result.service_level_answered if sl_basis == "answered" else result.service_level
        ),
        "asa": result.asa,
        "abandon_rate": result.p_abandon,
        "occupancy": result.occupancy,
    }


def target_kpis(
    out: dict[str, npt.NDArray[np.float64]],
    rows: npt.NDArray[np.intp],
    *,
    agents: npt.NDArray[np.float64],
    load: npt.NDArray[np.float64],
    aht: npt.NDArray[np.float64],
    target: ServiceTarget,
) -> None:
    """Write the KPIs *agents* achieve under *target* into ``out[name][rows]``.

    The names are those of :func:`concurrent_kpis` (``service_level``,
    ``asa``, ``abandon_rate``, ``occupancy``). Erlang A's ASA series is the
    costliest step, so with a patience the rows are evaluated in chunks on a
    thread pool, one thread a core (scipy's special functions and numpy's
    array operations release the GIL).
    """

    def evaluate(part: npt.NDArray[np.intp]) -> None:
        achieved = concurrent_kpis(
            agents[part],
            load[part],
            aht[part],
            concurrency=target.concurrency,
            slowdown=target.concurrency_slowdown,
            threshold=target.threshold,
            patience=target.patience,
            sl_basis=target.sl_basis,
        )
        for name, values in achieved.items():
            out[name][part] = values

    parts = [rows[start : start + _CHUNK] for start in range(0, rows.size, _CHUNK)]
    if len(parts) > 1 and target.patience is not None:
        with ThreadPoolExecutor(max_workers=min(len(parts), os.cpu_count() or 1)) as pool:
            list(pool.map(evaluate, parts))
    else:
        for part in parts:
            evaluate(part)
