"""Benchmark: Bayesian Knowledge Tracing fits, predictions and online updates.

Run with ``python benchmarks/bkt.py [--quick]``. Prints a table and one JSON
line. Every timing is a ratio to a baseline measured in the same run, so
results are comparable across machines:

1. Fitting and prediction on seeded synthetic BKT data (no forgetting) at
   100 learners x 10 skills, 1,000 x 20 and 10,000 x 20, each learner
   answering 10 items of every skill in a random interleaved order, and at
   1,000 x 20 with 60 items per skill, where almost every learner's answers
   on a skill are a sequence no other learner gave.
   :func:`personalise.fit_bkt` (5 restarts) and ``BKTModel.predict`` are
   timed against pyBKT's C++/OpenMP build fitting the same table with
   ``num_fits=5``, once serial and once parallel. pyBKT runs in a subprocess
   with its own interpreter (``PERSONALISE_PYBKT_PYTHON``, by default
   ``/work/pybkt-venv/bin/python`` when it exists); without it the
   comparison is skipped. Each fitted parameter is compared with the value
   that generated the data (mean absolute error over skills), for both
   libraries, and the two libraries' P(correct) are compared on the same
   parameters.
2. :func:`personalise.update_mastery` on 100,000 learners x 200 skills with a
   batch of 1,000,000 events, against one ``np.add.reduce`` pass over the
   same float64 mastery matrix (the memory-bandwidth floor).

``--quick`` runs only the smallest size and a small update batch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import personalise as pl
from _timing import best_with_result

#: (learners, skills, responses per learner and skill, timing repeats)
SIZES = ((100, 10, 10, 3), (1_000, 20, 10, 2), (10_000, 20, 10, 1), (1_000, 20, 60, 1))

#: Ranges the generating parameters are drawn from, per skill.
RANGES = {"prior": (0.1, 0.5), "learn": (0.05, 0.3), "guess": (0.1, 0.3), "slip": (0.05, 0.15)}
PARAMS = tuple(RANGES)
N_RESTARTS = 5
FIT_SEED = 0

DEFAULT_PYBKT_PYTHON = "/work/pybkt-venv/bin/python"

# Runs under pyBKT's interpreter. argv[1] is a JSON file of options; the
# results are written as JSON to the file it names.
PYBKT_RUNNER = r'''
import json, sys, time
import numpy as np
import pandas as pd
from pyBKT.fit import E_step
from pyBKT.models import Model
import pyBKT

cfg = json.load(open(sys.argv[1]))
table = pd.read_csv(cfg["csv"], dtype={"skill_name": str})

fit_times = []
for _ in range(cfg["repeat"]):
    model = Model(seed=cfg["seed"], num_fits=cfg["num_fits"], parallel=cfg["parallel"])
    data = table.copy()
    start = time.perf_counter()
    model.fit(data=data)
    fit_times.append(time.perf_counter() - start)

predict_times = []
for _ in range(cfg["repeat"]):
    data = table.copy()
    start = time.perf_counter()
    model.predict(data=data)
    predict_times.append(time.perf_counter() - start)

coef = {
    str(skill): {
        "prior": float(c["prior"]),
        "learn": float(np.ravel(c["learns"])[0]),
        "guess": float(np.ravel(c["guesses"])[0]),
        "slip": float(np.ravel(c["slips"])[0]),
        "forget": float(np.ravel(c["forgets"])[0]),
    }
    for skill, c in model.coef_.items()
}

# P(correct) on parameters handed in, in the table's row order.
if cfg.get("params"):
    for skill, p in cfg["params"].items():
        fitted = model.fit_model[skill]
        fitted["prior"] = float(p["prior"])
        fitted["learns"] = np.array([p["learn"]])
        fitted["forgets"] = np.array([p["forget"]])
        fitted["guesses"] = np.array([p["guess"]])
        fitted["slips"] = np.array([p["slip"]])
    out = model.predict(data=table.copy()).sort_index()
    np.save(cfg["predictions"], out["correct_predictions"].to_numpy(dtype=np.float64))

json.dump({
    "fit_seconds": min(fit_times),
    "predict_seconds": min(predict_times),
    "coef": coef,
    "e_step": E_step.__file__,
    "compiled": not E_step.__file__.endswith(".py"),
    "numpy": np.__version__,
}, open(cfg["out"], "w"))
'''


def simulate(n_learners: int, n_skills: int, n_per_skill: int, *,
             rng: Any = None) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """Seeded BKT responses (no forgetting) and the parameters that generated them.

    Each skill's prior, learn, guess and slip are drawn uniformly from
    :data:`RANGES`. Every learner answers ``n_per_skill`` items of every skill,
    interleaved in a random order; ``order_id`` numbers each learner's answers
    and is unique over the whole table.
    """
    rng = np.random.default_rng(rng)
    truth = {name: rng.uniform(lo, hi, n_skills) for name, (lo, hi) in RANGES.items()}
    known = rng.random((n_learners, n_skills)) < truth["prior"]
    correct = np.empty((n_learners, n_skills, n_per_skill), dtype=np.int64)
    for t in range(n_per_skill):
        u = rng.random((n_learners, n_skills))
        correct[:, :, t] = np.where(known, u >= truth["slip"], u < truth["guess"])
        known |= rng.random((n_learners, n_skills)) < truth["learn"]

    # A random interleaving per learner that keeps each skill's answers in order:
    # the k-th time skill j appears in a learner's sequence it gets answer k.
    per_learner = n_skills * n_per_skill
    slots = np.repeat(np.arange(n_skills), n_per_skill)
    skill_seq = slots[np.argsort(rng.random((n_learners, per_learner)), axis=1)]
    where = np.argsort(skill_seq, axis=1, kind="stable")
    answers = np.empty((n_learners, per_learner), dtype=np.int64)
    np.put_along_axis(answers, where, correct.reshape(n_learners, per_learner), axis=1)

    names = np.array([f"s{j:02d}" for j in range(n_skills)], dtype=object)
    table = pd.DataFrame({
        "order_id": np.arange(n_learners * per_learner, dtype=np.int64),
        "user_id": np.repeat(np.arange(n_learners, dtype=np.int64), per_learner),
        "skill_name": names[skill_seq.ravel()],
        "correct": answers.ravel(),
    })
    return table, {name: {str(s): float(v) for s, v in zip(names, values)} for name, values in truth.items()}


def mean_abs_errors(truth: dict[str, dict[str, float]], fitted: dict[str, dict[str, float]]) -> dict[str, float]:
    """Mean over skills of |fitted - truth| for each parameter."""
    return {
        name: float(np.mean([abs(fitted[name][skill] - value) for skill, value in truth[name].items()]))
        for name in PARAMS
    }


def distinct_share(table: pd.DataFrame) -> float:
    """Distinct answer sequences of a skill over all (learner, skill) sequences (1.0: no two learners alike)."""
    ordered = table.sort_values(["user_id", "order_id"])
    answers = ordered.groupby(["skill_name", "user_id"], sort=False)["correct"].agg(
        lambda c: "".join(map(str, c.to_numpy())))
    distinct = answers.groupby(level="skill_name").nunique().sum()
    return float(distinct / len(answers))


def fit_ours(table: pd.DataFrame, repeat: int) -> dict[str, Any]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_seconds, model = best_with_result(lambda: pl.fit_bkt(table, n_restarts=N_RESTARTS, rng=FIT_SEED), repeat)
        predict_seconds, (p_correct, _) = best_with_result(lambda: model.predict(table), repeat)
    params = model.params
    skills = [str(s) for s in params.skill_ids]
    fitted = {name: dict(zip(skills, np.asarray(getattr(params, name), dtype=float))) for name in PARAMS}
    forget = dict(zip(skills, np.asarray(params.forget, dtype=float)))
    as_pybkt = {s: {**{name: float(fitted[name][s]) for name in PARAMS}, "forget": float(forget[s])} for s in skills}
    return {
        "fit_seconds": fit_seconds, "predict_seconds": predict_seconds, "fitted": fitted, "as_pybkt": as_pybkt,
        "p_correct": np.asarray(p_correct, dtype=np.float64),
        "n_iter_max": int(np.max(model.n_iter)), "converged": int(np.sum(model.converged)),
        "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
    }


def pybkt_python() -> str | None:
    """The interpreter to run pyBKT with, or None when there is none that imports pyBKT."""
    path = os.environ.get("PERSONALISE_PYBKT_PYTHON") or DEFAULT_PYBKT_PYTHON
    if not Path(path).exists():
        return None
    probe = subprocess.run([path, "-c", "import pyBKT.models"], capture_output=True, check=False)
    return path if probe.returncode == 0 else None


def run_pybkt(python: str, csv: Path, workdir: Path, *, parallel: bool, repeat: int,
              params: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    """Fit and predict with pyBKT in a subprocess (one per mode: pyBKT's serial
    switch sets OpenMP to one thread for the rest of the process)."""
    mode = "parallel" if parallel else "serial"
    cfg: dict[str, Any] = {
        "csv": str(csv), "seed": FIT_SEED, "num_fits": N_RESTARTS, "parallel": parallel, "repeat": repeat,
        "out": str(workdir / f"pybkt-{mode}.json"), "params": params,
        "predictions": str(workdir / f"pybkt-{mode}.npy"),
    }
    cfg_path = workdir / f"pybkt-{mode}-options.json"
    cfg_path.write_text(json.dumps(cfg))
    runner = workdir / "pybkt_runner.py"
    runner.write_text(PYBKT_RUNNER)
    proc = subprocess.run([python, str(runner), str(cfg_path)], capture_output=True, text=True, cwd=workdir,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"pyBKT ({mode}) failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(Path(cfg["out"]).read_text())
    if params is not None:
        result["p_correct"] = np.load(cfg["predictions"])
    return result


def bench_size(n_learners: int, n_skills: int, n_per: int, repeat: int, *, seed: int,
               python: str | None) -> dict[str, Any]:
    table, truth = simulate(n_learners, n_skills, n_per, rng=seed)
    ours = fit_ours(table, repeat)
    out: dict[str, Any] = {
        "label": f"{n_learners:,} x {n_skills} x {n_per}", "rows": len(table), "ours": ours,
        "ours_errors": mean_abs_errors(truth, ours["fitted"]), "distinct_share": distinct_share(table),
    }
    if python is None:
        return out
    with tempfile.TemporaryDirectory(prefix="personalise-bkt-") as tmp:
        workdir = Path(tmp)
        csv = workdir / "responses.csv"
        table.to_csv(csv, index=False)
        serial = run_pybkt(python, csv, workdir, parallel=False, repeat=repeat)
        parallel = run_pybkt(python, csv, workdir, parallel=True, repeat=repeat, params=ours["as_pybkt"])
    fitted = {name: {s: c[name] for s, c in parallel["coef"].items()} for name in PARAMS}
    out.update(
        serial=serial, parallel=parallel, pybkt_errors=mean_abs_errors(truth, fitted),
        p_correct_max_diff=float(np.max(np.abs(parallel["p_correct"] - ours["p_correct"]))),
    )
    return out


def reference_updates(params: Any, mastery: np.ndarray, learners: np.ndarray, skills: np.ndarray,
                      correct: np.ndarray) -> np.ndarray:
    """The update rule event by event, in plain Python (the spec's formulas)."""
    out = mastery.copy()
    T, G, S, F = params.learn, params.guess, params.slip, params.forget
    for i, j, c in zip(learners.tolist(), skills.tolist(), correct.tolist()):
        L = out[i, j]
        if c:
            post = L * (1 - S[j]) / (L * (1 - S[j]) + (1 - L) * G[j])
        else:
            post = L * S[j] / (L * S[j] + (1 - L) * (1 - G[j]))
        out[i, j] = post * (1 - F[j]) + (1 - post) * T[j]
    return out


def random_params(n_skills: int, rng: np.random.Generator) -> Any:
    draws = {name: rng.uniform(lo, hi, n_skills) for name, (lo, hi) in RANGES.items()}
    return pl.BKTParams(tuple(f"s{j:03d}" for j in range(n_skills)), draws["prior"], draws["learn"],
                        draws["guess"], draws["slip"], np.zeros(n_skills))


def bench_updates(n_learners: int, n_skills: int, n_events: int, *, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    params = random_params(n_skills, rng)

    # The batch must match the event-by-event rule, repeated pairs included.
    small = rng.uniform(0.05, 0.95, (20, n_skills))
    li, si = rng.integers(0, 20, 5_000), rng.integers(0, 5, 5_000)
    ci = rng.random(5_000) < 0.6
    got = pl.update_mastery(params, small, li, si, ci)
    assert np.allclose(got, reference_updates(params, small, li, si, ci), rtol=0, atol=1e-12), \
        "update_mastery differs from the event-by-event rule"

    mastery = rng.uniform(0.05, 0.95, (n_learners, n_skills))
    learners = rng.integers(0, n_learners, n_events)
    skills = rng.integers(0, n_skills, n_events)
    correct = rng.random(n_events) < 0.6
    t_floor, _ = best_with_result(lambda: np.add.reduce(mastery), 7)
    t_update, _ = best_with_result(lambda: pl.update_mastery(params, mastery, learners, skills, correct), 3)
    return {"seconds": t_update, "floor_seconds": t_floor, "per_second": n_events / t_update,
            "floor_ratio": t_update / t_floor}


def fmt_errors(errors: dict[str, float]) -> str:
    return " ".join(f"{errors[name]:8.4f}" for name in PARAMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest size and a small update batch, for a smoke run")
    args = parser.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES
    python = pybkt_python()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0

    results = [bench_size(n, k, m, r, seed=100 + i, python=python) for i, (n, k, m, r) in enumerate(sizes)]
    n_l, n_s, n_e = (10_000, 200, 100_000) if args.quick else (100_000, 200, 1_000_000)
    upd = bench_updates(n_l, n_s, n_e, seed=7)

    if load > 0.5:
        print(f"note: the load average was {load:.1f} before the run; other work on the machine skews the "
              "timings, pyBKT's parallel (OpenMP) fit most")
    if python is None:
        print("pyBKT not available: set PERSONALISE_PYBKT_PYTHON to an interpreter that imports pyBKT "
              "(see benchmarks/README.md); reporting our numbers only")
    else:
        build = results[0]["parallel"]
        print(f"pyBKT: {'C++ build' if build['compiled'] else 'pure-Python build (slow)'} ({build['e_step']}), "
              f"numpy {build['numpy']}, via {python}")

    print(f"\n{'size (learners x skills x answers)':36s} {'case':30s} {'seconds':>9s} {'ratio':>8s}")
    for res in results:
        ours, label = res["ours"], res["label"]
        if "serial" in res:
            fit_base = min(res["serial"]["fit_seconds"], res["parallel"]["fit_seconds"])
            pred_base = min(res["serial"]["predict_seconds"], res["parallel"]["predict_seconds"])
            rows = [
                ("pyBKT fit, serial", res["serial"]["fit_seconds"], res["serial"]["fit_seconds"] / fit_base),
                ("pyBKT fit, parallel", res["parallel"]["fit_seconds"], res["parallel"]["fit_seconds"] / fit_base),
                ("fit_bkt", ours["fit_seconds"], ours["fit_seconds"] / fit_base),
                ("pyBKT predict", pred_base, 1.0),
                ("BKTModel.predict", ours["predict_seconds"], ours["predict_seconds"] / pred_base),
            ]
        else:
            rows = [("fit_bkt", ours["fit_seconds"], float("nan")),
                    ("BKTModel.predict", ours["predict_seconds"], float("nan"))]
        for name, seconds, ratio in rows:
            shown = f"{ratio:8.2f}" if not np.isnan(ratio) else f"{'-':>8s}"
            print(f"{label:36s} {name:30s} {seconds:9.3f} {shown}")

    print(f"\nmean absolute parameter error against the generating values ({' '.join(f'{p:>8s}' for p in PARAMS)})")
    for res in results:
        print(f"{res['label']:20s} {'personalise':14s} {fmt_errors(res['ours_errors'])}")
        if "pybkt_errors" in res:
            diff = {p: res["ours_errors"][p] - res["pybkt_errors"][p] for p in PARAMS}
            print(f"{'':20s} {'pyBKT':14s} {fmt_errors(res['pybkt_errors'])}")
            print(f"{'':20s} {'difference':14s} {fmt_errors(diff)}   (target <= 0.005 each)")

    print()
    for res in results:
        ours = res["ours"]
        line = (f"{res['label']}: fit_bkt max iterations {ours['n_iter_max']}, "
                f"{ours['converged']} skills converged, {100 * res['distinct_share']:.0f}% of the "
                "(learner, skill) sequences distinct")
        if "serial" in res:
            fit_base = min(res["serial"]["fit_seconds"], res["parallel"]["fit_seconds"])
            pred_base = min(res["serial"]["predict_seconds"], res["parallel"]["predict_seconds"])
            line += (f"; fit / pyBKT {ours['fit_seconds'] / fit_base:.2f}x (target <= 0.5), "
                     f"predict / pyBKT {ours['predict_seconds'] / pred_base:.2f}x (target <= 0.25); "
                     f"P(correct) on the same parameters differs from pyBKT by at most {res['p_correct_max_diff']:.1e}")
        print(line)
        for message in ours["warnings"]:
            print(f"  warning: {message}")

    print(f"\nupdate_mastery, {n_l:,} learners x {n_s} skills, {n_e:,} events: {upd['seconds']:.4f} s, "
          f"{upd['per_second'] / 1e6:.1f} M learner-skill updates/s; "
          f"{upd['floor_ratio']:.2f}x one np.add.reduce pass ({upd['floor_seconds']:.4f} s)")

    summary: dict[str, Any] = {"benchmark": "bkt", "quick": args.quick, "pybkt": python is not None,
                               "load_average": round(load, 2), "sizes": {}}
    for res in results:
        entry: dict[str, Any] = {"ours_error": {p: round(res["ours_errors"][p], 5) for p in PARAMS},
                                 "distinct_share": round(res["distinct_share"], 4)}
        if "serial" in res:
            fit_base = min(res["serial"]["fit_seconds"], res["parallel"]["fit_seconds"])
            pred_base = min(res["serial"]["predict_seconds"], res["parallel"]["predict_seconds"])
            entry.update(
                fit_ratio=round(res["ours"]["fit_seconds"] / fit_base, 3),
                predict_ratio=round(res["ours"]["predict_seconds"] / pred_base, 3),
                pybkt_error={p: round(res["pybkt_errors"][p], 5) for p in PARAMS},
                error_diff={p: round(res["ours_errors"][p] - res["pybkt_errors"][p], 5) for p in PARAMS},
                p_correct_max_diff=float(f"{res['p_correct_max_diff']:.3g}"),
            )
        summary["sizes"][res["label"].replace(",", "").replace(" ", "")] = entry
    summary["update"] = {"updates_per_second": round(upd["per_second"]), "floor_ratio": round(upd["floor_ratio"], 3)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
