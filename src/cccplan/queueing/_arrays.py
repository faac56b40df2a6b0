"""Broadcasting and domain checks shared by the queueing functions (private).

The public functions follow the scipy.special convention: arguments broadcast
like a ufunc, NaN propagates, and an element outside the domain (a negative
load, say) gives NaN in that element of the result together with one
:class:`cccplan.DomainWarning` that names the argument, rather than an
exception that would abort a whole vector of intervals.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cccplan.exceptions import DomainWarning, InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class Broadcast:
    """Flattened, broadcast float copies of the arguments and their common shape."""

    shape: tuple[int, ...]
    values: dict[str, FloatArray]
    invalid: BoolArray

    def __getitem__(self, name: str) -> FloatArray:
        return self.values[name]

    def result(self, flat: FloatArray) -> FloatArray:
        """Return ``flat`` reshaped to the broadcast shape (0-d for scalars)."""
        out = np.asarray(flat, dtype=np.float64).reshape(self.shape)
        return out


def broadcast(
    function: str, *, keep_scalars: bool = False, **arguments: npt.ArrayLike
) -> Broadcast:
    """Broadcast the arguments to one shape and flatten them to 1-D float arrays.

    With ``keep_scalars``, scalar arguments stay 0-d arrays (numpy broadcasts
    them later) instead of being copied out to the full size, and array
    arguments that already have the full shape are not copied.

    Raises
    ------
    InputError
        If an argument is not numeric or the shapes do not broadcast.
    """
    arrays: dict[str, FloatArray] = {}
    for name, value in arguments.items():
        try:
            arrays[name] = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{function}: `{name}` must be numeric (a number or an array of numbers); "
                f"got {value!r}"
            ) from exc
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError as exc:
        shapes = ", ".join(f"{k}{v.shape}" for k, v in arrays.items())
        raise InputError(f"{function}: the arguments do not broadcast together: {shapes}") from exc
    flat: dict[str, FloatArray] = {}
    for name, a in arrays.items():
        if keep_scalars and a.ndim == 0:
            flat[name] = a
        elif keep_scalars and a.shape == shape:
            flat[name] = a.ravel()
        else:
            flat[name] = np.broadcast_to(a, shape).ravel().astype(np.float64, copy=True)
    size = int(np.prod(shape, dtype=np.int64))
    invalid = np.zeros(size, dtype=bool)
    for a in flat.values():
        invalid |= np.isnan(a)
    return Broadcast(shape=shape, values=flat, invalid=invalid)


def check_nonnegative(function: str, args: Broadcast, *names: str) -> None:
    """Mark negative elements of the named arguments invalid, with one warning each."""
    for name in names:
        values = args[name]
        bad = values < 0
        if bad.any():
            _warn(function, name, values, bad, "must be >= 0")
            args.invalid |= bad


def check_positive_where(
    function: str, args: Broadcast, name: str, where: BoolArray, why: str
) -> None:
    """Mark elements of ``name`` that are <= 0 where ``where`` holds invalid."""
    values = args[name]
    bad = where & (values <= 0) & ~args.invalid
    if bad.any():
        _warn(function, name, values, bad, f"must be > 0 {why}")
        args.invalid |= bad


def _warn(function: str, name: str, values: FloatArray, bad: BoolArray, rule: str) -> None:
    values = np.broadcast_to(values, bad.shape) if np.ndim(bad) else np.atleast_1d(values)
    index = np.flatnonzero(bad)
    first = index[:3]
    shown = ", ".join(f"{values[i]!r} at flat index {i}" for i in first)
    more = f" and {index.size - first.size} more" if index.size > first.size else ""
    warnings.warn(
        f"{function}: `{name}` {rule}; {index.size} element(s) are not ({shown}{more}); "
        "their results are NaN.",
        DomainWarning,
        stacklevel=4,
    )
