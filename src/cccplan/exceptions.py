"""Exceptions and warnings raised by cccplan.

Every error that comes from the caller's input is an :class:`InputError`, which
is also a :class:`ValueError`, so ``except ValueError`` keeps working for code
that does not know cccplan. Its message names the argument, the offending value
or rows, and what is allowed.

The numerical core (:mod:`cccplan.queueing`) follows the scipy convention
instead: an out-of-domain element of an array (a negative load, say) becomes NaN
in the output and one :class:`DomainWarning` names the argument, so that one bad
interval does not abort the computation for thousands of good ones.
"""

from __future__ import annotations

__all__ = [
    "CalibrationWarning",
    "CccplanError",
    "CccplanWarning",
    "DataRepairWarning",
    "DomainWarning",
    "FallbackWarning",
    "InputError",
]


class CccplanError(Exception):
    """Base class of every exception raised by cccplan."""


class InputError(CccplanError, ValueError):
    """The caller's input is invalid: the message says which argument and why."""


class CccplanWarning(UserWarning):
    """Base class of every warning issued by cccplan."""


class DomainWarning(CccplanWarning):
    """Some elements of a numerical argument are outside the domain.

    Those elements give NaN in the result; the warning names the argument and
    how many elements were affected.
    """


class DataRepairWarning(CccplanWarning):
    """cccplan changed the data to repair it, because the caller asked it to.

    For example ``read_volumes(..., fill="zero")`` filling missing intervals.
    The message says what was changed and how much.
    """


class CalibrationWarning(CccplanWarning):
    """Prediction intervals could not be calibrated on the data and assume Poisson counts.

    Poisson intervals are the narrowest possible for counts (they assume the
    arrival rate is known exactly), so real coverage will be below the nominal
    level. The message says what was missing.
    """


class FallbackWarning(CccplanWarning):
    """cccplan could not use the method asked for and used a simpler one.

    For example ``forecast(model="auto")`` on a history too short to compare
    models by backtest. The message says what was used instead and why.
    """
