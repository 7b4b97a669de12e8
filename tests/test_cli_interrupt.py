"""Ctrl-C and bad arguments on the command line: exit codes, one-line messages, no half-written files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qnnsym.atomic import atomic_path, atomic_write_text
from qnnsym.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _interrupt(args: list[str], cwd: Path, wait_for: str) -> tuple[int, str, str]:
    """Start ``python -m qnnsym *args``, send SIGINT once stdout shows ``wait_for`` (plus a moment
    of work), and return (exit code, stdout, stderr)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # A shell starts background jobs with SIGINT ignored, and Python keeps an ignored SIGINT
    # ignored; the child stands for a user at a terminal, so it gets the default disposition.
    proc = subprocess.Popen([sys.executable, "-m", "qnnsym", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = []
    deadline = time.monotonic() + 60
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            seen.append(line)
            if wait_for in line or time.monotonic() > deadline:
                break
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, "".join(seen) + out, err


def test_ctrl_c_during_verify_exits_130_cleanly_without_a_json_file(tmp_path):
    rc, out, err = _interrupt(["verify", "--json", str(tmp_path / "record.json")], tmp_path, "conformance checks")
    assert "numba kernels ready" in out  # it had started working
    assert rc == 130, (rc, err)
    assert err.strip() == "qnnsym: interrupted", err
    assert "Traceback" not in err + out
    assert list(tmp_path.iterdir()) == []  # neither the record nor a temporary file


def test_ctrl_c_during_docs_leaves_no_output(tmp_path):
    out_dir = tmp_path / "derivations"
    rc, out, err = _interrupt(["docs", "--out", str(out_dir)], tmp_path, "verifying")
    assert rc == 130 and err.strip() == "qnnsym: interrupted" and "Traceback" not in err, (rc, err)
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = atomic_write_text(tmp_path / "record.json", "old\n")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half of the new conte")
            raise KeyboardInterrupt
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_keyboard_interrupt_in_a_subcommand_returns_130(monkeypatch, capsys):
    import qnnsym.cli as cli

    def boom(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_info", boom)
    before = signal.getsignal(signal.SIGINT)  # default_int_handler, or SIG_IGN under a background job
    assert main(["info"]) == 130
    assert capsys.readouterr().err.strip() == "qnnsym: interrupted"
    assert signal.getsignal(signal.SIGINT) is before  # restored after reporting
