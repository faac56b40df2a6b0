"""cccplan.queueing against discrete-event simulation (Ciw).

Where the reference values come from: confidence intervals from independent replications of
a Ciw simulation of the M/M/n+M queue (Poisson arrivals, exponential handling times, n agents,
FIFO, exponential patience; patience = inf is M/M/n, Erlang C). Ciw is an independent
implementation: nothing from cccplan is used to produce the simulated values.

Estimators, per replication
    Every replication starts empty and is seeded with ``ciw.seed``. The first ``WARMUP_AHTS``
    handling times are discarded; the customers counted are those who *arrive* in the
    measurement window ``[warm-up, warm-up + window)``. The simulation then runs on until
    every one of them has left, served or abandoned (resuming a Ciw run continues the same
    random streams, so this is deterministic), so nobody is censored. Then

    * p_wait                 = share of counted customers that did not start service on arrival
    * p_abandon              = share that abandoned
    * service_level          = answered with wait <= threshold / counted (offered)
    * service_level_answered = answered with wait <= threshold / answered
    * asa                    = mean wait of answered customers (immediate answers count 0)

    Erlang C (no patience): every customer is answered, so the answered and offered bases
    coincide and asa is the Erlang C mean wait over all offered.

Confidence intervals (control variates)
    Two quantities with a mean known from the model inputs alone are recorded per replication:
    the number of counted arrivals relative to its Poisson mean ``lambda * window`` and the
    mean handling time of the counted answered customers relative to ``aht`` (each handling
    time is drawn at service start, independently of the past), both minus 1. A busy
    replication (more arrivals, longer calls) has more waiting, so these explain much of the
    replication-to-replication spread. Each metric is regressed on an intercept and the two
    controls over the R replications; the intercept is the estimate and its standard error
    gives a Student t interval with R - 3 degrees of freedom (Lavenberg & Welch 1981, exact for
    jointly normal replication outputs). At no simulation cost this more than halves the
    half-widths of p_wait and of the Erlang C metrics and narrows the others by about a third.

Confidence level (multiple testing)
    Each check is two-sided at level ``1 - FAMILY_ALPHA / N_CHECKS`` (Bonferroni): with
    FAMILY_ALPHA = 1 % and N_CHECKS = 26 checks in this file, the chance that *correct*
    formulas fail any check is at most 1 % (about 4e-4 per check, t quantile ~4.0 for 27
    degrees of freedom). The seeds are fixed (``seed0`` of each ``Case``: replication r uses
    ``ciw.seed(seed0 + r)``), so the test is deterministic and has been run to pass; the level
    says how unlucky a seed would have to be to fail with correct formulas.

Tightness
    A CI too wide to fail is a defect, so the half-width itself is asserted too: probabilities
    to within 0.02 *and* 20 % of the smaller of p and 1 - p (so a rare event such as a 0.4 %
    abandonment rate gets a meaningful interval), ASA to within 20 %; both relative to the
    simulated mean. Run lengths are sized so every half-width is at most ~3/4 of its bound
    while the file runs in about a minute on one core (Ciw is pure Python, ~30-70 microseconds
    per customer; the 100-agent case is two thirds of the time).
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass

import ciw  # a test dependency (pyproject [test]): a missing Ciw is an error, not a skip
import numpy as np
import pytest
from scipy import stats

from cccplan.queueing import asa, erlang_a, erlang_c, service_level

pytestmark = pytest.mark.slow

FAMILY_ALPHA = 0.01
# 4 Erlang A cases x 5 metrics, + Erlang C: 3 cccplan values and 3 textbook values.
N_CHECKS = 4 * 5 + 3 + 3
ALPHA = FAMILY_ALPHA / N_CHECKS
REPLICATIONS = 30
WARMUP_AHTS = 20.0  # warm-up discarded, in handling times (relaxation here: a few AHT)
PROB_HW_ABS = 0.02
PROB_HW_REL = 0.20
ASA_HW_REL = 0.20
METRICS = ("p_wait", "p_abandon", "service_level", "service_level_answered", "asa")
CONTROLS = ("cv_arrivals", "cv_service")


@dataclass(frozen=True)
class Case:
    agents: int
    load: float  # Erlangs
    aht: float  # seconds
    patience: float  # mean patience, seconds (inf: no abandonment)
    threshold: float  # seconds
    window: float  # measurement window per replication, seconds
    seed0: int  # replication r uses ciw.seed(seed0 + r)

    @property
    def id(self) -> str:
        return f"n{self.agents}-A{self.load:g}-aht{self.aht:g}-pat{self.patience:g}"


# (agents, load, aht, patience, threshold): small/large load x short/long patience.
# Windows: 75k (smallest case) to 900k (largest) counted customers over the 30 replications.
ERLANG_A_CASES = [
    # small load, short patience (patience = AHT/3): abandonment ~24 %
    Case(2, 1.5, 180.0, 60.0, 20.0, window=300_000.0, seed0=11_000),
    # small load, long patience (patience = 2 AHT)
    Case(3, 2.5, 300.0, 600.0, 30.0, window=400_000.0, seed0=12_000),
    # large load, short patience (patience = AHT/2)
    Case(60, 55.0, 240.0, 120.0, 20.0, window=40_000.0, seed0=13_000),
    # large load, long patience (patience = 3 AHT), occupancy ~0.9. (110 agents / 105 Erlangs
    # needs ~3x more customers for the same half-width: too slow for CI.)
    Case(100, 90.0, 300.0, 900.0, 20.0, window=100_000.0, seed0=14_000),
]
ERLANG_C_CASE = Case(5, 4.0, 240.0, math.inf, 20.0, window=300_000.0, seed0=15_000)


def simulate_once(case: Case, seed: int) -> dict[str, float]:
    """One Ciw replication of M/M/n+M: the five estimates and the two controls."""
    reneging = None if math.isinf(case.patience) else [ciw.dists.Exponential(1.0 / case.patience)]
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(case.load / case.aht)],
        service_distributions=[ciw.dists.Exponential(1.0 / case.aht)],
        number_of_servers=[case.agents],
        reneging_time_distributions=reneging,
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    t0 = WARMUP_AHTS * case.aht
    t1 = t0 + case.window
    end = t1
    while True:  # run on until every counted customer has left (served or abandoned)
        end += 2.0 * case.aht
        sim.simulate_until_max_time(end)
        records = [
            r for r in sim.get_all_records(include_incomplete=True) if t0 <= r.arrival_date < t1
        ]
        if all(r.record_type != "incomplete" for r in records):
            break

    offered = waited = abandoned = answered = within = 0
    wait_sum = service_sum = 0.0
    for r in records:
        offered += 1
        if r.record_type == "renege":
            abandoned += 1
            waited += 1
        elif r.record_type == "service":
            answered += 1
            wait_sum += r.waiting_time
            service_sum += r.service_time
            waited += r.waiting_time > 0.0
            within += r.waiting_time <= case.threshold
        else:  # pragma: no cover - no baulking, blocking or interruptions in this model
            raise AssertionError(f"unexpected Ciw record type {r.record_type!r}")
    return {
        "p_wait": waited / offered,
        "p_abandon": abandoned / offered,
        "service_level": within / offered,
        "service_level_answered": within / answered,
        "asa": wait_sum / answered,
        # control variates, known mean 0 (see module docstring)
        "cv_arrivals": offered / (case.load / case.aht * case.window) - 1.0,
        "cv_service": service_sum / answered / case.aht - 1.0,
    }


def simulate(case: Case) -> dict[str, np.ndarray]:
    # Ciw allocates millions of small objects: the cyclic GC only costs time here (~20 %)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        runs = [simulate_once(case, case.seed0 + r) for r in range(REPLICATIONS)]
    finally:
        if gc_was_enabled:
            gc.enable()
    return {m: np.array([run[m] for run in runs]) for m in (*METRICS, *CONTROLS)}


def t_interval(sim: dict[str, np.ndarray], metric: str) -> tuple[float, float]:
    """Control-variate estimate and t half-width at level 1 - ALPHA.

    Least squares of the metric on an intercept and the centred controls over the R
    replications; the intercept is the estimate (the controls' true mean is 0) and its
    standard error gives a Student t interval with R - 1 - q degrees of freedom
    (Lavenberg & Welch 1981; exact for jointly normal replication outputs).
    """
    y = sim[metric]
    X = np.column_stack([np.ones_like(y), *(sim[c] for c in CONTROLS)])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    dof = y.size - X.shape[1]
    s2 = float(np.sum((y - X @ coef) ** 2)) / dof
    se = math.sqrt(s2 * np.linalg.inv(X.T @ X)[0, 0])
    return float(coef[0]), float(stats.t.ppf(1.0 - ALPHA / 2.0, dof) * se)


def hw_bound(metric: str, mean: float) -> float:
    if metric == "asa":
        return ASA_HW_REL * mean
    return min(PROB_HW_ABS, PROB_HW_REL * min(mean, 1.0 - mean))


def check(case: Case, sim: dict[str, np.ndarray], expected: dict[str, float]) -> None:
    """Every expected value inside its interval, every interval tight; one report for all."""
    lines, failures = [], []
    for metric, value in expected.items():
        mean, hw = t_interval(sim, metric)
        bound = hw_bound(metric, mean)
        inside = abs(value - mean) <= hw
        tight = hw <= bound
        lines.append(
            f"{metric:>24}: formula {value:.6g}  sim {mean:.6g} +- {hw:.3g} "
            f"(bound {bound:.3g}){'' if inside else '  OUTSIDE'}{'' if tight else '  TOO WIDE'}"
        )
        if not (inside and tight):
            failures.append(metric)
    report = f"{case.id} (level 1-{ALPHA:.2g}, R={REPLICATIONS}):\n" + "\n".join(lines)
    assert not failures, report


@pytest.mark.parametrize("case", ERLANG_A_CASES, ids=lambda c: c.id)
def test_erlang_a_matches_simulation(case: Case) -> None:
    sim = simulate(case)
    res = erlang_a(case.agents, case.load, case.aht, case.patience, case.threshold)
    check(case, sim, {m: float(getattr(res, m)) for m in METRICS})


def test_erlang_c_matches_simulation() -> None:
    case = ERLANG_C_CASE
    sim = simulate(case)
    assert np.all(sim["p_abandon"] == 0.0)  # no reneging configured: nobody abandons
    n, A, aht, t = case.agents, case.load, case.aht, case.threshold
    # First the harness itself, against the textbook Erlang C formula (probability of waiting
    # from the M/M/n stationary distribution), independent of cccplan: so that a failure in
    # the cccplan check below is cccplan's, not the harness's.
    top = A**n / math.factorial(n) * n / (n - A)
    c = top / (sum(A**k / math.factorial(k) for k in range(n)) + top)
    check(
        case,
        sim,
        {
            "p_wait": c,
            "service_level": 1.0 - c * math.exp(-(n - A) * t / aht),
            "asa": c * aht / (n - A),
        },
    )
    # cccplan
    check(
        case,
        sim,
        {
            "p_wait": float(erlang_c(n, A)),
            "service_level": float(service_level(n, A, aht, t)),
            "asa": float(asa(n, A, aht)),
        },
    )
