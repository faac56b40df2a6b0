"""Queueing formulas for contact-centre staffing: pure, vectorised numpy/scipy.

Erlang B (:func:`erlang_b`), Erlang C (:func:`erlang_c`, :func:`service_level`,
:func:`asa`, :func:`occupancy`), Erlang A (:func:`erlang_a`, M/M/n+M with
exponential patience) and the solver :func:`required_agents`. Every function
broadcasts like a numpy ufunc and returns arrays (0-d for scalar input).
Durations are seconds; loads are Erlangs. This package knows nothing of pandas.
"""

from __future__ import annotations

from cccplan.queueing.erlang import asa, erlang_b, erlang_c, occupancy, service_level
from cccplan.queueing.erlang_a import ErlangAResult, erlang_a
from cccplan.queueing.solver import required_agents

__all__ = [
    "ErlangAResult",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "required_agents",
    "service_level",
]
