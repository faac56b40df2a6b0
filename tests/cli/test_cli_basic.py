"""The command line: erlang, forecast, staff; errors as one line with exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import yaml

import cccplan
from cccplan.cli import EXIT_INPUT, EXIT_OK, main
from cccplan.queueing import erlang_a, required_agents, service_level


def problems(err):
    """The lines of standard error that are not progress lines (those end with ' ...')."""
    return [line for line in err.splitlines() if not line.endswith(" ...")]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    centre = cccplan.load_example()
    history = centre.history
    history = history[history["interval_start"] >= "2025-10-01"]
    cccplan.write_frame(history, folder / "history.csv")
    targets = {f"{q}/{c}": fields for (q, c), fields in centre.targets.items()}
    (folder / "targets.yaml").write_text(yaml.safe_dump(targets))
    return folder


def test_erlang_matches_queueing(capsys):
    code, out, _ = run(
        capsys, "erlang", "--volume", "100", "--interval", "15min", "--aht", "180",
        "--service-level", "0.8", "--threshold", "20", "--patience", "90",
    )  # fmt: skip
    assert code == EXIT_OK
    load = 100 * 180 / 900
    agents = int(required_agents(load, 180, service_level=0.8, threshold=20, patience=90))
    result = erlang_a(agents, load, 180, 90, threshold=20)
    assert f"required agents                   {agents}" in out
    assert f"{float(result.service_level):.1%}" in out
    assert f"{float(result.p_abandon):.1%}" in out


def test_erlang_kpis_for_given_agents(capsys):
    code, out, _ = run(capsys, "erlang", "--load", "20", "--aht", "3min", "--agents", "23",
                       "--threshold", "20s")  # fmt: skip
    assert code == EXIT_OK
    assert f"{float(service_level(23, 20.0, 180, 20)):.1%}" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["erlang", "--load", "5", "--aht", "0", "--agents", "3"], "--aht must be > 0"),
        (["erlang", "--load", "5", "--aht", "60"], "give a target"),
        (["erlang", "--load", "5", "--aht", "60", "--service-level", "0.8"], "--threshold"),
        (["erlang", "--load", "5", "--aht", "60", "--service-level", "1.0", "--threshold", "0"],
         "cannot be met"),
        (["forecast", "--history", "missing.csv", "--horizon", "7D", "--out", "f.csv"],
         "--history: no such file: missing.csv"),
        (["staff", "--forecast", "missing.csv", "--targets", "t.yaml", "--out", "s.csv"],
         "--forecast: no such file"),
    ],
)  # fmt: skip
def test_bad_input_one_line_exit_2(capsys, argv, needle):
    code, _, err = run(capsys, *argv)
    assert code == EXIT_INPUT
    assert needle in err
    assert len(problems(err)) == 1
    assert "Traceback" not in err


def test_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["forecast", "--horizon", "7D"])
    assert exit_info.value.code == EXIT_INPUT
    assert "--history" in capsys.readouterr().err


def test_forecast_then_staff(capsys, files):
    forecast_file = files / "forecast.parquet"
    code, out, err = run(
        capsys, "forecast", "--history", str(files / "history.csv"), "--horizon", "2D",
        "--out", str(forecast_file), "--no-progress", "--plot", str(files / "f.png"),
    )  # fmt: skip
    assert code == EXIT_OK, err
    forecast = cccplan.read_table(forecast_file)
    assert set(forecast["queue"]) == {"billing", "support", "orders"}
    assert (forecast["volume"] >= 0).all()
    assert "billing/voice:" in out
    assert (files / "f.png").stat().st_size > 0

    staffing_file = files / "staffing.csv"
    code, out, err = run(
        capsys, "staff", "--forecast", str(forecast_file), "--targets", str(files / "targets.yaml"),
        "--out", str(staffing_file), "--daily", str(files / "daily.csv"),
        "--heatmap", str(files / "hm.png"),
    )  # fmt: skip
    assert code == EXIT_OK, err
    staffing = cccplan.read_table(staffing_file)
    centre = cccplan.load_example()
    expected = cccplan.staff(forecast, centre.targets)
    pd.testing.assert_series_equal(staffing["agents"], expected["agents"])
    assert (files / "daily.csv").exists()
    assert (files / "hm.png").stat().st_size > 0


def test_staff_bad_targets_name_the_field(capsys, files, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("billing/voice:\n  service_level: 1.5\n  threshold: 20\n")
    code, _, err = run(
        capsys, "staff", "--forecast", str(files / "history.csv"), "--targets", str(bad),
        "--out", str(tmp_path / "s.csv"),
    )  # fmt: skip
    assert code == EXIT_INPUT
    assert "service_level" in err
    assert "billing/voice" in err


def test_wrong_columns_one_line(capsys, tmp_path):
    frame = pd.DataFrame({"when": ["2026-01-05 08:00"], "calls": [3]})
    frame.to_csv(tmp_path / "h.csv", index=False)
    code, _, err = run(capsys, "forecast", "--history", str(tmp_path / "h.csv"), "--horizon", "7D",
                       "--out", str(tmp_path / "f.csv"))  # fmt: skip
    assert code == EXIT_INPUT
    assert "--history" in err
    assert "interval_start" in err
    assert len(problems(err)) == 1


def test_module_entry_point_and_version():
    done = subprocess.run(
        [sys.executable, "-m", "cccplan", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"cccplan {cccplan.__version__}"


@pytest.mark.parametrize(
    "argv",
    [
        ["staff", "--forecast", "nowhere.csv", "--targets", "t.yaml", "--out", "s.csv"],
        ["schedule", "--staffing", "nowhere.csv", "--shifts", "s.yaml", "--out", "p.csv"],
        ["compare", "--forecast", "nowhere.csv", "--plan", "p.csv", "--targets", "t.yaml"],
        ["check", "--agreement", "nowhere.yaml"],
    ],
    ids=lambda argv: argv[0],
)
def test_every_command_names_a_missing_file(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == EXIT_INPUT
    assert "no such file: nowhere." in err
    assert len(problems(err)) == 1
