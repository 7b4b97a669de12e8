"""Monte Carlo numbers are reported with their standard errors; no conformance pass is decided
inside round-off of its tolerance."""

from __future__ import annotations

import re

import numpy as np
import pytest

from qnnsym.check import ARBITRATION_BAND
from qnnsym.conformance import CHECKS, run_conformance
from qnnsym.numeric.haar import MonteCarloResult, haar_average
from qnnsym.tolerances import MONTE_CARLO_Z

Z_ROWS = [n for n, (_, measure, _) in CHECKS.items() if measure == "z-score"]
ABS_ROWS = [n for n, (_, measure, _) in CHECKS.items() if measure == "abs error"]


def test_summary_carries_mean_stderr_n_seed_and_threshold():
    res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** 2, d=4, n_samples=4000, seed=3)
    text = res.summary(exact=0.25)
    assert f"(n=4000, seed=3)" in text and "±" in text and f"threshold {MONTE_CARLO_Z:g}" in text
    assert f"{res.mean:.4g}" in text and f"{res.stderr:.1e}" in text and f"z={res.z_score(0.25):.2f}" in text


def test_summary_of_a_vector_estimate_reports_every_component():
    res = MonteCarloResult(np.array([0.5, 0.25]), np.array([0.01, 0.02]), 100, 9)
    assert res.summary(exact=[0.5, 0.2]).startswith("0.5, 0.25 ± 1.0e-02, 2.0e-02 (n=100, seed=9) vs 0.5, 0.2: z=2.50")


@pytest.fixture(scope="module")
def results():
    return {r.name: r for r in run_conformance()}


def test_z_score_rows_report_standard_errors_n_and_seeds(results):
    assert len(Z_ROWS) >= 4
    for name in Z_ROWS:
        r = results[name]
        assert r.passed, (name, r.detail)
        assert r.tolerance == MONTE_CARLO_Z and r.seeds, name
        assert "±" in r.detail and re.search(r"n=\d+", r.detail), f"{name}: {r.detail}"


def test_abs_error_rows_pass_outside_the_round_off_band(results):
    """Every conformance tolerance is a round-off allowance; an error within a factor ARBITRATION_BAND
    below it would mean the pass is decided by round-off (and both sides are float64, so there is no
    exact side to arbitrate with).  The measured margins are 130x or more."""
    for name in ABS_ROWS:
        r = results[name]
        assert r.passed, (name, r.detail)
        if r.tolerance == 0.0:  # exact (Pauli algebra on small integers): == 0 is decided exactly
            assert r.max_error == 0.0
            continue
        assert r.max_error * ARBITRATION_BAND <= r.tolerance, (name, r.max_error, r.tolerance)
