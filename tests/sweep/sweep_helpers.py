"""User functions and properties for the sweep tests (imported by name, ``sweep_helpers:fn``, in
worker processes too: the tests put this folder on PYTHONPATH)."""

from __future__ import annotations

import os
import time
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)


def square(x, seed, calls=""):
    """``y = x^2 + seed``; appends one line to the file ``calls`` (if given) per call."""
    if calls:
        with open(calls, "a") as fh:
            fh.write(f"{x} {seed}\n")
    return {"y": float(x * x + seed), "parity": "odd" if (x + seed) % 2 else "even"}


def fragile(x, seed):
    """Fails for x == 2 (a cell error the sweep must record and survive)."""
    if x == 2:
        raise ValueError(f"x = {x} is not allowed")
    return {"y": float(x + seed)}


def slow(x, seed, delay=0.3):
    """Sleeps ``delay`` seconds, then ``y = 10 x + seed`` (gives a test time to act mid-sweep)."""
    time.sleep(delay)
    return {"y": float(10 * x + seed)}


def wrong_property(max_examples: int) -> int:
    """A deliberately false property (every integer is below 900), run as a theorem's is."""
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.proofkit import run_property

    @given(st.integers(0, 1000))
    def prop(k):
        assert k < 900, f"k = {k} >= 900"

    return run_property(prop, max_examples)


def pythonpath_env() -> dict:
    """The environment with this folder on PYTHONPATH (for worker processes and subprocesses)."""
    old = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": HERE + (os.pathsep + old if old else "")}


def deadly(x, seed, marker=""):
    """Kills its own process for x == 0 (always) and, once, for x == 1 when ``marker`` does not
    exist yet (a worker lost by accident); otherwise ``y = x``."""
    import signal

    if x == 0 or (x == 1 and marker and not os.path.exists(marker)):
        if marker and x == 1:
            open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return {"y": float(x)}


def dies_twice(x, seed, counter=""):
    """Kills its own process on its first two calls (counted in the file ``counter``), then
    ``y = x``: a cell that ends as a pool suspect and then succeeds in the one-process pool."""
    import signal

    with open(counter, "a") as fh:
        fh.write("call\n")
    with open(counter) as fh:
        calls = len(fh.read().splitlines())
    if calls <= 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return {"y": float(x)}


def stamped(x, seed, counter=""):
    """``y = x`` and ``call``, the number of calls so far (counted in the file ``counter``):
    tells a row of a re-run from the row of the first run."""
    with open(counter, "a") as fh:
        fh.write(f"{x} {seed}\n")
    with open(counter) as fh:
        return {"y": float(x), "call": len(fh.read().splitlines())}


def broken_after(x, seed, marker=""):
    """``y = x`` until the file ``marker`` exists, then an error: code that broke between two runs."""
    if os.path.exists(marker):
        raise RuntimeError("broken since the marker appeared")
    return {"y": float(x)}
