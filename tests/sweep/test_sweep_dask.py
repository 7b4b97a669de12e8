"""Dask distributed: a real LocalCluster on loopback, started and shut down in each test."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from qnnsym.sweep import DaskExecutor, parse_spec, read_journal, read_table_csv, run_sweep

distributed = pytest.importorskip("distributed", reason="the [distributed] extra (dask[distributed]) is not installed")

VOLATILE = ("runtime_s", "worker")


def _table(folder):
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in read_table_csv(folder / "table.csv")]


def _cluster():
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address=None, silence_logs=50)


def test_dask_local_cluster_gives_the_same_table_as_the_local_pool(tmp_path):
    spec = parse_spec({"experiment": "E4", "seeds": 2, "record": ["final_loss", "kernel_deviation", "theta_drift", "kind"],
                       "grid": {"d": 4, "p": [8, 16], "m": 2, "t_final": 2.0, "dt": 0.1}})
    pool = run_sweep(spec, tmp_path / "pool", executor="pool", workers=2, progress=None)
    with _cluster() as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        res = run_sweep(spec, tmp_path / "dask", executor=f"dask:{cluster.scheduler_address}", progress=None)
    assert pool.ok and res.ok and res.executor == "dask" and res.workers == 2
    assert _table(tmp_path / "pool") == _table(tmp_path / "dask")
    workers = {r["worker"] for r in read_table_csv(tmp_path / "dask" / "table.csv")}
    assert all(w.split(":")[1] != str(os.getpid()) for w in workers)  # the cells ran in the workers


def test_a_worker_killed_mid_sweep_still_gives_every_cell_exactly_once(tmp_path):
    cells = 12
    spec = parse_spec({"experiment": "sweep_helpers:slow", "grid": {"x": list(range(cells)), "delay": 0.4}})
    journal = tmp_path / "journal.jsonl"
    with _cluster() as cluster:
        ex = DaskExecutor(cluster.scheduler_address)
        try:
            pids = ex.client.run(os.getpid)  # worker address -> pid
            assert len(pids) == 2
            killed = []

            def kill_one_worker():
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not (journal.exists() and journal.read_bytes().count(b"\n") >= 2):
                    time.sleep(0.05)
                time.sleep(0.1)  # both workers are inside a 0.4 s cell now
                pid = sorted(pids.values())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

            killer = threading.Thread(target=kill_one_worker)
            killer.start()
            res = run_sweep(spec, tmp_path, executor=ex, progress=None)
            killer.join()
        finally:
            ex.close()
    assert killed, "the worker was not killed"
    rows = read_journal(journal)
    assert sorted(r["params"]["x"] for r in rows) == list(range(cells))  # every cell once, none twice
    assert all(r["status"] == "ok" for r in rows), [r["error"] for r in rows if r["status"] != "ok"]
    assert res.ok and res.ran == cells
    assert [r["y"] for r in read_table_csv(tmp_path / "table.csv")] == [repr(10.0 * x) for x in range(cells)]
    with pytest.raises(ProcessLookupError):  # the worker really died (its cell was rescheduled)
        os.kill(killed[0], 0)


def test_cli_dask_local_starts_and_stops_its_own_cluster(tmp_path, capsys):
    from qnnsym.cli import main

    spec = tmp_path / "s.toml"
    spec.write_text('experiment = "sweep_helpers:square"\nseeds = 2\n[grid]\nx = [1, 2, 3]\n')
    assert main(["sweep", str(spec), "--serial", "--out", str(tmp_path / "serial")]) == 0
    assert main(["sweep", str(spec), "--dask", "local", "--workers", "2", "--out", str(tmp_path / "dask")]) == 0
    captured = capsys.readouterr()
    assert "to run on dask (2 workers)" in captured.err and "6/6 cells done (0 failed)" in captured.err
    import importlib.util

    # the dashboard's address is printed exactly when the cluster serves one (it needs bokeh)
    assert ("Dask dashboard at http://127.0.0.1:" in captured.err) == (importlib.util.find_spec("bokeh") is not None)
    assert _table(tmp_path / "serial") == _table(tmp_path / "dask")
    assert main(["sweep", str(spec), "--dask", "local", "--out", str(tmp_path / "dask")]) == 0  # all done:
    assert "ran 0, skipped 6" in capsys.readouterr().out  # no cluster is started for nothing
