"""Benchmark: next steps for ten million learners, read from disk.

Run with ``python benchmarks/ten_million.py [--quick] [--rows N] [--data DIR]``.
Prints a table and one JSON line. Every timing is a ratio to a plain read of
the same bytes measured in the same run, so results are comparable across
machines:

1. A plain read: ``np.add.reduce`` over the data block by block (the
   disk-bandwidth floor: the data does not fit in memory), of the one file
   and of the chunk files.
2. ``recommend_next(graph, memmap, k=5)`` straight on a ``.npy`` file opened
   with ``np.load(mmap_mode="r")``: the function reads learners block by
   block already, so the file is read once and never held in memory.
3. The same on a dask array of ``.npy`` chunk files (100,000 rows each, one
   ``np.load(mmap_mode="r")`` per chunk, ``dask.array.from_delayed`` and
   ``concatenate``), computed by dask's default threaded scheduler (one
   thread per core), with the plain read of that dask array (the same
   ``np.add.reduce`` per chunk, on the same threads) for comparison.

The results of 2 and 3 are checked equal before anything is printed.

The mastery matrix is 10,000,000 learners x 1,000 skills of float32, 40 GB
(``--rows`` changes the number of learners, ``--quick`` is 1,000,000). It is
generated once, 100,000 rows at a time (``cohort_mastery`` of
``recommend.py`` with a seed per chunk, on ``layered_dag(1000, rng=3)``), and
kept in ``--data DIR`` (default: ``personalise-ten-million`` in the system's
temporary folder) for later runs. Both forms hold the same bytes; when the
disk has no room for both (two copies of 40 GB), the script keeps one and
converts it into the other in place between the two parts of the run, one
chunk at a time (``os.copy_file_range``, no more than one chunk of extra
disk), so each run converts at most once.

The page cache: 40 GB do not fit in the 24 GiB of RAM of the development
machine, so at full size every case reads from disk. Before each case the
script also asks the kernel to drop its own data files from the page cache
(``posix_fadvise(DONTNEED)``), so that smaller runs (``--quick``) read from
disk too and no case is helped by the one before. Peak memory is sampled from
``/proc/self/status`` during each case: anonymous memory (what the process
allocates) apart from file-backed pages of the memory maps (page cache mapped
into the process, reclaimable, and counted in RSS).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import personalise as pl
from recommend import cohort_mastery, layered_dag

N_SKILLS = 1_000
CHUNK_ROWS = 100_000
SEED = 2026
K, THRESHOLD = 5, 0.95
DTYPE = np.dtype(np.float32)
#: Rows per block of the plain read.
READ_ROWS = 65_536
GB = 1e9


# --------------------------------------------------------------------------- the data on disk
class Data:
    """The mastery matrix on disk, as one ``.npy`` file and/or a folder of ``.npy`` chunk files."""

    def __init__(self, root: Path, rows: int, one_copy: bool = False) -> None:
        self.rows = rows
        self.one_copy = one_copy
        self.folder = root / f"{rows}x{N_SKILLS}-{DTYPE.name}-seed{SEED}"
        self.single = self.folder / "mastery.npy"
        self.chunk_folder = self.folder / "chunks"
        self.state = self.folder / "operation.json"
        self.bounds = [(start, min(rows, start + CHUNK_ROWS)) for start in range(0, rows, CHUNK_ROWS)]
        self.row_bytes = N_SKILLS * DTYPE.itemsize
        self.nbytes = rows * self.row_bytes

    def chunk(self, number: int) -> Path:
        return self.chunk_folder / f"part-{number:05d}.npy"

    def chunk_files(self) -> list[Path]:
        return [self.chunk(number) for number in range(len(self.bounds))]

    def files(self) -> list[Path]:
        return [path for path in [self.single, *self.chunk_files()] if path.exists()]

    def has_chunks(self) -> bool:
        return not self.state.exists() and all(path.exists() for path in self.chunk_files())

    def has_single(self) -> bool:
        return (not self.state.exists() and self.single.exists()
                and self.single.stat().st_size == _header_bytes(self.single) + self.nbytes)

    def fits_both(self) -> bool:
        """Room on the disk for the form that is missing, with 2 GB to spare (and both forms wanted)."""
        return not self.one_copy and shutil.disk_usage(self.folder).free > self.nbytes + 2 * GB

    # ------------------------------------------------------------------------- generating
    def generate(self, graph: pl.CompiledGraph) -> None:
        """Write the chunk files that are missing, each from its own seed (a partial run resumes)."""
        self.chunk_folder.mkdir(parents=True, exist_ok=True)
        missing = [n for n, path in enumerate(self.chunk_files()) if not path.exists()]
        if not missing:
            return
        need = len(missing) * CHUNK_ROWS * self.row_bytes
        free = shutil.disk_usage(self.folder).free
        if free < need + GB:
            sys.exit(f"{self.folder}: the data needs {need / GB:.1f} GB of disk, {free / GB:.1f} GB are free; "
                     "choose another folder with --data or fewer --rows")
        print(f"generating {self.rows:,} x {N_SKILLS:,} {DTYPE.name} ({self.nbytes / GB:.1f} GB) in "
              f"{self.chunk_folder}, {len(missing)} chunks of {CHUNK_ROWS:,} rows", flush=True)
        began = time.perf_counter()
        for done, number in enumerate(missing, 1):
            start, stop = self.bounds[number]
            block = cohort_mastery(graph, stop - start, rng=[SEED, number], dtype=DTYPE)
            _save(self.chunk(number), block)
            if done % 10 == 0 or done == len(missing):
                print(f"  {done}/{len(missing)} chunks, {time.perf_counter() - began:.0f} s", flush=True)

    # ------------------------------------------------------------------------- the two forms
    def ensure(self, form: str) -> float:
        """Make ``form`` ("single" or "chunks") present, converting if need be; the seconds it took."""
        began = time.perf_counter()
        self.resume()
        if form == "single" and not self.has_single():
            self._join(keep=self.fits_both())
        elif form == "chunks" and not self.has_chunks():
            self._split(keep=self.fits_both())
        return time.perf_counter() - began

    def resume(self) -> None:
        """Finish a conversion that an earlier run left half done."""
        if self.state.exists():
            operation = json.loads(self.state.read_text())
            print(f"resuming an interrupted {operation['op']} in {self.folder}", flush=True)
            (self._join if operation["op"] == "join" else self._split)(keep=operation["keep"])

    def _join(self, keep: bool) -> None:
        """Chunk files -> one ``.npy`` file; without ``keep`` each chunk is deleted once it is copied."""
        print(f"joining the chunk files into {self.single} ({'copy' if keep else 'in place'})", flush=True)
        if not self.state.exists():
            self.state.write_text(json.dumps({"op": "join", "keep": keep}))
            np.lib.format.open_memmap(self.single, mode="w+", dtype=DTYPE, shape=(self.rows, N_SKILLS))  # sparse
        offset = _header_bytes(self.single)
        with open(self.single, "r+b") as target:
            for number, (start, stop) in enumerate(self.bounds):
                path = self.chunk(number)
                if not path.exists():  # copied and deleted before an interruption
                    continue
                with open(path, "rb") as source:
                    _copy(source.fileno(), _header_bytes(path), target.fileno(), offset + start * self.row_bytes,
                          (stop - start) * self.row_bytes)
                os.fsync(target.fileno())
                if not keep:
                    path.unlink()
        self.state.unlink()

    def _split(self, keep: bool) -> None:
        """One ``.npy`` file -> chunk files, last chunk first; without ``keep`` the file shrinks as they are made."""
        print(f"splitting {self.single} into chunk files ({'copy' if keep else 'in place'})", flush=True)
        if not self.state.exists():
            self.state.write_text(json.dumps({"op": "split", "keep": keep}))
        self.chunk_folder.mkdir(parents=True, exist_ok=True)
        offset = _header_bytes(self.single)
        with open(self.single, "r+b") as source:
            for number in reversed(range(len(self.bounds))):
                start, stop = self.bounds[number]
                path = self.chunk(number)
                if not path.exists():
                    partial = path.with_suffix(".part")
                    with open(partial, "wb") as target:
                        np.lib.format.write_array_header_1_0(target, {
                            "descr": np.lib.format.dtype_to_descr(DTYPE), "fortran_order": False,
                            "shape": (stop - start, N_SKILLS)})
                        target.flush()
                        _copy(source.fileno(), offset + start * self.row_bytes, target.fileno(), target.tell(),
                              (stop - start) * self.row_bytes)
                        os.fsync(target.fileno())
                    partial.rename(path)
                if not keep:
                    os.ftruncate(source.fileno(), offset + start * self.row_bytes)
        if not keep:
            self.single.unlink()
        self.state.unlink()

    def drop_from_page_cache(self) -> None:
        """Ask the kernel to forget the cached pages of the data files (they are clean: written and synced)."""
        gc.collect()  # unmaps the memory maps of the previous case
        advise = getattr(os, "posix_fadvise", None)
        if advise is None:
            return
        for path in self.files():
            with open(path, "rb") as handle:
                advise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _header_bytes(path: Path) -> int:
    """Where the data of a ``.npy`` file starts (the file may be shorter than its header says)."""
    with open(path, "rb") as handle:
        version = np.lib.format.read_magic(handle)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        read(handle)
        return handle.tell()


def _save(path: Path, block: np.ndarray) -> None:
    partial = path.with_suffix(".part")
    with open(partial, "wb") as handle:
        np.save(handle, block)
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(path)


def _copy(source: int, source_offset: int, target: int, target_offset: int, count: int) -> None:
    """``count`` bytes between two files at the given offsets, in the kernel where it can."""
    while count > 0:
        try:
            done = os.copy_file_range(source, target, min(count, 1 << 30), source_offset, target_offset)
        except (AttributeError, OSError):
            data = os.pread(source, min(count, 1 << 26), source_offset)
            done = os.pwrite(target, data, target_offset)
        if done <= 0:
            raise OSError(f"copy stopped with {count} bytes left")
        source_offset, target_offset, count = source_offset + done, target_offset + done, count - done


# ------------------------------------------------------------------------------- measuring
class MemorySampler:
    """Peak anonymous and file-backed resident memory of this process, sampled every 20 ms (Linux)."""

    def __init__(self) -> None:
        self.peak = {"RssAnon": 0, "RssFile": 0, "VmRSS": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read(self) -> None:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    name, _, value = line.partition(":")
                    if name in self.peak:
                        self.peak[name] = max(self.peak[name], int(value.split()[0]) * 1024)
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._read()

    def __enter__(self) -> MemorySampler:
        self._read()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()


@contextmanager
def case(name: str, data: Data, results: dict[str, dict[str, float]]) -> Iterator[None]:
    """Time one case from a cold page cache, with its memory peaks, into ``results[name]``."""
    data.drop_from_page_cache()
    with MemorySampler() as memory:
        began = time.perf_counter()
        yield
        seconds = time.perf_counter() - began
    results[name] = {"seconds": seconds, "anon_gb": memory.peak["RssAnon"] / GB,
                     "file_gb": memory.peak["RssFile"] / GB, "rss_gb": memory.peak["VmRSS"] / GB}
    print(f"  {name}: {seconds:.1f} s", flush=True)


def plain_read(arrays: Callable[[], Iterator[np.ndarray]]) -> float:
    """One ``np.add.reduce`` over every block of the arrays: reads each byte once."""
    total = 0.0
    for array in arrays():
        for start in range(0, array.shape[0], READ_ROWS):
            total += float(np.add.reduce(array[start : start + READ_ROWS], axis=None))
        del array
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 learners instead of 10,000,000")
    parser.add_argument("--rows", type=int, default=None, help="learners (default 10,000,000)")
    parser.add_argument("--one-copy", action="store_true",
                        help="keep one copy of the data and convert it in place even when both forms fit")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "personalise-ten-million",
                        help="folder that keeps the generated data between runs")
    args = parser.parse_args()
    rows = args.rows if args.rows is not None else 1_000_000 if args.quick else 10_000_000
    if rows < 1:
        parser.error("--rows must be at least 1")

    import dask
    import dask.array as da

    graph = pl.compile_graph(layered_dag(N_SKILLS, rng=3))
    data = Data(args.data, rows, one_copy=args.one_copy)
    data.resume()
    if not data.has_single() and not data.has_chunks():
        data.generate(graph)
    print(f"{rows:,} learners x {N_SKILLS:,} skills, {DTYPE.name}: {data.nbytes / GB:.1f} GB in {data.folder}; "
          f"graph {graph.n_skills} skills, {graph.n_edges} edges; k={K}", flush=True)

    results: dict[str, dict[str, float]] = {}
    converted = 0.0
    recs: dict[str, pl.Recommendations] = {}

    def on_single() -> None:
        with case("plain read, one .npy file", data, results):
            plain_read(lambda: iter([np.load(data.single, mmap_mode="r")]))
        with case("recommend_next on the memmap", data, results):
            recs["memmap"] = pl.recommend_next(graph, np.load(data.single, mmap_mode="r"), k=K, threshold=THRESHOLD)

    def chunked() -> Any:
        """The chunk files as one dask array: a memory map of each file, opened where its chunk is computed."""
        parts = [
            da.from_delayed(dask.delayed(np.load)(str(path), mmap_mode="r"), shape=(stop - start, N_SKILLS),
                            dtype=DTYPE)
            for path, (start, stop) in zip(data.chunk_files(), data.bounds)
        ]
        return da.concatenate(parts, axis=0)

    def on_chunks() -> None:
        with case("plain read, .npy chunk files", data, results):
            plain_read(lambda: (np.load(path, mmap_mode="r") for path in data.chunk_files()))
        with case("plain read, dask array (threads)", data, results), dask.config.set(scheduler="threads"):
            chunked().map_blocks(lambda block: np.add.reduce(block, axis=None, keepdims=True),
                                 chunks=(1, 1), dtype=DTYPE).sum().compute()
        with case("recommend_next on the dask array", data, results), dask.config.set(scheduler="threads"):
            recs["dask"] = pl.recommend_next(graph, chunked(), k=K, threshold=THRESHOLD)

    order = [on_single, on_chunks] if data.has_single() else [on_chunks, on_single]
    for part in order:
        converted += data.ensure("single" if part is on_single else "chunks")
        part()

    for name in ("indices", "scores", "steps_to_goal", "goal_index"):
        assert np.array_equal(getattr(recs["memmap"], name), getattr(recs["dask"], name), equal_nan=True), name
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GB  # kB on Linux

    read_file = results["plain read, one .npy file"]["seconds"]
    read_chunks = results["plain read, .npy chunk files"]["seconds"]
    memmap = results["recommend_next on the memmap"]["seconds"]
    read_dask = results["plain read, dask array (threads)"]["seconds"]
    on_dask = results["recommend_next on the dask array"]["seconds"]
    print(f"\n{'case':36s} {'seconds':>8s} {'GB/s':>6s} {'ratio':>6s} {'anon GB':>8s} {'file GB':>8s}")
    for name, baseline in (("plain read, one .npy file", read_file), ("recommend_next on the memmap", read_file),
                           ("plain read, .npy chunk files", read_chunks),
                           ("plain read, dask array (threads)", read_chunks),
                           ("recommend_next on the dask array", read_chunks)):
        entry = results[name]
        print(f"{name:36s} {entry['seconds']:8.1f} {data.nbytes / GB / entry['seconds']:6.2f} "
              f"{entry['seconds'] / baseline:6.2f} {entry['anon_gb']:8.2f} {entry['file_gb']:8.2f}")
    print(f"dask array over the memmap: {on_dask / memmap:.2f}x; over the dask array's own plain read: "
          f"{on_dask / read_dask:.2f}x; chunk files' read over the file's: {read_chunks / read_file:.2f}x")
    print(f"peak RSS of the process: {peak_rss:.2f} GB (file-backed pages of the memory maps included); "
          f"RAM {_ram_gb():.1f} GB, data {data.nbytes / GB:.1f} GB"
          + (f"; converting between the forms took {converted:.0f} s" if converted else ""))
    print(json.dumps({
        "benchmark": "ten_million", "quick": args.quick, "rows": rows, "gb": round(data.nbytes / GB, 2),
        "memmap_ratio": round(memmap / read_file, 3),
        "dask_ratio": round(on_dask / read_chunks, 3),
        "dask_over_dask_read": round(on_dask / read_dask, 3),
        "dask_read_ratio": round(read_dask / read_chunks, 3),
        "dask_over_memmap": round(on_dask / memmap, 3),
        "chunks_read_over_file_read": round(read_chunks / read_file, 3),
        "peak_rss_gb": round(peak_rss, 2),
        "peak_anon_gb": round(max(entry["anon_gb"] for entry in results.values()), 2),
    }))


def _ram_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB
    except (ValueError, OSError, AttributeError):
        return float("nan")


if __name__ == "__main__":
    main()
