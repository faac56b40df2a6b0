"""Column names and vocabularies of the canonical interval frame.

One place for the names that every stage relies on (see DESIGN.md, "Frame
conventions"), so that a typo is an import error rather than a silent
``KeyError`` three stages later.
"""

from __future__ import annotations

from typing import Final

__all__ = ["AHT", "CHANNEL", "CHANNELS", "KEY_COLUMNS", "QUEUE", "TIME", "VOLUME"]

TIME: Final = "interval_start"
"""Start of the interval: timezone-aware timestamp; the interval lasts one frame frequency."""

QUEUE: Final = "queue"
"""Series key: the queue (skill, split, service line) the contacts were offered to."""

CHANNEL: Final = "channel"
"""Series key: the contact channel, one of :data:`CHANNELS`."""

VOLUME: Final = "volume"
"""Offered contacts in the interval (float >= 0)."""

AHT: Final = "aht"
"""Average handle time in seconds (float > 0 where volume > 0)."""

KEY_COLUMNS: Final = (QUEUE, CHANNEL)
"""Series key columns, in the order the canonical frame sorts by."""

CHANNELS: Final = (
    "voice",
    "chat",
    "messaging",
    "email",
    "social",
    "callback",
    "video",
    "backoffice",
)
"""Known channel names (lower case; input is accepted case-insensitively)."""
