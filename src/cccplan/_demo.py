"""``cccplan demo``: the whole flow on the embedded example centre.

History -> forecast -> staffing -> a CCC plan with deliberate gaps ->
reconciliation against the example agreement (and against what actually
happened), with every file written into one folder.

The example centre (:func:`cccplan.load_example`) has two years of history
to 30 December 2025. The demo plays a planning round in November 2025: the
client forecasts the agreement's horizon (six weeks) from Monday 17 November
on the history up to the Sunday before; the CCC answers with a plan that follows the staffing
except for three deliberate differences; the reconciliation finds them, and
checks the forecast against the six weeks' actual volumes (which include the
Black Friday sale and Christmas).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from cccplan.compare import compare
from cccplan.datasets import load_example
from cccplan.exceptions import InputError
from cccplan.forecast.api import forecast
from cccplan.io import write_frame
from cccplan.report import plot_forecast, plot_heatmap
from cccplan.requirements import Agreement
from cccplan.staffing import daily, staff

__all__ = ["CUTOFF", "example_plan", "run_demo"]

#: The first interval the client forecasts (local time of the example centre).
CUTOFF = pd.Timestamp("2025-11-17 00:00", tz="Europe/Berlin")
#: History used for the forecast (the year before the cut-off keeps the demo quick).
HISTORY_DAYS = 364


def example_plan(staffing: pd.DataFrame) -> pd.DataFrame:
    """The CCC's plan in the demo: the staffing's agents with three deliberate gaps.

    1. billing/voice, every weekday 09:00-10:45: 3 agents fewer than required
       (the morning peak under-staffed);
    2. support/chat, weekends: 2 agents more than required (over-staffed);
    3. support/voice: the plan stops two days before the horizon ends (the
       last two days are missing from the plan).

    Parameters
    ----------
    staffing : pandas.DataFrame
        The output of :func:`cccplan.staff` for the example's forecast.

    Returns
    -------
    pandas.DataFrame
        ``queue, channel, interval_start, agents``: net productive agents.
    """
    plan = staffing[["queue", "channel", "interval_start", "agents"]].copy()
    local = plan["interval_start"]
    minutes = local.dt.hour * 60 + local.dt.minute
    weekday = local.dt.day_of_week
    billing_peak = (
        (plan["queue"] == "billing") & (weekday < 5) & (minutes >= 9 * 60) & (minutes < 11 * 60)
    )
    plan.loc[billing_peak, "agents"] = (plan.loc[billing_peak, "agents"] - 3).clip(lower=0)
    chat_weekend = (plan["queue"] == "support") & (plan["channel"] == "chat") & (weekday >= 5)
    plan.loc[chat_weekend, "agents"] += 2
    end = local.max().normalize() - pd.Timedelta(days=1)
    voice_tail = (plan["queue"] == "support") & (plan["channel"] == "voice") & (local >= end)
    plan = plan[~voice_tail].reset_index(drop=True)
    plan.attrs["freq"] = staffing.attrs.get("freq", "15min")
    return plan


def run_demo(out: Path, *, echo: Callable[[str], None] = print) -> dict[str, Path]:
    """Run the whole flow on the example centre and write every file into *out*.

    Parameters
    ----------
    out : pathlib.Path
        The folder to write into (created if missing; files in it with the
        same names are overwritten).
    echo : callable, default print
        Receives the progress and summary lines.

    Returns
    -------
    dict of str to pathlib.Path
        Every file written, by name.
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files: dict[str, Path] = {}

    def save(name: str, frame: pd.DataFrame) -> None:
        files[name] = write_frame(frame, out / name)

    def figure(name: str, fig: Any) -> None:
        fig.savefig(out / name, dpi=110, bbox_inches="tight")
        plt.close(fig)
        files[name] = out / name

    centre = load_example()
    agreement = Agreement.example()
    files["agreement.yaml"] = agreement.to_file(out / "agreement.yaml")
    times = centre.history["interval_start"]
    history = centre.history[(times >= CUTOFF - pd.Timedelta(days=HISTORY_DAYS)) & (times < CUTOFF)]
    history = history.reset_index(drop=True)
    history.attrs = dict(centre.history.attrs)
    horizon = pd.Timedelta(seconds=agreement.forecasting.horizon)
    end = CUTOFF + horizon
    actuals = centre.history[(times >= CUTOFF) & (times < end)].reset_index(drop=True)
    actuals.attrs = dict(centre.history.attrs)
    echo(
        f"1/5 history: {history.groupby(['queue', 'channel']).ngroups} series, "
        f"{len(history):,} intervals "
        f"from {history['interval_start'].min():%Y-%m-%d} "
        f"to {CUTOFF - pd.Timedelta(days=1):%Y-%m-%d}"
    )

    client_forecast = forecast(
        history, horizon, events=centre.events, opening_hours=centre.hours, progress=False
    )
    save("forecast.csv", client_forecast)
    figure(
        "forecast.png",
        plot_forecast(history, client_forecast, queue="billing", channel="voice", days=21),
    )
    echo(
        f"2/5 forecast: {horizon.days} days from {CUTOFF:%Y-%m-%d}, "
        f"{client_forecast['volume'].sum():,.0f} contacts ({time.perf_counter() - started:.0f} s)"
    )

    staffing = staff(client_forecast, agreement.service_targets())
    save("staffing.csv", staffing)
    save("staffing_daily.csv", daily(staffing))
    figure("required_agents.png", plot_heatmap(staffing, queue="billing", channel="voice"))
    hours = pd.Timedelta(staffing.attrs["freq"]).total_seconds() / 3600
    echo(
        f"3/5 staffing: {staffing['agents'].sum() * hours:,.0f} productive agent-hours, "
        f"{staffing['scheduled'].sum() * hours:,.0f} scheduled"
    )

    plan = example_plan(staffing)
    save("ccc_plan.csv", plan)
    echo("4/5 the CCC's plan: the staffing with three deliberate gaps (see the report)")

    # Reconciled the day after the horizon, when the actuals are in.
    result = compare(
        client_forecast,
        plan,
        agreement=agreement,
        actuals=actuals,
        events=centre.events[(centre.events["end"] > CUTOFF) & (centre.events["start"] < end)],
        today=end.date(),
    )
    save("reconciliation_intervals.csv", result.intervals)
    result.to_html(out / "report.html")
    files["report.html"] = out / "report.html"
    result.to_excel(out / "report.xlsx")
    files["report.xlsx"] = out / "report.xlsx"
    (out / "report.md").write_text(result.to_markdown(), encoding="utf-8")
    files["report.md"] = out / "report.md"
    figure("reconciliation.png", result.plot(queue="billing", channel="voice"))
    echo(f"5/5 reconciliation: {len(result.findings)} findings")
    echo("")
    echo(result.summary())
    echo("")
    echo(f"Done in {time.perf_counter() - started:.0f} s. Files in {out}:")
    for name in sorted(files):
        echo(f"  {name}")
    echo(f"Open {out / 'report.html'} in a browser to read the reconciliation.")
    return files
