"""The proofs S7–S10 verify as claimed, and deliberately wrong claims are rejected."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from qnnsym.theorems import Golden, Step, discover, verify_theorem
from verified import verified


@pytest.fixture(scope="module")
def theorems():
    return discover()


@pytest.mark.parametrize("tid", ["S7", "S8", "S9", "S10"])
def test_verifies_as_claimed(theorems, tid):
    thm = {t.id: t for t in theorems}[tid]
    assert verified(tid).id == tid
    for res in [verified(u) for u in (*thm.uses, tid)]:  # the theorem and what it cites
        detail = (res.id, res.shown, [s.claim for s in res.steps if not s.closed], res.golden_failures,
                  res.error, res.property_failure, res.numeric)
        assert res.passed, detail
        assert res.shown == res.claimed, detail


def _only(thm, **changes):
    """A copy of ``thm`` with some fields replaced (numeric and property off unless given)."""
    base = {"numeric": None, "property": None}
    base.update(changes)
    return dataclasses.replace(thm, **base)


# -- S7 -------------------------------------------------------------------------------------------


def test_s7_rejects_wrong_golden_and_wrong_weingarten():
    from qnnsym.proofs import s07_haar_second_moments as m
    from qnnsym.symbolic.symbols import d
    from qnnsym.symbolic.weingarten import weingarten

    thm = m.build()
    Z, X = sp.diag(1, -1), sp.Matrix([[0, 1], [1, 0]])
    from qnnsym.symbolic.haar import haar_trace_product

    wrong_golden = Golden("E tr(Z V X V†)² at d = 2 claimed 2/3 (it is 4/3)",
                          lambda: haar_trace_product([(Z, X), (Z, X)]), sp.Rational(2, 3))
    res = verify_theorem(_only(thm, golden=[wrong_golden]))
    assert not res.passed and res.golden_failures
    wrong_step = Step("Wg(e, d) = 1/d² (wrong)", "cancel", weingarten((0, 1), d), 1 / d**2)
    res = verify_theorem(_only(thm, steps=[wrong_step], golden=[]))
    assert not res.passed and res.shown == "NOT SHOWN"


def test_s7_rejects_wrong_frame_constant():
    from qnnsym.proofs import s07_haar_second_moments as m

    step = m._frame_step(2)
    wrong = Step(step.claim + " (claimed with d² − 1 instead of d)", "expand", step.lhs, 15 * step.rhs / 4)
    res = verify_theorem(_only(m.build(), steps=[wrong], golden=[]))
    assert not res.passed


# -- S8 -------------------------------------------------------------------------------------------


def test_s8_monte_carlo_rejects_wrong_coefficient():
    from qnnsym.proofs import s08_mean_kernel as m

    right = m.closed_form(general=True)
    wrong = right * sp.Rational(3, 2)  # 3dβ(M0)… instead of 2dβ(M0)…
    ev = m.make_numeric(wrong)("quick")
    assert not ev.passed, ev.detail


def test_s8_monte_carlo_rejects_missing_edge_effect():
    from qnnsym.proofs import s08_mean_kernel as m

    S = m.closed_form_symbols()
    # "every layer is bulk": the edge term dropped and the last layer counted as a Haar-followed layer
    wrong = m.closed_form(general=True).subs(S["c2"], 0)
    ev = m.make_numeric(wrong)("quick")
    assert not ev.passed, ev.detail


def test_s8_rejects_wrong_golden():
    from qnnsym.proofs import s08_mean_kernel as m

    thm = m.build()
    g = thm.golden[0]
    wrong = Golden(g.name + " (claimed without the −1/d)", g.compute, sp.Matrix([[sp.Rational(16, 9), 0], [0, sp.Rational(16, 9)]]))
    res = verify_theorem(_only(thm, golden=[wrong], steps=[]))
    assert not res.passed


# -- S9 -------------------------------------------------------------------------------------------


def test_s9_monte_carlo_rejects_unconditional_inverse_sqrt_law():
    """Claiming Var K_ii = the layer noise only (relative fluctuation → 0 like p^{-1/2}) must fail."""
    from qnnsym.proofs import s09_kernel_fluctuations as m

    def wrong(*args, **kwargs):
        ex = dict(m.exact_values(*args, **kwargs))
        ex["VarK"] = ex["layer_noise"]
        return ex

    ev = m.make_numeric(wrong)("quick")
    assert not ev.passed, ev.detail


def test_s9_rejects_gaussian_fourth_moment():
    from qnnsym.proofs import s09_kernel_fluctuations as m

    thm = m.build()
    g = thm.golden[0]  # c4(Z) at d = 2 is 16/5; a Gaussian approximation would say 3 β² (tr Y²)²/v² = 16/3
    wrong = Golden(g.name + " (Gaussian value)", g.compute, sp.Rational(16, 3))
    res = verify_theorem(_only(thm, golden=[wrong], steps=[]))
    assert not res.passed and res.golden_failures


# -- S10 ------------------------------------------------------------------------------------------


def test_s10_rejects_wrong_kappa():
    from qnnsym.proofs import s10_kernel_as_function_of_M as m

    # κ = p d/(d² − 1) is right for Pauli generators; claim κ = p/d instead
    ev = m.make_numeric(lambda model: model.n_params / model.dim)("quick")
    assert not ev.passed, ev.detail


def test_s10_frame_step_rejects_wrong_constant():
    from qnnsym.proofs import s10_kernel_as_function_of_M as m
    from qnnsym.proofkit import lazy_step
    from qnnsym.theorems import close_step

    assert close_step(m._frame_kernel_step(1)).closed
    lhs, rhs = m.frame_kernel_sides(1)
    wrong = lazy_step("n = 1 frame with κ = d² − 1 = 3 instead of d = 2 (wrong)", "expand", lambda: (lhs, rhs * sp.Rational(3, 2)))
    assert not close_step(wrong).closed
