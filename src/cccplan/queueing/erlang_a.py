"""Erlang A: the M/M/n+M queue, with exponentially distributed customer patience.

Erlang C assumes that nobody hangs up. Real callers do, and a queue with
abandonment needs fewer agents for the same service level and is never
"unstable": the queue is kept finite by the callers who leave. Palm (1943)
introduced the model; Garnett, Mandelbaum and Reiman (2002) and Mandelbaum and
Zeltyn (2004, 2005) give its performance measures in closed form through the
incomplete gamma function. This module evaluates them in log space:

* ``x = lambda / theta`` and ``y = n mu / theta`` (``mu = 1/aht``,
  ``theta = 1/patience``);
* ``M(a, z) = 1F1(1; a + 1; z) = sum_j z^j / (a + 1)_j`` is Mandelbaum and
  Zeltyn's ``A(a, z)``, the sum of the relative probabilities of the queue
  lengths, taken as ``log P(a, z) - log pmf(a; z)`` near the centre of the
  Poisson distribution and from a continued fraction (DLMF 8.9.2) elsewhere;
* ``P(W > 0) = E M(y, x) / (1 + (M(y, x) - 1) E)`` with ``E`` Erlang B;
* ``P(Ab | W > 0) = 1 - (y / (y + 1)) M(y + 1, x) / M(y, x)``;
* a waiting customer who finds ``j`` others waiting is served at
  ``V = -log(U) / theta`` with ``U ~ Beta(y, j + 1)`` unless its patience runs
  out first; summing over ``j`` gives the answered-within-``t`` probability in
  closed form,
  ``(y / (y + 1)) [M(y + 1, x) - u^(y + 1) e^(x (1 - u)) M(y + 1, x u)] / M(y, x)``
  with ``u = exp(-t / patience)``;
* the mean wait of answered contacts has no closed form in elementary
  functions; it is the sum over ``j`` of the queue-length weights times
  ``E[V 1{served} | j] = (y / (y + j + 1)) patience sum_{i=1}^{j+1} 1 / (y + i)``,
  summed in blocks, vectorised over intervals, from the mode of the weights
  outwards until the remaining terms are below double precision.

Deviations from the papers: none in the formulas; the evaluation differs
(log space, continued fractions) so that loads up to 1e5 Erlangs, patience
from 0 to infinity and tiny loads stay accurate. The two limits are exact
special cases: ``patience = inf`` is Erlang C (nobody abandons) and
``patience = 0`` is Erlang B (whoever would wait leaves at once).

References
----------
.. [1] C. Palm, "Intensitätsschwankungen im Fernsprechverkehr", *Ericsson
   Technics* 44, 1943.
.. [2] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with
   impatient customers", *Manufacturing & Service Operations Management* 4(3),
   208-227, 2002.
.. [3] A. Mandelbaum and S. Zeltyn, "The impact of customers' patience on delay
   and abandonment: some empirically-driven experiments with the M/M/n+G
   queue", *OR Spectrum* 26, 377-411, 2004.
.. [4] S. Zeltyn and A. Mandelbaum, "Call centers with impatient customers:
   many-server asymptotics of the M/M/n+G queue", *Queueing Systems* 51,
   361-402, 2005.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma

from cccplan.queueing._arrays import (
    FloatArray,
    broadcast,
    check_nonnegative,
    check_positive_where,
)
from cccplan.queueing._special import log_erlang_b, log_kummer
from cccplan.queueing.erlang import (
    _asa_flat,
    _erlang_c_flat,
    _service_level_flat,
)

__all__ = ["ErlangAResult", "erlang_a"]

# Queue-length weights below exp(-_TAIL) of the largest one are negligible.
_TAIL = 40.0
# Elements summed together in the ASA series, and terms in the first block of
# each; blocks double up to _BLOCK_MAX. Typical loads need a few dozen terms,
# very large ones thousands: small first blocks spare the former, and capped
# blocks keep the (elements x terms) temporaries in cache for the latter.
_ELEMENT_CHUNK = 4096
_BLOCK_FIRST = 32
_BLOCK_MAX = 256


@dataclass(frozen=True)
class ErlangAResult:
    """Performance of an M/M/n+M queue (Erlang A); every attribute is an array.

    Attributes
    ----------
    p_wait : ndarray
        Probability that a contact finds every agent busy and has to wait.
    p_abandon : ndarray
        Share of offered contacts that abandon before being answered.
    service_level : ndarray
        Contacts answered within the threshold / offered contacts.
    service_level_answered : ndarray
        Contacts answered within the threshold / answered contacts.
    asa : ndarray
        Mean wait in seconds of answered contacts (those answered at once
        count with wait 0). ``inf`` when no contact is ever answered.
    occupancy : ndarray
        Busy agents / agents, counting only served contacts:
        ``load (1 - p_abandon) / agents``.
    """

    p_wait: FloatArray
    p_abandon: FloatArray
    service_level: FloatArray
    service_level_answered: FloatArray
    asa: FloatArray
    occupancy: FloatArray


def _kummer_pieces(
    n: FloatArray, load: FloatArray, aht: FloatArray, patience: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return x, y, log E (Erlang B), log M(y, x) and P(W > 0) for 0 < patience < inf."""
    x = load * patience / aht
    y = n * patience / aht
    log_e = log_erlang_b(n, load)
    log_m = log_kummer(y, x)
    with np.errstate(over="ignore", divide="ignore"):
        # P(W > 0) = E M / (1 - E + E M) = 1 / (1 + (1 - E) / (E M)).
        ratio = np.exp(np.log1p(-np.exp(log_e)) - log_e - log_m)
    p_wait = 1.0 / (1.0 + ratio)
    return x, y, log_e, log_m, p_wait


def _served_given_wait(x: FloatArray, y: FloatArray, log_m: FloatArray) -> FloatArray:
    """P(served | W > 0) = (y / (y + 1)) M(y + 1, x) / M(y, x)."""
    log_m1 = log_kummer(y + 1.0, x)
    return np.minimum((y / (y + 1.0)) * np.exp(log_m1 - log_m), 1.0)


def _served_within_given_wait(
    x: FloatArray, y: FloatArray, log_m: FloatArray, patience: FloatArray, threshold: FloatArray
) -> FloatArray:
    """P(served within threshold | W > 0)."""
    log_m1 = log_kummer(y + 1.0, x)
    s = threshold / patience
    u = np.exp(-s)
    with np.errstate(invalid="ignore"):
        log_shift = -(y + 1.0) * s - x * np.expm1(-s)
    log_shift = np.where(threshold == 0.0, 0.0, log_shift)
    late = np.exp(log_shift + log_kummer(y + 1.0, x * u) - log_m)
    early = np.exp(log_m1 - log_m)
    within: FloatArray = np.clip((y / (y + 1.0)) * (early - late), 0.0, 1.0)
    return within


def _answered_wait_given_wait(x: FloatArray, y: FloatArray, patience: FloatArray) -> FloatArray:
    """E[wait x 1{served} | W > 0] in seconds, by summing over the queue length seen."""
    out = np.empty_like(x)
    for start in range(0, x.size, _ELEMENT_CHUNK):
        sl = slice(start, start + _ELEMENT_CHUNK)
        out[sl] = _answered_wait_chunk(x[sl], y[sl], patience[sl])
    return out


def _answered_wait_chunk(x: FloatArray, y: FloatArray, patience: FloatArray) -> FloatArray:
    # Weights w_j = prod_{i<=j} x / (y + i) peak at j* = max(0, x - y) and fall
    # off like a Poisson(x) tail around it, so the sum starts _TAIL "standard
    # deviations squared" before the mode and runs until the terms are spent.
    mode = np.maximum(np.ceil(x - y), 0.0)
    start = np.maximum(mode - np.ceil(np.sqrt(2.0 * _TAIL * (x + 1.0))) - 1.0, 0.0)
    # Harmonic part H_j = sum_{i=1}^{j+1} 1 / (y + i) at the first term.
    harmonic = np.where(start > 0, digamma(y + start + 1.0) - digamma(y + 1.0), 0.0)  # H_{start-1}
    log_w = np.zeros_like(x)  # log w_start relative to itself; constants cancel
    top = np.full_like(x, -np.inf)  # running max of log w (for scaling)
    sum_w = np.zeros_like(x)
    sum_we = np.zeros_like(x)
    j0 = start.copy()
    active = np.arange(x.size)
    block = _BLOCK_FIRST
    first = True
    while active.size:
        offsets = np.arange(block, dtype=np.float64)
        xa, ya = x[active], y[active]
        js = j0[active, None] + offsets[None, :]
        inv = 1.0 / (ya[:, None] + js + 1.0)  # 1 / (y + j + 1)
        h = harmonic[active, None] + np.cumsum(inv, axis=1)  # H_j
        with np.errstate(divide="ignore"):
            step = np.log(xa[:, None]) - np.log(ya[:, None] + js)  # log x / (y + j)
        if first:
            step[:, 0] = 0.0  # w_start is the reference
        lw = log_w[active, None] + np.cumsum(step, axis=1)
        lw = np.where(np.isnan(lw), -np.inf, lw)
        block_top = lw.max(axis=1)
        new_top = np.maximum(top[active], block_top)
        scale_old = np.exp(top[active] - new_top)
        weights = np.exp(lw - new_top[:, None])
        e_j = ya[:, None] * inv * h * patience[active, None]
        sum_w[active] = sum_w[active] * scale_old + weights.sum(axis=1)
        sum_we[active] = sum_we[active] * scale_old + (weights * e_j).sum(axis=1)
        top[active] = new_top
        log_w[active] = lw[:, -1]
        harmonic[active] = h[:, -1]
        j0[active] = js[:, -1] + 1.0
        done = (j0[active] > mode[active]) & (lw[:, -1] < new_top - _TAIL)
        active = active[~done]
        first = False
        block = min(2 * block, _BLOCK_MAX)
    result: FloatArray = sum_we / sum_w
    return result


def _erlang_a_flat(
    n: FloatArray,
    load: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    threshold: FloatArray,
    *,
    want_asa: bool = True,
) -> dict[str, FloatArray]:
    """Erlang A on valid 1-D arrays; returns the result fields as flat arrays."""
    size = load.size
    n, aht, patience, threshold = (
        np.broadcast_to(v, load.shape) for v in (n, aht, patience, threshold)
    )
    p_wait = np.zeros(size)
    p_abandon = np.zeros(size)
    sl = np.ones(size)
    sl_answered = np.ones(size)
    mean_wait = np.zeros(size)
    occ = np.zeros(size)

    positive = load > 0.0
    no_agents = positive & (n == 0.0)
    never = positive & np.isinf(patience) & ~no_agents
    impatient = positive & (patience == 0.0) & ~no_agents
    general = positive & ~no_agents & ~never & ~impatient

    # Zero agents: every contact waits and, with finite patience, abandons.
    p_wait[no_agents] = 1.0
    p_abandon[no_agents] = np.where(np.isinf(patience[no_agents]), 0.0, 1.0)
    sl[no_agents] = 0.0
    sl_answered[no_agents] = 0.0
    mean_wait[no_agents] = np.inf
    occ[no_agents] = 1.0

    if never.any():  # infinite patience: Erlang C
        nn, aa, hh, tt = n[never], load[never], aht[never], threshold[never]
        c = _erlang_c_flat(nn, aa)
        level = _service_level_flat(nn, aa, hh, tt)
        p_wait[never] = c
        sl[never] = level
        sl_answered[never] = level
        mean_wait[never] = _asa_flat(nn, aa, hh)
        occ[never] = np.where(nn > aa, aa / nn, 1.0)

    if impatient.any():  # zero patience: Erlang B, whoever would wait leaves
        nn, aa = n[impatient], load[impatient]
        b = np.exp(log_erlang_b(nn, aa))
        p_wait[impatient] = b
        p_abandon[impatient] = b
        sl[impatient] = 1.0 - b
        occ[impatient] = aa * (1.0 - b) / nn

    if general.any():
        nn, aa, hh = n[general], load[general], aht[general]
        pp, tt = patience[general], threshold[general]
        x, y, _, log_m, pw = _kummer_pieces(nn, aa, hh, pp)
        served = _served_given_wait(x, y, log_m)
        within = _served_within_given_wait(x, y, log_m, pp, tt)
        ab = pw * (1.0 - served)
        answered = 1.0 - ab
        level = (1.0 - pw) + pw * within
        p_wait[general] = pw
        p_abandon[general] = ab
        sl[general] = level
        sl_answered[general] = np.minimum(level / answered, 1.0)
        occ[general] = np.minimum(aa * answered / nn, 1.0)
        if want_asa:
            waited = pw > 0.0
            wait = np.zeros_like(pw)
            if waited.any():
                wait[waited] = (
                    pw[waited]
                    * _answered_wait_given_wait(x[waited], y[waited], pp[waited])
                    / answered[waited]
                )
            mean_wait[general] = wait

    return {
        "p_wait": p_wait,
        "p_abandon": p_abandon,
        "service_level": sl,
        "service_level_answered": sl_answered,
        "asa": mean_wait,
        "occupancy": occ,
    }


def erlang_a(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    aht: npt.ArrayLike,
    patience: npt.ArrayLike,
    threshold: npt.ArrayLike = 0.0,
) -> ErlangAResult:
    """Performance of the M/M/n+M queue (Erlang A, Palm's model with abandonment).

    Parameters
    ----------
    agents : array_like
        Number of agents ``n >= 0`` (real values allowed).
    load : array_like
        Offered load ``A >= 0`` in Erlangs (arrival rate x average handle time).
    aht : array_like
        Average handle time in seconds, ``> 0`` wherever the load is positive.
    patience : array_like
        Mean patience in seconds (exponentially distributed time a caller is
        willing to wait), ``>= 0``; ``inf`` gives Erlang C, ``0`` Erlang B.
    threshold : array_like, default 0.0
        Answer-time threshold in seconds for the service levels.

    Returns
    -------
    ErlangAResult
        Frozen result whose attributes are arrays of the broadcast shape:
        ``p_wait``, ``p_abandon``, ``service_level`` (answered within threshold
        / offered), ``service_level_answered`` (answered within threshold /
        answered), ``asa`` (mean wait of answered contacts, seconds) and
        ``occupancy`` (busy agents / agents, served contacts only).

    Notes
    -----
    With ``lambda = A / aht``, ``mu = 1 / aht`` and ``theta = 1 / patience``,
    the number of contacts in the system is a birth-death process with birth
    rate ``lambda`` and death rate ``min(k, n) mu + max(k - n, 0) theta``. The
    closed forms of Garnett, Mandelbaum and Reiman (2002) and Mandelbaum and
    Zeltyn (2004) are evaluated in log space (see the module docstring). Zero
    load: ``p_wait = p_abandon = 0``, both service levels 1, ``asa = 0``.
    Zero agents with a positive load: everybody waits and (with finite
    patience) abandons: service levels 0, ``asa = inf``.

    References
    ----------
    .. [1] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center
       with impatient customers", *Manufacturing & Service Operations
       Management* 4(3), 208-227, 2002.
    .. [2] A. Mandelbaum and S. Zeltyn, "The impact of customers' patience on
       delay and abandonment", *OR Spectrum* 26, 377-411, 2004.

    Examples
    --------
    Ten agents, 9 Erlangs, 3-minute calls, callers who wait 2 minutes on
    average, service level 20 seconds:

    >>> from cccplan.queueing import erlang_a, service_level
    >>> r = erlang_a(10, 9.0, 180.0, 120.0, threshold=20.0)
    >>> round(float(r.p_abandon), 4), round(float(r.service_level), 4)
    (0.0971, 0.7394)

    Erlang C (no abandonment) on the same queue is much worse:

    >>> round(float(service_level(10, 9.0, 180.0, 20.0)), 4)
    0.4016
    """
    args = broadcast(
        "erlang_a", agents=agents, load=load, aht=aht, patience=patience, threshold=threshold
    )
    check_nonnegative("erlang_a", args, "agents", "load", "aht", "patience", "threshold")
    check_positive_where("erlang_a", args, "aht", args["load"] > 0, "where the load is positive")
    valid = ~args.invalid
    fields = _erlang_a_flat(
        args["agents"][valid],
        args["load"][valid],
        args["aht"][valid],
        args["patience"][valid],
        args["threshold"][valid],
    )
    out = {}
    for name, flat in fields.items():
        full = np.full(valid.shape, np.nan)
        full[valid] = flat
        out[name] = args.result(full)
    return ErlangAResult(**out)
