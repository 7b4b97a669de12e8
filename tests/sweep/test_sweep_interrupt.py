"""Ctrl-C during `qnnsym sweep`: exit 130, a readable table consistent with the journal, and a
re-run that finishes only the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from qnnsym.sweep import read_journal, read_table_csv

from sweep_helpers import pythonpath_env


def test_ctrl_c_leaves_a_consistent_table_and_exit_130(tmp_path):
    spec = tmp_path / "slow.toml"
    spec.write_text('experiment = "sweep_helpers:slow"\n[grid]\nx = [' + ", ".join(map(str, range(30))) + "]\ndelay = 0.15\n")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONUNBUFFERED="1", **pythonpath_env())
    cmd = [sys.executable, "-m", "qnnsym", "sweep", str(spec), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        journal = out / "journal.jsonl"
        while time.monotonic() < deadline and not (journal.exists() and journal.read_bytes().count(b"\n") >= 3):
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert stderr.strip().endswith("qnnsym: interrupted") and "Traceback" not in stderr, stderr
    rows = read_journal(out / "journal.jsonl")
    table = read_table_csv(out / "table.csv")
    assert 3 <= len(rows) < 30
    assert sorted(r["key"] for r in table) == sorted(r["key"] for r in rows)  # the table is the journal
    assert all(r["status"] == "ok" for r in table)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind
    done = len(rows)
    rerun = subprocess.run(cmd, cwd=tmp_path, env=env, text=True, capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"ran {30 - done}, skipped {done}" in rerun.stdout
    assert sorted(int(r["x"]) for r in read_table_csv(out / "table.csv")) == list(range(30))
