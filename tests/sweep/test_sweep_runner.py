"""Running sweeps: resumption without re-running done cells, failures recorded, serial = pool,
E1-E4 and the command line."""

from __future__ import annotations

import pytest

from qnnsym.cli import main
from qnnsym.sweep import parse_spec, read_journal, read_table_csv, run_sweep

VOLATILE = ("runtime_s", "worker")


def _table(folder):
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in read_table_csv(folder / "table.csv")]


def test_rerun_skips_done_cells_without_running_them(tmp_path):
    calls = tmp_path / "calls.txt"
    spec = parse_spec({"experiment": "sweep_helpers:square", "seeds": 2,
                       "grid": {"x": [1, 2, 3], "calls": str(calls)}})
    first = run_sweep(spec, tmp_path / "out", executor="serial", progress=None)
    assert (first.ran, first.skipped, first.ok) == (6, 0, True)
    assert len(calls.read_text().splitlines()) == 6
    bigger = parse_spec({"experiment": "sweep_helpers:square", "seeds": 3,
                         "grid": {"x": [1, 2, 3], "calls": str(calls)}})
    second = run_sweep(bigger, tmp_path / "out", executor="serial", progress=None)
    assert (second.ran, second.skipped) == (3, 6)
    assert sorted(calls.read_text().splitlines()[6:]) == ["1 2", "2 2", "3 2"]  # only the new seed ran
    assert len(read_journal(tmp_path / "out" / "journal.jsonl")) == 9
    assert [r["y"] for r in read_table_csv(tmp_path / "out" / "table.csv")] == \
        [repr(float(x * x + s)) for x in (1, 2, 3) for s in (0, 1, 2)]


def test_a_failed_cell_is_recorded_the_sweep_goes_on_and_a_rerun_retries_it(tmp_path):
    spec = parse_spec({"experiment": "sweep_helpers:fragile", "grid": {"x": [1, 2, 3]}})
    res = run_sweep(spec, tmp_path, executor="serial", progress=None)
    assert (res.ran, res.failed, res.ok) == (3, 1, False)
    table = read_table_csv(tmp_path / "table.csv")
    assert [r["status"] for r in table] == ["ok", "failed", "ok"]
    assert table[1]["error"] == "ValueError: x = 2 is not allowed" and table[1]["y"] == ""
    again = run_sweep(spec, tmp_path, executor="serial", progress=None)
    assert (again.ran, again.skipped, again.failed) == (1, 2, 1)  # only the failed cell ran again
    assert len(read_journal(tmp_path / "journal.jsonl")) == 4 and len(read_table_csv(tmp_path / "table.csv")) == 3


def test_serial_and_local_pool_give_identical_tables(tmp_path):
    spec = parse_spec({"experiment": "E4", "seeds": 2, "record": ["final_loss", "kernel_deviation", "theta_drift", "kind"],
                       "grid": {"d": 4, "p": [8, 16], "m": 2, "t_final": 2.0, "dt": 0.1}})
    a = run_sweep(spec, tmp_path / "serial", executor="serial", progress=None)
    b = run_sweep(spec, tmp_path / "pool", executor="pool", workers=2, progress=None)
    assert a.ok and b.ok and b.executor == "local pool" and b.workers == 2
    assert _table(tmp_path / "serial") == _table(tmp_path / "pool")
    assert len({r["worker"] for r in read_table_csv(tmp_path / "pool" / "table.csv")} - {""}) >= 1


@pytest.mark.parametrize("experiment, grid, expect", [
    ("E1", {"p": 16, "d": 4, "m": 2, "t_final": 3.0, "dt": 0.1}, {"min_ratio_to_bound", "kernel_deviation", "exponent"}),
    ("E2", {"p": 16, "d": 4, "m": 2, "t_final": 1.0, "dt": 0.1}, {"sup_error", "flow_final_loss"}),
    ("E3", {"p": 16, "d": 4, "m": 2, "gamma": 2.0, "t_final": 3.0, "dt": 0.1}, {"flow_rate", "t_final_used"}),
])
def test_each_experiment_measures_its_quantities(tmp_path, experiment, grid, expect):
    res = run_sweep(parse_spec({"experiment": experiment, "grid": grid}), tmp_path, executor="serial", progress=None)
    assert res.ok, res.rows
    measured = res.rows[0]["measured"]
    assert expect <= set(measured)
    assert measured["final_loss"] < measured["initial_loss"]


def test_e4_cell_matches_the_figures_experiment():
    """A sweep cell is the same run as qnnsym figures' E4 at that p (same seeds, same engine)."""
    from qnnsym.figures_data import e4_deviation
    from qnnsym.sweep import measure_dense

    ref = e4_deviation(d=4, ps=(16,), m=2, t_final=2.0, dt=0.1, seed=3)
    cell = measure_dense("E4", {"d": 4, "p": 16, "m": 2, "t_final": 2.0, "dt": 0.1}, 3)
    assert cell["kernel_deviation"] == ref.summary["kernel_deviation"]["16"]
    assert cell["theta_drift"] == ref.summary["theta_drift"]["16"]
    assert cell["final_loss"] == ref.summary["L_final"]["16"]


def test_cli_sweep_exit_codes_and_dry_run(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text('experiment = "sweep_helpers:square"\nseeds = 2\n[grid]\nx = [1, 3]\n')
    assert main(["sweep", str(good), "--dry-run"]) == 0
    assert "4 cells" in capsys.readouterr().out and not (tmp_path / "sweeps").exists()
    assert main(["sweep", str(good), "--serial", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "ran 4, skipped 0" in out and "x=3: 2/2 ok; y 9.5 ± 0.7071" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('experiment = "sweep_helpers:fragile"\n[grid]\nx = [1, 2]\n')
    assert main(["sweep", str(bad), "--serial", "--out", str(tmp_path / "b")]) == 1
    assert "FAILED" in capsys.readouterr().out
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('experiment = "E1"\nspeed = 3\n')
    assert main(["sweep", str(wrong)]) == 2
    assert "qnnsym: error: speed: expected no such key" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["sweep", str(good), "--serial", "--dask", "local"])
    assert info.value.code == 2


def test_pool_worker_deaths_retry_the_innocent_and_record_the_culprit(tmp_path):
    # x = 0 kills its worker every time: it alone ends failed, the cells lost with it are rerun
    spec = parse_spec({"experiment": "sweep_helpers:deadly", "grid": {"x": [0, 2, 3]}})
    res = run_sweep(spec, tmp_path / "a", executor="pool", workers=2, progress=None)
    rows = {r["params"]["x"]: r for r in read_journal(tmp_path / "a" / "journal.jsonl")}
    assert sorted(rows) == [0, 2, 3] and len(read_journal(tmp_path / "a" / "journal.jsonl")) == 3  # each once
    assert rows[0]["status"] == "failed" and "worker process died while running this cell" in rows[0]["error"]
    assert all(rows[x]["status"] == "ok" and rows[x]["measured"]["y"] == x for x in (2, 3)) and res.failed == 1
    # x = 1 kills its worker once (a worker lost by accident): everything is rerun and ends ok
    spec = parse_spec({"experiment": "sweep_helpers:deadly", "grid": {"x": [1, 2, 3], "marker": str(tmp_path / "m")}})
    res = run_sweep(spec, tmp_path / "b", executor="pool", workers=2, progress=None)
    assert (tmp_path / "m").exists() and res.ok and res.ran == 3
    assert sorted(r["params"]["x"] for r in read_journal(tmp_path / "b" / "journal.jsonl")) == [1, 2, 3]
