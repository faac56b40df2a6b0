"""The event loop of a FIFO M(t)/G/n(t)+G queue, one replication at a time.

Private: :func:`cccplan.simulation.simulate` validates the frames, draws the
random numbers and summarises; this module only moves contacts through agents.

The loop exploits FIFO. Contacts leave the queue (to an agent, or by
abandoning) in arrival order, so they can be processed one by one in arrival
order: a contact reaches the head of the queue at ``max(arrival, time the
previous contact left the queue)`` and is answered at the first moment from
then on at which fewer contacts are in service than agents are on shift,
unless its patience runs out first. Between two answers the number in service
only falls (at completions, kept in a min-heap) and the number of agents only
changes at segment boundaries, so that moment is found by stepping over those
two kinds of events. Each contact costs O(log n) plus the boundaries it
crosses; nothing is vectorised because each answer depends on the previous one.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Fates", "run_queue"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Fates:
    """What happened to each contact, in arrival order.

    Attributes
    ----------
    wait : ndarray
        Seconds from arrival to answer (answered), to abandonment (abandoned),
        or ``inf`` (never answered: no agent ever came back).
    answered : ndarray
        True for contacts that reached an agent.
    abandoned : ndarray
        True for contacts whose patience ran out in the queue.
    """

    wait: FloatArray
    answered: BoolArray
    abandoned: BoolArray


def run_queue(
    arrival: FloatArray,
    service: FloatArray,
    patience: FloatArray,
    segment_start: FloatArray,
    segment_agents: npt.NDArray[np.int64],
) -> Fates:
    """Move contacts through a FIFO queue with a piecewise-constant number of agents.

    Parameters
    ----------
    arrival : ndarray
        Arrival times in seconds, sorted ascending.
    service : ndarray
        Handle time of each contact in seconds (> 0).
    patience : ndarray
        Time each contact is willing to wait, in seconds (``inf`` = never
        abandons).
    segment_start : ndarray
        Start of each agent segment in seconds, ascending; the first one at or
        before the first arrival; the last segment lasts for ever.
    segment_agents : ndarray
        Agents on shift in each segment (integers >= 0).

    Returns
    -------
    Fates
        Wait, answered and abandoned flags per contact.

    Notes
    -----
    A contact is answered at time ``t`` only when the number of contacts in
    service is below the agents on shift at ``t``. When the number of agents
    drops below the number in service nobody is cut off: the agents going off
    shift finish their current contact first, and new answers wait until the
    number in service is below the new number of agents.
    """
    count = arrival.shape[0]
    wait = np.full(count, math.inf)
    answered = np.zeros(count, dtype=np.bool_)
    abandoned = np.zeros(count, dtype=np.bool_)
    starts: list[float] = segment_start.tolist()
    agents: list[int] = segment_agents.tolist()
    last = len(starts) - 1
    arrivals: list[float] = arrival.tolist()
    services: list[float] = service.tolist()
    patiences: list[float] = patience.tolist()
    in_service: list[float] = []  # completion times of contacts with an agent
    pop = heapq.heappop
    push = heapq.heappush
    inf = math.inf
    segment = 0
    head = -inf  # when the previous contact left the queue
    for i in range(count):
        arrived = arrivals[i]
        deadline = arrived + patiences[i]
        now = arrived if arrived > head else head
        if deadline < now:
            # Gave up before even reaching the head of the queue.
            abandoned[i] = True
            wait[i] = patiences[i]
            continue
        while segment < last and starts[segment + 1] <= now:
            segment += 1
        while in_service and in_service[0] <= now:
            pop(in_service)
        while True:
            if len(in_service) < agents[segment]:
                push(in_service, now + services[i])
                answered[i] = True
                wait[i] = now - arrived
                head = now
                break
            next_completion = in_service[0] if in_service else inf
            next_boundary = starts[segment + 1] if segment < last else inf
            step = next_completion if next_completion < next_boundary else next_boundary
            if step > deadline:
                abandoned[i] = True
                wait[i] = patiences[i]
                head = deadline
                break
            if step == inf:
                head = inf  # nobody will ever answer: the rest wait for ever too
                break
            now = step
            while segment < last and starts[segment + 1] <= now:
                segment += 1
            while in_service and in_service[0] <= now:
                pop(in_service)
    return Fates(wait=wait, answered=answered, abandoned=abandoned)
