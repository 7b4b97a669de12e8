"""The Theorem/Step machinery: claims are re-checked and a checker can fail."""

import sympy as sp
import pytest
from hypothesis import given, settings, strategies as st

from qnnsym.errors import InvalidInput
from qnnsym.theorems import Golden, NumericEvidence, Step, Theorem, close_step, verify_theorem

x = sp.Symbol("x", real=True)
d = sp.Symbol("d", positive=True, integer=True)


def test_step_closes_by_its_named_rewrite_only():
    step = Step("double angle", "expand_trig", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x))
    assert close_step(step).closed
    # the same identity does not close by plain expansion: reported as not shown, never as false
    res = close_step(Step("double angle", "expand", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x)))
    assert not res.closed and "sin(2*x)" in res.residual


def test_wrong_step_is_not_shown_and_fails_a_proved_claim():
    wrong = Step("wrong constant", "cancel", 1 / (d**2 - 1), 1 / (d**2 + 1))
    thm = Theorem("t", "wrong", "...", "PROVED", steps=[wrong])
    res = verify_theorem(thm)
    assert res.shown == "NOT SHOWN" and not res.passed


def test_unknown_rewrite_is_not_shown():
    assert not close_step(Step("?", "magic", x, x)).closed


def test_golden_value_mismatch_fails():
    thm = Theorem("g", "golden", "...", "PROVED", golden=[Golden("Wg", lambda: 1 / (d**2 - 1), -1 / (d * (d**2 - 1)))])
    res = verify_theorem(thm)
    assert not res.passed and res.golden_failures


def test_checked_claim_passes_on_numeric_evidence_and_fails_on_bad_evidence():
    good = Theorem("n", "numeric", "...", "CHECKED", numeric=lambda profile: NumericEvidence(1e-13, 1e-10))
    assert verify_theorem(good).passed and verify_theorem(good).shown == "CHECKED"
    bad = Theorem("n", "numeric", "...", "CHECKED", numeric=lambda profile: NumericEvidence(1e-3, 1e-10))
    assert not verify_theorem(bad).passed
    nan = Theorem("n", "numeric", "...", "CHECKED", numeric=lambda profile: NumericEvidence(float("nan"), 1.0))
    assert not verify_theorem(nan).passed


def test_property_failure_is_reported():
    def prop(n):
        @settings(max_examples=n, derandomize=True, database=None)
        @given(st.integers(0, 100))
        def check(k):
            assert k < 50

        check()
        return n

    res = verify_theorem(Theorem("p", "prop", "...", "CHECKED", property=prop))
    assert not res.passed and "AssertionError" in res.property_failure


def test_proved_claim_needs_steps():
    with pytest.raises(InvalidInput, match="steps"):
        Theorem("x", "x", "x", "PROVED")
    with pytest.raises(InvalidInput, match="claimed"):
        Theorem("x", "x", "x", "TRUE")


def test_a_crashing_numeric_check_fails_with_its_reason():
    def boom(profile):
        raise RuntimeError("kaput")

    res = verify_theorem(Theorem("c", "crash", "...", "CHECKED", numeric=boom))
    assert not res.passed and "kaput" in res.error


def test_by_steps_close_only_when_the_cited_theorem_was_proved():
    from qnnsym.theorems import verify_all

    base_ok = Theorem("A", "a", "...", "PROVED", steps=[Step("t", "expand", x * (x + 1), x**2 + x)])
    base_checked = Theorem("B", "b", "...", "CHECKED", numeric=lambda p: NumericEvidence(0.0, 1.0))
    top = Theorem("C", "c", "...", "PROVED", steps=[Step("use A", "by A", uses=("A",)), Step("use B", "by B", uses=("B",))])
    results = {r.id: r for r in verify_all([top, base_checked, base_ok], only=["C"])}
    assert list(results) == ["A", "B", "C"]  # dependencies first
    assert results["C"].steps[0].closed and not results["C"].steps[1].closed
    assert results["C"].shown == "NOT SHOWN" and not results["C"].passed


def test_dependency_cycle_and_unknown_ids_are_errors():
    from qnnsym.theorems import dependency_order

    a = Theorem("A", "a", "...", "CHECKED", uses=["B"])
    b = Theorem("B", "b", "...", "CHECKED", uses=["A"])
    with pytest.raises(InvalidInput, match="cycle"):
        dependency_order([a, b])
    with pytest.raises(InvalidInput, match="only"):
        dependency_order([a], only=["Z"])


def test_several_distinct_property_failures_are_each_named():
    # hypothesis raises an ExceptionGroup when it finds failures at different places; the report
    # must name each one (a CI run once showed only "ExceptionGroup: ... 2 sub-exceptions")
    def prop(n):
        @settings(max_examples=n, derandomize=True, database=None)
        @given(st.integers(0, 100))
        def check(k):
            if k > 80:
                raise ValueError(f"too large: {k}")
            assert k < 50

        check()
        return n

    res = verify_theorem(Theorem("p", "prop", "...", "CHECKED", property=prop), property_examples=200)
    assert not res.passed
    assert "distinct failures" in res.property_failure
    assert "AssertionError" in res.property_failure and "ValueError: too large" in res.property_failure


def test_checked_claim_fails_on_a_step_that_should_close_and_does_not():
    evidence = lambda profile: NumericEvidence(1e-13, 1e-10)  # noqa: E731
    declared = Step("an argued step", "open: argued")
    wrong = Step("wrong constant", "cancel", 1 / (d**2 - 1), 1 / (d**2 + 1))
    ok = verify_theorem(Theorem("c", "checked", "...", "CHECKED", steps=[declared], numeric=evidence))
    assert ok.passed and ok.shown == "CHECKED"
    bad = verify_theorem(Theorem("c", "checked", "...", "CHECKED", steps=[declared, wrong], numeric=evidence))
    assert not bad.passed and bad.shown == "CHECKED"
