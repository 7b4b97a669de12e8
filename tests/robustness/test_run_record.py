"""`qnnsym verify --json` records what is needed to repeat a run, and repeating it gives the same record."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qnnsym.cli import main
from qnnsym.conformance import CHECKS, check_seeds, run_conformance
from qnnsym.runrecord import PACKAGES, comparable


def _verify_json(path, capsys) -> dict:
    argv = ["verify", "--only", "haar-moment-4", "S7", "--json", str(path)]
    assert main(argv) == 0
    capsys.readouterr()
    return json.loads(path.read_text())


def test_two_runs_give_the_same_record(tmp_path, capsys):
    path = tmp_path / "run.json"
    first = _verify_json(path, capsys)
    second = _verify_json(path, capsys)
    assert first["timestamp"] and "seconds" in first  # the volatile parts exist ...
    assert comparable(first) == comparable(second)  # ... and nothing else differs
    # what the record must carry to repeat the run
    assert first["argv"] == ["qnnsym", "verify", "--only", "haar-moment-4", "S7", "--json", str(path)]
    assert set(PACKAGES) <= set(first["versions"]) and first["versions"]["numba"] != "not installed"
    for key in ("python", "platform", "machine", "processor", "numpy_blas"):
        assert key in first["environment"]
    assert first["hypothesis"]["derandomize"] is True and first["hypothesis"]["max_examples"] == first["property_examples"]
    assert first["numba_cache"] in (True, False)
    assert first["checks"][0]["seeds"] == [31, 32, 33]
    (s7,) = first["theorems"]
    assert s7["numeric"]["seeds"], "theorem numeric evidence without seeds"


def test_a_changed_seed_changes_the_record(tmp_path, capsys, monkeypatch):
    """The comparison is sharp: the same command with a different Monte Carlo seed differs."""
    import qnnsym.conformance as conf

    path = tmp_path / "run.json"
    base = comparable(_verify_json(path, capsys))["checks"]
    original = conf._haar_moment

    def shifted(power, exact):
        import qnnsym.numeric.haar as haar

        real = haar.haar_average
        monkeypatch.setattr(haar, "haar_average", lambda f, d, n_samples, seed: real(f, d=d, n_samples=n_samples, seed=seed + 1))
        try:
            return original(power, exact)
        finally:
            monkeypatch.setattr(haar, "haar_average", real)

    monkeypatch.setattr(conf, "_haar_moment", shifted)
    assert main(["verify", "--only", "haar-moment-4", "--json", str(path)]) == 0
    capsys.readouterr()
    assert comparable(json.loads(path.read_text()))["checks"] != base


#: Checks cheap enough to run twice here (the rest run in tests/test_cli.py).
FAST = [n for n in CHECKS if n not in ("gd-tracks-flow", "adjoint-vs-finite-differences", "symbolic-vs-adjoint",
                                       "weingarten-vs-monte-carlo", "haar-second-moments-vs-monte-carlo")]


@pytest.mark.parametrize("name", FAST)
def test_declared_seeds_are_the_seeds_used(name, monkeypatch):
    """Every integer seed handed to numpy while a check runs is among the seeds it declares, and back."""
    used: set[int] = set()
    real = np.random.default_rng

    def recording(seed=None, *args, **kwargs):
        if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            used.add(int(seed))
        return real(seed, *args, **kwargs)

    monkeypatch.setattr(np.random, "default_rng", recording)
    (res,) = run_conformance(only=[name])
    assert res.passed, res.detail
    assert set(res.seeds) == used == set(check_seeds(name)), (sorted(used), res.seeds)
