"""Run a sweep: skip the cells already done, run the rest on an executor, journal each row as it
arrives, and materialise the tables.

Resumption: a cell is skipped when the journal already holds an ``ok`` row with its key (the
hash of experiment, parameters, seed and qnnsym version) that has every quantity the spec's
``record`` names; failed cells are run again and their new row supersedes the old.  ``record``
is applied to the rows only when the table (and :class:`SweepResult`) is made
(:func:`~qnnsym.sweep.store.apply_record`); the journal keeps every measured quantity.  Ctrl-C (:class:`KeyboardInterrupt`) stops the executor, writes the
tables from the journal (every row finished so far) and re-raises: the table is consistent and
the next run picks up where this one stopped.

The key's version is the installed package metadata's, which does not change when the code of an
editable install is edited: ``rerun=True`` (``qnnsym sweep --rerun``) moves the folder's journal
aside (``journal.<UTC time>.jsonl``, kept) and runs every cell again into a new one, so the table
holds only the re-run's rows — a cell that now fails shows as failed, not as its old ``ok`` row.
An interrupted re-run resumes without ``--rerun``.

>>> import tempfile
>>> from qnnsym.sweep.spec import parse_spec
>>> spec = parse_spec({"experiment": "E4", "seeds": 1, "grid": {"d": 4, "p": 8, "m": 2, "t_final": 1.0, "dt": 0.1}})
>>> out = tempfile.mkdtemp()
>>> res = run_sweep(spec, out, executor="serial", progress=None)
>>> res.ran, res.skipped, res.failed
(1, 0, 0)
>>> run_sweep(spec, out, executor="serial", progress=None).skipped
1
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..errors import InvalidInput
from ..validate import describe
from .progress import Progress, format_seconds
from .spec import SweepSpec
from .store import Journal, apply_record, write_tables

__all__ = ["SweepResult", "run_sweep", "pending_cells", "summary_lines"]

#: Quantities the summary shows first for each experiment.
_HEADLINE = {"E1": ("final_loss", "exponent", "min_ratio_to_bound", "kernel_deviation"),
             "E2": ("sup_error", "final_loss", "flow_final_loss"),
             "E3": ("final_loss", "rate", "flow_rate", "exponent"),
             "E4": ("kernel_deviation", "theta_drift", "final_loss")}

#: Least seconds between two rewrites of the CSV/Parquet tables while the sweep runs.
TABLE_INTERVAL = 5.0
#: ... and at least this many times the duration of the last rewrite (so that rewriting a large
#: table takes at most about a tenth of the parent's time however long the journal grows).
TABLE_COST_FACTOR = 10.0


@dataclass
class SweepResult:
    """What a sweep did: cells in the spec, run now, skipped (already ok), failed now, properties
    falsified now; the spec's current rows (from the journal, canonical order, with the spec's
    ``record`` applied as in the table) and the files written."""

    total: int
    ran: int
    skipped: int
    failed: int
    falsified: int
    seconds: float
    rows: list = field(default_factory=list)
    files: list = field(default_factory=list)
    executor: str = ""
    workers: int = 1

    @property
    def ok(self) -> bool:
        """Every cell of the spec has an ok row (this run or before) and none falsified a property."""
        return len(self.rows) == self.total and all(
            r["status"] == "ok" and not r["measured"].get("falsified") for r in self.rows)


def _archive(journal: Journal) -> Journal:
    """Move ``journal``'s file aside as ``journal.<UTC time>.jsonl`` (an atomic rename in its folder)
    and return a new, empty journal in the same folder."""
    import datetime
    import os

    journal.close()
    if journal.path.exists():
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        os.replace(journal.path, journal.path.with_name(f"{journal.path.stem}.{stamp}{journal.path.suffix}"))
    return Journal(journal.folder)


def pending_cells(spec: SweepSpec, journal: Journal) -> tuple[list[dict], list[dict]]:
    """``(todo, done)``: the spec's cells without an ``ok`` row in ``journal``, and those with one
    (an ``ok`` row lacking a quantity the spec's ``record`` names counts as failed: it is run again).

    >>> import tempfile
    >>> from qnnsym.sweep.spec import parse_spec
    >>> todo, done = pending_cells(parse_spec({"experiment": "E4", "seeds": 3}), Journal(tempfile.mkdtemp()))
    >>> len(todo), len(done)
    (3, 0)
    """
    if not isinstance(spec, SweepSpec):
        raise InvalidInput("spec", "a SweepSpec (load_spec / parse_spec)", describe(spec))
    if not isinstance(journal, Journal):
        raise InvalidInput("journal", "a qnnsym.sweep.store.Journal", describe(journal))
    ok = {r["key"] for r in journal.rows() if apply_record(r, spec.record).get("status") == "ok"}
    todo, done = [], []
    for cell in spec.cells():
        (done if cell["key"] in ok else todo).append(cell)
    return todo, done


def run_sweep(spec: SweepSpec, out: str | Path, *, executor: Any = "pool", workers: int | None = None,
              progress: TextIO | None | str = "stderr", parquet: bool = True, rerun: bool = False) -> SweepResult:
    """Run ``spec`` into the folder ``out`` (journal, ``table.csv``, ``table.parquet``).

    Parameters
    ----------
    spec : SweepSpec
    out : str or Path
        Output folder (created).
    executor : {"pool", "serial"} or str or executor object
        ``"pool"`` (local process pool), ``"serial"``, ``"dask:ADDRESS"`` / ``"dask:local"``, or
        an object from :mod:`qnnsym.sweep.executors` (then not closed here).
    workers : int, optional
        Pool or LocalCluster size (default: the cores this process may use).
    progress : file, "stderr" or None
        Where progress lines go.
    parquet : bool
        Also write ``table.parquet`` when pyarrow is installed.
    rerun : bool
        Run every cell again, also those with an ``ok`` row (e.g. after editing the code of an
        editable install, which keeps the version in the key): the journal is moved aside
        (``journal.<UTC time>.jsonl``) and the table holds only the re-run's rows.
    """
    from .executors import DaskExecutor, PoolExecutor, SerialExecutor, make_executor
    from .tasks import run_cell

    if not isinstance(spec, SweepSpec):
        raise InvalidInput("spec", "a SweepSpec (load_spec / parse_spec)", describe(spec))
    journal = Journal(out)
    if progress == "stderr":
        import sys

        progress = sys.stderr
    elif progress is not None and not hasattr(progress, "write"):
        raise InvalidInput("progress", "a text stream, 'stderr' or None", describe(progress))
    if not isinstance(parquet, bool):
        raise InvalidInput("parquet", "True or False", describe(parquet))
    if not isinstance(rerun, bool):
        raise InvalidInput("rerun", "True or False", describe(rerun))
    own = True
    if isinstance(executor, str):
        if executor == "pool":
            ex = make_executor(workers=workers)
        elif executor == "serial":
            ex = make_executor(serial=True, workers=workers)
        elif executor.startswith("dask:") and executor[5:]:
            ex = None  # started below, after the cheap checks
        else:
            raise InvalidInput("executor", "'pool', 'serial', 'dask:ADDRESS' or 'dask:local'", repr(executor))
    elif isinstance(executor, (SerialExecutor, PoolExecutor, DaskExecutor)):
        ex, own = executor, False
    else:
        raise InvalidInput("executor", "'pool', 'serial', 'dask:ADDRESS' or an executor object", describe(executor))

    t0 = time.perf_counter()
    todo, done = (spec.cells(), []) if rerun else pending_cells(spec, journal)
    total = len(todo) + len(done)
    ran = failed = falsified = 0
    files: list[Path] = []
    try:
        if todo and ex is None:
            ex = make_executor(dask=executor[5:], workers=workers)
        if rerun:  # only once the executor is up: a scheduler that cannot be reached leaves the journal as it was
            journal = _archive(journal)
        prog = Progress(len(todo), stream=progress)
        if ex is not None:
            prog.say(f"sweep: {total} cells, {len(done)} already done, {len(todo)} to run on "
                     f"{ex.name} ({ex.workers} worker{'s' if ex.workers != 1 else ''})")
            if getattr(ex, "dashboard", None):
                prog.say(f"sweep: Dask dashboard at {ex.dashboard}")
        last_table, interval = time.monotonic(), TABLE_INTERVAL
        seen: set[str] = set()
        for cell, row in (ex.run(run_cell, todo) if todo else ()):
            if cell["key"] in seen:  # a task run twice (e.g. rescheduled): one row only
                continue
            seen.add(cell["key"])
            journal.append(row)
            ran += 1
            view = apply_record(row, spec.record)  # what the table shows (outcome columns always kept)
            bad = view["status"] != "ok"
            failed += bad
            falsified += bool(view["measured"].get("falsified")) if not bad else 0
            prog.update(failed=bad)
            if time.monotonic() - last_table > interval:
                start = time.monotonic()
                # the latest row per key is kept in memory by the journal (updated on append)
                write_tables(journal.rows(), journal.folder, parquet=parquet, record=spec.record, ordered=True)
                last_table = time.monotonic()
                interval = max(TABLE_INTERVAL, TABLE_COST_FACTOR * (last_table - start))
    except BaseException:
        if own and ex is not None:
            ex.close(cancel=True)
            ex = None
        raise
    finally:
        journal.close()
        rows = journal.reload()  # the final table from the journal file itself
        files = write_tables(rows, journal.folder, parquet=parquet, record=spec.record)
    if own and ex is not None:
        ex.close()
    keys = {c["key"] for c in todo} | {c["key"] for c in done}
    spec_rows = [apply_record(r, spec.record) for r in rows if r["key"] in keys]
    return SweepResult(total, ran, len(done), failed, falsified, time.perf_counter() - t0, spec_rows, files,
                       getattr(ex, "name", "") if ex is not None else ("none" if not todo else ""),
                       getattr(ex, "workers", 1) if ex is not None else 0)


def _fmt(v: float) -> str:
    return f"{v:.4g}" if math.isfinite(v) else str(v)


def summary_lines(result: SweepResult, spec: SweepSpec, *, max_columns: int = 4) -> list[str]:
    """The summary printed at the end: counts, then one line per grid point with the mean (and
    spread over seeds) of up to ``max_columns`` numeric recorded quantities; for a property
    campaign the total examples and every falsifying example with its seed and command.

    >>> import tempfile
    >>> from qnnsym.sweep.spec import parse_spec
    >>> spec = parse_spec({"experiment": "E4", "grid": {"d": 4, "p": 8, "m": 2, "t_final": 1.0, "dt": 0.1}})
    >>> res = run_sweep(spec, tempfile.mkdtemp(), executor="serial", progress=None)
    >>> summary_lines(res, spec)[1].split(";")[0]
    '  c=1.0 d=4 dt=0.1 m=2 p=8 t_final=1.0: 1/1 ok'
    """
    if not isinstance(result, SweepResult):
        raise InvalidInput("result", "a SweepResult", describe(result))
    if not isinstance(spec, SweepSpec):
        raise InvalidInput("spec", "a SweepSpec", describe(spec))
    lines = [f"sweep {spec.name or spec.experiment}: {result.total} cells; ran {result.ran}, skipped {result.skipped} "
             f"(already done), failed {result.failed} in {format_seconds(result.seconds)}"]
    rows = result.rows
    if spec.experiment == "property":
        ok = [r for r in rows if r["status"] == "ok"]
        bad = [r for r in ok if r["measured"].get("falsified")]
        if spec.record is None or "examples" in spec.record:
            total = sum(int(r["measured"].get("examples", 0)) for r in ok)
            lines.append(f"property {spec.property_target}: {total} examples over {len(ok)} seeds, {len(bad)} falsified")
        else:
            lines.append(f"property {spec.property_target}: examples not recorded, over {len(ok)} seeds, {len(bad)} falsified")
        for r in bad:
            m = r["measured"]
            lines.append(f"  seed {r['seed']}: {m.get('failure', '')[:200]}")
            if m.get("falsifying_example"):
                lines.append(f"    {m['falsifying_example'][:300]}")
            lines.append(f"    reproduce: {m.get('reproduce', '')}")
    else:
        groups: dict[str, list[dict]] = {}
        for r in rows:
            label = " ".join(f"{k}={v}" for k, v in sorted(r["params"].items()))
            groups.setdefault(label, []).append(r)
        numeric = list(spec.record) if spec.record else list(_HEADLINE.get(spec.experiment, ()))
        for r in rows:
            for k, v in r["measured"].items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in numeric:
                    numeric.append(k)
        numeric = [q for q in numeric if any(isinstance(r["measured"].get(q), (int, float))
                                             and not isinstance(r["measured"].get(q), bool) for r in rows)][:max_columns]
        for label, rs in groups.items():
            ok = [r for r in rs if r["status"] == "ok"]
            parts = []
            for q in numeric:
                vals = [float(r["measured"][q]) for r in ok if isinstance(r["measured"].get(q), (int, float))]
                if vals:
                    sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
                    parts.append(f"{q} {_fmt(statistics.fmean(vals))} ± {_fmt(sd)}")
            lines.append(f"  {label}: {len(ok)}/{len(rs)} ok" + ("; " + ", ".join(parts) if parts else ""))
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"  FAILED {r['key']} seed {r['seed']} {r['params']}: {r['error'][:300]}")
    if result.files:
        lines.append("table: " + ", ".join(str(f) for f in result.files))
    return lines

