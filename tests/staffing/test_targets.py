"""ServiceTarget: defaults, durations, and InputErrors naming the field."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest
from pydantic import ValidationError

from cccplan.exceptions import InputError
from cccplan.staffing import ServiceTarget


def test_defaults_follow_design() -> None:
    target = ServiceTarget()
    assert target.service_level == 0.8
    assert target.threshold == 20.0
    assert target.asa is None
    assert target.max_abandon is None
    assert target.max_occupancy is None
    assert target.patience is None
    assert target.concurrency == 1
    assert target.response_window is None
    assert target.shrinkage == 0.0
    assert target.min_agents == 0.0
    assert target.concurrency_slowdown == 0.15
    assert target.sl_basis == "offered"
    assert target.response_basis == "open"
    assert not target.is_deferred


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(20, 20.0), ("20s", 20.0), ("2min", 120.0), (pd.Timedelta(minutes=3), 180.0), ("45", 45.0)],
)
def test_durations_accept_strings_and_timedeltas(value: object, seconds: float) -> None:
    assert ServiceTarget(threshold=value).threshold == seconds
    assert ServiceTarget(patience=value).patience == seconds


def test_infinite_patience_allowed() -> None:
    assert ServiceTarget(patience="inf").patience == math.inf


def test_deferred_target() -> None:
    target = ServiceTarget(service_level=0.9, response_window="24h")
    assert target.is_deferred
    assert target.response_window == 86400.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_level", 1.2),
        ("service_level", -0.1),
        ("service_level", 80),
        ("threshold", -1.0),
        ("threshold", "soon"),
        ("asa", -5.0),
        ("max_abandon", 1.5),
        ("max_occupancy", 0.0),
        ("patience", 0.0),
        ("patience", -10.0),
        ("concurrency", 0),
        ("concurrency", 1.5),
        ("concurrency_slowdown", -0.1),
        ("response_window", 0.0),
        ("response_basis", "weekdays"),
        ("shrinkage", 1.0),
        ("shrinkage", -0.1),
        ("min_agents", -1),
        ("sl_basis", "abandoned"),
    ],
)
def test_bad_field_raises_input_error_naming_it(field: str, value: object) -> None:
    kwargs: dict[str, object] = {field: value}
    if field == "max_abandon":
        kwargs["patience"] = 180.0
    with pytest.raises(InputError, match=f"`{field}`") as info:
        ServiceTarget(**kwargs)
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, ValidationError)
    assert repr(value) in str(info.value)


def test_several_bad_fields_all_named() -> None:
    with pytest.raises(InputError) as info:
        ServiceTarget(service_level=2.0, shrinkage=1.0)
    assert "`service_level`" in str(info.value)
    assert "`shrinkage`" in str(info.value)


def test_unknown_field() -> None:
    with pytest.raises(InputError, match="unknown field `sla`"):
        ServiceTarget(sla=0.8)


def test_max_abandon_needs_patience() -> None:
    with pytest.raises(InputError, match="max_abandon needs patience"):
        ServiceTarget(max_abandon=0.05)


def test_needs_some_target() -> None:
    with pytest.raises(InputError, match="no target"):
        ServiceTarget(service_level=None)


def test_response_window_needs_service_level() -> None:
    with pytest.raises(InputError, match="response_window needs service_level"):
        ServiceTarget(service_level=None, asa=30, response_window=3600)


def test_frozen() -> None:
    target = ServiceTarget()
    with pytest.raises(ValidationError):
        target.shrinkage = 0.5  # type: ignore[misc]


def test_queueing_targets_are_required_agents_keywords() -> None:
    target = ServiceTarget(service_level=0.8, threshold=20, patience=180, max_abandon=0.05)
    assert target.queueing_targets() == {
        "service_level": 0.8,
        "threshold": 20.0,
        "asa": None,
        "max_abandon": 0.05,
        "max_occupancy": None,
        "patience": 180.0,
        "sl_basis": "offered",
    }
    asa_only = ServiceTarget(service_level=None, asa=30).queueing_targets()
    assert "threshold" not in asa_only
    assert "service_level" not in asa_only


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20s", 20), ("90S", 90), ("3Min", 180), ("1.5h", 5400), ("1H", 3600), ("2D", 172800),
     ("2d", 172800), ("6W", 3628800), ("0.5 hours", 1800), ("1 days 02:00:00", 93600)],
)  # fmt: skip
def test_duration_strings_in_any_case_without_pandas_deprecations(text, seconds):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ServiceTarget(response_window=text, service_level=0.9).response_window == seconds
