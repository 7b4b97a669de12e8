"""The tables written while a sweep runs come from the latest row per key kept in memory (not a
re-read of the whole journal), equal the journal-derived table, and are rewritten less often
when a rewrite is slow."""

from __future__ import annotations

import random

from qnnsym.sweep import Journal, latest_rows, parse_spec, read_journal, run_sweep, write_tables
from qnnsym.sweep import runner as runner_module
from qnnsym.sweep import store as store_module


def _row(key, status, y):
    return {"key": key, "experiment": "sweep_helpers:square", "params": {"x": int(key[1:])}, "seed": 0,
            "status": status, "error": "" if status == "ok" else "ValueError: no",
            "measured": {"y": y} if status == "ok" else {}, "versions": {"qnnsym": "0"}, "runtime_s": 0.0, "worker": ""}


def test_the_in_memory_rows_equal_the_journal_derived_rows(tmp_path):
    rng = random.Random(3)
    j = Journal(tmp_path)
    j.append(_row("k0", "ok", 0.0))
    j.close()
    j = Journal(tmp_path)
    assert j.rows() == latest_rows(read_journal(j.path))  # loaded once from the file ...
    for i in range(60):  # ... then kept up to date on append: duplicates, ok beats failed, the later row wins
        j.append(_row(f"k{rng.randrange(8)}", rng.choice(["ok", "failed"]), float(i)))
        assert j.rows() == latest_rows(read_journal(j.path)), i
    j.close()
    assert Journal(tmp_path).rows() == j.rows()


def test_tables_written_mid_sweep_equal_the_journal_derived_table_without_rereading_it(tmp_path, monkeypatch):
    reads, checked = [], []
    real_read, real_write = store_module.read_journal, runner_module.write_tables

    def counting_read(path):
        reads.append(path)
        return real_read(path)

    def checking_write(rows, out, **kw):
        files = real_write(rows, out, **kw)
        ref = real_write(latest_rows(real_read(out / "journal.jsonl")), tmp_path / "ref", **kw)
        assert files[0].read_text() == ref[0].read_text()
        checked.append(len(rows))
        return files

    monkeypatch.setattr(store_module, "read_journal", counting_read)
    monkeypatch.setattr(runner_module, "write_tables", checking_write)
    monkeypatch.setattr(runner_module, "TABLE_INTERVAL", 0.0)
    monkeypatch.setattr(runner_module, "TABLE_COST_FACTOR", 0.0)  # a rewrite after every cell
    spec = parse_spec({"experiment": "sweep_helpers:fragile", "seeds": 3, "grid": {"x": [1, 2, 3]}})
    run_sweep(spec, tmp_path / "o", executor="serial", progress=None, parquet=False)
    run_sweep(spec, tmp_path / "o", executor="serial", progress=None, parquet=False)  # retries the failed cells
    assert checked == [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9]  # 9 cells + final, 3 retried + final
    assert len(reads) == 4  # each sweep reads the journal twice (what is done; the final table), never per rewrite


def test_a_slow_rewrite_stretches_the_interval(tmp_path, monkeypatch):
    import time
    import types

    # a fake clock the runner reads (so the test does not depend on the machine's speed): every
    # reading advances it by 10 ms, and a rewrite takes 0.2 s of it
    clock = [0.0]

    def monotonic():
        clock[0] += 0.01
        return clock[0]

    calls = []
    real_write = runner_module.write_tables

    def slow_write(rows, out, **kw):
        calls.append(len(rows))
        clock[0] += 0.2
        return real_write(rows, out, **kw)

    monkeypatch.setattr(runner_module, "time", types.SimpleNamespace(monotonic=monotonic, perf_counter=time.perf_counter))
    monkeypatch.setattr(runner_module, "write_tables", slow_write)
    monkeypatch.setattr(runner_module, "TABLE_INTERVAL", 0.0)
    spec = parse_spec({"experiment": "sweep_helpers:square", "grid": {"x": list(range(12))}})
    res = run_sweep(spec, tmp_path, executor="serial", progress=None, parquet=False)
    # the first rewrite took 0.2 s, so the next may come only TABLE_COST_FACTOR x 0.2 = 2 s later on the
    # fake clock, after all 12 cells (about 0.1 s of readings)
    assert res.ran == 12 and calls == [1, 12]  # one rewrite while running, then the final one
    # without the stretch (factor 0) every cell would rewrite: the mechanism, not the timing, is tested
    calls.clear()
    monkeypatch.setattr(runner_module, "TABLE_COST_FACTOR", 0.0)
    run_sweep(spec, tmp_path / "again", executor="serial", progress=None, parquet=False)
    assert calls == list(range(1, 13)) + [12]
