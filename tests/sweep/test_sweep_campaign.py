"""Property campaigns: seeds draw independent examples, a false property is caught and its
reported seed reproduces the falsifying example; run_property without a seed is unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qnnsym.proofkit import property_seed, run_property
from qnnsym.sweep import parse_spec, property_task, reproduce_property, run_sweep, summary_lines


def _drawn(seed, n=15):
    seen = []

    @given(st.integers(0, 10**9))
    def prop(k):
        seen.append(k)

    assert run_property(prop, n, seed=seed) == n
    return seen


def test_seeds_draw_different_examples_and_the_same_seed_the_same_ones():
    assert _drawn(1) == _drawn(1)
    assert _drawn(1) != _drawn(2)


def test_without_a_seed_run_property_stays_derandomised():
    a, b = _drawn(None), _drawn(None)
    assert a == b
    with property_seed(5) as run:  # inside a campaign the seed comes from the context
        assert _drawn(None) == _drawn(5)
        assert run["examples"] == 30
    assert _drawn(None) == a


def test_a_campaign_finds_the_falsifying_example_and_its_seed_reproduces_it(tmp_path):
    spec = parse_spec({"experiment": "property", "seeds": 6,
                       "property": {"target": "sweep_helpers:wrong_property", "examples": 20}})
    res = run_sweep(spec, tmp_path, executor="pool", workers=2, progress=None)
    assert not res.ok and res.failed == 0 and res.falsified >= 1
    bad = [r for r in res.rows if r["measured"]["falsified"]]
    for r in bad:
        m = r["measured"]
        assert m["failure"].startswith("AssertionError: k = ") and "k=" in m["falsifying_example"]
        k = int(m["failure"].split()[3])
        assert 900 <= k <= 1000 and f"k={k}," in m["falsifying_example"]
        assert f"seed={r['seed']}" in m["reproduce"] and 1 <= m["examples"]
        with pytest.raises(AssertionError) as info:
            reproduce_property("sweep_helpers:wrong_property", seed=r["seed"], examples=20)
        assert str(info.value) in m["failure"]  # the same shrunk counterexample again
    total = sum(r["measured"]["examples"] for r in res.rows)
    text = "\n".join(summary_lines(res, spec))
    assert f"{total} examples over 6 seeds, {len(bad)} falsified" in text and "reproduce: python -c" in text


def test_a_true_theorem_property_runs_its_examples():
    row = property_task("S13", 3, 11)
    assert row == {"examples": 3, "falsified": False, "failure": "", "falsifying_example": "", "reproduce": ""}
