"""The journal: torn last lines, which row wins, canonical table order, Parquet = CSV."""

from __future__ import annotations

import json
import random

import pytest

from qnnsym.errors import InvalidInput
from qnnsym.sweep import Journal, latest_rows, read_journal, read_table_csv, write_tables


def _row(key, x, seed, status="ok", y=1.0):
    return {"key": key, "experiment": "sweep_helpers:square", "params": {"x": x}, "seed": seed, "status": status,
            "error": "" if status == "ok" else "ValueError: no", "measured": {"y": y} if status == "ok" else {},
            "versions": {"qnnsym": "0.1.0"}, "runtime_s": 0.5, "worker": "h:1"}


def test_torn_last_line_is_ignored_and_cut_before_the_next_append(tmp_path):
    j = Journal(tmp_path)
    j.append(_row("a", 1, 0))
    j.close()
    with open(j.path, "ab") as fh:
        fh.write(b'{"key": "b", "experiment": "E1", "par')  # a crash in the middle of a write
    assert [r["key"] for r in read_journal(j.path)] == ["a"]
    j.append(_row("c", 3, 0))
    j.close()
    lines = j.path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and [json.loads(x)["key"] for x in lines[:-1]] == ["a", "c"]


def test_a_corrupt_complete_line_is_an_error_not_silently_dropped(tmp_path):
    (tmp_path / "journal.jsonl").write_text('{"key": "a"}\nnot json\n{"key": "b"}\n')
    with pytest.raises(InvalidInput) as info:
        Journal(tmp_path).rows()
    assert info.value.argument == "journal" and "line 2" in str(info.value)


def test_ok_beats_failed_and_the_later_row_of_a_status_wins():
    rows = [_row("a", 1, 0, "failed"), _row("a", 1, 0, "ok", y=2.0), _row("a", 1, 0, "failed"),
            _row("b", 2, 0, "failed"), _row("b", 2, 0, "failed")]
    rows[-1]["error"] = "newer"
    out = {r["key"]: r for r in latest_rows(rows)}
    assert out["a"]["status"] == "ok" and out["a"]["measured"] == {"y": 2.0}
    assert out["b"]["error"] == "newer"


def test_table_order_does_not_depend_on_completion_order(tmp_path):
    rows = [_row(f"k{x}{s}", x, s, y=float(x)) for x in (2, 10, 1) for s in (1, 0)]
    texts = []
    for trial in range(3):
        random.Random(trial).shuffle(rows)
        write_tables(list(rows), tmp_path / str(trial))
        texts.append((tmp_path / str(trial) / "table.csv").read_text())
    assert texts[0] == texts[1] == texts[2]
    table = read_table_csv(tmp_path / "0" / "table.csv")
    assert [(r["x"], r["seed"]) for r in table] == [("1", "0"), ("1", "1"), ("2", "0"), ("2", "1"), ("10", "0"), ("10", "1")]


def test_parquet_holds_the_same_rows_as_the_csv(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="the [parquet] extra (pyarrow) is not installed")
    rows = [_row("a", 1, 0, y=0.1 + 0.2), _row("b", 2, 0, "failed")]
    write_tables(rows, tmp_path)
    table = pq.read_table(tmp_path / "table.parquet").to_pylist()
    csv_rows = read_table_csv(tmp_path / "table.csv")
    assert [r["key"] for r in table] == [r["key"] for r in csv_rows] == ["a", "b"]
    assert table[0]["y"] == 0.1 + 0.2 and float(csv_rows[0]["y"]) == 0.1 + 0.2  # exact round trip
    assert table[1]["y"] is None and table[1]["status"] == "failed" and table[0]["x"] == 1
