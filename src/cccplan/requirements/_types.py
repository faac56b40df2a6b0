"""Constrained field types shared by the clause models (private).

Each alias carries its own validation, its JSON-schema fragment (so that the
exported schema accepts what a person writes in a YAML file: ``"6W"`` as well
as ``3628800``) and, where it helps a reader of a written file, its
serialisation (durations are written back as ``"6W"``, not as seconds).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, TypeAlias

import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from cccplan.frames._columns import CHANNELS
from cccplan.frames.hours import _zone_name
from cccplan.staffing.targets import _seconds

__all__ = [
    "CURRENCIES",
    "Channel",
    "Currency",
    "Duration",
    "FieldError",
    "Fraction",
    "MonthDay",
    "Party",
    "PositiveDuration",
    "Record",
    "TimeOfDay",
    "Timezone",
    "format_duration",
]


class FieldError(ValueError):
    """A cross-field problem of a model, naming the field it concerns.

    Raised inside model validators; the agreement's error translation reads
    ``field`` (a path such as ``"queues[2].channel"``) so that the message names
    the field even though pydantic reports the error at the model.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Record(BaseModel):
    """Base of every requirement object: frozen, unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------

_UNITS: tuple[tuple[int, str], ...] = ((604_800, "W"), (86_400, "D"), (3_600, "h"), (60, "min"))


def format_duration(seconds: float) -> str | float:
    """A duration in seconds written as the largest whole unit: ``"6W"``, ``"24h"``, ``"20s"``.

    Examples
    --------
    >>> format_duration(3628800.0), format_duration(86400), format_duration(20.5)
    ('6W', '1D', '20.5s')
    """
    if math.isinf(seconds):
        return "inf"
    if seconds > 0 and float(seconds).is_integer():
        whole = int(seconds)
        for size, unit in _UNITS:
            if whole % size == 0:
                return f"{whole // size}{unit}"
        return f"{whole}s"
    if seconds == 0:
        return "0s"
    return f"{seconds:g}s"


def _duration(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"a duration is a number of seconds or a text such as '24h'; got {value}")
    if isinstance(value, str) and value.strip() and value.strip()[-1:] in ("W", "D"):
        # pandas reads "6W" and "2D" as given; ServiceTarget's parser lower-cases first,
        # which pandas 3 deprecates for these units.
        try:
            return pd.Timedelta(value.strip()).total_seconds()
        except ValueError:
            pass
    seconds = _seconds(value)
    if isinstance(seconds, int | float) and math.isnan(seconds):
        raise ValueError("a duration cannot be NaN")
    return seconds


_DURATION_TEXT = r"^\s*(inf|infinity|[0-9][0-9A-Za-z .]*)\s*$"
_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": _DURATION_TEXT},
    ],
    "description": "A duration: seconds, or a text such as '20s', '15min', '24h', '2D', '6W'.",
}

#: A duration >= 0 in seconds; accepts seconds, ``"20s"``, ``"24h"``, ``"2D"``, ``"6W"``.
Duration: TypeAlias = Annotated[
    float,
    BeforeValidator(_duration),
    Field(ge=0),
    PlainSerializer(format_duration, return_type=Any, when_used="json"),
    WithJsonSchema(_DURATION_SCHEMA),
]
#: A duration > 0 in seconds.
PositiveDuration: TypeAlias = Annotated[
    float,
    BeforeValidator(_duration),
    Field(gt=0),
    PlainSerializer(format_duration, return_type=Any, when_used="json"),
    WithJsonSchema(_DURATION_SCHEMA),
]

#: A share in [0, 1] (0.8 for 80 %).
Fraction: TypeAlias = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]

# ---------------------------------------------------------------------------
# Names and codes
# ---------------------------------------------------------------------------


def _channel(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower()
    return value


#: A contact channel (see DESIGN.md): voice, chat, messaging, email, social,
#: callback, video, backoffice; read in any case.
Channel: TypeAlias = Annotated[
    Literal["voice", "chat", "messaging", "email", "social", "callback", "video", "backoffice"],
    BeforeValidator(_channel),
]
assert set(CHANNELS) == {
    "voice",
    "chat",
    "messaging",
    "email",
    "social",
    "callback",
    "video",
    "backoffice",
}

#: Which side of the agreement: the client or the customer contact centre.
Party: TypeAlias = Literal["client", "ccc"]


def _timezone(value: Any) -> str:
    try:
        return _zone_name(value)
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix("tz: ")) from None


#: An IANA time zone name such as ``"Europe/Berlin"``.
Timezone: TypeAlias = Annotated[
    str,
    BeforeValidator(_timezone),
    WithJsonSchema({"type": "string", "description": "IANA time zone name, e.g. Europe/Berlin"}),
]

#: Active ISO 4217 currency codes (alphabetic), plus the common precious-metal
#: and fund codes are deliberately left out: agreements price in money.
CURRENCIES: frozenset[str] = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)


def _currency(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value.strip()):
        raise ValueError(
            f"a currency is an ISO 4217 code of three capital letters such as 'EUR'; got {value!r}"
        )
    code = value.strip()
    if code not in CURRENCIES:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. EUR, GBP, USD, CHF)")
    return code


#: An ISO 4217 currency code such as ``"EUR"``.
Currency: TypeAlias = Annotated[
    str,
    BeforeValidator(_currency),
    WithJsonSchema({"type": "string", "enum": sorted(CURRENCIES)}),
]

# ---------------------------------------------------------------------------
# Times of day and recurring dates
# ---------------------------------------------------------------------------

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$")


def _time_of_day(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 14:00 as the base-60 number 840.
        raise ValueError(
            f"a time of day is a text 'HH:MM'; got the number {value} (in YAML write the time "
            "in quotes, e.g. '14:00': unquoted, YAML reads 14:00 as 840)"
        )
    if not isinstance(value, str) or not _TIME.match(value.strip()):
        raise ValueError(f"a time of day is 'HH:MM' (00:00 to 24:00); got {value!r}")
    hours, minutes = value.strip().split(":")
    return f"{int(hours):02d}:{minutes}"


#: A local wall-clock time ``"HH:MM"`` (``"24:00"`` allowed).
TimeOfDay: TypeAlias = Annotated[
    str,
    BeforeValidator(_time_of_day),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$|^24:00$"}),
]


def _month_day(value: Any) -> Any:
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and re.fullmatch(r"\d{2}-\d{2}", text):
        month, day = (int(part) for part in text.split("-"))
        try:
            dt.date(2024, month, day)  # a leap year, so that 02-29 is allowed
        except ValueError:
            pass
        else:
            return text
    raise ValueError(f"a recurring date is 'MM-DD' such as '12-24'; got {value!r}")


#: A date recurring every year, ``"MM-DD"``.
MonthDay: TypeAlias = Annotated[
    str,
    BeforeValidator(_month_day),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}-\d{2}$"}),
]
