"""The command line: ``qnnsym verify``, ``qnnsym docs``, ``qnnsym figures``, ``qnnsym sweep`` and ``qnnsym info``.

``qnnsym verify`` runs the engine's conformance checks (:mod:`qnnsym.conformance`) and
prints one row per check (name, max error, tolerance, pass/fail, seconds); it exits
1 when any check fails, 130 on Ctrl-C, 2 on bad arguments.  ``qnnsym docs`` renders the
theorems into derivation documents (:mod:`qnnsym.docgen`).

Exit codes of every subcommand: 0 success, 1 a check or theorem failed (or ``docs --check``
found differences), 2 bad arguments or input -- one line ``qnnsym: error: ...`` on stderr, no
traceback --, 130 interrupted by Ctrl-C (one line ``qnnsym: interrupted`` on stderr; files are
written atomically, see :mod:`qnnsym.atomic`, so none is left half-written).
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
    """Python, platform and the versions of the packages that can change a number (``qnnsym info``)."""
    from .runrecord import blas_info, versions

    out = {"python": platform.python_version(), "platform": platform.platform(), "machine": platform.machine()}
    out.update(versions())
    out.update({f"numpy {k}": v for k, v in blas_info().items()})
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


def _theorem_table(results) -> str:
    head = ("id", "paper", "title", "claimed", "shown", "max error", "tolerance", "examples", "seconds", "result")
    rows = []
    for r in results:
        err = f"{r.numeric.max_error:.2e}" if r.numeric else "-"
        tol = f"{r.numeric.tolerance:.2e}" if r.numeric else "-"
        title = r.title if len(r.title) <= 48 else r.title[:45] + "..."
        rows.append((r.id, r.paper or "", title, r.claimed, r.shown, err, tol, str(r.property_examples), f"{r.seconds:.1f}",
                     "pass" if r.passed else "FAIL"))
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 5 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*row) for row in rows])


def _theorem_failure(r) -> str:
    parts = [f"shown {r.shown}, claimed {r.claimed}"]
    parts += [f"step not shown: {s.claim} [{s.rule}] {s.residual}" for s in r.steps if not s.closed]
    parts += list(r.golden_failures)
    if r.numeric and not r.numeric.passed:
        parts.append(f"numeric: {r.numeric.max_error:.3g} > {r.numeric.tolerance:.3g} ({r.numeric.detail})")
    if r.property_failure:
        parts.append(f"property: {r.property_failure}")
    if r.error:
        parts.append(r.error)
    return "; ".join(parts)


def _theorem_record(r) -> dict:
    return {
        "id": r.id, "paper": r.paper, "title": r.title, "claimed": r.claimed, "shown": r.shown, "passed": r.passed,
        "seconds": r.seconds, "golden_failures": list(r.golden_failures), "property_examples": r.property_examples,
        "property_failure": r.property_failure, "error": r.error,
        "steps": [{"claim": s.claim, "rule": s.rule, "closed": s.closed, "residual": s.residual, "seconds": s.seconds} for s in r.steps],
        "numeric": None if r.numeric is None else {
            "max_error": r.numeric.max_error, "tolerance": r.numeric.tolerance, "detail": r.numeric.detail,
            "sizes": r.numeric.sizes, "seeds": list(r.numeric.seeds)},
    }


def _verify(args: argparse.Namespace) -> int:
    from .conformance import check_names, run_conformance
    from .numeric import warmup
    from .theorems import discover, verify_all

    theorems = discover(args.proofs_dir)
    if args.list:
        print("\n".join(check_names() + [t.id for t in theorems]))
        return 0
    from .errors import InvalidInput

    unknown = [n for n in (args.only or []) if n not in set(check_names()) | {t.id for t in theorems}]
    if unknown:
        raise InvalidInput("only", "check names or theorem ids (see qnnsym verify --list)", repr(unknown))
    check_ids = [n for n in (args.only or []) if n in set(check_names())]
    theorem_ids = [n for n in (args.only or []) if n not in set(check_names())]
    run_checks = not args.only or bool(check_ids)
    run_theorems = not args.only or bool(theorem_ids)
    profile = "full" if args.full else "quick"
    examples = args.property_examples or (400 if args.full else 50)
    t0 = time.perf_counter()
    failed_lines: list[str] = []
    from .runrecord import run_header

    # the record says how to repeat this run: argv, versions, platform, hypothesis settings, seeds per row
    record: dict = run_header(getattr(args, "argv", None), profile=profile, property_examples=examples)
    n_pass = n_fail = 0
    compile_s = warmup()
    record["compile_seconds"] = compile_s
    print(f"qnnsym verify ({profile}): numba kernels ready in {compile_s:.1f} s", flush=True)
    if run_checks:
        print("engine conformance checks ...", flush=True)
        results = run_conformance(only=check_ids or None,
                                  progress=(lambda n: print(f"  running {n} ...", flush=True)) if args.verbose else None)
        print()
        print(_table(results))
        print()
        failed_lines += [f"FAILED {r.name}: {r.detail}" for r in results if not r.passed]
        n_fail += sum(not r.passed for r in results)
        n_pass += sum(r.passed for r in results)
        record["checks"] = [r.as_dict() for r in results]
    if run_theorems and theorems:
        def progress(thm):
            print(f"  verifying {thm.id} ({thm.paper or thm.title}) ...", flush=True)

        print(f"theorems ({len(theorems)} in proofs/) ...", flush=True)
        tresults = verify_all(theorems, only=theorem_ids or None, profile=profile, property_examples=examples, progress=progress,
                              step_time_limit=args.step_time_limit)
        print()
        print(_theorem_table(tresults))
        print()
        failed_lines += [f"FAILED {r.id}: {_theorem_failure(r)}" for r in tresults if not r.passed]
        n_fail += sum(not r.passed for r in tresults)
        n_pass += sum(r.passed for r in tresults)
        record["theorems"] = [_theorem_record(r) for r in tresults]
        proved = sum(r.shown == "PROVED" for r in tresults)
        print(f"{proved} PROVED, {sum(r.shown == 'CHECKED' for r in tresults)} CHECKED, "
              f"{sum(r.shown == 'NOT SHOWN' for r in tresults)} NOT SHOWN")
    total = time.perf_counter() - t0
    for line in failed_lines:
        print(line)
    print(f"{n_pass} passed, {n_fail} failed in {total:.1f} s")
    if args.json:
        record["seconds"] = total
        from .atomic import atomic_write_text

        atomic_write_text(args.json, json.dumps(record, indent=2, default=str) + "\n")
        print(f"wrote {args.json}")
    return 1 if n_fail else 0


def _docs(args: argparse.Namespace) -> int:
    """``qnnsym docs``: render every theorem into derivation documents (or ``--check`` them)."""
    import shutil

    from .docgen import TEX_NAME, build_pdf, check_docs, render_all, write_docs
    from .errors import InvalidInput
    from .theorems import discover, verify_all

    theorems = discover(args.proofs_dir)
    if not theorems:
        raise InvalidInput("--proofs-dir", "a folder with at least one proof file", repr(args.proofs_dir))
    ids = [t.id for t in theorems]
    unknown = [i for i in (args.only or []) if i not in ids]
    if unknown:
        raise InvalidInput("--only", f"theorem ids among {ids}", repr(unknown))
    if args.pdf and args.check:
        raise InvalidInput("--pdf", "not together with --check", "both")
    if args.pdf and shutil.which("pdflatex") is None:
        print("qnnsym: error: --pdf needs pdflatex on PATH, and none was found (install TeX Live); "
              "no files were written", file=sys.stderr)
        return 1
    wanted = [t for t in theorems if not args.only or t.id in args.only]
    print(f"qnnsym docs: verifying {len(wanted)} theorem(s) (quick profile) ...", flush=True)
    results = verify_all(theorems, only=args.only or None, profile="quick")
    files = render_all(wanted, results)
    out = Path(args.out)
    if args.check:
        diff = check_docs(files, out, extra=not args.only)
        if diff:
            sys.stdout.writelines(diff if len(diff) <= 200 else diff[:200] + [f"... ({len(diff) - 200} more lines)\n"])
            print(f"qnnsym docs --check: {out} is out of date; run `qnnsym docs --out {out}` to regenerate")
            return 1
        print(f"qnnsym docs --check: {len(files)} files in {out} are up to date")
        return 0
    written = write_docs(files, out, prune=not args.only)
    print(f"wrote {len(written)} files to {out}")
    if args.pdf:
        pdf = build_pdf(out / TEX_NAME)
        print(f"built {pdf}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from .conventions import conventions_markdown

    for k, v in _versions().items():
        print(f"{k:11s} {v}")
    if args.conventions:
        print()
        print(conventions_markdown())
    return 0


def _figures(args: argparse.Namespace) -> int:
    from .figures import run_figures

    t0 = time.perf_counter()
    mode = "full (paper-scale)" if args.full else "default"
    print(f"qnnsym figures ({mode}): writing to {Path(args.out).resolve()}", flush=True)
    run_figures(args.out, only=args.only, full=args.full, plot=not args.no_plot,
                progress=lambda line: print(line, flush=True))
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """``qnnsym sweep SPEC``: run a grid of experiment cells into a resumable table (:mod:`qnnsym.sweep`)."""
    from .errors import InvalidInput
    from .sweep import load_spec, run_sweep, summary_lines

    if args.workers is not None and args.serial:
        raise InvalidInput("--workers", "not together with --serial", f"--workers {args.workers}")
    if args.workers is not None and args.dask not in (None, "local"):
        # a running cluster has the workers it has: a count given here would be silently ignored
        raise InvalidInput("--workers", "only with the local pool or --dask local (a running Dask cluster "
                           "keeps its own workers)", f"--workers {args.workers} with --dask {args.dask}")
    spec = load_spec(args.spec)
    out = Path(args.out) if args.out else Path("sweeps") / Path(args.spec).stem
    if args.dry_run:
        cells = spec.cells()
        for c in cells:
            print(f"{c['key']}  seed={c['seed']}  " + " ".join(f"{k}={v}" for k, v in sorted(c["params"].items())))
        print(f"{len(cells)} cells of {spec.experiment} (dry run: nothing ran; table would go to {out})")
        return 0
    executor = "serial" if args.serial else (f"dask:{args.dask}" if args.dask else "pool")
    print(f"qnnsym sweep {spec.name or spec.experiment}: writing to {out.resolve()}", flush=True)
    result = run_sweep(spec, out, executor=executor, workers=args.workers, rerun=args.rerun)
    print("\n".join(summary_lines(result, spec)))
    return 0 if result.ok else 1


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, ``qnnsym: error: ...``, exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        message = " ".join(str(message).split())
        self.exit(2, f"qnnsym: error: {message} (see '{self.prog} --help')\n")

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        """Refuse ``--option=--`` by name: Python 3.11's argparse drops the ``--`` and hands the option
        an empty list, which would then run with the default in its place."""
        tokens = list(sys.argv[1:] if args is None else args)
        for token in tokens:
            if token == "--":
                break
            option, sep, value = token.partition("=")
            if token.startswith("--") and sep and value == "--":
                self.error(f"argument {option}: expected a value, got '--'")
        return super().parse_known_args(tokens, namespace)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _seconds(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return value


def _output_file(text: str) -> str:
    """A file path whose folder exists (checked before any work, so a typo costs no run)."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"expected a file path, got the folder {text!r}")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"expected a file in an existing folder, got {text!r} "
                                         f"(no folder {str(path.parent)!r})")
    return text


def _output_folder(text: str) -> str:
    """A folder to write into: it may not exist yet, but must not be a file."""
    if not text:
        raise argparse.ArgumentTypeError("expected a folder path, got ''")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"expected a folder, got the file {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    from .theorems import DEFAULT_STEP_TIME_LIMIT

    parser = _Parser(prog="qnnsym", description="Verify convergence theorems for quantum neural networks.")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="run the conformance checks and print a table; exit 1 on any failure")
    v.add_argument("--only", nargs="+", metavar="ID", help="run only these checks or theorems (see --list); theorems run with what they use")
    v.add_argument("--list", action="store_true", help="list the check names and theorem ids and exit")
    mode = v.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes and 50 property examples per theorem (default)")
    mode.add_argument("--full", action="store_true", help="paper-scale sizes and 400 property examples per theorem")
    v.add_argument("--property-examples", type=_positive_int, metavar="N", help="hypothesis examples per theorem property")
    v.add_argument("--step-time-limit", type=_seconds, metavar="S", default=DEFAULT_STEP_TIME_LIMIT,
                   help=f"wall-clock limit of each symbolic step and golden value; one that runs over is reported "
                        f"'not shown within S s' (default {DEFAULT_STEP_TIME_LIMIT:g})")
    v.add_argument("--proofs-dir", metavar="DIR", help="verify the proof files in DIR instead of the built-in proofs/")
    v.add_argument("--json", metavar="PATH", type=_output_file, help="also write a machine-readable record (versions, errors, timings)")
    v.add_argument("-v", "--verbose", action="store_true", help="print a line as each check starts")
    v.set_defaults(func=_verify)
    dc = sub.add_parser("docs", help="render every theorem into Markdown and LaTeX derivation documents")
    dc.add_argument("--out", metavar="DIR", type=_output_folder, default=str(Path("docs") / "derivations"),
                    help="output folder (default: docs/derivations in the current directory)")
    dc.add_argument("--only", nargs="+", metavar="ID", help="render only these theorems")
    dc.add_argument("--proofs-dir", metavar="DIR", help="render the proof files in DIR instead of the built-in proofs/")
    dc.add_argument("--check", action="store_true",
                    help="regenerate into a temporary folder; exit 1 with a diff if --out differs")
    dc.add_argument("--pdf", action="store_true", help="also build the PDF with pdflatex (exit 1 if it is not on PATH)")
    dc.set_defaults(func=_docs)
    fg = sub.add_parser("figures", help="reproduce the experiments E1-E4 and the neighbouring results N1-N3 as data (JSON, CSV) and figures (PNG, PDF)")
    fg.add_argument("--out", default="figures", metavar="DIR", type=_output_folder, help="output directory (default: figures/ in the current directory)")
    fg.add_argument("--only", nargs="+", metavar="E", choices=["E1", "E2", "E3", "E4", "N1", "N2", "N3"],
                    help="run only these experiments (E1-E4) or neighbouring results (N1-N3)")
    fg.add_argument("--full", action="store_true", help="paper-scale sizes (d = 16, p up to thousands; minutes to hours)")
    fg.add_argument("--no-plot", action="store_true", help="write the data only (no matplotlib needed)")
    fg.set_defaults(func=_figures)
    sw = sub.add_parser("sweep", help="run an experiment over a parameter grid and seeds into a resumable table (CSV, Parquet)")
    sw.add_argument("spec", metavar="SPEC", help="the sweep spec, a .toml or .yaml file (see docs/sweep.md)")
    sw.add_argument("--out", metavar="DIR", type=_output_folder,
                    help="output folder: journal.jsonl, table.csv, table.parquet (default: sweeps/<spec name>)")
    where = sw.add_mutually_exclusive_group()
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on Dask distributed: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster")
    where.add_argument("--serial", action="store_true", help="run every cell in this process, one after the other")
    sw.add_argument("--workers", type=_positive_int, metavar="N",
                    help="processes of the local pool or of --dask local (default: the cores this process may use)")
    sw.add_argument("--dry-run", action="store_true", help="list the cells (key, seed, parameters) and exit")
    sw.add_argument("--rerun", action="store_true",
                    help="run every cell again, also those already done (e.g. after editing the code: the cell key "
                         "holds the installed version, not the code); the new rows supersede the old")
    sw.set_defaults(func=_sweep)
    i = sub.add_parser("info", help="print versions (and the conventions with --conventions)")
    i.add_argument("--conventions", action="store_true", help="print the conventions C1-C8")
    i.set_defaults(func=_info)
    return parser


def _interrupted() -> int:
    """Report Ctrl-C in one line; a second Ctrl-C while reporting is ignored."""
    import signal

    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        previous = None
    try:
        sys.stdout.flush()
    except Exception:
        pass
    print("\nqnnsym: interrupted", file=sys.stderr, flush=True)
    if previous is not None:
        signal.signal(signal.SIGINT, previous)
    return 130


def main(argv: list[str] | None = None) -> int:
    """Run the ``qnnsym`` command with ``argv`` (default ``sys.argv[1:]``); the exit status.

    Bad arguments exit 2 through :class:`SystemExit` (argparse) with one line ``qnnsym: error:
    ...``; errors of the package (:class:`~qnnsym.errors.QnnsymError`) return 2 with the same
    one-line form; Ctrl-C returns 130 with ``qnnsym: interrupted``.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded by `verify --json`
        return int(args.func(args))
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:  # a clear one-line error instead of a traceback for expected failures
        from .errors import QnnsymError

        if isinstance(exc, QnnsymError):
            print(f"qnnsym: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
