"""Forecast two weeks for every queue of the example centre, and say how good it is.

The client's side of ISO 18295-2 clause 6.7: from the history, a forecast of
contacts and handle time per queue and 15-minute interval, with prediction
intervals, the client's announced events applied, and a backtest that shows
what accuracy to expect.

Run::

    python examples/forecast_queues.py
"""

from __future__ import annotations

import pandas as pd

import cccplan

CUTOFF = pd.Timestamp("2025-11-17", tz="Europe/Berlin")  # forecast from this Monday


def main() -> None:
    centre = cccplan.load_example()
    times = centre.history["interval_start"]
    history = centre.history[(times >= CUTOFF - pd.Timedelta(days=364)) & (times < CUTOFF)]

    # How accurate is each model one week ahead? Three weekly cut-offs.
    backtest = cccplan.backtest(
        history, "7D", windows=3, models=("seasonal_naive", "weekday_average", "topdown")
    )
    scores = cccplan.accuracy(backtest, by=("model",))
    print("Backtest, 3 weekly cut-offs, all queues:")
    print(scores[["model", "wape", "bias", "wape_over_floor"]].to_string(index=False))

    # The forecast: model chosen per queue by backtest, events applied.
    forecast = cccplan.forecast(
        history, "14D", events=centre.events, opening_hours=centre.hours, progress=False
    )
    print("\nModel chosen per series:")
    for series, choice in forecast.attrs["model_choice"].items():
        print(f"  {'/'.join(series):15} {choice['model']}")

    totals = forecast.groupby(["queue", "channel"])[["volume", "volume_lo_80", "volume_hi_80"]]
    print("\nContacts forecast over the two weeks (80% interval per interval, summed):")
    print(totals.sum().round(0).to_string())
    events = forecast[forecast["event"].notna()]
    for (queue, event), rows in events.groupby(["queue", "event"]):
        print(
            f"\nevent {event!r} on {queue}: {len(rows)} intervals x "
            f"{rows['event_multiplier'].iloc[0]:.2f}"
        )
    cccplan.write_frame(forecast, "forecast.csv")
    print("\nwritten: forecast.csv")


if __name__ == "__main__":
    main()
