"""Benchmark: one cohort-wide scaffold update against a memory-bandwidth floor and against the object form.

Run with ``python benchmarks/scaffolds.py [--quick]``. Prints a table and one
JSON line. Every timing is a ratio to a baseline measured in the same run, so
results are comparable across machines:

1. **Cohort update.** One :meth:`ScaffoldState.after` call with the
   contingent rule (``contingent_fading(levels=5)``) on 1,000,000 learners x 8
   scaffolds (10,000 learners with ``--quick``), with seeded random boolean
   outcomes (P(success) = 0.6), against the floor: one ``np.add.reduce`` pass
   over the state's support, a precomputed C-contiguous float64 array of the
   same shape (64 MB for 1,000,000 x 8), reduced over all its values at once
   (``axis=None``, a single streaming pass at memory bandwidth). Target: at
   most 4x the floor. Also shown: the same array reduced along axis 0, the
   default of ``np.add.reduce``; with only 8 columns that reduction is limited
   by its inner loop rather than by memory, so it is several times slower than
   the floor and flatters the ratio. The state has had eight random updates
   first, so levels differ between learners. The table also gives the bytes
   the update must move at the very least (it reads and writes every array of
   the state and reads the outcomes) as a multiple of the support array, and
   the peak extra memory (``tracemalloc``), also as a multiple of the support
   array, and the time to copy every array of the state, the least work an
   update that returns a new state can do.
2. **Object form.** :meth:`Scaffold.after` in a plain Python loop, one
   scaffold, the same rule and outcome probability: microseconds per update.
3. **Break-even.** The smallest cohort (learners x 1 scaffold) for which one
   :meth:`ScaffoldState.after` call is faster than calling
   :meth:`Scaffold.after` once per learner.

Before timing, the vectorised update is checked against :meth:`Scaffold.after`
on a sample of learner-scaffold cells.
"""

from __future__ import annotations

import argparse
import json
import os

import attrs
import numpy as np

import personalise as pl
from _timing import best_of, peak_extra_bytes

N_SCAFFOLDS = 8
P_SUCCESS = 0.6
TARGET_FLOOR_RATIO = 4.0






def cohort(n_learners: int, n_scaffolds: int, *, rng: np.random.Generator, warm_up: int = 8) -> pl.ScaffoldState:
    """A contingent-rule cohort after ``warm_up`` random updates (so levels differ between learners)."""
    rule = pl.contingent_fading(levels=5)
    scaffolds = [pl.Scaffold(f"skill {j}", rule) for j in range(n_scaffolds)]
    state = pl.ScaffoldState.start(n_learners, scaffolds)
    for _ in range(warm_up):
        state = state.after(rng.random((n_learners, n_scaffolds)) < P_SUCCESS)
    return state


def state_arrays(state: pl.ScaffoldState) -> list[np.ndarray]:
    """The state's per-learner arrays (the level and the history counters)."""
    values = (getattr(state, field.name) for field in attrs.fields(type(state)))
    return [value for value in values if isinstance(value, np.ndarray)]


def check_against_objects(state: pl.ScaffoldState, outcomes: np.ndarray, rng: np.random.Generator) -> int:
    """Compare the vectorised update with Scaffold.after on a sample of cells; return the number checked."""
    new = state.after(outcomes)
    rows = rng.integers(0, state.n_learners, 200)
    cells = [(int(i), j) for i in rows for j in range(state.n_scaffolds)]
    for i, j in cells:
        expected = state.scaffold(i, j).after(bool(outcomes[i, j]))
        got = new.scaffold(i, j)
        assert got == expected, f"cell ({i}, {j}): vectorised {got!r} != object {expected!r}"
    return len(cells)


def object_loop(n_updates: int, rng: np.random.Generator) -> float:
    """Seconds per Scaffold.after call, over a loop of n_updates updates (best of 3)."""
    outcomes = (rng.random(n_updates) < P_SUCCESS).tolist()
    start_scaffold = pl.Scaffold("skill 0", pl.contingent_fading(levels=5))

    def run() -> None:
        scaffold = start_scaffold
        for success in outcomes:
            scaffold = scaffold.after(success)

    return best_of(run, 3) / n_updates


def vector_seconds(n_learners: int, rng: np.random.Generator) -> float:
    """Seconds for one ScaffoldState.after call on n_learners x 1 scaffold (best of several)."""
    state = cohort(n_learners, 1, rng=rng, warm_up=1)
    outcomes = rng.random((n_learners, 1)) < P_SUCCESS
    number = max(1, 2_000 // n_learners)
    return best_of(lambda: state.after(outcomes), 5, number)


def break_even(
    per_object: float, rng: np.random.Generator, limit: int = 1 << 16
) -> tuple[int, list[tuple[int, float]]]:
    """Smallest n (learners x 1 scaffold) with one vectorised call faster than n object updates.

    Doubles n until the vectorised call wins, then bisects between the last
    two sizes. Returns n (or ``limit`` if it never wins) and the doubling ladder.
    """
    ladder: list[tuple[int, float]] = []
    n = 1
    while n <= limit:
        seconds = vector_seconds(n, rng)
        ladder.append((n, seconds))
        if seconds < n * per_object:
            break
        n *= 2
    else:
        return limit, ladder
    low, high = max(1, n // 2), n  # object form wins at low (or low == 1), vectorised wins at high
    while high - low > max(1, low // 16):  # to within about 6 %
        mid = (low + high) // 2
        if vector_seconds(mid, rng) < mid * per_object:
            high = mid
        else:
            low = mid
    return high, ladder


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 learners instead of 1,000,000, for a smoke run")
    args = parser.parse_args()
    n_learners = 10_000 if args.quick else 1_000_000
    n_object_updates = 20_000 if args.quick else 200_000
    repeat = 5 if args.quick else 7
    rng = np.random.default_rng(2024)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    # 1. one cohort update against one pass over the support array
    state = cohort(n_learners, N_SCAFFOLDS, rng=rng)
    outcomes = rng.random((n_learners, N_SCAFFOLDS)) < P_SUCCESS
    checked = check_against_objects(state, outcomes, rng)
    support = np.ascontiguousarray(state.support, dtype=np.float64)
    t_floor = best_of(lambda: np.add.reduce(support, axis=None), repeat)
    t_axis0 = best_of(lambda: np.add.reduce(support, axis=0), repeat)
    arrays = state_arrays(state)
    t_copy = best_of(lambda: [array.copy() for array in arrays], repeat)
    t_update = best_of(lambda: state.after(outcomes), repeat)
    peak = peak_extra_bytes(lambda: state.after(outcomes))
    traffic = 2 * sum(array.nbytes for array in arrays) + outcomes.nbytes  # read every array and write its successor
    levels = np.bincount(state.level.astype(np.int64).ravel(), minlength=6) / state.level.size

    # 2. the object form, and 3. where the cohort form starts to win
    per_object = object_loop(n_object_updates, rng)
    n_even, ladder = break_even(per_object, rng)

    cells = n_learners * N_SCAFFOLDS
    size = f"{n_learners:,} x {N_SCAFFOLDS}"
    rows = [
        (f"floor: np.add.reduce(support, axis=None), {size} f64", t_floor, 1.0),
        ("np.add.reduce(support, axis=0), same array", t_axis0, t_axis0 / t_floor),
        (f"copy every array of the state ({len(arrays)})", t_copy, t_copy / t_floor),
        (f"ScaffoldState.after (contingent), {size}", t_update, t_update / t_floor),
    ]
    print(f"{'case':62s} {'ms':>10s} {'ratio':>8s}")
    for name, seconds, ratio in rows:
        print(f"{name:62s} {seconds * 1e3:10.3f} {ratio:8.2f}")
    print(f"time / floor: {t_update / t_floor:.2f}x (target <= {TARGET_FLOOR_RATIO:g}x); "
          f"{cells / t_update / 1e6:.1f} million learner-scaffold updates per second, "
          f"{t_update / cells * 1e9:.1f} ns each")
    print(f"against the axis-0 reduction: {t_update / t_axis0:.2f}x; against copying the state: "
          f"{t_update / t_copy:.2f}x (the least work an update that returns a new state can do)")
    print(f"bytes the update must move (read the state and the outcomes, write the new state): "
          f"{traffic / 1e6:.0f} MB = {traffic / support.nbytes:.1f} x the support array the floor reads")
    print(f"peak extra memory: {peak / 1e6:.1f} MB = {peak / support.nbytes:.2f} x the support array")
    print(f"Scaffold.after in a loop: {per_object * 1e6:.2f} us per update "
          f"({per_object / (t_update / cells):.0f}x the per-cell cost of the cohort update)")
    print("one ScaffoldState.after on n learners x 1 scaffold, against n Scaffold.after calls:")
    for n, seconds in ladder:
        print(f"  n = {n:6d}: cohort {seconds * 1e6:9.1f} us, objects {n * per_object * 1e6:9.1f} us")
    print(f"break-even: the cohort form wins from about {n_even} learner-scaffold updates per call")
    print(f"checked {checked} cells against Scaffold.after; level distribution before the update: "
          + ", ".join(f"{lv}: {share:.2f}" for lv, share in enumerate(levels)))
    if load > 0.5:
        print(f"note: the 1-minute load average was {load:.2f}; other work on the machine skews the timings")
    print(json.dumps({
        "benchmark": "scaffolds", "quick": args.quick,
        "n_learners": n_learners, "n_scaffolds": N_SCAFFOLDS,
        "update_seconds": round(t_update, 6),
        "floor_seconds": round(t_floor, 6),
        "floor_ratio": round(t_update / t_floor, 3),
        "axis0_ratio": round(t_update / t_axis0, 3),
        "copy_ratio": round(t_update / t_copy, 3),
        "traffic_over_support": round(traffic / support.nbytes, 2),
        "updates_per_second": round(cells / t_update),
        "peak_extra_over_support": round(peak / support.nbytes, 3),
        "object_us_per_update": round(per_object * 1e6, 3),
        "break_even_updates": n_even,
        "load_average": round(load, 2),
    }))


if __name__ == "__main__":
    main()
