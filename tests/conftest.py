"""Test configuration: hypothesis profiles and one numba warm-up per session.

Profiles (select with HYPOTHESIS_PROFILE=...):

- ``ci`` (default): derandomised, so every run draws the same examples; modest counts.
- ``thorough``: randomised, 10x the examples, for long local runs.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=30,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    derandomize=False,
    deadline=None,
    max_examples=300,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def _compiled_engine():
    """Compile (or load from cache) every numba kernel once per test session."""
    from qnnsym.numeric import warmup

    warmup()
