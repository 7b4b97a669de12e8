"""The sweep's table: an append-only journal, and the tidy CSV and Parquet made from it.

The source of truth is ``journal.jsonl`` in the output folder: one JSON object per finished
cell, each written as one complete line by a single ``os.write`` on a file opened with
``O_APPEND``, then ``fsync``-ed.  A crash or Ctrl-C can at worst leave a torn *last* line
(no trailing newline); readers ignore it and the next writer cuts it off before appending.

Rows are keyed by :func:`~qnnsym.sweep.spec.cell_key` (experiment, parameters, seed, qnnsym
version).  When a key occurs more than once, an ``ok`` row always wins over a ``failed`` one
and among rows of the same status the later one wins: a failed cell is retried on re-run and
its newer row supersedes the old; an ok cell is never run again.  So a duplicate (e.g. a
Dask task re-run after its worker died) can never give two rows.

``table.csv`` and ``table.parquet`` (if pyarrow is installed: ``pip install qnnsym[parquet]``)
are rewritten atomically (:mod:`qnnsym.atomic`) from the journal, one row per key, in a
canonical order (experiment, then parameters by name with numbers compared as numbers, then
seed), so the table never depends on which cell finished first.

The journal holds every quantity a task measured; the spec's ``record`` is applied only when
the table is written (:func:`apply_record`), so changing ``record`` needs no re-run.  The
quantities that decide the sweep's outcome are kept whatever ``record`` says:
``falsified`` (any row), and a property row's ``failure``, ``falsifying_example`` and
``reproduce`` (:data:`ALWAYS_KEPT`, :data:`PROPERTY_KEPT`).

>>> import tempfile
>>> j = Journal(tempfile.mkdtemp())
>>> j.append({"key": "a1", "experiment": "E1", "params": {"d": 4}, "seed": 0, "status": "ok", "error": "",
...           "measured": {"final_loss": 0.5}, "versions": {"qnnsym": "0.1.0"}, "runtime_s": 0.1, "worker": "h:1"})
>>> [r["key"] for r in j.rows()]
['a1']
>>> table_columns(j.rows())[:4]
['experiment', 'd', 'seed', 'status']
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path
from typing import Any, Iterable

from ..atomic import atomic_path, atomic_write_text
from ..errors import InvalidInput
from ..validate import describe

__all__ = ["Journal", "read_journal", "latest_rows", "apply_record", "table_columns", "flat_row", "write_tables",
           "read_table_csv", "JOURNAL_NAME", "ALWAYS_KEPT", "PROPERTY_KEPT"]

JOURNAL_NAME = "journal.jsonl"
CSV_NAME = "table.csv"
PARQUET_NAME = "table.parquet"
#: Quantities kept in every table row that has them, whatever ``record`` says (they decide the outcome).
ALWAYS_KEPT = ("falsified",)
#: Quantities a property row always has and keeps: whether it falsified, why, and how to reproduce it.
PROPERTY_KEPT = ("falsified", "failure", "falsifying_example", "reproduce")
_ROW_KEYS = ("key", "experiment", "params", "seed", "status", "error", "measured", "versions", "runtime_s", "worker")


def _folder(out: Any) -> Path:
    if not isinstance(out, (str, Path)) or not str(out):
        raise InvalidInput("out", "a folder path", describe(out))
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InvalidInput("out", "a folder", f"the file {str(out)!r}")
    return path


class Journal:
    """The append-only JSON-lines journal of one output folder (created if missing).

    Parameters
    ----------
    out : str or Path
        The sweep's output folder; the journal is ``out / "journal.jsonl"``.

    The current row of every key is read from the file once (at the first :meth:`rows`) and then
    kept in memory, updated by each :meth:`append` with the rule of :func:`latest_rows`, so the
    tables rewritten while a sweep runs cost no re-read of the whole journal.  :meth:`reload`
    reads the file again (rows other processes appended meanwhile are seen only then).
    """

    def __init__(self, out: str | Path):
        self.folder = _folder(out)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / JOURNAL_NAME
        self._fd: int | None = None
        self._latest: dict[str, dict] | None = None
        self._order: dict[str, tuple] = {}  # key -> sort_key of its current row (sorting is then cheap)

    def _open(self) -> int:
        if self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # cut a torn last line so the next starts clean
                pos, cut = size, 0
                while pos > 0:
                    start = max(0, pos - 65536)
                    i = os.pread(fd, pos - start, start).rfind(b"\n")
                    if i >= 0:
                        cut = start + i + 1
                        break
                    pos = start
                os.ftruncate(fd, cut)
                os.fsync(fd)
            self._fd = fd
        return self._fd

    def append(self, row: dict) -> None:
        """Write ``row`` as one line (one ``os.write`` on the ``O_APPEND`` descriptor) and fsync it."""
        if not isinstance(row, dict):
            raise InvalidInput("row", "a row dict from run_cell", describe(row))
        for k in _ROW_KEYS:
            if k not in row:
                raise InvalidInput(f"row.{k}", "present (a row dict from run_cell)", "missing")
        if not isinstance(row["key"], str) or not row["key"]:
            raise InvalidInput("row.key", "a non-empty string", describe(row["key"]))
        try:
            line = (json.dumps(row, sort_keys=True, default=str) + "\n").encode()
        except ValueError as exc:  # circular structures
            raise InvalidInput("row", "a JSON-serialisable dict", str(exc)) from None
        fd = self._open()
        written = os.write(fd, line)
        if written != len(line):  # pragma: no cover - a full disk; never leave the tail torn silently
            raise OSError(f"short write to {self.path}: {written} of {len(line)} bytes")
        os.fsync(fd)
        if self._latest is not None:
            self._keep(json.loads(line))  # the row as a reader of the file will see it

    def close(self) -> None:
        """Close the descriptor (appending again reopens it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def rows(self) -> list[dict]:
        """The current row of every key (see the module docstring for which row wins), in
        canonical order; from memory after the first call (see the class docstring)."""
        if self._latest is None:
            return self.reload()
        return [self._latest[k] for k in sorted(self._latest, key=self._order.__getitem__)]

    def reload(self) -> list[dict]:
        """Read the journal file again and return :meth:`rows`."""
        self._latest, self._order = {}, {}
        for row in read_journal(self.path):
            self._keep(row)
        return self.rows()

    def _keep(self, row: dict) -> None:
        old = self._latest.get(row["key"])
        _merge(self._latest, row)
        if self._latest[row["key"]] is not old:
            self._order[row["key"]] = sort_key(row)


def read_journal(path: str | Path) -> list[dict]:
    """Every complete line of a journal, in file order; a torn last line is ignored, a corrupt
    complete line raises InvalidInput naming ``journal``.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "journal.jsonl"
    >>> _ = f.write_bytes(b'{"key": "a", "status": "ok"}\\n{"key": "b", "sta')
    >>> [r["key"] for r in read_journal(f)]
    ['a']
    """
    if not isinstance(path, (str, Path)):
        raise InvalidInput("path", "a journal path", describe(path))
    p = Path(path)
    if not p.exists():
        return []
    data = p.read_bytes()
    lines = data.split(b"\n")
    complete = lines[:-1]  # the part after the last newline is empty or a torn line
    out = []
    for i, line in enumerate(complete, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput("journal", f"one JSON object per line in {p}", f"line {i}: {exc}") from None
        if not isinstance(row, dict) or not isinstance(row.get("key"), str):
            raise InvalidInput("journal", f"one row object with a 'key' per line in {p}", f"line {i}: {describe(row)}")
        out.append(row)
    return out


def latest_rows(rows: Iterable[dict]) -> list[dict]:
    """One row per key: an ``ok`` row beats a ``failed`` one, otherwise the later row wins; the
    result is in canonical order (:func:`sort_key`).

    >>> rs = [{"key": "a", "status": "failed"}, {"key": "a", "status": "ok"}, {"key": "a", "status": "failed"}]
    >>> [r["status"] for r in latest_rows(rs)]
    ['ok']
    """
    best: dict[str, dict] = {}
    for row in rows:
        if not isinstance(row, dict) or "key" not in row:
            raise InvalidInput("rows", "row dicts with a 'key'", describe(row))
        _merge(best, row)
    return sorted(best.values(), key=sort_key)


def _merge(best: dict[str, dict], row: dict) -> None:
    """Put ``row`` into ``best`` (key -> row) unless an ``ok`` row would give way to a failed one."""
    old = best.get(row["key"])
    if old is None or not (old.get("status") == "ok" and row.get("status") != "ok"):
        best[row["key"]] = row


def apply_record(row: dict, record: list | tuple | None) -> dict:
    """The table's view of a journal row: its measured quantities cut down to ``record`` plus
    the ones that decide the outcome (``falsified``; for a property row also ``failure``,
    ``falsifying_example`` and ``reproduce``).  ``record=None`` keeps everything.

    An ``ok`` row that lacks a recorded quantity (a user function that does not return it), or a
    property row that lacks an outcome quantity, is shown as ``failed`` with the reason; the
    journal row itself is never changed.

    >>> row = {"key": "k", "experiment": "property", "status": "ok", "error": "",
    ...        "measured": {"examples": 7, "falsified": True, "failure": "AssertionError: x",
    ...                     "falsifying_example": "f(x=1)", "reproduce": "python -c ..."}}
    >>> sorted(apply_record(row, ["examples"])["measured"])
    ['examples', 'failure', 'falsified', 'falsifying_example', 'reproduce']
    >>> sorted(apply_record({**row, "experiment": "m:f"}, ["examples"])["measured"])
    ['examples', 'falsified']
    >>> apply_record({"key": "k", "experiment": "m:f", "status": "ok", "measured": {"y": 1.0}}, ["z"])["error"]
    "InvalidInput: record: expected quantities the task returns (y), got ['z']"
    """
    if not isinstance(row, dict):
        raise InvalidInput("row", "a row dict", describe(row))
    if record is not None and (isinstance(record, str) or not isinstance(record, (list, tuple))
                               or not all(isinstance(q, str) for q in record)):
        raise InvalidInput("record", "None or a list of quantity names", describe(record))
    measured = row.get("measured") or {}
    if not isinstance(measured, dict):
        raise InvalidInput("row.measured", "a dict of measured quantities", describe(measured))
    prop = row.get("experiment") == "property"
    required = [*(record or ()), *(q for q in PROPERTY_KEPT if prop and q not in (record or ()))]
    out = dict(row)
    if row.get("status") == "ok":
        missing = [q for q in required if q not in measured]
        if missing:
            err = InvalidInput("record", f"quantities the task returns ({', '.join(sorted(measured))})", repr(missing))
            out.update(status="failed", error=f"InvalidInput: {err}", measured={})
            return out
    if record is not None:
        keep = [*record, *(q for q in (PROPERTY_KEPT if prop else ALWAYS_KEPT) if q not in record)]
        out["measured"] = {q: measured[q] for q in keep if q in measured}
    return out


def _order(v: Any) -> tuple:
    if isinstance(v, bool):
        return (1, int(v), "")
    if isinstance(v, (int, float)):
        return (0, float(v) if not (isinstance(v, float) and math.isnan(v)) else math.inf, "")
    return (2, 0.0, str(v))


def sort_key(row: dict) -> tuple:
    """Canonical order of rows: experiment, parameters (by name; numbers as numbers), seed, key."""
    params = row.get("params") or {}
    return (str(row.get("experiment", "")), tuple((k, _order(params[k])) for k in sorted(params)),
            _order(row.get("seed", 0)), str(row.get("key", "")))


def flat_row(row: dict) -> dict:
    """A journal row as one flat table row: parameters and measured quantities become columns,
    versions become ``<package>_version`` columns.

    >>> flat_row({"key": "k", "experiment": "E1", "params": {"d": 4}, "seed": 1, "status": "ok", "error": "",
    ...           "measured": {"final_loss": 0.25}, "versions": {"qnnsym": "0.1.0"}, "runtime_s": 1.0, "worker": "h:2"})["final_loss"]
    0.25
    """
    if not isinstance(row, dict):
        raise InvalidInput("row", "a row dict", describe(row))
    out: dict[str, Any] = {"experiment": row.get("experiment", ""), **(row.get("params") or {}), "seed": row.get("seed"),
                           "status": row.get("status", ""), "error": row.get("error", "")}
    out.update(row.get("measured") or {})
    out.update({f"{k}_version": v for k, v in (row.get("versions") or {}).items()})
    out.update({"runtime_s": row.get("runtime_s"), "worker": row.get("worker", ""), "key": row.get("key", "")})
    return out


def table_columns(rows: list[dict]) -> list[str]:
    """Column order: experiment, parameters (sorted), seed, status, error, measured quantities
    (sorted), versions, runtime_s, worker, key.

    >>> table_columns([{"params": {"p": 8, "d": 4}, "measured": {"y": 1.0}, "versions": {"numpy": "2"}}])
    ['experiment', 'd', 'p', 'seed', 'status', 'error', 'y', 'numpy_version', 'runtime_s', 'worker', 'key']
    """
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InvalidInput("rows", "a list of row dicts", describe(rows))
    params = sorted({k for r in rows for k in (r.get("params") or {})})
    measured = sorted({k for r in rows for k in (r.get("measured") or {})} - set(params))
    versions = sorted({f"{k}_version" for r in rows for k in (r.get("versions") or {})})
    return ["experiment", *params, "seed", "status", "error", *measured, *versions, "runtime_s", "worker", "key"]


def _csv_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # round-trips exactly; nan and inf as 'nan' / 'inf'
    return str(v)


def write_tables(rows: list[dict], out: str | Path, *, parquet: bool = True,
                 record: list | tuple | None = None, ordered: bool = False) -> list[Path]:
    """Write ``table.csv`` (and ``table.parquet`` when pyarrow is importable and ``parquet``) for
    ``rows`` (as from :meth:`Journal.rows`), each atomically; returns the paths written.
    ``record`` (the spec's) chooses the quantity columns through :func:`apply_record`;
    ``ordered=True`` says ``rows`` are already in canonical order (:meth:`Journal.rows` is), so
    they are not sorted again.

    >>> import tempfile
    >>> paths = write_tables([], tempfile.mkdtemp(), parquet=False)
    >>> paths[0].read_text().splitlines()[0]
    'experiment,seed,status,error,runtime_s,worker,key'
    """
    folder = _folder(out)
    if not isinstance(rows, list):
        raise InvalidInput("rows", "a list of row dicts", describe(rows))
    if not isinstance(ordered, bool):
        raise InvalidInput("ordered", "True or False", describe(ordered))
    folder.mkdir(parents=True, exist_ok=True)
    rows = [apply_record(r, record) for r in rows]
    if not ordered:
        rows.sort(key=sort_key)
    cols = table_columns(rows)
    flat = [flat_row(r) for r in rows]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for f in flat:
        w.writerow([_csv_text(f.get(c)) for c in cols])
    written = [atomic_write_text(folder / CSV_NAME, buf.getvalue())]
    if parquet:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            return written
        arrays = {}
        for c in cols:
            vals = [f.get(c) for f in flat]
            present = [v for v in vals if v is not None]
            if present and all(isinstance(v, bool) for v in present):
                arrays[c] = pa.array(vals, type=pa.bool_())
            elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
                arrays[c] = pa.array(vals, type=pa.int64())
            elif present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
                arrays[c] = pa.array([None if v is None else float(v) for v in vals], type=pa.float64())
            else:
                arrays[c] = pa.array([None if v is None else _csv_text(v) for v in vals], type=pa.string())
        table = pa.table(arrays) if arrays else pa.table({})
        with atomic_path(folder / PARQUET_NAME) as tmp:
            pq.write_table(table, tmp)
        written.append(folder / PARQUET_NAME)
    return written


def read_table_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows of a written ``table.csv`` as dicts of strings (for tests and quick looks).

    >>> import tempfile
    >>> read_table_csv(write_tables([], tempfile.mkdtemp(), parquet=False)[0])
    []
    """
    if not isinstance(path, (str, Path)) or not Path(path).is_file():
        raise InvalidInput("path", "an existing table.csv", describe(path))
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
