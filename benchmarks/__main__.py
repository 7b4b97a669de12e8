"""``python -m benchmarks [--quick] [--only W1,W3] [--json PATH] [--output PATH]``.

Run from the repository root.  The package import (``benchmarks/__init__.py``) has
already pinned every numeric library to one thread before anything below imports numpy.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import time
from pathlib import Path

from . import _threads

HERE = Path(__file__).resolve().parent


def _workloads():
    from . import w1_gradient, w2_kernel, w3_dense_step, w3_training, w4_haar, w5_flow, w6_weingarten

    mods = (w1_gradient, w2_kernel, w3_dense_step, w3_training, w4_haar, w5_flow, w6_weingarten)
    return {m.WORKLOAD.key: m.WORKLOAD for m in mods}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (< 1 minute)")
    ap.add_argument("--only", default="", help="comma-separated workload keys, e.g. W1 (default: all)")
    ap.add_argument("--rounds-scale", type=float, default=1.0, help="multiply every size's number of rounds")
    ap.add_argument("--min-sample-ms", type=float, default=None, help="shortest sample (default 20 ms, quick 10 ms)")
    ap.add_argument("--atol", type=float, default=1e-9, help="agreement tolerance (absolute) before timing")
    ap.add_argument("--output", type=Path, default=HERE / "RESULTS.md", help="Markdown report (default benchmarks/RESULTS.md)")
    ap.add_argument("--json", type=Path, default=None,
                    help="JSON with every sample (default: results.json next to the Markdown report)")
    ap.add_argument("--no-limits", action="store_true", help="skip measuring the machine's flop/bandwidth limits (~10 s)")
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    _threads.set_torch_threads()

    from .machine import command_line, machine_info, versions
    from .report import RunResult, SizeResult, WorkloadResult, target_rows, write_json, write_markdown
    from .timing import measure

    available = _workloads()
    keys = [k.strip().upper() for k in args.only.split(",") if k.strip()] or list(available)
    unknown = [k for k in keys if k not in available]
    if unknown:
        print(f"unknown workload(s) {unknown}; choose from {sorted(available)}", file=sys.stderr)
        return 2
    min_sample_s = (args.min_sample_ms if args.min_sample_ms is not None else (10.0 if args.quick else 20.0)) / 1e3

    def log(s: str) -> None:
        print(s, flush=True)

    started = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    machine = machine_info()
    limits = None
    if not args.no_limits:
        from .limits import measure_limits

        log("measuring the machine's limits (complex matmul peak, triad bandwidth)")
        limits = measure_limits(quick=args.quick)
    t_run = time.perf_counter()
    results: list[WorkloadResult] = []
    for key in keys:
        w = available[key]
        wr = WorkloadResult(w)
        results.append(wr)
        log(f"{w.key}: {w.title}")
        for size in w.sizes(args.quick):
            if args.rounds_scale != 1.0:
                size = type(size)(size.label, size.params, max(1, round(size.rounds * args.rounds_scale)))
            log(f"  {size.label}  ({size.rounds} rounds)")
            t0 = time.perf_counter()
            outcomes = measure(w.contenders(size), size.rounds, atol=args.atol if w.atol is None else w.atol, min_sample_s=min_sample_s, log=log)
            for o in outcomes:
                if not o.timed:
                    log(f"    {o.name:<28} {o.status}: {o.reason}")
            wr.sizes.append(SizeResult(size, outcomes, time.perf_counter() - t0))

    try:
        machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    run = RunResult(
        command=command_line(argv),
        started=started,
        wall_s=time.perf_counter() - t_run,
        quick=args.quick,
        atol=args.atol,
        min_sample_s=min_sample_s,
        machine=machine,
        versions=versions(),
        threads=_threads.thread_report(),
        workloads=results,
        limits=limits,
        figures=args.output.parent / "figures",
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_markdown(run, args.output)
    log(f"wrote {args.output}")
    json_path = args.json if args.json is not None else args.output.with_name("results.json")
    write_json(run, json_path)
    log(f"wrote {json_path}")
    for row in target_rows(run):
        log("target " + " | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
