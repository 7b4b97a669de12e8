"""``record`` chooses the table's columns when the table is written: the journal keeps every
measured quantity, so changing ``record`` needs no re-run; the columns that decide the outcome
(``falsified`` and a property row's failure / reproduce text) are kept whatever ``record`` says."""

from __future__ import annotations

from qnnsym.cli import main
from qnnsym.sweep import parse_spec, read_journal, read_table_csv, run_sweep

VOLATILE = ("runtime_s", "worker")


def _table(folder):
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in read_table_csv(folder / "table.csv")]


def test_a_falsified_campaign_fails_even_when_record_leaves_falsified_out(tmp_path, capsys):
    spec = tmp_path / "camp.toml"
    spec.write_text('experiment = "property"\nseeds = 6\nrecord = ["examples"]\n'
                    '[property]\ntarget = "sweep_helpers:wrong_property"\nexamples = 20\n')
    assert main(["sweep", str(spec), "--serial", "--out", str(tmp_path / "o")]) == 1
    out = capsys.readouterr().out
    table = read_table_csv(tmp_path / "o" / "table.csv")
    bad = [r for r in table if r["falsified"] == "true"]
    assert bad and all(r["status"] == "ok" for r in table)
    assert f"over 6 seeds, {len(bad)} falsified" in out
    for r in bad:  # the failure and its reproduce command are in the table and the summary
        assert r["failure"].startswith("AssertionError: k = ") and f"seed={r['seed']}" in r["reproduce"]
        assert r["reproduce"] in out
    res = run_sweep(parse_spec({"experiment": "property", "seeds": 6, "record": ["examples"],
                                "property": {"target": "sweep_helpers:wrong_property", "examples": 20}}),
                    tmp_path / "o", executor="serial", progress=None)
    assert res.skipped == 6 and not res.ok and sum(bool(r["measured"]["falsified"]) for r in res.rows) == len(bad)


def _spec(calls, record):
    data = {"experiment": "sweep_helpers:square", "seeds": 2, "grid": {"x": [1, 2], "calls": str(calls)}}
    return parse_spec({**data, "record": record} if record else data)


def test_changing_record_needs_no_rerun_and_gives_the_new_columns(tmp_path):
    calls = tmp_path / "calls.txt"
    first = run_sweep(_spec(calls, ["y"]), tmp_path / "a", executor="serial", progress=None)
    assert first.ok and "parity" not in read_table_csv(tmp_path / "a" / "table.csv")[0]
    wider = run_sweep(_spec(calls, ["y", "parity"]), tmp_path / "a", executor="serial", progress=None)
    assert (wider.ran, wider.skipped, wider.ok) == (0, 4, True)
    assert len(calls.read_text().splitlines()) == 4  # nothing ran again
    assert [r["parity"] for r in read_table_csv(tmp_path / "a" / "table.csv")] == ["odd", "even", "even", "odd"]
    assert all(set(r["measured"]) == {"y", "parity"} for r in wider.rows)
    # consistent: the same table as a fresh sweep with that record
    run_sweep(_spec(calls, ["y", "parity"]), tmp_path / "b", executor="serial", progress=None)
    assert _table(tmp_path / "a") == _table(tmp_path / "b")
    # and back: a narrower record drops the column again, still without running anything
    narrow = run_sweep(_spec(calls, ["parity"]), tmp_path / "a", executor="serial", progress=None)
    assert narrow.ran == 0 and "y" not in read_table_csv(tmp_path / "a" / "table.csv")[0]
    assert all(set(r["measured"]) == {"y", "parity"} for r in read_journal(tmp_path / "a" / "journal.jsonl"))


def test_a_recorded_name_the_function_does_not_return_fails_those_cells(tmp_path):
    calls = tmp_path / "calls.txt"
    run_sweep(_spec(calls, None), tmp_path, executor="serial", progress=None)
    res = run_sweep(_spec(calls, ["y", "z"]), tmp_path, executor="serial", progress=None)
    assert not res.ok and res.ran == 4  # retried like any failed cell, and failed again
    table = read_table_csv(tmp_path / "table.csv")
    assert {r["status"] for r in table} == {"failed"}
    assert table[0]["error"] == "InvalidInput: record: expected quantities the task returns (parity, y), got ['z']"
