"""Hypothesis properties: random valid agreements round-trip through every file format;
random invalid field values give errors naming the clause and the field."""

import copy
import math
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cccplan import InputError
from cccplan.requirements import Agreement

from .conftest import EXAMPLES

COMPLETE = yaml.safe_load((EXAMPLES / "agreement.yaml").read_text())

# ---------------------------------------------------------------------------
# Random valid agreements
# ---------------------------------------------------------------------------


@st.composite
def day_hours(draw):
    """Sorted, non-touching ranges on quarter hours, or closed."""
    points = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
    if len(points) % 2:
        points = points[:-1]
    ranges = []
    for start, stop in zip(points[::2], points[1::2], strict=True):
        ranges.append(f"{start // 4:02d}:{start % 4 * 15:02d}-{stop // 4:02d}:{stop % 4 * 15:02d}")
    return ", ".join(ranges) if ranges else "closed"


fractions = st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 4))
seconds = st.integers(1, 3600).map(float)


@st.composite
def goals(draw, channel):
    if channel in ("email", "backoffice") and draw(st.booleans()):
        return {
            "kind": "deferred",
            "share_within": draw(fractions),
            "response_window": draw(st.sampled_from(["4h", "24h", "2D", 7200])),
            "basis": draw(st.sampled_from(["business_hours", "calendar"])),
        }
    goal = {"kind": "immediate", "service_level": draw(fractions), "threshold": draw(seconds)}
    if draw(st.booleans()):
        goal["asa"] = draw(seconds)
    if draw(st.booleans()):
        goal["max_abandon"] = draw(fractions)
        goal["patience"] = draw(st.sampled_from(["3min", 90, "inf"]))
    if draw(st.booleans()):
        goal["max_occupancy"] = draw(st.floats(0.5, 1).map(lambda x: round(x, 3)))
    return goal


@st.composite
def agreements(draw):
    channels = draw(
        st.lists(
            st.sampled_from(["voice", "chat", "email", "backoffice", "messaging"]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    access = []
    for channel in channels:
        entry = {
            "channel": channel,
            "timezone": draw(st.sampled_from(["Europe/Berlin", "America/New_York", "UTC"])),
            "opening_hours": {day: draw(day_hours()) for day in ("mon", "tue", "sat")},
            "goal": draw(goals(channel)),
        }
        if channel in ("chat", "messaging"):
            entry["concurrency"] = draw(st.integers(1, 4))
        if draw(st.booleans()):
            entry["holidays"] = draw(
                st.sampled_from([{"country": "DE", "subdiv": "BE"}, {"country": "US"}])
            )
            entry["early_closing"] = {"12-24": draw(st.sampled_from(["12:00", "14:00"]))}
        access.append(entry)
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), min_size=1,
                          max_size=3, unique=True))  # fmt: skip
    queues = [{"name": name, "channel": draw(st.sampled_from(channels))} for name in names]
    horizon_weeks = draw(st.integers(2, 12))
    data = {
        "parties": {"client": {"name": "Client"}, "ccc": {"name": "CCC"}},
        "effective_from": "2026-01-01",
        "queues": queues,
        "access_strategy": {"channels": access},
        "forecasting": {
            "horizon": f"{horizon_weeks}W",
            "frozen_period": f"{draw(st.integers(0, 7 * horizon_weeks))}D",
            "forecast_lead_time": f"{draw(st.integers(0, 7 * horizon_weeks - 1))}D",
            "cadence": "1W",
            "granularity": draw(st.sampled_from(["15min", "30min", "h"])),
            "accuracy_tolerance": draw(
                st.dictionaries(st.sampled_from(["interval", "day", "week"]), fractions)
            ),
            "accuracy_denominator": draw(st.sampled_from(["actual", "forecast"])),
            "shrinkage": draw(st.floats(0, 0.6).map(lambda x: round(x, 3))),
        },
        "service_terms": {
            "sla_window": draw(st.sampled_from(["day", "week", "month"])),
            "variance_band": draw(fractions),
            "surplus_relief": draw(st.booleans()),
        },
    }
    # some of the complete example's clauses, unchanged
    for field in draw(
        st.sets(st.sampled_from(["customer_needs", "customer_data", "roles", "operations"]))
    ):
        data[field] = copy.deepcopy(COMPLETE[field])
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agreements())
def test_random_valid_agreements_round_trip(data):
    agreement = Agreement.model_validate(data)
    with TemporaryDirectory() as folder:
        for suffix in (".yaml", ".toml", ".json"):
            path = agreement.to_file(Path(folder) / f"agreement{suffix}")
            assert Agreement.from_file(path) == agreement
    for queue in agreement.queues:
        target = agreement.targets_for(queue.name, queue.channel)
        assert target.shrinkage == agreement.forecasting.shrinkage


# ---------------------------------------------------------------------------
# Random invalid values
# ---------------------------------------------------------------------------

# (path in the complete example, invalid values, clause label, field named in the error)
INVALID = [
    (("forecasting", "shrinkage"), st.floats(1, 50), "6.7 Forecasting and planning", "shrinkage"),
    (
        ("forecasting", "accuracy_tolerance", "day"),
        st.floats(1.001, 100),
        "6.7 Forecasting and planning",
        "accuracy_tolerance[day]",
    ),
    (
        ("forecasting", "horizon"),
        st.floats(-1e6, -1),
        "6.7 Forecasting and planning",
        "horizon",
    ),
    (
        ("access_strategy", "channels", 0, "goal", "service_level"),
        st.floats(1.0001, 1000) | st.floats(-1000, -0.0001),
        "5.4/6.3 Customer access and contact strategy",
        "channels[0].goal.service_level",
    ),
    (
        ("access_strategy", "channels", 1, "concurrency"),
        st.integers(-5, 0),
        "5.4/6.3 Customer access and contact strategy",
        "channels[1].concurrency",
    ),
    (
        ("access_strategy", "channels", 2, "timezone"),
        st.from_regex(r"[A-Z][a-z]{3,8}/[A-Z][a-z]{3,8}x", fullmatch=True),
        "5.4/6.3 Customer access and contact strategy",
        "channels[2].timezone",
    ),
    (
        ("customer_cost", "tariffs", 0, "currency"),
        st.from_regex(r"[A-Z]{3}", fullmatch=True).filter(lambda c: c not in {"EUR", "USD"})
        | st.text(max_size=5),
        "5.5 Cost to the customer",
        "tariffs[0].currency",
    ),
    (
        ("customer_needs", "segments", 0, "share"),
        st.floats(1.0001, 10),
        "5.2 Identification of customer needs",
        "segments[0].share",
    ),
    (
        ("customer_data", "retention", 0, "period"),
        st.floats(-1e6, 0),
        "5.9 Customer data",
        "retention[0].period",
    ),
    (
        ("communication", "material_uplift"),
        st.floats(1.0001, 10),
        "6.5 Communication of information to the CCC",
        "material_uplift",
    ),
    (
        ("roles", "escalation", 0, "level"),
        st.integers(-10, 0),
        "6.4 Roles and responsibilities",
        "escalation[0].level",
    ),
    (
        ("feedback", "surveys", 0, "min_sample"),
        st.integers(-100, 0),
        "6.9 Customer feedback",
        "surveys[0].min_sample",
    ),
    (
        ("service_terms", "service_credits", "bands", 0, "credit"),
        st.floats(1.0001, 5),
        "6.10 Service terms",
        "service_credits.bands[0].credit",
    ),
    (
        ("monitoring", "kpis", 0, "comparator"),
        st.sampled_from(["=>", "==", "at least", "gt"]),
        "6.8 Monitoring CCC performance",
        "kpis[0].comparator",
    ),
    (
        ("operations", "quality_monitoring", "evaluations_per_agent_month"),
        st.integers(-50, -1),
        "6.6 Operations",
        "quality_monitoring.evaluations_per_agent_month",
    ),
    (
        ("customer_protection", "complaint_route", "channels", 0),
        st.sampled_from(["fax", "letter", "pigeon"]),
        "5.7 Protection of the customer",
        "complaint_route.channels[0]",
    ),
    (
        ("ethics", "max_attempts_per_day"),
        st.integers(-5, 0),
        "5.8 Ethical behaviour",
        "max_attempts_per_day",
    ),
    (
        ("information_consistency", "max_sync_lag"),
        st.sampled_from(["soon", "-2h", "yesterday"]),
        "5.6 Consistency of information",
        "max_sync_lag",
    ),
    (
        ("service_provision", "ccc_conformity", "status"),
        st.sampled_from(["yes", "certfied", "pending"]),
        "4 Client requirements for CCC service provision",
        "ccc_conformity.status",
    ),
    (
        ("experience_strategy", "next_review"),
        st.sampled_from(["next year", "2024-13-01", "soon"]),
        "5.3/6.2 Customer experience strategy",
        "next_review",
    ),
]


@st.composite
def invalid_cases(draw):
    path, values, clause, field = draw(st.sampled_from(INVALID))
    value = draw(values)
    if isinstance(value, float) and not math.isfinite(value):
        value = -1.0
    return path, value, clause, field


@settings(max_examples=120, deadline=None)
@given(invalid_cases())
def test_random_invalid_values_name_clause_and_field(case):
    path, value, clause, field = case
    data = copy.deepcopy(COMPLETE)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(InputError) as info:
        Agreement.model_validate(data)
    message = str(info.value)
    assert f"clause {clause}: field '{field}'" in message, message
