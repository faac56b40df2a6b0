"""The installable package: public names, typing marker, exceptions, README."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import cccplan
import cccplan.queueing

README = Path(__file__).resolve().parents[1] / "README.md"

DESIGN_QUEUEING_NAMES = {
    "erlang_b",
    "erlang_c",
    "service_level",
    "asa",
    "occupancy",
    "erlang_a",
    "required_agents",
}


def test_public_names_are_curated_and_importable():
    assert set(cccplan.queueing.__all__) >= DESIGN_QUEUEING_NAMES
    for name in cccplan.queueing.__all__ + cccplan.__all__:
        module = cccplan.queueing if name in cccplan.queueing.__all__ else cccplan
        assert getattr(module, name) is not None


def test_py_typed_is_shipped():
    assert resources.files("cccplan").joinpath("py.typed").is_file()


def test_input_error_is_a_value_error_and_a_cccplan_error():
    assert issubclass(cccplan.InputError, ValueError)
    assert issubclass(cccplan.InputError, cccplan.CccplanError)
    assert issubclass(cccplan.DomainWarning, cccplan.CccplanWarning)


def _fenced_block_after(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert match, f"no python block after {heading!r} in README.md"
    return match.group(1)


def test_readme_states_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && python examples/staff_a_day.py" in text
    assert "pip install -e '.[test]' && pytest" in text


def test_readme_quickstart_runs_and_prints_what_it_says(capsys):
    code = _fenced_block_after("## Quickstart")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md quickstart", "exec"), namespace)
    first_line = capsys.readouterr().out.splitlines()[0]
    promised = re.search(r"print\(int\(n_c\), int\(n_a\)\)\s+# (.*)", code)
    assert promised, "the quickstart's first print states its output in a comment"
    assert first_line == promised.group(1).strip()
    assert namespace["agents"].shape == (35_040,)  # type: ignore[attr-defined]


def test_readme_interval_data_example_runs(tmp_path, monkeypatch):
    code = _fenced_block_after("## Interval data")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md interval data", "exec"), namespace)
    assert (tmp_path / "hourly.parquet").is_file()
    assert namespace["marked"]["open"].all()  # type: ignore[index]


def test_readme_forecasting_example_runs(capsys):
    code = _fenced_block_after("## Forecasting")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md forecasting", "exec"), namespace)
    out = capsys.readouterr().out
    assert "'reason':" in out
    assert "weekday_average" in out
    assert namespace["fig"].axes  # type: ignore[attr-defined]


def test_readme_staffing_example_runs(capsys):
    code = _fenced_block_after("## Staffing")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md staffing", "exec"), namespace)
    plan = namespace["plan"]
    assert plan["target_met"].all()  # type: ignore[index]
    simulated, erlang = map(float, capsys.readouterr().out.split())
    assert abs(simulated - erlang) < 0.1
    assert (namespace["voice_only"]["agents"] >= 2).all()  # type: ignore[index]
