"""The command line: ``qnnsym verify`` and ``qnnsym info``.

``qnnsym verify`` runs the engine's conformance checks (:mod:`qnnsym.conformance`) and
prints one row per check (name, max error, tolerance, pass/fail, seconds); it exits
1 when any check fails, 130 on Ctrl-C, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

__all__ = ["main"]


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("qnnsym", "numpy", "scipy", "sympy", "mpmath", "numba", "hypothesis"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _table(results) -> str:
    head = ("check", "measure", "max error", "tolerance", "result", "seconds")
    rows = [
        (r.name, r.measure, f"{r.max_error:.2e}", f"{r.tolerance:.2e}", "pass" if r.passed else "FAIL", f"{r.seconds:.2f}")
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(lines)


def _verify(args: argparse.Namespace) -> int:
    from .conformance import check_names, run_conformance
    from .numeric import warmup

    if args.list:
        print("\n".join(check_names()))
        return 0
    t0 = time.perf_counter()
    print("qnnsym verify: engine conformance checks", flush=True)
    compile_s = warmup()
    print(f"  numba kernels ready in {compile_s:.1f} s (cached after the first run)", flush=True)
    results = run_conformance(only=args.only, progress=(lambda n: print(f"  running {n} ...", flush=True)) if args.verbose else None)
    print()
    print(_table(results))
    failed = [r for r in results if not r.passed]
    total = time.perf_counter() - t0
    print()
    for r in failed:
        print(f"FAILED {r.name}: {r.detail}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed in {total:.1f} s")
    if args.json:
        record = {"versions": _versions(), "seconds": total, "checks": [r.as_dict() for r in results]}
        Path(args.json).write_text(json.dumps(record, indent=2, default=str) + "\n")
        print(f"wrote {args.json}")
    return 1 if failed else 0


def _info(args: argparse.Namespace) -> int:
    from .conventions import conventions_markdown

    for k, v in _versions().items():
        print(f"{k:11s} {v}")
    if args.conventions:
        print()
        print(conventions_markdown())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qnnsym", description="Verify convergence theorems for quantum neural networks.")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="run the conformance checks and print a table; exit 1 on any failure")
    v.add_argument("--only", nargs="+", metavar="CHECK", help="run only these checks (see --list)")
    v.add_argument("--list", action="store_true", help="list the check names and exit")
    v.add_argument("--json", metavar="PATH", help="also write a machine-readable record (versions, errors, timings)")
    v.add_argument("-v", "--verbose", action="store_true", help="print a line as each check starts")
    v.set_defaults(func=_verify)
    i = sub.add_parser("info", help="print versions (and the conventions with --conventions)")
    i.add_argument("--conventions", action="store_true", help="print the conventions C1-C8")
    i.set_defaults(func=_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a clear one-line error instead of a traceback for expected failures
        from .errors import QnnsymError

        if isinstance(exc, QnnsymError):
            print(f"qnnsym: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
