"""The clause base class and the translation of validation errors (private).

pydantic's :class:`~pydantic.ValidationError` names a location such as
``('forecasting', 'frozen_period')`` and a message such as "Input should be
less than or equal to 1". A planner needs "clause 6.7 Forecasting and
planning: field 'frozen_period': ...". :func:`input_error` turns the one into
the other: the first element of the location names the clause (through the
agreement's field), the rest is the field path, and the message is reworded.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Self, Union

from pydantic import BaseModel, ValidationError

from cccplan.exceptions import InputError
from cccplan.requirements._types import FieldError, Record

__all__ = ["Clause", "clause_label", "input_error", "nested"]


# Set while an enclosing model (the Agreement) validates: nested clause models then let
# pydantic's own errors through, so that the enclosing model reports them with the
# whole location, once.
_NESTED: contextvars.ContextVar[bool] = contextvars.ContextVar("cccplan_nested", default=False)


@contextlib.contextmanager
def nested() -> Iterator[None]:
    """Mark the validation of an enclosing model (see ``_NESTED``)."""
    token = _NESTED.set(True)
    try:
        yield
    finally:
        _NESTED.reset(token)


class Clause(Record):
    """Base of the clause models: each carries its clause number(s) and title.

    Class attributes
    ----------------
    clause : str
        The ISO 18295-2 clause number, e.g. ``"6.7"``.
    also : tuple of str
        Further clauses the same object covers (5.4 and 6.3 are one object:
        the access strategy and its arrangement with the CCC).
    title : str
        The clause title.

    Constructing a clause with invalid fields raises :class:`cccplan.InputError`
    naming the clause and the field.
    """

    clause: ClassVar[str] = ""
    also: ClassVar[tuple[str, ...]] = ()
    title: ClassVar[str] = ""

    def __init__(self, **data: Any) -> None:
        if _NESTED.get():
            super().__init__(**data)
            return
        try:
            with nested():
                super().__init__(**data)
        except ValidationError as exc:
            raise input_error(exc, type(self)) from None

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a mapping; errors raise :class:`cccplan.InputError` naming clause and field."""
        if _NESTED.get():
            return super().model_validate(obj, **kwargs)
        try:
            with nested():
                return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise input_error(exc, cls) from None

    @classmethod
    def label(cls) -> str:
        """``"6.7 Forecasting and planning"``, or ``"5.4/6.3 ..."`` for a shared object."""
        return clause_label(cls)


def clause_label(model: type[Clause]) -> str:
    """The clause number(s) and title of a clause model."""
    numbers = "/".join((model.clause, *model.also))
    return f"{numbers} {model.title}"


# ---------------------------------------------------------------------------
# Error translation
# ---------------------------------------------------------------------------


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, lists, dicts, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    if origin in (Union, types.UnionType, tuple, list, dict) or origin is not None:
        for argument in typing.get_args(annotation):
            if argument is not Ellipsis:
                found.extend(_models_in(argument))
    return found


def _tag_of(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("kind")
    if field is None:
        return None
    default = field.default
    return default if isinstance(default, str) else None


def _walk(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, type[BaseModel] | None]:
    """The readable field path of a location, and the model that holds its last element."""
    path = ""
    models: list[type[BaseModel]] = [root]
    holder: type[BaseModel] | None = root
    for position, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
            continue
        if part == "[key]":
            continue
        tagged = [m for m in models if _tag_of(m) == part and part not in m.model_fields]
        if tagged:  # a discriminated union's tag: not a field, it picks the model
            models = tagged
            holder = tagged[0]
            continue
        owner = next((m for m in models if part in m.model_fields), None)
        if owner is None:
            if position == len(loc) - 1 and models:
                holder = models[0]  # an unknown field of that model
                path += f".{part}" if path else part
            else:
                path += f"[{part}]"  # a key of a mapping (weekday, date, level)
            continue
        holder = owner
        path += f".{part}" if path else part
        models = _models_in(owner.model_fields[part].annotation)
    return path, holder


def _reword(error: Any, holder: type[BaseModel] | None, field: str) -> str:  # noqa: PLR0911
    kind = error["type"]
    context = error.get("ctx") or {}
    given = error.get("input")
    shown = given if not isinstance(given, dict | list) else None
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        names = list(holder.model_fields) if holder is not None else []
        last = field.rsplit(".", 1)[-1]
        close = difflib.get_close_matches(last, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        listing = f"; the fields here are {', '.join(names)}" if names else ""
        return f"is not a field of this part of the agreement{hint}{listing}"
    if kind == "value_error":
        inner = context.get("error")
        message = str(inner) if inner is not None else str(error["msg"])
        return message.removeprefix("Value error, ")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }[kind]
        bound = context.get(words[1])
        text = f"must be {words[0]} {bound}"
        if kind in ("less_than_equal", "less_than") and bound == 1:
            text += " (a fraction: write 0.8 for 80 %)"
        return f"{text}; got {shown!r}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}; got {shown!r}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        expected = context.get("expected_tags", "")
        return f"needs 'kind' set to one of {expected}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"must be a date such as 2026-01-31 (or a date and time); got {shown!r}"
    if kind in ("too_short", "too_long"):
        return str(error["msg"]).replace("List", "the list").replace("Tuple", "the list")
    message = str(error["msg"]).replace("Input should be", "must be")
    if shown is not None and repr(shown) not in message:
        message += f"; got {shown!r}"
    return message


def input_error(
    exc: ValidationError,
    root: type[BaseModel],
    clause_of: Callable[[str], tuple[str, bool]] | None = None,
) -> InputError:
    """An :class:`InputError` naming clause and field for every error in ``exc``.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error raised while validating ``root``.
    root : type
        The model validated (the Agreement or a clause model).
    clause_of : callable, optional
        Maps the first element of a location (a field of ``root``) to a label
        such as ``"clause 6.7 Forecasting and planning"`` and whether that
        field is the clause object itself (then the path starts inside it);
        without it, the label of ``root`` (a clause model) is used.
    """
    lines: list[str] = []
    errors = exc.errors()
    deeper = [tuple(e["loc"]) for e in errors]
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in deeper
        ):
            continue  # a list emptied by its own invalid items: those errors say it
        context = error.get("ctx") or {}
        inner = context.get("error")
        path, holder = _walk(root, loc)
        if isinstance(inner, FieldError):
            path = f"{path}.{inner.field}" if path else inner.field
        head = path.split(".")[0].split("[")[0].split(" ")[0] if path else ""
        if clause_of is not None:
            label, inside = clause_of(head)
            # Within a clause object, the path starts after the agreement's field name.
            if inside:
                path = path[len(head) :].lstrip(".")
        elif issubclass(root, Clause):
            label = f"clause {root.label()}"
        else:
            label = root.__name__
        message = _reword(error, holder, path)
        if loc and loc[-1] == "[key]" and len(loc) >= 2:
            key = loc[-2]
            path = path.removesuffix(f"[{key}]")
            message = f"the key {key!r} {message.split('; got')[0]}"
        where = f"field {path!r}: " if path else ""
        lines.append(f"{label}: {where}{message}")
    unique = list(dict.fromkeys(lines))
    return InputError("\n".join(unique))
