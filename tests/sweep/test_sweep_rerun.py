"""``--rerun`` / ``run_sweep(rerun=True)``: every cell runs again (the key's version comes from
package metadata, which an edit of an editable install does not change) into a new journal, the old
one kept aside: the table holds only the re-run's rows, failures included."""

from __future__ import annotations

from qnnsym.cli import main
from qnnsym.sweep import parse_spec, read_journal, read_table_csv, run_sweep


def test_rerun_runs_every_cell_again_and_the_newer_rows_win(tmp_path):
    counter = tmp_path / "calls.txt"
    spec = parse_spec({"experiment": "sweep_helpers:stamped", "grid": {"x": [1, 2], "counter": str(counter)}})
    first = run_sweep(spec, tmp_path / "o", executor="serial", progress=None)
    assert (first.ran, first.skipped) == (2, 0)
    assert run_sweep(spec, tmp_path / "o", executor="serial", progress=None).ran == 0
    again = run_sweep(spec, tmp_path / "o", executor="serial", progress=None, rerun=True)
    assert (again.ran, again.skipped, again.ok) == (2, 0, True)
    assert len(read_journal(tmp_path / "o" / "journal.jsonl")) == 2
    (kept,) = (tmp_path / "o").glob("journal.*.jsonl")  # the first run's journal, moved aside
    assert sorted(r["measured"]["call"] for r in read_journal(kept)) == [1, 2]
    table = read_table_csv(tmp_path / "o" / "table.csv")
    assert sorted(int(r["call"]) for r in table) == [3, 4]  # one row per cell: the re-run's


def test_a_cell_that_fails_on_rerun_shows_as_failed_not_as_its_old_ok_row(tmp_path):
    marker = tmp_path / "break"
    spec = parse_spec({"experiment": "sweep_helpers:broken_after", "grid": {"x": [1, 2], "marker": str(marker)}})
    assert run_sweep(spec, tmp_path / "o", executor="serial", progress=None).ok
    marker.write_text("now the code is broken")
    again = run_sweep(spec, tmp_path / "o", executor="serial", progress=None, rerun=True)
    assert (again.ran, again.failed, again.ok) == (2, 2, False)
    assert {r["status"] for r in read_table_csv(tmp_path / "o" / "table.csv")} == {"failed"}


def test_cli_rerun(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(f'experiment = "sweep_helpers:stamped"\n[grid]\nx = [1, 2]\ncounter = "{tmp_path / "n"}"\n')
    out = str(tmp_path / "o")
    assert main(["sweep", str(spec), "--serial", "--out", out]) == 0
    assert main(["sweep", str(spec), "--serial", "--out", out]) == 0
    assert "ran 0, skipped 2" in capsys.readouterr().out
    assert main(["sweep", str(spec), "--serial", "--out", out, "--rerun"]) == 0
    assert "ran 2, skipped 0" in capsys.readouterr().out
    assert (tmp_path / "n").read_text().count("\n") == 4
