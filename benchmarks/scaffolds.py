"""Benchmark: one cohort-wide scaffold update against a memory-traffic floor and against the object form.

Run with ``python benchmarks/scaffolds.py [--quick]``. Prints a table and one
JSON line. Every timing is a ratio to a baseline measured in the same run, so
results are comparable across machines:

1. **Cohort update.** One :meth:`ScaffoldState.after` call with the
   contingent rule (``contingent_fading(levels=5)``) on 1,000,000 learners x 8
   scaffolds (10,000 learners with ``--quick``), with seeded random boolean
   outcomes (P(success) = 0.6), against the floor: one read and one write of
   exactly the bytes the update reads and writes, the state's level codes
   and its five counters in their stored types (48 MB for 1,000,000 x 8 with
   uint8 codes and counters). The floor copies each of those arrays into a
   new array, as the update writes the new state into new arrays. Target: at
   most 2x the floor. The state has had eight random updates first, so
   levels differ between learners. For context the table also shows: the
   same bytes copied into a buffer written before (the machine's bandwidth
   alone) and into one new block of memory (fresh pages from the operating
   system, which cost about as much as the copy itself); the floor of
   earlier versions, one ``np.add.reduce`` pass over the state's support, a
   precomputed C-contiguous float64 array (64 MB), summed over all its values
   at once (``axis=None``), and the same reduction along axis 0 (numpy's
   default; with 8 columns its inner loop, not memory, limits it); the update
   inside a loop ``state = state.after(...)`` (``CHAINED`` updates, per
   update), where each update's arrays are new while the previous state is
   alive; and a state whose opportunity, success and failure counts have
   passed 255 (those three counters stored as uint16, 9 bytes per cell)
   against the floor of that layout. It gives the bytes the update moves (it reads the
   state and the outcomes and writes a new state) as a multiple of the state
   and of the support array, and the peak extra memory (``tracemalloc``).
   The cases take turns within each of 7 rounds (5 with ``--quick``) and
   each keeps its best time, so a change in the machine's load does not
   favour one of them.
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
from collections.abc import Callable

import attrs
import numpy as np

import personalise as pl
from _timing import best_of, peak_extra_bytes

N_SCAFFOLDS = 8
P_SUCCESS = 0.6
TARGET_FLOOR_RATIO = 2.0
CHAINED = 10


def interleaved_best(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best time of each case over ``repeat`` rounds, the cases taking turns within a round.

    Taking turns keeps a change in the machine's load from favouring one case.
    """
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(repeat):
        for name, fn in cases.items():
            best[name] = min(best[name], best_of(fn, 1))
    return best


def chained(state: pl.ScaffoldState, outcomes: list[np.ndarray]) -> None:
    """A loop of CHAINED updates ``state = state.after(...)``, as in a simulation or a term of lessons:
    each update writes new memory while the state before it is still alive."""
    for step in range(CHAINED):
        state = state.after(outcomes[step % len(outcomes)])


def cohort(n_learners: int, n_scaffolds: int, *, rng: np.random.Generator, warm_up: int = 8) -> pl.ScaffoldState:
    """A contingent-rule cohort after ``warm_up`` random updates (so levels differ between learners)."""
    rule = pl.contingent_fading(levels=5)
    scaffolds = [pl.Scaffold(f"skill {j}", rule) for j in range(n_scaffolds)]
    state = pl.ScaffoldState.start(n_learners, scaffolds)
    for _ in range(warm_up):
        state = state.after(rng.random((n_learners, n_scaffolds)) < P_SUCCESS)
    return state


def state_arrays(state: pl.ScaffoldState) -> list[np.ndarray]:
    """The state's per-learner arrays as stored (the level and the history counters)."""
    values = (getattr(state, field.name) for field in attrs.fields(type(state)))
    return [value for value in values if isinstance(value, np.ndarray)]


def state_bytes(state: pl.ScaffoldState) -> np.ndarray:
    """Exactly the bytes of the state's arrays, in one C-contiguous uint8 block."""
    return np.concatenate([np.ascontiguousarray(a).reshape(-1).view(np.uint8) for a in state_arrays(state)])


def past_255(state: pl.ScaffoldState) -> pl.ScaffoldState:
    """The same state with 700 more opportunities, 400 more successes and 300 more failures per cell
    (a longer history: those three counters stored as uint16)."""
    return pl.ScaffoldState(state.skills, state.kinds, state.rules, state.level, state.opportunities + 700,
                            state.successes + 400, state.failures + 300, state.streak, state.failure_run)


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

    # 1. one cohort update against one read and one write of the state's bytes
    state = cohort(n_learners, N_SCAFFOLDS, rng=rng)
    outcomes = rng.random((n_learners, N_SCAFFOLDS)) < P_SUCCESS
    checked = check_against_objects(state, outcomes, rng)
    arrays = state_arrays(state)
    block = state_bytes(state)  # exactly the bytes the update reads (and writes anew)
    written = block.copy()
    support = np.ascontiguousarray(state.support, dtype=np.float64)
    wide = past_255(state)
    wide_bytes = sum(array.nbytes for array in state_arrays(wide))
    wide_arrays = state_arrays(wide)
    more = [outcomes, *(rng.random(outcomes.shape) < P_SUCCESS for _ in range(3))]
    t = interleaved_best({
        "floor": lambda: [array.copy() for array in arrays],
        "written": lambda: np.copyto(written, block),
        "block": lambda: block.copy(),
        "reduce": lambda: np.add.reduce(support, axis=None),
        "axis0": lambda: np.add.reduce(support, axis=0),
        "update": lambda: state.after(outcomes),
        "chained": lambda: chained(state, more),
        "wide_floor": lambda: [array.copy() for array in wide_arrays],
        "wide_update": lambda: wide.after(outcomes),
    }, repeat)
    t["chained"] /= CHAINED  # per update
    t_floor, t_update = t["floor"], t["update"]
    peak = peak_extra_bytes(lambda: state.after(outcomes))
    traffic = 2 * block.nbytes + outcomes.nbytes  # read every array and write its successor
    levels = np.bincount(state.level.astype(np.int64).ravel(), minlength=6) / state.level.size
    stored = ", ".join(str(array.dtype) for array in arrays)
    wide_stored = ", ".join(str(array.dtype) for array in state_arrays(wide))

    # 2. the object form, and 3. where the cohort form starts to win
    per_object = object_loop(n_object_updates, rng)
    n_even, ladder = break_even(per_object, rng)

    cells = n_learners * N_SCAFFOLDS
    size = f"{n_learners:,} x {N_SCAFFOLDS}"
    mb = block.nbytes / 1e6
    rows = [
        (f"floor: copy each array of the state ({len(arrays)}, {mb:.0f} MB) into a new one", t_floor, 1.0),
        ("the same bytes copied into a buffer written before", t["written"], t["written"] / t_floor),
        ("the same bytes copied into one new block (fresh pages)", t["block"], t["block"] / t_floor),
        (f"earlier floor: np.add.reduce(support, axis=None), {size} f64", t["reduce"], t["reduce"] / t_floor),
        ("np.add.reduce(support, axis=0), same array", t["axis0"], t["axis0"] / t_floor),
        (f"ScaffoldState.after (contingent), {size}", t_update, t_update / t_floor),
        ("the same, per update of a loop state = state.after(...)", t["chained"], t["chained"] / t_floor),
        (f"floor of a state with counts past 255 ({wide_bytes / 1e6:.0f} MB)", t["wide_floor"], t["wide_floor"] / t_floor),
        ("ScaffoldState.after on that state", t["wide_update"], t["wide_update"] / t_floor),
    ]
    print(f"{'case':66s} {'ms':>10s} {'ratio':>8s}")
    for name, seconds, ratio in rows:
        print(f"{name:66s} {seconds * 1e3:10.3f} {ratio:8.2f}")
    print(f"time / floor: {t_update / t_floor:.2f}x (target <= {TARGET_FLOOR_RATIO:g}x); "
          f"{cells / t_update / 1e6:.1f} million learner-scaffold updates per second, "
          f"{t_update / cells * 1e9:.1f} ns each")
    print(f"against the copy into a buffer written before: {t_update / t['written']:.2f}x; against the earlier floor "
          f"(np.add.reduce over the float64 support): {t_update / t['reduce']:.2f}x; against the axis-0 reduction: "
          f"{t_update / t['axis0']:.2f}x")
    print(f"with counts past 255: {t['wide_update'] / t['wide_floor']:.2f}x its own floor (stored as {wide_stored})")
    print(f"stored as {stored}: {block.nbytes / cells:.0f} bytes per learner and scaffold")
    print(f"bytes the update moves (read the state and the outcomes, write the new state): "
          f"{traffic / 1e6:.0f} MB = {traffic / block.nbytes:.2f} x the state = "
          f"{traffic / support.nbytes:.2f} x the float64 support array")
    print(f"peak extra memory: {peak / 1e6:.1f} MB = {peak / support.nbytes:.2f} x the support array "
          f"({peak / block.nbytes:.2f} x the state)")
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
        "chained_ratio": round(t["chained"] / t_floor, 3),
        "written_copy_ratio": round(t_update / t["written"], 3),
        "reduce_ratio": round(t_update / t["reduce"], 3),
        "axis0_ratio": round(t_update / t["axis0"], 3),
        "block_copy_ratio": round(t_update / t["block"], 3),
        "wide_floor_ratio": round(t["wide_update"] / t["wide_floor"], 3),
        "state_bytes_per_cell": round(block.nbytes / cells, 3),
        "traffic_over_state": round(traffic / block.nbytes, 3),
        "traffic_over_support": round(traffic / support.nbytes, 3),
        "updates_per_second": round(cells / t_update),
        "peak_extra_over_support": round(peak / support.nbytes, 3),
        "peak_extra_over_state": round(peak / block.nbytes, 3),
        "object_us_per_update": round(per_object * 1e6, 3),
        "break_even_updates": n_even,
        "load_average": round(load, 2),
    }))


if __name__ == "__main__":
    main()
