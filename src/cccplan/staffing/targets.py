"""Service targets of a queue: what :func:`cccplan.staff` staffs for.

A :class:`ServiceTarget` is the part of a client-CCC agreement (ISO 18295-2,
5.4 access strategy and 6.7 planning) that staffing needs: the service level
and its threshold, ASA, maximum abandonment and occupancy, the callers'
patience, chat concurrency, the response window of deferred work (email,
back-office), shrinkage and a minimum cover while open. Its field names are
the keyword names of :func:`cccplan.queueing.required_agents`, so one
vocabulary runs through the library and the agreement.

It is a frozen pydantic model (see DESIGN.md, "pydantic at the boundaries").
Every invalid field raises :class:`cccplan.InputError` (a ``ValueError``)
naming the field, the value given and what is allowed, rather than pydantic's
``ValidationError``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cccplan.exceptions import InputError
from cccplan.frames._lookup import SeriesLookup

__all__ = ["ServiceTarget", "as_target", "target_lookup"]

# What each field allows, for the error messages.
_ALLOWED: dict[str, str] = {
    "service_level": "a fraction in [0, 1] (e.g. 0.8 for 80 %) or None",
    "threshold": "a duration >= 0 in seconds (e.g. 20, '20s', '2min') or None",
    "asa": "a duration >= 0 in seconds (e.g. 30, '30s') or None",
    "max_abandon": "a fraction in [0, 1] (e.g. 0.05) or None",
    "max_occupancy": "a fraction in (0, 1] (e.g. 0.85) or None",
    "patience": "a duration > 0 in seconds (e.g. 180, '3min'; inf for no abandonment) or None",
    "concurrency": "a whole number >= 1 of contacts an agent handles at once",
    "concurrency_slowdown": "a number >= 0 (0.15 = each extra session adds 15 % to handle time)",
    "response_window": "a duration > 0 in seconds (e.g. 86400 or '24h') or None",
    "response_basis": "'open' (the window counts open time only) or 'calendar'",
    "shrinkage": "a fraction in [0, 1) (e.g. 0.3 for 30 %)",
    "min_agents": "a number >= 0 of agents in every open interval",
    "sl_basis": "'offered' or 'answered'",
}
_DURATIONS = ("threshold", "asa", "patience", "response_window")


_UNIT_SECONDS = {
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "m": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "w": 604800.0, "week": 604800.0, "weeks": 604800.0,
}  # fmt: skip
_SIMPLE_DURATION = re.compile(r"^([0-9]*\.?[0-9]+)\s*([a-z]+)$")


def _seconds(value: Any) -> Any:
    """A duration in seconds from a number, a Timedelta / timedelta or a string like '20s'.

    Simple strings (a number and a unit: s, min, h, D, W and their long
    names, in any case) are read here, since pandas' own unit letters are
    case-sensitive in ways that change between versions; anything else
    (e.g. ``"1 days 02:00:00"``) goes to :class:`pandas.Timedelta`.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("inf", "infinity"):
            return math.inf
        try:
            return float(text)
        except ValueError:
            pass
        simple = _SIMPLE_DURATION.match(text.lower())
        if simple and simple.group(2) in _UNIT_SECONDS:
            return float(simple.group(1)) * _UNIT_SECONDS[simple.group(2)]
        try:
            return pd.Timedelta(text).total_seconds()
        except ValueError as exc:
            raise ValueError(f"cannot read {value!r} as a duration") from exc
    if isinstance(value, pd.Timedelta | dt.timedelta | np.timedelta64):
        return pd.Timedelta(value).total_seconds()
    return value


class ServiceTarget(BaseModel):
    """Service targets and staffing rules of one queue (or channel).

    Parameters
    ----------
    service_level : float or None, default 0.8
        Target share of contacts answered within ``threshold`` (a fraction in
        [0, 1]). For deferred work (``response_window`` set), the share of
        contacts handled within the response window.
    threshold : float or None, default 20
        Answer-time threshold in seconds of ``service_level`` for immediate
        channels (voice, chat, ...); ignored for deferred work. Accepts
        ``"20s"``, ``"2min"`` or a Timedelta.
    asa : float or None
        Maximum average speed of answer in seconds.
    max_abandon : float or None
        Maximum share of offered contacts that abandon; needs ``patience``.
    max_occupancy : float or None
        Maximum agent occupancy, a fraction in (0, 1].
    patience : float or None
        Mean patience of the customers in seconds. When given, immediate
        channels are staffed with Erlang A (M/M/n+M) instead of Erlang C.
        When abandonment is measured this is the recommended model: callers
        who hang up shorten the queue, so Erlang A needs fewer agents and
        matches reality better (see :func:`cccplan.staff` for an example).
    concurrency : int, default 1
        Contacts (sessions) an agent handles at once: 1 for voice, typically
        2-3 for chat and messaging (see :mod:`cccplan.staffing.concurrency`).
    concurrency_slowdown : float, default 0.15
        Relative growth of a session's handle time per additional concurrent
        session: a session shared with ``k - 1`` others takes
        ``aht (1 + concurrency_slowdown (k - 1))``. A parameter to calibrate
        from the centre's chat data; 0.15 is a moderate default.
    response_window : float or None
        Response-time goal of deferred work (email, social, back-office) in
        seconds, e.g. 86400 (24 h) with ``service_level=0.9``: 90 % handled
        within 24 hours. Setting it staffs the series as deferred work.
    response_basis : {"open", "calendar"}, default "open"
        Whether ``response_window`` counts open (business) hours only or
        calendar time. Passed to the deferred-work model where it supports it.
    shrinkage : float, default 0.0
        Share of paid time not available for contacts (breaks, training,
        absence), in [0, 1): ``scheduled = ceil(agents / (1 - shrinkage))``.
    min_agents : float, default 0
        Minimum productive agents in every open interval (minimum cover).
    sl_basis : {"offered", "answered"}, default "offered"
        Erlang A service level over offered contacts (abandoned ones count as
        missed) or over answered contacts.

    Raises
    ------
    InputError
        Naming the field, the value given and what is allowed: a service level
        outside [0, 1], a negative threshold, shrinkage outside [0, 1), a
        concurrency below 1, a patience <= 0, a negative minimum cover, an
        unknown field, ``max_abandon`` without ``patience`` or no target at all.

    Examples
    --------
    >>> from cccplan.staffing import ServiceTarget
    >>> voice = ServiceTarget(service_level=0.8, threshold="20s", patience="3min",
    ...                       max_abandon=0.05, shrinkage=0.3)
    >>> voice.threshold, voice.patience
    (20.0, 180.0)
    >>> email = ServiceTarget(service_level=0.9, response_window="24h")
    >>> email.is_deferred
    True
    >>> ServiceTarget(service_level=1.2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cccplan.exceptions.InputError: ServiceTarget: `service_level` must be a fraction ...; got 1.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_level: float | None = Field(default=0.8, ge=0.0, le=1.0)
    threshold: float | None = Field(default=20.0, ge=0.0)
    asa: float | None = Field(default=None, ge=0.0)
    max_abandon: float | None = Field(default=None, ge=0.0, le=1.0)
    max_occupancy: float | None = Field(default=None, gt=0.0, le=1.0)
    patience: float | None = Field(default=None, gt=0.0)
    concurrency: int = Field(default=1, ge=1)
    concurrency_slowdown: float = Field(default=0.15, ge=0.0, allow_inf_nan=False)
    response_window: float | None = Field(default=None, gt=0.0)
    response_basis: Literal["open", "calendar"] = "open"
    shrinkage: float = Field(default=0.0, ge=0.0, lt=1.0)
    min_agents: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    sl_basis: Literal["offered", "answered"] = "offered"

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _input_error(exc, data) from None

    @field_validator(*_DURATIONS, mode="before")
    @classmethod
    def _parse_duration(cls, value: Any) -> Any:
        return _seconds(value)

    @field_validator("service_level", "threshold", "asa", "max_abandon", "max_occupancy")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be finite")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ServiceTarget:
        if self.max_abandon is not None and self.patience is None:
            raise ValueError(
                "max_abandon needs patience (the customers' mean patience in seconds): "
                "abandonment is modelled by Erlang A"
            )
        if self.service_level is not None and self.threshold is None and not self.is_deferred:
            raise ValueError(
                "service_level needs threshold (seconds) for an immediate channel, or "
                "response_window for deferred work"
            )
        immediate = (self.service_level, self.asa, self.max_abandon, self.max_occupancy)
        if all(value is None for value in immediate):
            raise ValueError(
                "no target: give service_level (with threshold or response_window), asa, "
                "max_abandon or max_occupancy"
            )
        if self.is_deferred and self.service_level is None:
            raise ValueError("response_window needs service_level (e.g. 0.9 within the window)")
        return self

    @property
    def is_deferred(self) -> bool:
        """Whether the target is deferred work (a response window is set)."""
        return self.response_window is not None

    def queueing_targets(self) -> dict[str, Any]:
        """Keyword arguments of :func:`cccplan.queueing.required_agents` for this target.

        ``threshold`` is included only with ``service_level`` (the solver needs
        both or neither); ``patience`` is included when set (Erlang A).
        """
        kwargs: dict[str, Any] = {
            "asa": self.asa,
            "max_abandon": self.max_abandon,
            "max_occupancy": self.max_occupancy,
            "patience": self.patience,
            "sl_basis": self.sl_basis,
        }
        if self.service_level is not None:
            kwargs["service_level"] = self.service_level
            kwargs["threshold"] = self.threshold
        return kwargs


def _input_error(exc: ValidationError, data: dict[str, Any]) -> InputError:
    """An InputError naming every invalid field of a ServiceTarget."""
    parts: list[str] = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        if error["type"] == "extra_forbidden":
            parts.append(
                f"unknown field `{field}`; the fields are {', '.join(ServiceTarget.model_fields)}"
            )
        elif field in _ALLOWED:
            parts.append(f"`{field}` must be {_ALLOWED[field]}; got {data.get(field)!r}")
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            parts.append(message)
    return InputError("ServiceTarget: " + "; ".join(parts))


def as_target(value: object, where: str) -> ServiceTarget:
    """A :class:`ServiceTarget` from a target or a mapping of its fields.

    *where* starts every error message (e.g. ``"staff: targets['billing']"``).
    """
    if isinstance(value, ServiceTarget):
        return value
    if isinstance(value, Mapping):
        try:
            return ServiceTarget(**{str(k): v for k, v in value.items()})
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
    raise InputError(
        f"{where} must be a ServiceTarget (or a mapping of its fields); got {type(value).__name__}"
    )


def target_lookup(targets: Mapping[Any, object], function: str) -> SeriesLookup[ServiceTarget]:
    """Targets per series, looked up as (queue, channel), queue, channel, None.

    Each value is read with :func:`as_target`; *function* names the caller in
    errors.
    """
    return SeriesLookup(
        {key: as_target(value, f"{function}: targets[{key!r}]") for key, value in targets.items()},
        function=function,
        argument="targets",
    )
