"""Run every benchmark and write one JSON file of their ratios, with the machine, versions and date.

Run from the repository root::

    python benchmarks/run.py                 # every script, full size; writes benchmarks/results.json
    python benchmarks/run.py --quick         # smoke run of every script (CI); writes results-quick.json
    python benchmarks/run.py --only bkt --only store --out /tmp/some.json
    python benchmarks/run.py --only ten_million  # only on request: writes 40 GB of data to disk

Each script prints its table (shown here as it runs) and then one JSON line;
this runner keeps that line, adds how long the script took, and writes::

    {"schema": "personalise.benchmarks/1", "date": ..., "quick": ..., "machine": {...},
     "versions": {...}, "scripts": {name: {"seconds": ..., "result": {...}} or {"error": ...}},
     "headlines": [{"script", "label", "value", "target", "met"}, ...]}

``headlines`` are the ratios the project sets targets for (see
:data:`HEADLINES`); the performance page of the docs is generated from them.
A script that fails is recorded with its exit status and the run exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA = "personalise.benchmarks/1"
#: The benchmark scripts, in the order they run.
SCRIPTS = ("recommend", "bkt", "scaffolds", "simulate", "readers", "store")
#: Scripts run only when named with ``--only``: ``ten_million`` writes 40 GB to disk (4 GB with ``--quick``).
ON_REQUEST = ("ten_million",)
#: Distributions whose versions are recorded (when installed).
DISTRIBUTIONS = ("personalise", "numpy", "networkx", "attrs", "pandas", "psycopg", "dask", "distributed",
                 "pyarrow", "matplotlib")

#: The ratios with a target: (script, label, path into its JSON, "<=" or ">=", target).
#: A ``*`` in a path stands for every key (or index) at that level; its label gets the key.
HEADLINES: tuple[tuple[str, str, str, str, float], ...] = (
    ("recommend", "recommend_next 100,000 x 1,000 float32 over one pass", "floor_ratio", "<=", 2.0),
    ("recommend", "recommend_next 10,000 x 500, speed-up over the networkx loop", "loop_speedup", ">=", 600.0),
    ("recommend", "recommend_next peak extra memory over the matrix", "peak_extra_over_mastery", "<=", 0.1),
    ("bkt", "fit_bkt over pyBKT C++ (best of serial and parallel), size *", "sizes.*.fit_ratio", "<=", 0.5),
    ("bkt", "fit_bkt parameter error minus pyBKT's, size *", "sizes.*.error_diff", "<=", 0.005),
    ("bkt", "BKTModel.predict over pyBKT, size *", "sizes.*.predict_ratio", "<=", 0.25),
    ("scaffolds", "ScaffoldState.after 1,000,000 x 8 over its floor", "floor_ratio", "<=", 2.0),
    ("simulate", "simulate step over one pass, policy *", "policies.*.floor_ratio", "<=", 10.0),
    ("simulate", "simulate peak memory over the mastery matrix, policy *", "policies.*.peak_over_mastery", "<=", 3.0),
    ("store", "store ingest over a bare insert, *", "engines.*.ingest_ratio", ">=", 0.5),
    ("store", "mastery() after 1,000 new rows over a replay, every learner, *", "engines.*.new_all_ratio", "<=", 0.05),
    ("store", "mastery() after 1,000 new rows over a replay, a class, *", "engines.*.new_class_ratio", "<=", 0.05),
    ("store", "mastery() after 1,000 late rows over a replay, every learner, *", "engines.*.late_all_ratio", "<=",
     0.05),
)


def versions() -> dict[str, str]:
    """The installed version of each of :data:`DISTRIBUTIONS` (absent ones left out)."""
    found: dict[str, str] = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    found["python"] = platform.python_version()
    return found


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"system": platform.system(), "release": platform.release(), "machine": platform.machine(),
            "processor": platform.processor() or None, "cpu_count": os.cpu_count(), "memory_gib": memory,
            "load_average": None if load is None else round(load, 2)}


def last_json_line(text: str) -> dict[str, Any] | None:
    """The last line of ``text`` that is a JSON object, or None."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    return None


def run_script(name: str, quick: bool) -> dict[str, Any]:
    """Run one benchmark script, echoing its output; its JSON line, wall time, or the error."""
    command = [sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if quick else [])]
    print(f"\n===== benchmarks/{name}.py{' --quick' if quick else ''} =====", flush=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=HERE.parent)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        lines.append(line)
    status = process.wait()
    seconds = round(time.perf_counter() - start, 1)
    result = last_json_line("".join(lines))
    if status or result is None:
        return {"seconds": seconds, "error": f"exit status {status}" if status else "no JSON line in the output"}
    return {"seconds": seconds, "result": result}


def _walk(value: Any, parts: list[str], keys: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if not parts:
        yield keys, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, inner in items:
            if isinstance(inner, dict) and "n_learners" in inner and isinstance(value, list):
                key = f"{inner['n_learners']:,} learners"
            yield from _walk(inner, rest, (*keys, str(key)))
    elif isinstance(value, dict) and head in value:
        yield from _walk(value[head], rest, keys)


def headlines(scripts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every :data:`HEADLINES` ratio found in the scripts' results, with whether it met its target."""
    rows: list[dict[str, Any]] = []
    for script, label, path, sense, target in HEADLINES:
        result = scripts.get(script, {}).get("result")
        if result is None:
            continue
        for keys, value in _walk(result, path.split(".")):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            name = label.replace("*", ", ".join(keys)) if keys else label
            met = value <= target if sense == "<=" else value >= target
            rows.append({"script": script, "label": name, "value": value, "target": f"{sense} {target:g}",
                         "met": bool(met)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run every script with --quick (a smoke run)")
    parser.add_argument("--only", action="append", choices=SCRIPTS + ON_REQUEST, default=None, metavar="NAME",
                        help=f"run only this script (repeatable): {', '.join(SCRIPTS + ON_REQUEST)}")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the JSON (default: benchmarks/results.json, or results-quick.json)")
    args = parser.parse_args(argv)
    out = args.out or HERE / ("results-quick.json" if args.quick else "results.json")
    started = dt.datetime.now(dt.timezone.utc)
    scripts = {name: run_script(name, args.quick) for name in (args.only or SCRIPTS)}
    document = {
        "schema": SCHEMA,
        "date": started.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "quick": args.quick,
        "machine": machine(),
        "versions": versions(),
        "scripts": scripts,
        "headlines": headlines(scripts),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"\n===== summary ({'quick' if args.quick else 'full'} run, written to {out}) =====")
    if args.quick:
        print("  (a smoke run: small sizes, so the ratios are not comparable with the targets, set for the full run)")
    for row in document["headlines"]:
        flag = "" if row["met"] else "  MISSED"
        print(f"  {row['label']:<78s} {row['value']:>10.4g} {row['target']:>9s}{flag}")
    failed = [name for name, entry in scripts.items() if "error" in entry]
    for name in failed:
        print(f"  benchmarks/{name}.py FAILED: {scripts[name]['error']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
