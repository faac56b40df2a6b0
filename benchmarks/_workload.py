"""Synthetic contact-centre workload for the benchmarks.

A queue's year is 365 days of 96 fifteen-minute intervals (35,040 intervals).
Expected volume per interval is the product of

* a daily shape: near zero at night, a morning ramp from about 07:00 to a
  peak around 10:30, a dip over lunch, the day's main peak mid-afternoon, an
  evening shoulder and a decline to night;
* a weekly shape: Monday the busiest day, Friday lighter, weekends much
  lower (and starting later);
* a mild annual seasonality (busier in January, quieter in August), a few
  public holidays and a day-level forecast error (log-normal, 8 %);

and the observed volume is Poisson around it, clipped to 0..800 contacts.
Average handling time (AHT) varies by time of day (shorter in the morning,
longer in the evening and at night) plus interval noise, clipped to
180..400 s. Offered load in Erlangs is ``volume * aht / 900``.

Everything is seeded: queue ``i`` of a run with base seed ``s`` is the same
whatever the number of queues generated, so a sample can be re-created.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "AHT_MAX",
    "AHT_MIN",
    "DAYS",
    "INTERVALS_PER_DAY",
    "INTERVALS_PER_YEAR",
    "INTERVAL_SECONDS",
    "VOLUME_MAX",
    "QueueYear",
    "iter_queue_chunks",
    "many_queues",
    "queue_year",
]

INTERVAL_SECONDS = 900
INTERVALS_PER_DAY = 96
DAYS = 365
INTERVALS_PER_YEAR = DAYS * INTERVALS_PER_DAY  # 35,040
VOLUME_MAX = 800
AHT_MIN = 180.0
AHT_MAX = 400.0

# 2025-01-01 was a Wednesday (Monday = 0).
_FIRST_WEEKDAY = 2
# Relative day volumes, Monday .. Sunday.
_WEEKLY = np.array([1.10, 1.00, 0.97, 0.95, 0.88, 0.42, 0.22])
# Day-of-year (0-based) of a few public holidays, volume x 0.15 on those days.
_HOLIDAYS = np.array([0, 107, 110, 120, 144, 358, 359])

_HOURS = (np.arange(INTERVALS_PER_DAY) + 0.5) / 4.0  # interval mid-points, hours


def _bump(hours: NDArray[np.float64], centre: float, width: float) -> NDArray[np.float64]:
    return np.exp(-0.5 * ((hours - centre) / width) ** 2)


def _daily_shape(weekend: bool) -> NDArray[np.float64]:
    """Relative expected volume per interval of one day, peak 1."""
    h = _HOURS
    if weekend:
        shape = 0.75 * _bump(h, 11.5, 1.8) + 0.65 * _bump(h, 15.5, 2.2)
    else:
        shape = (
            0.85 * _bump(h, 10.5, 1.3)  # morning peak after the 07:00-09:00 ramp
            + 1.00 * _bump(h, 15.0, 1.5)  # afternoon peak
            + 0.40 * _bump(h, 18.5, 1.4)  # evening shoulder
            - 0.28 * _bump(h, 12.9, 0.55)  # lunch dip
        )
    shape = np.maximum(shape, 0.0) + 0.004  # night floor: a few contacts on big queues
    return shape / shape.max()


def _aht_shape() -> NDArray[np.float64]:
    """Mean AHT (s) by time of day: short mornings, long evenings and nights."""
    h = _HOURS
    return (
        235.0
        - 25.0 * _bump(h, 10.0, 2.0)  # quick routine calls in the morning
        + 45.0 * _bump(h, 20.5, 2.5)  # longer, more complex calls in the evening
        + 70.0 * (_bump(h, 2.0, 3.0) + _bump(h, 26.0, 3.0))  # night: few, long calls
    )


_WEEKDAY_SHAPE = _daily_shape(weekend=False)
_WEEKEND_SHAPE = _daily_shape(weekend=True)
_AHT_BY_INTERVAL = _aht_shape()


@dataclass(frozen=True)
class QueueYear:
    """One queue's year of 15-minute intervals (all arrays of length 35,040)."""

    volume: NDArray[np.float64]
    """Contacts offered per interval (whole numbers, 0..800)."""
    aht: NDArray[np.float64]
    """Average handling time per interval, seconds (180..400)."""
    load: NDArray[np.float64]
    """Offered load, Erlangs: ``volume * aht / 900``."""

    def timestamps(self, start: str = "2025-01-01") -> NDArray[np.datetime64]:
        """Interval start times (numpy ``datetime64[m]``)."""
        return np.datetime64(start, "m") + 15 * np.arange(self.volume.size).astype("m8[m]")


def _rng(seed: int, queue: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(queue,)))


def _queue_params(rng: np.random.Generator, peak: float | None) -> tuple[float, float]:
    if peak is None:
        # Log-uniform peak expected volume: many small queues, a few large ones.
        peak = float(np.exp(rng.uniform(np.log(8.0), np.log(720.0))))
    aht_offset = float(rng.uniform(-30.0, 45.0))
    return peak, aht_offset


def _fill_queue(
    rng: np.random.Generator,
    peak: float,
    aht_offset: float,
    volume_out: NDArray[np.float64] | None,
    aht_out: NDArray[np.float64],
    load_out: NDArray[np.float64],
) -> None:
    """Generate one queue-year into the given length-35,040 output arrays."""
    day = np.arange(DAYS)
    weekday = (day + _FIRST_WEEKDAY) % 7
    day_factor = _WEEKLY[weekday] * (1.0 + 0.10 * np.cos(2.0 * np.pi * (day - 15) / DAYS))
    day_factor[_HOLIDAYS] *= 0.15
    day_factor *= rng.lognormal(mean=0.0, sigma=0.08, size=DAYS)  # day-level forecast error

    shape = np.where((weekday >= 5)[:, None], _WEEKEND_SHAPE, _WEEKDAY_SHAPE)  # (365, 96)
    # Interval-level over-dispersion (gamma, 5 %) on top of Poisson noise.
    expected = (peak / _WEEKLY.max()) * day_factor[:, None] * shape
    expected *= rng.gamma(shape=400.0, scale=1.0 / 400.0, size=expected.shape)
    volume = np.minimum(rng.poisson(expected.ravel()), VOLUME_MAX).astype(np.float64)

    aht = np.tile(_AHT_BY_INTERVAL + aht_offset, DAYS)
    aht += rng.normal(0.0, 1.0, size=aht.size) * np.minimum(40.0, 250.0 / np.sqrt(volume + 1.0))
    np.clip(aht, AHT_MIN, AHT_MAX, out=aht_out)
    np.multiply(volume, aht_out, out=load_out)
    load_out /= INTERVAL_SECONDS
    if volume_out is not None:
        volume_out[:] = volume


def queue_year(seed: int = 2025, queue: int = 0, peak: float | None = 650.0) -> QueueYear:
    """One queue's year: volume, AHT and load per 15-minute interval.

    Parameters
    ----------
    seed, queue
        Base seed and queue number; the same pair always gives the same year.
    peak
        Expected volume at the busiest interval of a normal Monday in January
        (before noise). ``None`` draws it like :func:`many_queues` does. The
        default (650) gives a large queue with intervals up to ~800 contacts
        and loads up to ~250 Erlangs.
    """
    rng = _rng(seed, queue)
    peak, aht_offset = _queue_params(rng, peak)
    volume = np.empty(INTERVALS_PER_YEAR)
    aht = np.empty(INTERVALS_PER_YEAR)
    load = np.empty(INTERVALS_PER_YEAR)
    _fill_queue(rng, peak, aht_offset, volume, aht, load)
    return QueueYear(volume=volume, aht=aht, load=load)


def many_queues(n_queues: int, seed: int = 2025) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``n_queues`` queue-years concatenated into flat ``(load, aht)`` arrays.

    The two outputs (``n_queues * 35,040`` float64 each, 280 MB each for 1,000
    queues) are allocated once and filled queue by queue, so the only other
    memory in use is one queue's temporaries (a few MB). Queue sizes are drawn
    log-uniformly (peak expected volume 8..720 contacts per interval).
    """
    load = np.empty(n_queues * INTERVALS_PER_YEAR)
    aht = np.empty(n_queues * INTERVALS_PER_YEAR)
    for q in range(n_queues):
        sl = slice(q * INTERVALS_PER_YEAR, (q + 1) * INTERVALS_PER_YEAR)
        rng = _rng(seed, q)
        peak, aht_offset = _queue_params(rng, None)
        _fill_queue(rng, peak, aht_offset, None, aht[sl], load[sl])
    return load, aht


def iter_queue_chunks(
    n_queues: int, queues_per_chunk: int, seed: int = 2025
) -> Iterator[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Yield ``(load, aht)`` for ``queues_per_chunk`` queues at a time.

    The same queues as :func:`many_queues` with the same seed, without ever
    holding more than one chunk.
    """
    for first in range(0, n_queues, queues_per_chunk):
        k = min(queues_per_chunk, n_queues - first)
        load = np.empty(k * INTERVALS_PER_YEAR)
        aht = np.empty(k * INTERVALS_PER_YEAR)
        for j in range(k):
            sl = slice(j * INTERVALS_PER_YEAR, (j + 1) * INTERVALS_PER_YEAR)
            rng = _rng(seed, first + j)
            peak, aht_offset = _queue_params(rng, None)
            _fill_queue(rng, peak, aht_offset, None, aht[sl], load[sl])
        yield load, aht


if __name__ == "__main__":  # a quick look at the generated year
    qy = queue_year()
    print(f"intervals {qy.volume.size}, zero-volume {int((qy.volume == 0).sum())}")
    print(
        f"volume  min {qy.volume.min():.0f} max {qy.volume.max():.0f} "
        f"mean {qy.volume.mean():.1f} total {qy.volume.sum():,.0f}"
    )
    print(f"aht     min {qy.aht.min():.0f} max {qy.aht.max():.0f} mean {qy.aht.mean():.0f}")
    print(f"load    max {qy.load.max():.1f} mean {qy.load.mean():.1f}")
    days = qy.volume.reshape(DAYS, INTERVALS_PER_DAY)
    print("mean volume by hour (weekdays of week 2):")
    week = days[5:10].mean(axis=0).reshape(24, 4).sum(axis=1)
    print(" ".join(f"{h:02d}:{v:4.0f}" for h, v in enumerate(week)))
    print("volume by weekday (Mon..Sun), first full week:", days[5:12].sum(axis=1))
