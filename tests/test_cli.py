"""`qnnsym verify` and `qnnsym info` (run in-process and as the installed command)."""

import json
import subprocess
import sys

from qnnsym.cli import main
from qnnsym.conformance import CHECKS, run_conformance


def test_every_conformance_check_passes():
    results = run_conformance()
    assert len(results) == len(CHECKS) >= 15
    failed = [(r.name, r.max_error, r.tolerance, r.detail) for r in results if not r.passed]
    assert not failed


def test_verify_prints_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "verify.json"
    rc = main(["verify", "--only", "pauli-matrices", "adjoint-vs-S1", "--json", str(out)])
    text = capsys.readouterr().out
    assert rc == 0
    assert "adjoint-vs-S1" in text and "tolerance" in text and "2 passed, 0 failed" in text
    record = json.loads(out.read_text())
    assert [c["name"] for c in record["checks"]] == ["pauli-matrices", "adjoint-vs-S1"]
    assert record["versions"]["numba"] != "not installed"


def test_verify_exits_nonzero_when_a_check_fails(monkeypatch, capsys):
    import qnnsym.conformance as conf

    desc, measure, _ = conf.CHECKS["pauli-matrices"]
    monkeypatch.setitem(conf.CHECKS, "pauli-matrices", (desc, measure, lambda: (1.0, 0.5, "deliberately wrong")))
    rc = main(["verify", "--only", "pauli-matrices"])
    assert rc == 1 and "FAILED pauli-matrices: deliberately wrong" in capsys.readouterr().out


def test_verify_reports_a_crashing_check_as_failure(monkeypatch, capsys):
    import qnnsym.conformance as conf

    def boom():
        raise RuntimeError("kaput")

    desc, measure, _ = conf.CHECKS["pauli-matrices"]
    monkeypatch.setitem(conf.CHECKS, "pauli-matrices", (desc, measure, boom))
    assert main(["verify", "--only", "pauli-matrices"]) == 1
    assert "RuntimeError: kaput" in capsys.readouterr().out


def test_unknown_check_is_a_clear_error(capsys):
    assert main(["verify", "--only", "nope"]) == 2
    assert "only: expected check names or theorem ids" in capsys.readouterr().err


def test_info_prints_conventions(capsys):
    assert main(["info", "--conventions"]) == 0
    out = capsys.readouterr().out
    assert "C1 (Layers)" in out and "C8" in out


def test_module_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "qnnsym", "verify", "--list"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "adjoint-vs-S1" in proc.stdout


def test_import_qnnsym_is_light():
    code = "import sys, qnnsym; print('numba' in sys.modules, 'sympy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["False", "False"]
