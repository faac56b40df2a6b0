import json
import tomllib
import typing
from pathlib import Path

import pytest
import tomli_w
import yaml
from pydantic import BaseModel

from cccplan import InputError, OpeningHours, ServiceTarget, load_example
from cccplan.requirements import CLAUSES, TITLES, Agreement, ForecastingAndPlanning
from cccplan.requirements.agreement import CLAUSE_FIELDS

from . import _schema
from .conftest import DATA, EXAMPLES

# ---------------------------------------------------------------------------
# The example files
# ---------------------------------------------------------------------------


def test_examples_load(complete, minimal):
    assert {(q.name, q.channel) for q in complete.queues} == {
        ("billing", "voice"),
        ("support", "voice"),
        ("support", "chat"),
        ("orders", "email"),
    }
    # every clause object of the complete example is filled in
    assert all(getattr(complete, field) is not None for field in CLAUSE_FIELDS)
    assert minimal.customer_data is None
    assert minimal.targets_for("sales") == ServiceTarget(service_level=0.8, threshold=20)


def test_packaged_example_is_the_example_file(complete):
    packaged = Path(__file__).resolve().parents[2] / "src/cccplan/requirements/data/agreement.yaml"
    assert packaged.read_text() == (EXAMPLES / "agreement.yaml").read_text()
    assert Agreement.example() == complete


@pytest.fixture(scope="module")
def centre():
    return load_example()


@pytest.mark.parametrize(
    "key", [("billing", "voice"), ("support", "voice"), ("support", "chat"), ("orders", "email")]
)
def test_complete_example_describes_the_example_centre(complete, centre, key):
    assert complete.targets_for(*key) == ServiceTarget(**centre.targets[key])
    # the default years are the agreement's, 2024-2026: the centre's history
    # years and the year after, so holidays and early closings match exactly
    assert complete.opening_hours_for(*key) == centre.hours[key]


def test_service_targets_and_opening_hours_dicts(complete, centre):
    assert complete.service_targets() == {
        key: ServiceTarget(**value) for key, value in centre.targets.items()
    }
    hours = complete.opening_hours()
    assert isinstance(hours[("orders", "email")], OpeningHours)


def test_targets_for_unknown_and_ambiguous_queue(complete):
    with pytest.raises(InputError, match=r"unknown queue 'sales'.*billing/voice.*orders/email"):
        complete.targets_for("sales")
    with pytest.raises(InputError, match=r"'support' is on several channels \(voice, chat\)"):
        complete.targets_for("support")
    assert complete.targets_for("support", "CHAT").concurrency == 2
    with pytest.raises(InputError, match="unknown queue 'billing' on channel 'chat'"):
        complete.targets_for("billing", "chat")


def test_queue_override_of_goal_and_cover(minimal_data):
    minimal_data["queues"].append(
        {
            "name": "vip",
            "channel": "voice",
            "min_agents": 2,
            "goal": {"kind": "immediate", "service_level": 0.9, "threshold": "10s", "asa": 8},
        }
    )
    minimal_data["forecasting"] = {"shrinkage_components": {"breaks": 0.1, "absence": 0.15}}
    agreement = Agreement.model_validate(minimal_data)
    target = agreement.targets_for("vip")
    assert (target.service_level, target.threshold, target.asa) == (0.9, 10.0, 8.0)
    assert target.min_agents == 2
    assert target.shrinkage == pytest.approx(0.25)  # filled from the components
    assert agreement.targets_for("sales").threshold == 20.0


def test_deferred_calendar_and_outbound_targets(minimal_data):
    minimal_data["access_strategy"]["channels"].append(
        {
            "channel": "backoffice",
            "timezone": "Europe/London",
            "opening_hours": {"mon-fri": "07:00-19:00"},
            "goal": {
                "kind": "deferred",
                "share_within": 0.95,
                "response_window": "2D",
                "basis": "calendar",
            },
        }
    )
    minimal_data["queues"] += [
        {"name": "letters", "channel": "backoffice"},
        {"name": "renewals", "channel": "voice", "goal": {"kind": "outbound", "max_abandon": 0.03}},
    ]
    agreement = Agreement.model_validate(minimal_data)
    letters = agreement.targets_for("letters")
    assert letters.is_deferred
    assert (letters.service_level, letters.response_window, letters.response_basis) == (
        0.95,
        172800.0,
        "calendar",
    )
    renewals = agreement.targets_for("renewals")
    assert renewals.service_level is None
    assert renewals.max_occupancy == 0.85


def test_clauses_mapping():
    assert CLAUSES["6.7"][0] == "Forecasting and planning"
    assert CLAUSES["5.4"][1] is CLAUSES["6.3"][1]
    for number, (title, model) in CLAUSES.items():
        assert title == TITLES[number]
        assert number in (model.clause, *model.also)
    assert set(CLAUSES) == set(TITLES) - {"5.1", "6.1"}


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".toml", ".json"])
@pytest.mark.parametrize("which", ["complete", "minimal"])
def test_file_round_trip(request, tmp_path, suffix, which):
    agreement = request.getfixturevalue(which)
    path = agreement.to_file(tmp_path / f"agreement{suffix}")
    assert Agreement.from_file(path) == agreement


def test_written_files_are_readable(complete, tmp_path):
    text = complete.to_file(tmp_path / "a.yaml").read_text()
    assert "horizon: 6W" in text
    assert "mon: 08:00-20:00" in text
    assert "threshold: 20s" in text


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("a.txt", "x", "unknown suffix '.txt'"),
        ("a.yaml", "parties: [unclosed", "not valid yaml"),
        ("a.toml", "parties = ", "not valid toml"),
        ("a.json", "{", "not valid json"),
        ("a.yaml", "- a list", "must hold a mapping"),
    ],
)
def test_from_file_bad_files(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=match):
        Agreement.from_file(path)


def test_from_file_is_safe(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("!!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(InputError, match="not valid yaml"):
        Agreement.from_file(path)


def test_from_file_missing(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        Agreement.from_file(tmp_path / "nowhere.yaml")


# ---------------------------------------------------------------------------
# JSON schema
# ---------------------------------------------------------------------------


def _as_json(path):
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


@pytest.mark.parametrize("name", ["agreement.yaml", "minimal.yaml"])
def test_json_schema_validates_examples(name):
    schema = Agreement.json_schema()
    assert _schema.errors(_as_json(EXAMPLES / name), schema, schema) == []


def test_json_schema_rejects_broken_file():
    schema = Agreement.json_schema()
    problems = _schema.errors(_as_json(DATA / "broken.yaml"), schema, schema)
    assert any("goal" in p for p in problems)


def test_json_schema_with_jsonschema_package():
    jsonschema = pytest.importorskip("jsonschema")
    schema = Agreement.json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(_as_json(EXAMPLES / "agreement.yaml"))) == []
    assert list(validator.iter_errors(_as_json(DATA / "broken.yaml")))


def test_json_schema_of_written_files(complete, tmp_path):
    schema = Agreement.json_schema()
    data = json.loads(complete.to_file(tmp_path / "a.json").read_text())
    assert _schema.errors(data, schema, schema) == []
    assert schema["$schema"].endswith("2020-12/schema")


# ---------------------------------------------------------------------------
# Errors a planner can read
# ---------------------------------------------------------------------------


def test_broken_file_names_clause_and_field():
    with pytest.raises(InputError) as info:
        Agreement.from_file(DATA / "broken.yaml")
    message = str(info.value)
    assert message.startswith("broken.yaml: ")
    expected = [
        "clause 5.4/6.3 Customer access and contact strategy: field 'channels[0].timezone': "
        "'Europe/Berlim' is not an IANA time zone name",
        "field 'channels[0].opening_hours': weekly['mon-fri']: ranges 08:00-12:00 and "
        "11:30-18:00 overlap",
        "field 'channels[0].goal.service_level': must be at most 1.0 (a fraction",
        "clause 6.7 Forecasting and planning: field 'frozen_period': the frozen period "
        "(56 days) is longer than the forecast horizon (42 days)",
    ]
    for text in expected:
        assert text in message
    assert "should have at least 1 item" not in message  # no echo of the channel's errors


def _set(data, path, value):
    *parents, last = path
    for part in parents:
        data = data[part]
    data[last] = value


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("forecasting", "frozen_period"),
            "8W",
            "clause 6.7 Forecasting and planning: field 'frozen_period': the frozen period",
        ),
        (
            ("forecasting", "granularity"),
            "7min",
            "clause 6.7 Forecasting and planning: field 'granularity'",
        ),
        (
            ("forecasting", "accuracy_tolerance", "month"),
            0.1,
            "field 'accuracy_tolerance': the key 'month' must be one of 'interval', 'day' or",
        ),
        (
            ("forecasting", "horizn"),
            "6W",
            "field 'horizn': is not a field of this part of the agreement "
            "(did you mean 'horizon'?)",
        ),
        (
            ("queues", 0, "channel"),
            "fax",
            "clause 5.4/6.3 Customer access and contact strategy: field 'queues[0].channel': "
            "must be one of",
        ),
        (
            ("customer_cost", "tariffs", 0, "currency"),
            "EURO",
            "clause 5.5 Cost to the customer: field 'tariffs[0].currency'",
        ),
        (
            ("customer_cost", "tariffs", 1, "price_per_minute"),
            0.14,
            "clause 5.5 Cost to the customer: field 'tariffs[1].price_per_minute': a free tariff",
        ),
        (
            ("access_strategy", "channels", 0, "early_closing"),
            {"12-24": 840},
            "field 'channels[0].early_closing[12-24]': a time of day is a text 'HH:MM'; got "
            "the number 840",
        ),
        (
            ("access_strategy", "channels", 0, "goal", "kind"),
            "later",
            "field 'channels[0].goal': needs 'kind' set to one of 'immediate', 'deferred'",
        ),
        (
            ("access_strategy", "channels", 0, "goal", "max_abandon"),
            0.05,
            None,  # valid: patience is given
        ),
        (
            ("access_strategy", "channels", 1, "goal", "max_abandon"),
            0.05,
            "field 'channels[1].goal.patience': a maximum abandonment needs",
        ),
        (
            ("access_strategy", "channels", 0, "concurrency"),
            2,
            "field 'channels[0].concurrency': a voice agent handles one contact at a time",
        ),
        (
            ("access_strategy", "channels", 0, "holidays", "country"),
            "XX",
            "field 'channels[0].holidays.country': 'XX' is not a country code",
        ),
        (
            ("access_strategy", "channels", 0, "holidays", "subdiv"),
            "ZZ",
            "field 'channels[0].holidays.subdiv': 'ZZ' is not a region of DE",
        ),
        (
            ("communication", "events", 0, "end"),
            "2024-03-01",
            "clause 6.5 Communication of information to the CCC: field 'events[0].end'",
        ),
        (
            ("effective_until",),
            "2023-01-01",
            "clause 4 Client requirements for CCC service provision: field 'effective_until'",
        ),
        (
            ("service_terms", "variance_band"),
            None,
            "clause 6.10 Service terms: field 'variance_band': surplus relief needs",
        ),
        (
            ("service_terms", "service_credits", "bands", 0, "kpi"),
            "nps",
            "clause 6.10 Service terms: field 'service_credits.bands[0].kpi': service credits for "
            "KPI 'nps'",
        ),
        (
            ("monitoring", "kpis", 0, "formula"),
            "median",
            "clause 6.8 Monitoring CCC performance: field 'kpis[0].formula': 'median' is not a "
            "formula of service_level",
        ),
        (
            ("monitoring", "kpis", 0, "target"),
            80,
            "field 'kpis[0].target': the target of service_level is a fraction",
        ),
        (
            ("roles", "escalation", 0, "contact"),
            "nobody",
            "clause 6.4 Roles and responsibilities: field 'escalation[0].contact'",
        ),
        (
            ("customer_data", "recording_consent"),
            "maybe",
            "clause 5.9 Customer data: field 'recording_consent': must be one of",
        ),
        (
            ("service_provision", "ccc_conformity", "certificate"),
            None,
            "clause 4 Client requirements for CCC service provision: field "
            "'ccc_conformity.certificate'",
        ),
        (
            ("feedback", "complaint_acknowledge_days"),
            9,
            "clause 6.9 Customer feedback: field 'complaint_acknowledge_days'",
        ),
    ],
)
def test_errors_name_clause_and_field(complete_data, path, value, expected):
    _set(complete_data, path, value)
    if expected is None:
        Agreement.model_validate(complete_data)
        return
    with pytest.raises(InputError) as info:
        Agreement.model_validate(complete_data)
    assert expected in str(info.value)


def test_objective_with_unknown_kpi(complete_data):
    complete_data["experience_strategy"]["objectives"][0]["kpis"].append("nps")
    with pytest.raises(InputError) as info:
        Agreement.model_validate(complete_data)
    assert str(info.value).startswith(
        "clause 5.3/6.2 Customer experience strategy: field 'objectives[0].kpis': objective "
    )


def test_queue_on_channel_not_offered(complete_data):
    complete_data["queues"].append({"name": "video-help", "channel": "video"})
    with pytest.raises(InputError) as info:
        Agreement.model_validate(complete_data)
    assert str(info.value) == (
        "clause 5.4/6.3 Customer access and contact strategy: field 'queues[4].channel': "
        "queue 'video-help' is on channel 'video', which the access strategy does not offer "
        "(offered: voice, chat, email); add the channel with its opening hours and service goal"
    )


def test_duplicate_channel_and_queue(complete_data):
    twice = dict(complete_data)
    twice["queues"] = [*complete_data["queues"], complete_data["queues"][0]]
    with pytest.raises(InputError, match=r"field 'queues\[4\]': queue 'billing' on voice"):
        Agreement.model_validate(twice)
    channels = complete_data["access_strategy"]["channels"]
    channels.append(dict(channels[0]))
    with pytest.raises(InputError, match=r"field 'channels\[3\].channel': channel 'voice'"):
        Agreement.model_validate(complete_data)


def test_missing_required_field(minimal_data):
    del minimal_data["parties"]
    with pytest.raises(InputError, match=r"clause 4 .*: field 'parties': is required but missing"):
        Agreement.model_validate(minimal_data)


def test_clause_models_raise_input_error_alone():
    with pytest.raises(InputError) as info:
        ForecastingAndPlanning(horizon="4W", frozen_period="5W")
    assert str(info.value).startswith("clause 6.7 Forecasting and planning: field 'frozen_period':")
    planning = ForecastingAndPlanning.model_validate({"horizon": "8W", "granularity": "30min"})
    assert (planning.horizon, planning.granularity) == (8 * 7 * 86400.0, "30min")


def test_models_are_frozen(complete):
    with pytest.raises(ValueError, match="frozen"):
        complete.forecasting.horizon = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("field", sorted(CLAUSE_FIELDS))
def test_every_clause_model_round_trips(complete, field):
    clause = getattr(complete, field)
    model = CLAUSE_FIELDS[field]
    data = clause.model_dump(mode="json", exclude_none=True)
    texts = {
        "yaml": yaml.safe_load(yaml.safe_dump(data)),
        "toml": tomllib.loads(tomli_w.dumps(data)),
        "json": json.loads(json.dumps(data)),
    }
    for loaded in texts.values():
        assert model.model_validate(loaded) == clause
    assert model.label().startswith(model.clause)


def test_optional_fields_default_to_none():
    # Files leave None out (TOML has no null): a field that may be None must default to None,
    # or a round trip would change it.
    seen: set[type] = set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            args = typing.get_args(info.annotation)
            if type(None) in args:
                assert info.default is None, f"{model.__name__}.{name}"
            for arg in (info.annotation, *args):
                for inner in (arg, *typing.get_args(arg)):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        visit(inner)

    visit(Agreement)
    assert len(seen) > 30
