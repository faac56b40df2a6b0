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
    assert "pip install . && cccplan demo" in text
    assert "pip install -e '.[test]' && pytest" in text


def test_readme_quickstart_runs(capsys, tmp_path, monkeypatch):
    code = _fenced_block_after("## Quickstart")
    assert len(code.strip().splitlines()) <= 25
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md quickstart", "exec"), namespace)
    out = capsys.readouterr().out
    assert out.startswith("Reconciliation of the CCC's plan")
    assert "does NOT deliver" in out  # the 2 agents short at 09:00 are found
    assert (tmp_path / "report.html").stat().st_size > 0
    result = namespace["result"]
    short = result.intervals[
        (result.intervals["queue"] == "billing") & (result.intervals["gap"] < 0)
    ]  # type: ignore[attr-defined]
    assert (short["interval_start"].dt.hour == 9).all()
