"""Wall time of one sweep on one process, on the local process pool and on a two-worker Dask
LocalCluster (issue 8's closing note).

    python -m benchmarks.sweep_walltime                      # the 40-cell E1 sweep of sweep_walltime.toml
    python -m benchmarks.sweep_walltime --spec docs/sweeps/e1-small.toml --workers 2

Each run starts from an empty output folder (nothing is skipped) and is timed from the call of
:func:`qnnsym.sweep.run_sweep` to its return, so worker start-up (interpreters, imports, the numba
cache) counts: that is what a user waits for.  The numba cache is warmed first in this process.
The three tables are checked to be identical (apart from runtime and worker columns), then the
wall times and the speed-ups over one process are printed, and with ``--json`` written.
Importing ``benchmarks`` pins BLAS/OpenMP/numba to one thread per process (inherited by the
workers), so each worker is one core.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VOLATILE = ("runtime_s", "worker")


def _table(folder: Path) -> list[dict]:
    from qnnsym.sweep import read_table_csv

    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in read_table_csv(folder / "table.csv")]


def measure(spec_path: Path, workers: int, out_root: Path) -> dict:
    """Run the spec three ways; return wall times (s), speed-ups and sizes."""
    from distributed import LocalCluster

    from qnnsym.numeric import warmup
    from qnnsym.sweep import load_spec, run_sweep

    spec = load_spec(spec_path)
    warmup()
    times: dict[str, float] = {}
    folders = {}
    for how in ("one process", "local pool", f"dask {workers} workers"):
        folder = out_root / how.replace(" ", "-")
        shutil.rmtree(folder, ignore_errors=True)
        folders[how] = folder
        print(f"{how} ...", flush=True)
        t0 = time.perf_counter()
        if how == "one process":
            res = run_sweep(spec, folder, executor="serial", progress=None)
        elif how == "local pool":
            res = run_sweep(spec, folder, executor="pool", workers=workers, progress=None)
        else:  # the cluster's start-up is part of the wall time, as with `qnnsym sweep --dask local`
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None, silence_logs=50) as cluster:
                res = run_sweep(spec, folder, executor=f"dask:{cluster.scheduler_address}", progress=None)
        times[how] = time.perf_counter() - t0
        if not res.ok:
            raise SystemExit(f"{how}: {res.failed} cells failed; see {folder}/table.csv")
        print(f"  {times[how]:.1f} s ({res.ran} cells)", flush=True)
    tables = {how: _table(f) for how, f in folders.items()}
    first = next(iter(tables.values()))
    same = all(t == first for t in tables.values())
    base = times["one process"]
    return {"spec": str(spec_path), "cells": len(spec.cells()), "workers": workers, "seconds": times,
            "speedup": {k: base / v for k, v in times.items()}, "identical_tables": same,
            "machine": platform.machine(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, default=HERE / "sweep_walltime.toml", help="the sweep to time")
    ap.add_argument("--workers", type=int, default=2, help="pool and Dask workers (default 2)")
    ap.add_argument("--out", type=Path, help="keep the three tables here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = ap.parse_args(argv)
    if args.workers < 1:
        ap.error("--workers must be >= 1")
    root = args.out or Path(tempfile.mkdtemp(prefix="sweep-walltime-"))
    try:
        r = measure(args.spec, args.workers, root)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"{r['cells']} cells of {args.spec.name}, {args.workers} workers:")
    for how, s in r["seconds"].items():
        print(f"  {how:<16s} {s:8.1f} s   x{r['speedup'][how]:.2f}")
    print(f"  tables identical: {r['identical_tables']}")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2) + "\n")
    return 0 if r["identical_tables"] else 1


if __name__ == "__main__":
    sys.exit(main())
