"""The proofs of S1–S6: each verifies with its claimed status, and each rejects a deliberately wrong claim."""

from __future__ import annotations

import dataclasses
import importlib
from functools import partial

import pytest
import sympy as sp

from qnnsym.theorems import Golden, Step, verify_theorem
from claims import reject
from verified import verified

MODULES = {
    "S1": "qnnsym.proofs.s01_gradient_formula",
    "S2": "qnnsym.proofs.s02_residual_dynamics",
    "S3": "qnnsym.proofs.s03_kernel_regression",
    "S4": "qnnsym.proofs.s04_gradient_variance_bound",
    "S5": "qnnsym.proofs.s05_kernel_boundary",
    "S6": "qnnsym.proofs.s06_kernel_deviation",
}
CLAIMED = {"S1": "PROVED", "S2": "PROVED", "S3": "PROVED", "S4": "PROVED", "S5": "PROVED", "S6": "CHECKED"}
PROVED_ALL = {"S1": "PROVED", "S2": "PROVED", "S4": "PROVED", "S5": "PROVED"}


def _mod(tid):
    return importlib.import_module(MODULES[tid])


def _describe(res):
    return res.describe()


@pytest.mark.parametrize("tid", sorted(MODULES))
def test_theorem_verifies_with_its_claim(tid):
    thm = _mod(tid).build()
    assert thm.id == tid and thm.claimed == CLAIMED[tid]
    res = verified(tid)
    assert res.passed, _describe(res)
    assert res.shown == res.claimed == CLAIMED[tid], _describe(res)
    if thm.property is not None:
        assert res.property_examples >= 25
    assert res.numeric is not None and res.numeric.passed


def _verify(thm, known=None, property_examples=10):
    return reject(thm, known=known or PROVED_ALL, property_examples=property_examples)


def _cheap(thm, **changes):
    """``thm`` with one cheap closing step instead of its derivation (so only ``changes`` can fail)."""
    x = sp.Symbol("x")
    changes.setdefault("steps", [Step("x = x", "expand", x, x)])
    changes.setdefault("golden", [])
    return dataclasses.replace(thm, **changes)


def _step_not_shown(res):
    """A step meant to close did not (declared-open steps of a CHECKED theorem do not count)."""
    return bool(res.undeclared_gaps)


# ----------------------------------------------------------------------------- S1
def test_s1_rejects_a_wrong_shift_angle():
    mod = _mod("S1")
    thm = dataclasses.replace(mod.build(), numeric=None, property=None, golden=[],
                              steps=[mod._shift_rule_step(sp.pi / 8, 1, frequency=2)])
    assert _step_not_shown(_verify(thm))


def test_s1_rejects_a_wrong_shift_in_the_property():
    mod = _mod("S1")
    res = _verify(_cheap(mod.build(), numeric=None, property=partial(mod._property, shift_scale=0.5)))
    assert "AssertionError" in res.property_failure


def test_s1_rejects_a_wrong_golden_value():
    mod = _mod("S1")
    wrong = mod._golden_expected() + sp.Matrix([[0, 0, 0, sp.Rational(1, 10**6)], [0, 0, 0, 0]])
    thm = _cheap(mod.build(), numeric=None, property=None, golden=[Golden("perturbed", mod._golden_by_formula, wrong)])
    assert _verify(thm).golden_failures


# ----------------------------------------------------------------------------- S2
def test_s2_rejects_the_wrong_sign_of_the_residual_flow():
    mod = _mod("S2")
    thm = dataclasses.replace(mod.build(), numeric=None, property=None, steps=mod._steps(sign=+1))
    assert _step_not_shown(_verify(thm))
    res = _verify(_cheap(mod.build(), numeric=partial(mod._numeric, sign=+1.0), property=None))
    assert not res.numeric.passed


# ----------------------------------------------------------------------------- S3
def test_s3_rejects_a_wrong_rate_and_a_wrong_mode_equation():
    mod = _mod("S3")
    res = _verify(_cheap(mod.build(), numeric=partial(mod._numeric, eta_scale=1.01), property=None))
    assert not res.numeric.passed
    t, eta, lam, c = sp.symbols("t eta lambda c", positive=True)
    mode = c * sp.exp(-eta * lam * t)
    wrong = Step("r′ = +ηλr (wrong sign)", "expand", sp.diff(mode, t), eta * lam * mode)
    assert _step_not_shown(_verify(_cheap(mod.build(), numeric=None, property=None, steps=[wrong])))


# ----------------------------------------------------------------------------- S4
def test_s4_rejects_wrong_constants():
    mod = _mod("S4")
    thm = dataclasses.replace(mod.build(), numeric=None, property=None, steps=mod._steps(frobenius_factor=1))
    assert _step_not_shown(_verify(thm))
    res = _verify(_cheap(mod.build(), numeric=partial(mod._numeric, factor=1.9), property=None))
    assert not res.numeric.passed
    res = _verify(_cheap(mod.build(), numeric=None, property=partial(mod._property, factor=1.9)))
    assert "AssertionError" in res.property_failure


def test_s4_nonnegativity_check_has_teeth():
    mod = _mod("S4")
    x, y = sp.symbols("x y", real=True)
    # a true identity whose right side is not non-negative: must not close
    step = mod._nonneg_step("x² − y² = (x − y)(x + y)", x**2 - y**2, (x - y) * (x + y), "expand")
    from qnnsym.theorems import close_step

    assert not close_step(step).closed
    assert close_step(mod._nonneg_step("(x − y)² ≥ 0", x**2 - 2 * x * y + y**2, (x - y) ** 2, "expand")).closed


# ----------------------------------------------------------------------------- S5
def test_s5_rejects_a_wrong_constant():
    mod = _mod("S5")
    thm = dataclasses.replace(mod.build(), numeric=None, property=None, steps=mod._steps(constant=2))
    assert _step_not_shown(_verify(thm))
    res = _verify(_cheap(mod.build(), numeric=partial(mod._numeric, constant=0.4), property=None))
    assert not res.numeric.passed
    res = _verify(_cheap(mod.build(), numeric=None, property=partial(mod._property, constant=0.4)), property_examples=25)
    assert "AssertionError" in res.property_failure


def test_s5_is_not_proved_unless_s4_is():
    thm = dataclasses.replace(_mod("S5").build(), numeric=None, property=None)
    res = verify_theorem(thm, known={"S2": "PROVED", "S4": "CHECKED"})
    assert not res.passed and res.shown != "PROVED"
    assert verify_theorem(thm, known=PROVED_ALL).shown == "PROVED"


# ----------------------------------------------------------------------------- S6
def test_s6_rejects_an_ntk_style_claim():
    mod = _mod("S6")
    # "the parameters do not move less as p grows" (exponent 0) and "the kernel barely moves" are both rejected
    res = _verify(dataclasses.replace(mod.build(), numeric=partial(mod._numeric, expected_exponent=0.0)))
    assert not res.numeric.passed
    res = _verify(dataclasses.replace(mod.build(), numeric=partial(mod._numeric, deviation_floor=0.999)))
    assert not res.numeric.passed


def test_s6_cannot_claim_proved():
    thm = dataclasses.replace(_mod("S6").build(), claimed="PROVED")
    res = verify_theorem(thm, known=PROVED_ALL)
    assert not res.passed and res.shown == "CHECKED"
