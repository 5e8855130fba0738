"""Benchmark: simulate() on a large cohort against a memory-bandwidth floor.

Run with ``python benchmarks/simulate.py [--quick]``. Prints a table and one
JSON line. Every timing is a ratio to a baseline measured in the same run, so
results are comparable across machines:

1. **Throughput.** :func:`personalise.simulate` with 100,000 learners x 200
   skills x 50 steps (10,000 x 50 x 10 with ``--quick``) under
   :class:`AdaptiveContent` and :class:`ResponsiveTeaching` (the targets), and
   :class:`FadingScaffolds` and :class:`WholeClassPace` for context, on a
   seeded random prerequisite DAG (each skill after the first has 1 to 3
   prerequisites among the earlier skills). It reports the total seconds,
   the seconds per step, learner-skill-steps per second and the ratio of the
   time per step to the floor: one ``np.add.reduce`` pass over a float64
   (n_learners, n_skills) mastery matrix, the faster of ``axis=0`` and
   ``axis=None``. Target: at most 10x the floor per step.
2. **Memory.** The peak extra memory of one run (``tracemalloc``, the result
   included) as a multiple of that float64 mastery matrix. Target: at most 3x.
3. **Block size.** The two target policies with ``block_size`` 1,024, 8,192
   (the default) and one block holding the whole cohort (speed only).

Before timing, it checks that runs with different block sizes give equal
results (``==``) for the same seed. Runs that raise are reported in the table
and make the script exit with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial
from typing import Any

import networkx as nx
import numpy as np

import personalise as pl
from _timing import best_of, best_with_result, peak_extra_bytes

SEED = 2024
TARGET_FLOOR_RATIO = 10.0
TARGET_MEMORY_RATIO = 3.0
TARGETED = ("adaptive-content", "responsive-teaching")


def random_dag(n_skills: int, rng: np.random.Generator) -> pl.CompiledGraph:
    """A random prerequisite DAG: skill j > 0 gets 1 to 3 prerequisites among skills 0 .. j - 1."""
    graph = nx.DiGraph()
    names = [f"s{j:04d}" for j in range(n_skills)]
    graph.add_nodes_from(names)
    for j in range(1, n_skills):
        count = min(j, int(rng.integers(1, 4)))
        for i in rng.choice(j, size=count, replace=False):
            graph.add_edge(names[int(i)], names[j])
    return pl.compile_graph(graph)


def run(graph: pl.CompiledGraph, policy: Any, n_learners: int, n_steps: int, **options: Any) -> pl.SimulationResult:
    return pl.simulate(graph, policy, n_learners=n_learners, n_steps=n_steps, rng=SEED, **options)


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 learners x 50 skills x 10 steps, for a smoke run")
    args = parser.parse_args()
    n_learners, n_skills, n_steps = (10_000, 50, 10) if args.quick else (100_000, 200, 50)
    repeat = 3 if args.quick else 2
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rng = np.random.default_rng(SEED)
    graph = random_dag(n_skills, rng)
    policies = [pl.AdaptiveContent(), pl.ResponsiveTeaching(), pl.FadingScaffolds(), pl.WholeClassPace()]
    failures: list[str] = []

    # the floor: one pass over a float64 mastery matrix of the cohort
    mastery = rng.random((n_learners, n_skills))
    t_axis0 = best_of(partial(np.add.reduce, mastery, axis=0), 7)
    t_flat = best_of(partial(np.add.reduce, mastery, axis=None), 7)
    t_floor = min(t_axis0, t_flat)
    matrix_bytes = mastery.nbytes
    mastery = np.empty((0, 0))  # free the 160 MB before the simulations

    # correctness first: block sizes never change results (a small cohort spanning several blocks)
    n_check = 3 * 1024 + 300
    for policy in policies[:2]:
        try:
            a = run(graph, policy, n_check, 5, block_size=1024)
            b = run(graph, policy, n_check, 5, block_size=2048)
            if a != b:
                failures.append(f"{policy.name}: block_size 1024 and 2048 give different results")
        except Exception as exc:  # reported, not hidden
            failures.append(f"{policy.name}, {n_check} learners, block check: {error_text(exc)}")

    # 1. and 2. throughput and peak memory per policy
    cells = n_learners * n_skills * n_steps
    rows: list[dict[str, Any]] = []
    for policy in policies:
        row: dict[str, Any] = {"policy": policy.name}
        try:
            call = partial(run, graph, policy, n_learners, n_steps)
            seconds, result = best_with_result(call, repeat)
            peak = peak_extra_bytes(call)
        except Exception as exc:
            row["error"] = error_text(exc)
            failures.append(f"{policy.name}, {n_learners:,} learners: {row['error']}")
            rows.append(row)
            continue
        per_step = seconds / n_steps
        attainment = result.attainment
        row.update(
            seconds=seconds,
            step_seconds=per_step,
            cells_per_second=cells / seconds,
            floor_ratio=per_step / t_floor,
            peak_over_mastery=peak / matrix_bytes,
            gain=float(attainment[-1].mean() - attainment[0].mean()),
        )
        rows.append(row)

    # 3. block sizes, speed only
    whole = -(-n_learners // 1024) * 1024
    block_sizes = [(1024, "1,024"), (8192, "8,192 (default)"), (whole, f"{whole:,} (one block)")]
    block_rows: list[dict[str, Any]] = []
    for policy in policies[:2]:
        for block, label in block_sizes:
            entry: dict[str, Any] = {"policy": policy.name, "block_size": block, "label": label}
            try:
                entry["seconds"], _ = best_with_result(partial(run, graph, policy, n_learners, n_steps, block_size=block), 1)
            except Exception as exc:
                entry["error"] = error_text(exc)
                failures.append(f"{policy.name}, block_size {block}: {entry['error']}")
            block_rows.append(entry)

    size = f"{n_learners:,} learners x {n_skills} skills x {n_steps} steps"
    print(f"simulate, {size}; graph: {graph.n_edges} edges, depth {int(graph.depth.max())}")
    print(f"floor: np.add.reduce over a float64 ({n_learners:,}, {n_skills}) matrix ({matrix_bytes / 1e6:.0f} MB): "
          f"axis=0 {t_axis0 * 1e3:.2f} ms, axis=None {t_flat * 1e3:.2f} ms; floor = {t_floor * 1e3:.2f} ms")
    print(f"{'policy':22s} {'total s':>8s} {'s/step':>8s} {'M cells/s':>10s} {'step/floor':>11s} "
          f"{'peak/matrix':>12s} {'gain':>6s}")
    for row in rows:
        if "error" in row:
            print(f"{row['policy']:22s} FAILED: {row['error']}")
            continue
        print(f"{row['policy']:22s} {row['seconds']:8.2f} {row['step_seconds']:8.4f} "
              f"{row['cells_per_second'] / 1e6:10.1f} {row['floor_ratio']:11.2f} "
              f"{row['peak_over_mastery']:12.3f} {row['gain']:6.2f}")
    print("(cells: learner-skill-steps; gain: mean skills mastered independently, end minus start)")
    for row in rows:
        if row["policy"] not in TARGETED or "error" in row:
            continue
        def verdict(ok: bool) -> str:
            return "checked on the full run only" if args.quick else ("met" if ok else "NOT met")

        speed_ok = row["floor_ratio"] <= TARGET_FLOOR_RATIO
        memory_ok = row["peak_over_mastery"] <= TARGET_MEMORY_RATIO
        print(f"{row['policy']}: time per step / floor {row['floor_ratio']:.2f}x "
              f"(target <= {TARGET_FLOOR_RATIO:g}x: {verdict(speed_ok)}); "
              f"peak memory {row['peak_over_mastery']:.2f}x the mastery matrix "
              f"(target <= {TARGET_MEMORY_RATIO:g}x: {verdict(memory_ok)})")
    print("block_size (single process, one run each):")
    for entry in block_rows:
        if "error" in entry:
            print(f"  {entry['policy']:22s} {entry['label']:22s} FAILED: {entry['error']}")
        else:
            print(f"  {entry['policy']:22s} {entry['label']:22s} {entry['seconds']:8.2f} s")
    if args.quick:
        print("note: with --quick the matrix is small and the fixed cost of each step dominates; "
              "the ratios are not comparable with the full run's")
    if load > 0.5:
        print(f"note: the 1-minute load average was {load:.2f}; other work on the machine skews the timings")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)

    def rounded(row: dict[str, Any]) -> dict[str, Any]:
        return {key: (round(value, 6) if isinstance(value, float) else value) for key, value in row.items()}

    print(json.dumps({
        "benchmark": "simulate", "quick": args.quick,
        "n_learners": n_learners, "n_skills": n_skills, "n_steps": n_steps,
        "floor_seconds": round(t_floor, 6),
        "policies": {row.pop("policy"): rounded(row) for row in [dict(r) for r in rows]},
        "block_sizes": [rounded(entry) for entry in block_rows],
        "failures": failures,
        "load_average": round(load, 2),
    }))
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
