"""Erlang B and Erlang C: the M/M/n/n loss system and the M/M/n delay system.

All functions broadcast like numpy ufuncs over array-like arguments, return
float arrays (0-d for scalar input), propagate NaN, and accept real
(non-integer) numbers of agents through the gamma-function extension of
Erlang's formulas (Jagerman 1974), which is what planners who aggregate before
rounding need.

Conventions (see the project's DESIGN.md):

* load ``A`` is in Erlangs (arrival rate x average handle time);
* an unstable queue (agents <= load, load > 0) is a value, not an error:
  P(wait) = 1, service level = 0, ASA = inf, occupancy = 1;
* zero load is served perfectly by any number of agents, zero included:
  P(wait) = 0, service level = 1, ASA = 0, occupancy = 0;
* a negative argument gives NaN in that element and a
  :class:`cccplan.DomainWarning` naming the argument.

Numerics: ``B(n, A) = A**n e**-A / Gamma(n + 1, A)``, the Poisson probability
mass over the Poisson distribution function, is evaluated in log space from
stable primitives (Loader's saddle-point Poisson mass, scipy's regularised
incomplete gamma function, and a continued fraction in its far tail), so that
loads from 1e-8 to 1e5 Erlangs and any number of agents neither overflow nor
lose accuracy. No factorials, no loops over agents. Erlang C follows from
Erlang B by ``C = n B / (n - A (1 - B))``.

References
----------
.. [1] A. K. Erlang, "Solution of some problems in the theory of probabilities
   of significance in automatic telephone exchanges", 1917.
.. [2] D. L. Jagerman, "Some properties of the Erlang loss function", *Bell
   System Technical Journal* 53(3), 525-551, 1974.
.. [3] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial,
   review, and research prospects", *Manufacturing & Service Operations
   Management* 5(2), 79-141, 2003.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cccplan.queueing._arrays import (
    Broadcast,
    FloatArray,
    broadcast,
    check_nonnegative,
    check_positive_where,
)
from cccplan.queueing._special import log_erlang_b

__all__ = ["asa", "erlang_b", "erlang_c", "occupancy", "service_level"]


# ---------------------------------------------------------------------------
# Flat kernels: 1-D arrays, elements already valid (no NaN, no negatives).
# ---------------------------------------------------------------------------


def _erlang_c_flat(n: FloatArray, load: FloatArray) -> FloatArray:
    """Erlang C on valid 1-D arrays."""
    c = np.ones_like(load)
    c[load == 0.0] = 0.0
    stable = n > load
    c[stable & np.isinf(n)] = 0.0
    general = stable & np.isfinite(n) & (load > 0.0)
    if general.any():
        ng = n[general]
        ag = load[general]
        b = np.exp(log_erlang_b(ng, ag))
        c[general] = ng * b / (ng - ag + ag * b)
    return c


def _wait_tail_flat(
    c: FloatArray, n: FloatArray, load: FloatArray, aht: FloatArray, threshold: FloatArray
) -> FloatArray:
    """P(wait > threshold) = C exp(-(n - A) t / aht) for stable queues; 1 otherwise."""
    tail = c.copy()
    stable = (n > load) & (c > 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        rate = (n[stable] - load[stable]) / aht[stable]
        decay = np.exp(-np.where(threshold[stable] == 0.0, 0.0, rate * threshold[stable]))
    tail[stable] = c[stable] * decay
    return tail


def _service_level_flat(
    n: FloatArray, load: FloatArray, aht: FloatArray, threshold: FloatArray
) -> FloatArray:
    c = _erlang_c_flat(n, load)
    sl = 1.0 - _wait_tail_flat(c, n, load, aht, threshold)
    sl[(n <= load) & (load > 0.0)] = 0.0
    return sl


def _asa_flat(n: FloatArray, load: FloatArray, aht: FloatArray) -> FloatArray:
    c = _erlang_c_flat(n, load)
    out = np.zeros_like(load)
    out[(n <= load) & (load > 0.0)] = np.inf
    stable = (n > load) & (c > 0.0)
    with np.errstate(over="ignore"):
        out[stable] = c[stable] * aht[stable] / (n[stable] - load[stable])
    return out


def _occupancy_flat(n: FloatArray, load: FloatArray) -> FloatArray:
    out = np.ones_like(load)
    out[load == 0.0] = 0.0
    stable = (n > load) & (load > 0.0)
    out[stable] = load[stable] / n[stable]
    return out


def _finish(args: Broadcast, flat_valid: FloatArray) -> FloatArray:
    out = np.full(args.invalid.shape, np.nan)
    out[~args.invalid] = flat_valid
    return args.result(out)


def _valid(args: Broadcast, name: str) -> FloatArray:
    return args[name][~args.invalid]


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def erlang_b(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    r"""Blocking probability of the M/M/n/n loss system (Erlang B).

    Parameters
    ----------
    agents : array_like
        Number of agents (servers) ``n >= 0``; real values use the gamma-function
        extension.
    load : array_like
        Offered load ``A >= 0`` in Erlangs (arrival rate x average handle time).

    Returns
    -------
    ndarray
        ``B(n, A)`` in [0, 1], broadcast over the arguments (0-d for scalars).
        Zero load gives 0 for any number of agents (nothing is offered, nothing
        is blocked); zero agents with a positive load give 1.

    Notes
    -----
    .. math::

        B(n, A) = \frac{A^n / n!}{\sum_{k=0}^{n} A^k / k!}
                = \frac{A^n e^{-A}}{\Gamma(n + 1, A)},

    evaluated in log space as the Poisson probability mass over the Poisson
    distribution function. The right-hand form defines ``B`` for real ``n``
    (Jagerman 1974); it is decreasing in ``n`` and increasing in ``A``.

    References
    ----------
    .. [1] D. L. Jagerman, "Some properties of the Erlang loss function", *Bell
       System Technical Journal* 53(3), 525-551, 1974.

    Examples
    --------
    >>> from cccplan.queueing import erlang_b
    >>> float(erlang_b(2, 1.0))  # (1/2) / (1 + 1 + 1/2)
    0.2
    >>> erlang_b([1, 2, 3], 2.0).round(4)
    array([0.6667, 0.4   , 0.2105])
    """
    args = broadcast("erlang_b", agents=agents, load=load)
    check_nonnegative("erlang_b", args, "agents", "load")
    log_b = log_erlang_b(_valid(args, "agents"), _valid(args, "load"))
    return _finish(args, np.exp(log_b))


def erlang_c(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    r"""Probability that a contact waits in the M/M/n queue (Erlang C).

    Parameters
    ----------
    agents : array_like
        Number of agents ``n >= 0`` (real values allowed).
    load : array_like
        Offered load ``A >= 0`` in Erlangs.

    Returns
    -------
    ndarray
        ``P(wait > 0)`` in [0, 1]. Unstable queues (``n <= A``, ``A > 0``)
        give 1; zero load gives 0.

    Notes
    -----
    .. math::

        C(n, A) = \frac{n B(n, A)}{n - A (1 - B(n, A))}, \qquad n > A,

    with ``B`` from :func:`erlang_b`; this form has no cancellation.

    Examples
    --------
    >>> from cccplan.queueing import erlang_c
    >>> round(float(erlang_c(3, 2.0)), 12)  # 4/9
    0.444444444444
    >>> erlang_c([2, 0], [2.0, 0.0])  # unstable; zero load
    array([1., 0.])
    """
    args = broadcast("erlang_c", agents=agents, load=load)
    check_nonnegative("erlang_c", args, "agents", "load")
    return _finish(args, _erlang_c_flat(_valid(args, "agents"), _valid(args, "load")))


def service_level(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    aht: npt.ArrayLike,
    threshold: npt.ArrayLike,
) -> FloatArray:
    r"""Erlang C service level: the share of offered contacts answered within a threshold.

    Parameters
    ----------
    agents : array_like
        Number of agents ``n >= 0`` (real values allowed).
    load : array_like
        Offered load ``A >= 0`` in Erlangs.
    aht : array_like
        Average handle time in seconds, ``> 0`` wherever the load is positive.
    threshold : array_like
        Answer-time threshold in seconds, ``>= 0`` (e.g. 20 for "80/20").

    Returns
    -------
    ndarray
        ``P(wait <= threshold)`` over all offered contacts, in [0, 1]: 0 for an
        unstable queue, 1 for zero load.

    Notes
    -----
    .. math::

        SL = 1 - C(n, A)\, e^{-(n - A)\, t / \mathrm{AHT}}.

    Examples
    --------
    >>> from cccplan.queueing import service_level
    >>> round(float(service_level(3, 2.0, 180.0, 20.0)), 6)  # 1 - (4/9) exp(-20/180)
    0.602294
    """
    args = broadcast("service_level", agents=agents, load=load, aht=aht, threshold=threshold)
    check_nonnegative("service_level", args, "agents", "load", "aht", "threshold")
    check_positive_where(
        "service_level", args, "aht", args["load"] > 0, "where the load is positive"
    )
    return _finish(
        args,
        _service_level_flat(
            _valid(args, "agents"),
            _valid(args, "load"),
            _valid(args, "aht"),
            _valid(args, "threshold"),
        ),
    )


def asa(agents: npt.ArrayLike, load: npt.ArrayLike, aht: npt.ArrayLike) -> FloatArray:
    r"""Erlang C average speed of answer: the mean wait over all offered contacts.

    Parameters
    ----------
    agents : array_like
        Number of agents ``n >= 0`` (real values allowed).
    load : array_like
        Offered load ``A >= 0`` in Erlangs.
    aht : array_like
        Average handle time in seconds, ``> 0`` wherever the load is positive.

    Returns
    -------
    ndarray
        Mean wait in seconds, contacts answered at once counted with wait 0:
        ``inf`` for an unstable queue, 0 for zero load.

    Notes
    -----
    .. math::

        ASA = C(n, A) \frac{\mathrm{AHT}}{n - A}.

    Examples
    --------
    >>> from cccplan.queueing import asa
    >>> round(float(asa(3, 2.0, 180.0)), 4)  # (4/9) * 180 / 1
    80.0
    """
    args = broadcast("asa", agents=agents, load=load, aht=aht)
    check_nonnegative("asa", args, "agents", "load", "aht")
    check_positive_where("asa", args, "aht", args["load"] > 0, "where the load is positive")
    return _finish(
        args, _asa_flat(_valid(args, "agents"), _valid(args, "load"), _valid(args, "aht"))
    )


def occupancy(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    """Agent occupancy of the M/M/n queue: the share of agent time spent handling.

    Parameters
    ----------
    agents : array_like
        Number of agents ``n >= 0`` (real values allowed).
    load : array_like
        Offered load ``A >= 0`` in Erlangs.

    Returns
    -------
    ndarray
        ``A / n`` for a stable queue; 1 when ``n <= A`` and ``A > 0`` (every
        agent busy all the time, zero agents included, so that no occupancy
        cap below 1 is met); 0 for zero load.

    Examples
    --------
    >>> from cccplan.queueing import occupancy
    >>> occupancy([4, 2, 5], [3.0, 3.0, 0.0])
    array([0.75, 1.  , 0.  ])
    """
    args = broadcast("occupancy", agents=agents, load=load)
    check_nonnegative("occupancy", args, "agents", "load")
    return _finish(args, _occupancy_flat(_valid(args, "agents"), _valid(args, "load")))
