"""The shift-scheduling MILP on a grid of intervals (numpy / scipy.sparse / HiGHS).

This module knows nothing of pandas: :func:`solve_schedule` takes integer
positions on a grid of equal intervals and returns integer counts. The frame
handling (time zones, opening hours, pools, results) lives in
:mod:`cccplan.scheduling.api`.

Formulation
-----------
Candidate shifts ``j`` (a template started at grid position ``p_j`` for one
group of queues ``g_j``, lasting ``L_j`` intervals, costing ``c_j``) have
integer counts ``x_j >= 0``. A template's breaks are placed *implicitly*
(Bechtold & Jacobs 1990; the break-variable idea of Aykin 1996, aggregated):
breaks of the same group, length ``l`` and window width ``w`` form a *family*
``f``; the integer ``b_{f,t}`` counts the breaks of family ``f`` starting at
``t``. Every shift ``j`` with a break of family ``f`` has a *demand* with
window ``[E_j, L^b_j] = [p_j + earliest, p_j + latest]``. Within a family all
windows have the same width, so no window strictly contains another (no
"extraordinary overlap"), and breaks can be matched to demands exactly when

* (forward) breaks starting at or before ``t`` >= demands whose window ends
  at or before ``t``, for every ``t``;
* (backward) breaks starting at or before ``t`` <= demands whose window has
  started by ``t``, for every ``t``;
* breaks = demands in total.

Proof sketch (Hall's theorem on a convex bipartite graph): a set of demands
whose windows are contained in ``[a, c]`` is a contiguous block ``i..k`` of
the demands sorted by window; forward at ``L_k`` plus backward just before
``E_i`` minus the total gives ``b[a..c] >= x_i + ... + x_k``. Both running
sums are carried by continuous slack chains ``s_t = s_{t-1} + b_t - D^L_t >=
0`` and ``u_t = u_{t-1} + D^E_t - b_t >= 0`` with ``s_last = 0``, so the
model has O(families x intervals + shifts) rows and non-zeros, not one
variable per shift and break position. After the solve, breaks are given to
shifts by earliest-deadline-first matching (Glover 1967), which succeeds
whenever the conditions hold.

Coverage of group ``g`` in open interval ``t``::

    sum_{j covers t} x_j - sum_{f of g} sum_{t-l_f < tau <= t} b_{f,tau}
        + short_{g,t} - over_{g,t} = required_{g,t}

with ``short, over >= 0`` penalised in the objective
``sum c_j x_j + P_short sum short + P_over sum over``, so the model is always
feasible and returns the best partial plan when the allowed shifts cannot
cover the requirement.

Solving: HiGHS's branch and bound alone may spend its whole time limit at the
root of these degenerate LPs and find no plan, so :func:`solve_schedule`
first solves the LP relaxation (a lower bound), then the restricted MILP in
which every shift count lies between the floor and the ceiling of its LP
value (RENS, Berthold 2014), and runs the full branch and bound only when that
plan is not within the requested gap of the bound.

Weekly tours (optional) replace ``x`` by tour counts ``y_{(g, template,
start time), pattern}``: an agent works the same shift on the weekdays of its
pattern (e.g. five days with two consecutive days off), ``x = M y``.

References
----------
.. [1] S. E. Bechtold and L. W. Jacobs, "Implicit modeling of flexible break
   assignments in optimal shift scheduling", Management Science 36(11),
   1339-1351, 1990.
.. [2] T. Aykin, "Optimal shift scheduling with multiple break windows",
   Management Science 42(4), 591-602, 1996.
.. [3] T. Berthold, "RENS: the optimal rounding", Mathematical Programming
   Computation 6(1), 33-54, 2014.
.. [4] F. Glover, "Maximum matching in a convex bipartite graph", Naval
   Research Logistics Quarterly 14(3), 313-316, 1967.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["BreakSpec", "Candidates", "MilpSolution", "assign_breaks", "solve_schedule"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class BreakSpec:
    """One break of a template, in grid intervals: length and window from the shift start."""

    length: int
    earliest: int
    latest: int


@dataclass(frozen=True)
class Candidates:
    """Candidate shifts on the grid (one entry per group, template and start).

    Attributes
    ----------
    group, template, start, length : int arrays
        Group index, template index, start position and length in intervals.
    cost : float array
        Cost of one shift.
    day : int array
        Local-day index of the start (for per-day counts and tours).
    breaks : list of tuples of BreakSpec
        Breaks of each template (indexed by template).
    """

    group: IntArray
    template: IntArray
    start: IntArray
    length: IntArray
    cost: FloatArray
    day: IntArray
    breaks: list[tuple[BreakSpec, ...]]


@dataclass(frozen=True)
class MilpSolution:
    """Integer result of :func:`solve_schedule`.

    ``counts`` per candidate shift; ``families`` lists (group, length, width)
    per break family, ``break_positions`` and ``break_counts`` its break starts
    and counts; ``status`` is "optimal", "time_limit" or "no_solution";
    ``gap`` the relative MIP gap reported by HiGHS; ``time`` wall seconds.
    """

    counts: IntArray
    tour_counts: IntArray
    families: list[tuple[int, int, int]]
    break_positions: list[IntArray]
    break_counts: list[IntArray]
    status: str
    gap: float
    time: float
    objective: float
    message: str
    n_variables: int
    n_constraints: int
    #: Objective value as solved (penalties included) and the best lower bound on it.
    value: float = float("nan")
    bound: float = float("nan")


def _window_union(starts: IntArray, stops: IntArray, size: int) -> IntArray:
    """Sorted positions covered by at least one window [start, stop] (inclusive)."""
    diff = np.zeros(size + 2, dtype=np.int64)
    np.add.at(diff, starts, 1)
    np.add.at(diff, stops + 1, -1)
    return np.flatnonzero(np.cumsum(diff)[: size + 1] > 0).astype(np.int64)


def _solve_group(
    candidates: Candidates,
    required: FloatArray,
    covered: BoolArray,
    *,
    tours: tuple[sp.csr_array, FloatArray] | None = None,
    min_max_rows: list[tuple[IntArray, float, float]] | None = None,
    shortage_penalty: float,
    surplus_penalty: float,
    time_limit: float,
    gap: float,
) -> MilpSolution:
    """Build and solve the MILP of one group (or of all together); see the module docstring.

    Parameters
    ----------
    candidates : Candidates
    required : float array, shape (groups, intervals)
        Agents required on the floor (0 where no cover is required).
    covered : bool array, shape (groups, intervals)
        Intervals with a coverage row (open intervals).
    tours : (M, tour_cost), optional
        Sparse 0/1 matrix (candidates x tours) and the cost of each tour;
        the counts are then ``x = M y`` with integer tour counts ``y``.
    min_max_rows : list of (candidate indices, lower, upper)
        Bounds on sums of shift counts (per template, group and day).
    shortage_penalty, surplus_penalty : float
        Objective weights per agent-interval short and over.
    time_limit : float
        Seconds for HiGHS.
    gap : float
        Relative MIP gap at which HiGHS stops.

    Returns
    -------
    MilpSolution
    """
    n_groups, n_intervals = required.shape
    n_shifts = candidates.start.size

    # Coverage cells: one row per (group, open interval).
    cell_of = np.full((n_groups, n_intervals), -1, dtype=np.int64)
    cell_group, cell_time = np.nonzero(covered)
    n_cells = cell_group.size
    cell_of[cell_group, cell_time] = np.arange(n_cells)

    # Shifts -> cells they cover (vectorised with repeat / cumulative offsets).
    lengths = candidates.length
    rep = np.repeat(np.arange(n_shifts), lengths)
    offsets = np.arange(rep.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    times = candidates.start[rep] + offsets
    cells = cell_of[candidates.group[rep], times]
    keep = cells >= 0
    shift_cover = sp.csr_array(
        (np.ones(int(keep.sum())), (cells[keep], rep[keep])), shape=(n_cells, n_shifts)
    )

    # Break families: (group, break length, window width).
    demand_shift: list[IntArray] = []
    demand_first: list[IntArray] = []
    demand_last: list[IntArray] = []
    demand_family: list[IntArray] = []
    family_index: dict[tuple[int, int, int], int] = {}
    for template, specs in enumerate(candidates.breaks):
        members = np.flatnonzero(candidates.template == template)
        if not members.size:
            continue
        for spec in specs:
            width = spec.latest - spec.earliest
            groups_here = candidates.group[members]
            fams = np.empty(members.size, dtype=np.int64)
            for group in np.unique(groups_here):
                key = (int(group), spec.length, width)
                fams[groups_here == group] = family_index.setdefault(key, len(family_index))
            demand_shift.append(members)
            demand_first.append(candidates.start[members] + spec.earliest)
            demand_last.append(candidates.start[members] + spec.latest)
            demand_family.append(fams)
    families = sorted(family_index, key=family_index.__getitem__)
    d_shift = np.concatenate(demand_shift) if demand_shift else np.zeros(0, np.int64)
    d_first = np.concatenate(demand_first) if demand_first else np.zeros(0, np.int64)
    d_last = np.concatenate(demand_last) if demand_last else np.zeros(0, np.int64)
    d_family = np.concatenate(demand_family) if demand_family else np.zeros(0, np.int64)

    positions: list[IntArray] = []
    for number in range(len(families)):
        mine = d_family == number
        positions.append(_window_union(d_first[mine], d_last[mine], n_intervals))
    sizes = np.array([p.size for p in positions], dtype=np.int64)
    n_breaks = int(sizes.sum())
    base = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    # Position -> break variable index, per family (dense lookup, -1 outside the union).
    slot = np.full((max(len(families), 1), n_intervals), -1, dtype=np.int64)
    for number, pos in enumerate(positions):
        slot[number, pos] = base[number] + np.arange(pos.size)

    # Breaks -> cells they take off the floor.
    brk_family = np.repeat(np.arange(len(families)), sizes)
    brk_pos = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    fam_len = np.array([f[1] for f in families], dtype=np.int64)
    fam_group = np.array([f[0] for f in families], dtype=np.int64)
    brk_len = fam_len[brk_family] if n_breaks else np.zeros(0, np.int64)
    rep_b = np.repeat(np.arange(n_breaks), brk_len)
    off_b = np.arange(rep_b.size) - np.repeat(np.cumsum(brk_len) - brk_len, brk_len)
    cells_b = cell_of[fam_group[brk_family[rep_b]], brk_pos[rep_b] + off_b]
    keep_b = cells_b >= 0
    break_cover = sp.csr_array(
        (-np.ones(int(keep_b.sum())), (cells_b[keep_b], rep_b[keep_b])),
        shape=(n_cells, n_breaks),
    )

    # Forward chain rows (one per break variable): s_i - s_{i-1} - b_i + D^L_i(x) = 0;
    # backward: u_i - u_{i-1} + b_i - D^E_i(x) = 0. s and u are indexed like b.
    idx = np.arange(n_breaks)
    first_of_family = np.zeros(n_breaks, dtype=bool)
    first_of_family[base[:-1][sizes > 0]] = True
    prev = idx - 1
    has_prev = ~first_of_family
    chain_rows = np.concatenate([idx, idx[has_prev]])
    chain_cols = np.concatenate([idx, prev[has_prev]])
    chain_vals = np.concatenate([np.ones(n_breaks), -np.ones(int(has_prev.sum()))])
    chain = sp.csr_array((chain_vals, (chain_rows, chain_cols)), shape=(n_breaks, n_breaks))
    eye_b = sp.eye_array(n_breaks, format="csr")
    row_last = slot[d_family, d_last] if d_shift.size else np.zeros(0, np.int64)
    row_first = slot[d_family, d_first] if d_shift.size else np.zeros(0, np.int64)
    demand_late = sp.csr_array(
        (np.ones(d_shift.size), (row_last, d_shift)), shape=(n_breaks, n_shifts)
    )
    demand_early = sp.csr_array(
        (-np.ones(d_shift.size), (row_first, d_shift)), shape=(n_breaks, n_shifts)
    )

    x_block_cover = shift_cover
    x_block_fwd = demand_late
    x_block_bwd = demand_early
    x_cost = candidates.cost
    n_x = n_shifts
    count_rows = list(min_max_rows or [])
    tour_matrix = None
    if tours is not None:
        tour_matrix, tour_cost = tours
        x_block_cover = (shift_cover @ tour_matrix).tocsr()
        x_block_fwd = (demand_late @ tour_matrix).tocsr()
        x_block_bwd = (demand_early @ tour_matrix).tocsr()
        x_cost = tour_cost
        n_x = tour_matrix.shape[1]

    zeros_cb = sp.csr_array((n_cells, n_breaks))
    zeros_bc = sp.csr_array((n_breaks, n_cells))
    zeros_bb = sp.csr_array((n_breaks, n_breaks))
    eye_c = sp.eye_array(n_cells, format="csr")
    # Columns: x | b | s | u | short. The surplus is not a variable: coverage rows are
    # ">= required" and the surplus penalty goes on the columns (see below), which
    # keeps the degenerate LP smaller.
    blocks = [
        [x_block_cover, break_cover, zeros_cb, zeros_cb, eye_c],
        [x_block_fwd, -eye_b, chain, zeros_bb, zeros_bc],
        [x_block_bwd, eye_b, zeros_bb, chain, zeros_bc],
    ]
    lower = [required[cell_group, cell_time], np.zeros(n_breaks), np.zeros(n_breaks)]
    upper = [np.full(n_cells, np.inf), np.zeros(n_breaks), np.zeros(n_breaks)]
    if count_rows:
        rows = np.concatenate(
            [np.full(members.size, r) for r, (members, _, _) in enumerate(count_rows)]
        )
        cols = np.concatenate([members for members, _, _ in count_rows])
        counts = sp.csr_array((np.ones(cols.size), (rows, cols)), shape=(len(count_rows), n_shifts))
        if tour_matrix is not None:
            counts = (counts @ tour_matrix).tocsr()
        n_rows = len(count_rows)
        blocks.append(
            [
                counts,
                sp.csr_array((n_rows, n_breaks)),
                sp.csr_array((n_rows, n_breaks)),
                sp.csr_array((n_rows, n_breaks)),
                sp.csr_array((n_rows, n_cells)),
            ]
        )
        lower.append(np.array([low for _, low, _ in count_rows], dtype=np.float64))
        upper.append(np.array([high for _, _, high in count_rows], dtype=np.float64))
    matrix = sp.block_array(blocks, format="csr")
    row_lower = np.concatenate(lower)
    row_upper = np.concatenate(upper)

    n_vars = n_x + 3 * n_breaks + n_cells
    # surplus = cover(x) - cover(b) + short - required >= 0 on every cell, so its
    # penalty is a cost per covered cell on x, a credit per cell on b and an extra
    # cost on short (the constant -required is dropped from the objective).
    x_cells = np.asarray(x_block_cover.sum(axis=0)).ravel()
    b_cells = np.asarray(break_cover.sum(axis=0)).ravel()  # negative: breaks uncover
    objective = np.concatenate(
        [
            x_cost + surplus_penalty * x_cells,
            surplus_penalty * b_cells,
            np.zeros(2 * n_breaks),
            np.full(n_cells, shortage_penalty + surplus_penalty),
        ]
    )
    integrality = np.concatenate(
        [np.ones(n_x), np.ones(n_breaks), np.zeros(2 * n_breaks + n_cells)]
    )
    var_upper = np.full(n_vars, np.inf)
    # s at the last position of a family is 0: as many breaks as demands.
    last_of_family = base[1:][sizes > 0] - 1
    var_upper[n_x + n_breaks + last_of_family] = 0.0

    if matrix.shape[0]:
        constraints: Any = LinearConstraint(matrix, row_lower, row_upper)
    else:
        constraints = None
    result, solved, mip_gap, elapsed, bound = _solve(
        objective,
        integrality,
        np.zeros(n_vars),
        var_upper,
        constraints,
        n_x=n_x,
        time_limit=time_limit,
        gap=gap,
    )

    if result.x is None:
        status = "no_solution"
        tour_counts = np.zeros(n_x if tour_matrix is not None else 0, dtype=np.int64)
        counts_x = np.zeros(n_shifts, dtype=np.int64)
        break_values = np.zeros(n_breaks, dtype=np.int64)
        objective_value = float("nan")
    else:
        status = "optimal" if solved else "time_limit"
        values = np.rint(result.x).astype(np.int64)
        if tour_matrix is not None:
            tour_counts = values[:n_x]
            counts_x = np.rint(tour_matrix @ tour_counts.astype(np.float64)).astype(np.int64)
        else:
            tour_counts = np.zeros(0, dtype=np.int64)
            counts_x = values[:n_x]
        break_values = values[n_x : n_x + n_breaks]
        objective_value = float(result.fun) - surplus_penalty * float(
            np.sum(required[cell_group, cell_time])
        )
    return MilpSolution(
        counts=counts_x,
        tour_counts=tour_counts,
        families=families,
        break_positions=positions,
        break_counts=[break_values[base[i] : base[i + 1]] for i in range(len(families))],
        status=status,
        gap=mip_gap,
        time=elapsed,
        objective=objective_value,
        message=str(result.message),
        n_variables=n_vars,
        n_constraints=int(matrix.shape[0]),
        value=float("nan") if result.x is None else float(result.fun),
        bound=bound,
    )


def solve_schedule(
    candidates: Candidates,
    required: FloatArray,
    covered: BoolArray,
    *,
    tours: tuple[sp.csr_array, FloatArray] | None = None,
    min_max_rows: list[tuple[IntArray, float, float]] | None = None,
    shortage_penalty: float,
    surplus_penalty: float,
    time_limit: float,
    gap: float,
) -> MilpSolution:
    """Build and solve the MILP, one group (queue or pool) at a time.

    Groups share no constraint (each has its own shifts, breaks, counts and
    tours), so the model decomposes exactly: the optimum is the sum of the
    groups' optima, and a plan within ``gap`` of the bound in every group is
    within ``gap`` overall. Groups are solved in turn, each with a share of the
    time left in proportion to the size of its model.

    Parameters
    ----------
    candidates : Candidates
    required : float array, shape (groups, intervals)
        Agents required on the floor (0 where no cover is required).
    covered : bool array, shape (groups, intervals)
        Intervals with a coverage row (open intervals).
    tours : (M, tour_cost), optional
        Sparse 0/1 matrix (candidates x tours) and the cost of each tour;
        the counts are then ``x = M y`` with integer tour counts ``y``.
    min_max_rows : list of (candidate indices, lower, upper)
        Bounds on sums of shift counts (per template, group and day).
    shortage_penalty, surplus_penalty : float
        Objective weights per agent-interval short and over.
    time_limit : float
        Seconds for HiGHS, all groups together.
    gap : float
        Relative MIP gap at which the search stops.

    Returns
    -------
    MilpSolution
    """
    n_groups = required.shape[0]
    started = time.perf_counter()
    rows = list(min_max_rows or [])
    row_group = np.array(
        [int(candidates.group[members[0]]) if members.size else -1 for members, _, _ in rows],
        dtype=np.int64,
    )
    tour_group = np.zeros(0, dtype=np.int64)
    if tours is not None:
        by_column = tours[0].tocsc()
        first_row = by_column.indices[by_column.indptr[:-1]]
        tour_group = candidates.group[first_row] if first_row.size else tour_group
    counts = np.zeros(candidates.start.size, dtype=np.int64)
    tour_counts = np.zeros(0 if tours is None else tours[0].shape[1], dtype=np.int64)
    families: list[tuple[int, int, int]] = []
    positions: list[IntArray] = []
    break_counts: list[IntArray] = []
    statuses: list[str] = []
    values, bounds, objectives = 0.0, 0.0, 0.0
    n_variables = n_constraints = 0
    messages: list[str] = []
    # Time is shared in proportion to the size of each group's model.
    weight = np.bincount(candidates.group, weights=candidates.length, minlength=n_groups)
    weight = weight + covered.sum(axis=1)
    for group in range(n_groups):
        mine = np.flatnonzero(candidates.group == group)
        renumber = np.full(candidates.start.size, -1, dtype=np.int64)
        renumber[mine] = np.arange(mine.size)
        sub = Candidates(
            group=np.zeros(mine.size, dtype=np.int64),
            template=candidates.template[mine],
            start=candidates.start[mine],
            length=candidates.length[mine],
            cost=candidates.cost[mine],
            day=candidates.day[mine],
            breaks=candidates.breaks,
        )
        sub_rows = [
            (renumber[members], low, high)
            for (members, low, high), g in zip(rows, row_group, strict=True)
            if g == group
        ]
        sub_tours = None
        columns = np.zeros(0, dtype=np.int64)
        if tours is not None:
            columns = np.flatnonzero(tour_group == group)
            matrix = tours[0].tocsr()[mine][:, columns]
            sub_tours = (sp.csr_array(matrix), tours[1][columns])
        left = max(time_limit - (time.perf_counter() - started), 0.05)
        part = _solve_group(
            sub,
            required[group : group + 1],
            covered[group : group + 1],
            tours=sub_tours,
            min_max_rows=sub_rows,
            shortage_penalty=shortage_penalty,
            surplus_penalty=surplus_penalty,
            time_limit=left * weight[group] / max(weight[group:].sum(), 1e-9),
            gap=gap,
        )
        counts[mine] = part.counts
        if tours is not None:
            tour_counts[columns] = part.tour_counts
        families.extend((group, length, width) for _, length, width in part.families)
        positions.extend(part.break_positions)
        break_counts.extend(part.break_counts)
        statuses.append(part.status)
        values += part.value
        bounds += part.bound
        objectives += part.objective
        n_variables += part.n_variables
        n_constraints += part.n_constraints
        messages.append(part.message)
    overall_gap = max(values - bounds, 0.0) / max(abs(values), 1e-9)
    if "no_solution" in statuses:
        status = "no_solution"
    elif "time_limit" not in statuses or overall_gap <= gap:
        # The gaps add up: groups over the gap are fine when the whole plan is within it.
        status = "optimal"
    else:
        status = "time_limit"
    return MilpSolution(
        counts=counts,
        tour_counts=tour_counts,
        families=families,
        break_positions=positions,
        break_counts=break_counts,
        status=status,
        gap=overall_gap if np.isfinite(overall_gap) else float("nan"),
        time=time.perf_counter() - started,
        objective=objectives,
        message="; ".join(dict.fromkeys(messages)),
        n_variables=n_variables,
        n_constraints=n_constraints,
        value=values,
        bound=bounds,
    )


def _solve(
    objective: FloatArray,
    integrality: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    constraints: Any,
    *,
    n_x: int,
    time_limit: float,
    gap: float,
) -> tuple[Any, bool, float, float, float]:
    """LP bound, a rounding dive, then (only if needed) the full branch and bound.

    HiGHS alone may spend its whole time on the root of these models (their LP
    is degenerate) and return no plan at all. So: (1) the LP relaxation gives a
    lower bound; (2) its shift counts rounded to the nearest integer are fixed
    and the breaks solved as a small MILP, which always has a solution (slack
    absorbs any shortfall); (3) if that plan is not within ``gap`` of the bound,
    HiGHS's branch and bound runs on the full model for the time left, and the
    better plan wins.

    Returns
    -------
    (result, proven, gap, seconds, bound)
        The chosen OptimizeResult (``x`` None if nothing was found), whether it
        is proven within ``gap`` of the optimum, its relative gap to the best
        bound known, the wall-clock seconds spent and that bound.
    """
    started = time.perf_counter()

    def left() -> float:
        return max(time_limit - (time.perf_counter() - started), 0.05)

    def run(lo: FloatArray, hi: FloatArray, integer: FloatArray, relative_gap: float) -> Any:
        return milp(
            objective,
            integrality=integer,
            bounds=Bounds(lo, hi),
            constraints=constraints,
            options={
                "time_limit": left(),
                "mip_rel_gap": relative_gap,
                "disp": False,
            },
        )

    def relative(value: float, bound: float) -> float:
        return max(value - bound, 0.0) / max(abs(value), 1e-9)

    relaxed = run(lower, upper, np.zeros_like(integrality), gap)
    bound = float(relaxed.fun) if relaxed.status == 0 else -np.inf
    best = None
    if relaxed.status == 0:
        # RENS (Berthold 2014): shift counts between the floor and the ceiling of
        # their LP values; integral LP values are fixed.
        fixed_lower, fixed_upper = lower.copy(), upper.copy()
        values = relaxed.x[:n_x]
        fixed_lower[:n_x] = np.floor(values + 1e-6)
        fixed_upper[:n_x] = np.ceil(values - 1e-6)
        dive = run(fixed_lower, fixed_upper, integrality, gap)
        if dive.x is None:
            # No plan in the RENS neighbourhood in time: round every count up (the
            # shifts then cover at least what the LP's did) and place the breaks.
            fixed_lower[:n_x] = fixed_upper[:n_x]
            dive = run(fixed_lower, fixed_upper, integrality, gap)
        if dive.x is not None:
            best = dive
            if relative(float(dive.fun), bound) <= gap:
                seconds = time.perf_counter() - started
                return best, True, relative(float(dive.fun), bound), seconds, bound
    full = run(lower, upper, integrality, gap)
    full_bound = getattr(full, "mip_dual_bound", None)
    if full_bound is not None and np.isfinite(full_bound):
        bound = max(bound, float(full_bound))
    if full.x is not None and (best is None or float(full.fun) < float(best.fun)):
        best = full
    if best is None:
        return full, False, float("nan"), time.perf_counter() - started, bound
    value = float(best.fun)
    proven = (best is full and full.status == 0) or relative(value, bound) <= gap
    seconds = time.perf_counter() - started
    return best, bool(proven), relative(value, bound), seconds, bound


def assign_breaks(
    candidates: Candidates, solution: MilpSolution
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Give each scheduled shift's breaks a start, by earliest-deadline-first matching.

    Returns
    -------
    dict
        (candidate index, break number) -> list of (break start position,
        count), the counts summing to the shift's count.

    Raises
    ------
    RuntimeError
        If the break counts cannot be matched to the shifts (the solution
        violates the forward/backward conditions: a bug, never the user's input).
    """
    family_of = {key: number for number, key in enumerate(solution.families)}
    per_family: dict[int, list[tuple[int, int, int, int, int]]] = {}
    for scheduled in np.flatnonzero(solution.counts > 0).tolist():
        shift_index = int(scheduled)
        template = int(candidates.template[shift_index])
        for number, spec in enumerate(candidates.breaks[template]):
            key = (int(candidates.group[shift_index]), spec.length, spec.latest - spec.earliest)
            first = int(candidates.start[shift_index]) + spec.earliest
            last = int(candidates.start[shift_index]) + spec.latest
            per_family.setdefault(family_of[key], []).append(
                (first, last, shift_index, number, int(solution.counts[shift_index]))
            )
    assigned: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for family, demands in per_family.items():
        demands.sort()
        positions = solution.break_positions[family]
        counts = solution.break_counts[family]
        heap: list[tuple[int, int, int, int]] = []  # (deadline, order, shift, break number)
        remaining: dict[tuple[int, int], int] = {}
        pointer = 0
        for position, count_here in zip(positions.tolist(), counts.tolist(), strict=True):
            available = int(count_here)
            while pointer < len(demands) and demands[pointer][0] <= position:
                _, last, shift, number, count = demands[pointer]
                heapq.heappush(heap, (last, pointer, shift, number))
                remaining[(shift, number)] = count
                pointer += 1
            if heap and heap[0][0] < position:
                raise RuntimeError("break matching failed: a break window closed unserved")
            while available > 0 and heap:
                _, _, shift, number = heap[0]
                take = min(available, remaining[(shift, number)])
                assigned.setdefault((shift, number), []).append((position, take))
                available -= take
                remaining[(shift, number)] -= take
                if remaining[(shift, number)] == 0:
                    heapq.heappop(heap)
            if available > 0:
                raise RuntimeError("break matching failed: a break with no shift to take it")
        if heap or pointer < len(demands):
            raise RuntimeError("break matching failed: a shift without its break")
    return assigned
