"""Settings given per series: one lookup rule for opening hours, targets and the like (private).

A mapping may be keyed by ``(queue, channel)`` tuples, by a queue name, by a
channel name (any case) or by ``None`` (the default for every other series);
the most specific key wins, in that order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from cccplan.exceptions import InputError

__all__ = ["SeriesLookup"]

T = TypeVar("T")


class SeriesLookup(Generic[T]):
    """Per-series values looked up as (queue, channel), queue, channel, then None.

    Parameters
    ----------
    mapping : mapping
        Keys: ``(queue, channel)`` tuples, queue or channel names, or None.
    function, argument : str
        Named in the error raised for a key of another kind.
    """

    def __init__(self, mapping: Mapping[Any, T], *, function: str, argument: str) -> None:
        self.by_pair: dict[tuple[str, str], T] = {}
        self.by_queue: dict[str, T] = {}
        self.by_channel: dict[str, T] = {}
        self.default: T | None = None
        for key, value in mapping.items():
            if isinstance(key, tuple) and len(key) == 2:
                self.by_pair[(str(key[0]), str(key[1]).lower())] = value
            elif isinstance(key, str):
                self.by_queue[key] = value
                self.by_channel[key.lower()] = value
            elif key is None:
                self.default = value
            else:
                raise InputError(
                    f"{function}: {argument} key {key!r} is not a queue, a channel, a "
                    "(queue, channel) tuple or None (the default)"
                )

    def get(self, queue: str | None, channel: str | None) -> T | None:
        """The value for one series, or None when no key applies."""
        lowered = None if channel is None else channel.lower()
        found: T | None = None
        if queue is not None and lowered is not None:
            found = self.by_pair.get((queue, lowered))
        if found is None and queue is not None:
            found = self.by_queue.get(queue)
        if found is None and lowered is not None:
            found = self.by_channel.get(lowered)
        return self.default if found is None else found
