"""The same seed gives bit-identical results across processes, with numba's cache on or off.

The computations are in ``repro_payload.py`` (Haar sampling, predict / Jacobian / tangent
kernel of a dense model and of a qubit circuit, gradient-descent steps, both asymptotic-flow
integrators, a Haar average); each array is reduced to the sha256 of its bytes.  Two
subprocesses run concurrently: cache off (``QNNSYM_NUMBA_CACHE=0``: every kernel compiled
afresh, nothing written; it is pointed at an empty ``NUMBA_CACHE_DIR`` to prove that) and
cache on with numba's own cache location (the one the test session's warmup has filled, so
the machine code is loaded from disk).  Both must match the values computed in the test
process.  (A third run compiling cold with the cache on would repeat the cache-off
compilation and double the runtime; it gave the same digests when tried by hand.)

About 25-50 s on 2 busy cores, almost all of it numba compiling the kernels from cold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PAYLOAD = HERE / "repro_payload.py"
sys.path.insert(0, str(HERE))
import repro_payload  # noqa: E402


def _env(cache: bool, cache_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["QNNSYM_NUMBA_CACHE"] = "1" if cache else "0"
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env.pop("NUMBA_DISABLE_JIT", None)
    return env


def _start(cache: bool, cache_dir: Path | None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(PAYLOAD)], env=_env(cache, cache_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _result(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    off_dir = tmp_path_factory.mktemp("numba_cache_unused")
    procs = [_start(False, off_dir), _start(True, None)]
    off, on = (_result(p) for p in procs)
    return {"off": off, "on": on, "off_dir": off_dir}


def test_cache_switch_reaches_the_subprocesses(runs):
    assert runs["off"]["cache"] is False and runs["on"]["cache"] is True
    assert not any(runs["off_dir"].rglob("*.nbi")), "cache off still wrote numba index files"


def test_bit_identical_across_processes_and_cache(runs):
    here = repro_payload.digests()
    assert len(here) >= 20
    for label in ("off", "on"):
        theirs = runs[label]["digests"]
        differ = sorted(k for k in here if theirs.get(k) != here[k])
        assert set(theirs) == set(here) and not differ, f"cache {label}: differs in {differ}"


def test_digest_detects_a_one_ulp_change():
    """The comparison is on bits: one ulp in one entry changes the digest."""
    import numpy as np

    a = repro_payload.arrays()["dense.jacobian"].copy()
    before = repro_payload._sha(a)
    a.flat[3] = np.nextafter(a.flat[3], np.inf)
    assert repro_payload._sha(a) != before
