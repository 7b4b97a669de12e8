"""Deliberately wrong claims that qnnsym's checks must reject (issue 6, "no silent wrong answers").

A checker that cannot fail is a defect.  Each entry of :data:`CATALOGUE` corrupts one correct
claim — a bound with the wrong constant, a Weingarten value with the wrong sign or factor, a
kernel with a flipped sign, a sabotaged engine — and runs it through the same machinery
``qnnsym verify`` uses (:func:`qnnsym.theorems.verify_theorem`, the conformance checks,
:func:`qnnsym.check.compare_expressions`, Monte Carlo z-scores, tail classification).  Every
entry is run twice, as a *control* (the correct claim, which must be accepted) and as the
*wrong* claim (which must be rejected), so a rejection cannot come from a checker that rejects
everything.

Monte Carlo entries: n = 40000 samples, fixed seeds, threshold z = MONTE_CARLO_Z = 5 (the wrong
values sit 8-25 standard errors away; the correct ones below 5 at these seeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import sympy as sp

from qnnsym.tolerances import AGREEMENT_ATOL, MONTE_CARLO_Z


@dataclass(frozen=True)
class Claim:
    name: str
    corrupts: str  # "constant", "sign", "value", "exponent", "engine", "status"
    checker: str  # the machinery that must reject it
    accepted: Callable[[bool], bool]  # accepted(wrong) -> does the checker accept the claim?


CATALOGUE: list[Claim] = []


def claim(name: str, corrupts: str, checker: str):
    def deco(fn):
        CATALOGUE.append(Claim(name, corrupts, checker, fn))
        return fn

    return deco


# -- shared fixtures ----------------------------------------------------------------------------------
def _verify(thm, known=None):
    from qnnsym.theorems import verify_theorem

    return verify_theorem(thm, property_examples=40, known=known or {})


def _theorem(**kw):
    from qnnsym.theorems import Theorem

    kw.setdefault("id", "wrong-claim")
    kw.setdefault("title", "a claim under test")
    kw.setdefault("statement", "see the test")
    return Theorem(**kw)


def _one_qubit_flow(label: float, t_final: float = 50.0):
    """RY(theta) on |0>, measured with Z: y = cos(theta), K = sin^2(theta), S = ||Y/2||^2 = 1/4."""
    from qnnsym.model import Dataset, circuit
    from qnnsym.numeric import gradient_flow

    model = circuit(1, [("RY", 0)], "Z")
    data = Dataset(np.array([[1.0, 0.0]], dtype=complex), [label])
    return model, gradient_flow(model, data, [np.pi / 2], eta=1.0, t_final=t_final, dt=0.01, record_every=10)


def _conformance_passes(names: list[str]) -> bool:
    from qnnsym.conformance import run_conformance

    return all(r.passed for r in run_conformance(only=names))


# -- Weingarten values --------------------------------------------------------------------------------
@claim("Wg((12), d) with the wrong sign", "sign", "close_step (symbolic step, rule 'cancel')")
def _wg_sign(wrong: bool) -> bool:
    from qnnsym.symbolic.symbols import d
    from qnnsym.symbolic.weingarten import weingarten
    from qnnsym.theorems import Step, close_step

    value = -1 / (d * (d**2 - 1))
    return close_step(Step("Wg((12), d)", "cancel", weingarten((1, 0), d), -value if wrong else value)).closed


@claim("Wg(e, d = 3) at t = 3 with d^2 - 3 for d^2 - 4", "value", "verify_theorem golden value (exact ==)")
def _wg_golden(wrong: bool) -> bool:
    from qnnsym.symbolic.weingarten import weingarten
    from qnnsym.theorems import Golden

    d = 3
    expected = sp.Rational(d**2 - 2, d * (d**2 - 1) * (d**2 - (3 if wrong else 4)))
    thm = _theorem(claimed="PROVED", golden=[Golden("Wg(e, 3) at t = 3", lambda: weingarten((0, 1, 2), d), expected)])
    return _verify(thm).passed


@claim("E|U_00|^4 at d = 4 from the large-d value Wg(e) = 1/d^2", "value", "Monte Carlo z-score (haar_average)")
def _wg_monte_carlo(wrong: bool) -> bool:
    from qnnsym.numeric import haar_average
    from qnnsym.symbolic.weingarten import weingarten

    d = 4
    wg_e = sp.Rational(1, d**2) if wrong else weingarten((0, 1), d)
    claimed = float(2 * (wg_e + weingarten((1, 0), d)))  # E|U_00|^4 = 2 (Wg(e) + Wg((12)))
    res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** 4, d=d, n_samples=40000, seed=404)
    return res.z_score(claimed) <= MONTE_CARLO_Z


@claim("E|U_00|^2 = 1/(d + 1) at d = 8", "value", "Monte Carlo z-score (haar_average)")
def _haar_second_moment(wrong: bool) -> bool:
    from qnnsym.numeric import haar_average

    d = 8
    res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** 2, d=d, n_samples=40000, seed=808)
    return res.z_score(1 / (d + 1) if wrong else 1 / d) <= MONTE_CARLO_Z


@claim("S7 with alpha and beta swapped", "value", "Monte Carlo z-score of E tr(VAV^+B) tr(VAV^+C)")
def _alpha_beta_swapped(wrong: bool) -> bool:
    from qnnsym.numeric import haar_average
    from qnnsym.symbolic.haar import second_moment_coefficients

    d = 3
    a = np.diag([1.0, 0.0, -2.0]).astype(complex)
    alpha, beta = (complex(v) for v in second_moment_coefficients(sp.diag(1, 0, -2), d))
    if wrong:
        alpha, beta = beta, alpha
    b = np.diag([1.0, 2.0, 3.0]).astype(complex)
    c = np.full((d, d), 1.0 / d, dtype=complex)
    exact = (alpha * np.trace(b) * np.trace(c) + beta * np.trace(b @ c)).real

    def f(U):
        va = U @ a @ U.conj().transpose(0, 2, 1)
        return (np.einsum("nab,ba->n", va, b) * np.einsum("nab,ba->n", va, c)).real

    return haar_average(f, d=d, n_samples=40000, seed=303).z_score(exact) <= MONTE_CARLO_Z


# -- kernels: symbolic vs the adjoint engine -----------------------------------------------------------
def _kernel_case():
    from qnnsym.model import AngleEncoding, hardware_efficient_ansatz
    from qnnsym.numeric import predict_and_jacobian
    from qnnsym.symbolic.kernel import derive_tangent_kernel

    rng = np.random.default_rng(7)
    model = hardware_efficient_ansatz(2, 1)
    data = AngleEncoding(2).dataset(rng.uniform(0, np.pi, (2, 2)), [1.0, -1.0])
    der = derive_tangent_kernel(model, data)
    points = [rng.uniform(-np.pi, np.pi, model.n_params) for _ in range(3)]
    numeric = [predict_and_jacobian(model, data, th) for th in points]
    return der, points, numeric


_KERNEL_CASE: list = []


def _cached_kernel_case():
    if not _KERNEL_CASE:
        _KERNEL_CASE.append(_kernel_case())
    return _KERNEL_CASE[0]


def _compare(name, exprs, variables, points, values) -> bool:
    from qnnsym.check import compare_expressions

    return compare_expressions(name, exprs, variables, points, values, tolerance=AGREEMENT_ATOL * 1e-2).passed


@claim("tangent kernel with a flipped sign (K = -J J^T)", "sign", "compare_expressions vs adjoint K (symbolic-vs-adjoint)")
def _kernel_sign(wrong: bool) -> bool:
    der, points, numeric = _cached_kernel_case()
    kernel = -der.kernel if wrong else der.kernel
    return _compare("K", list(kernel), der.theta, points, [(J @ J.T).ravel() for _, J in numeric])


@claim("Jacobian with one parameter's column sign-flipped", "sign", "compare_expressions vs adjoint J")
def _jacobian_column(wrong: bool) -> bool:
    der, points, numeric = _cached_kernel_case()
    jac = der.jacobian.copy()
    if wrong:
        assert any(e != 0 for e in jac[:, 0]), "column 0 must depend on its parameter, or flipping it changes nothing"
        jac[:, 0] = -jac[:, 0]
    return _compare("J", list(jac), der.theta, points, [J.ravel() for _, J in numeric])


@claim("kernel entry off by 1e-9 (10x the tolerance band: arbitration must not rescue it)", "value",
       "compare_expressions with mpmath arbitration")
def _kernel_tiny_offset(wrong: bool) -> bool:
    der, points, numeric = _cached_kernel_case()
    kernel = der.kernel + sp.Matrix(2, 2, [sp.Rational(1, 10**9) if wrong else 0, 0, 0, 0])
    return _compare("K", list(kernel), der.theta, points, [(J @ J.T).ravel() for _, J in numeric])


@claim("frozen-kernel regression r(t) = exp(+eta K t) r(0) (flipped sign)", "sign", "conformance frozen-kernel-vs-ode")
def _frozen_kernel_sign(wrong: bool) -> bool:
    import qnnsym.numeric as numeric
    from qnnsym.numeric.trajectory import Trajectory

    original = numeric.frozen_kernel_prediction

    def flipped(kbar, r0, *, eta, times):
        lam, v = np.linalg.eigh(np.asarray(kbar, dtype=float))
        times = np.asarray(times, dtype=float)
        residuals = (np.exp(+eta * np.outer(times, lam)) * (v.T @ np.asarray(r0, dtype=float))) @ v.T
        return Trajectory(times, residuals, meta={"method": "frozen_kernel (sabotaged)"})

    numeric.frozen_kernel_prediction = flipped if wrong else original
    try:
        return _conformance_passes(["frozen-kernel-vs-ode"])
    finally:
        numeric.frozen_kernel_prediction = original


# -- bounds with wrong constants ------------------------------------------------------------------------
@claim("one-sample Theorem 3.2 bound |r| >= |r0|/(1 + c eta Delta S |r0| t) with c = 3 for 4", "constant",
       "verify_theorem numeric evidence (gradient flow)")
def _one_sample_constant(wrong: bool) -> bool:
    from qnnsym.numeric.bounds import measurement_range
    from qnnsym.theorems import NumericEvidence

    def numeric(profile: str) -> NumericEvidence:
        model, traj = _one_qubit_flow(-1.0)
        lo, hi = measurement_range(model)
        c = 3.0 if wrong else 4.0
        r = np.abs(traj.residuals[:, 0])
        bound = r[0] / (1 + c * 1.0 * (hi - lo) * model.generator_norm_sq_sum() * r[0] * traj.times)
        return NumericEvidence(float(np.max((bound - r) / r)), 1e-8, "largest relative excess of the bound")

    return _verify(_theorem(claimed="CHECKED", numeric=numeric)).passed


@claim("S5 kernel bound K_ii <= c S Delta |r_i| with c = 3 for 4", "constant", "verify_theorem hypothesis property")
def _kernel_bound_constant(wrong: bool) -> bool:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.model import Dataset, circuit
    from qnnsym.numeric import predict, tangent_kernel
    from qnnsym.proofkit import run_property

    model = circuit(1, [("RY", 0)], "Z")
    data = Dataset(np.array([[1.0, 0.0]], dtype=complex), [-1.0])
    c = 3.0 if wrong else 4.0

    def prop_runner(n):
        @given(st.floats(0.0, 2 * np.pi))
        def prop(theta):
            k = tangent_kernel(model, data, [theta])[0, 0]
            r = abs(predict(model, data, [theta])[0] + 1.0)
            assert k <= c * model.generator_norm_sq_sum() * 2.0 * r + 1e-12

        return run_property(prop, n)

    return _verify(_theorem(claimed="CHECKED", property=prop_runner)).passed


@claim("Theorem 3.2 bound with decay exponent 1/2 for 2: L >= L0 (1 + c t)^(-1/2)", "exponent",
       "verify_theorem numeric evidence (gradient flow)")
def _thm32_exponent(wrong: bool) -> bool:
    from qnnsym.theorems import NumericEvidence

    def numeric(profile: str) -> NumericEvidence:
        model, traj = _one_qubit_flow(-1.0)
        L0, t = traj.loss[0], traj.times
        rate = 4 * np.sqrt(2) * 1.0 * 2.0 * model.generator_norm_sq_sum()  # 4 sqrt2 eta Delta S sqrt(m)
        bound = L0 / np.sqrt(1 + rate * t) if wrong else (L0**-0.5 + rate * t) ** -2.0
        return NumericEvidence(float(np.max((bound - traj.loss) / traj.loss)), 1e-8, "largest relative excess")

    return _verify(_theorem(claimed="CHECKED", numeric=numeric)).passed


# -- convergence rates ----------------------------------------------------------------------------------
@claim("linear (exponential) convergence with the label at the measurement's extreme", "exponent",
       "classify_tail on the gradient flow")
def _linear_at_boundary(wrong: bool) -> bool:
    from qnnsym.numeric.rates import classify_tail

    _, traj = _one_qubit_flow(-1.0)
    return classify_tail(traj.times[1:], traj.loss[1:]).kind == ("linear" if wrong else "sublinear")


@claim("sublinear convergence with the label strictly inside the range", "exponent", "classify_tail on the gradient flow")
def _sublinear_inside(wrong: bool) -> bool:
    from qnnsym.numeric.rates import classify_tail

    _, traj = _one_qubit_flow(-0.5, t_final=12.0)
    return classify_tail(traj.times[1:], traj.loss[1:]).kind == ("sublinear" if wrong else "linear")


# -- sabotaged engines: the conformance checks of `qnnsym verify` must notice -------------------------------
@claim("adjoint Jacobian with a flipped sign", "engine", "conformance adjoint-vs-S1, adjoint-vs-finite-differences")
def _sabotage_adjoint(wrong: bool) -> bool:
    import qnnsym.numeric as numeric

    original = numeric.jacobian
    if wrong:
        numeric.jacobian = lambda *a, **k: -original(*a, **k)
    try:
        return _conformance_passes(["adjoint-vs-S1"]) or _conformance_passes(["adjoint-vs-finite-differences"])
    finally:
        numeric.jacobian = original


@claim("parameter shift by pi/4 instead of pi/2 (Jacobian off by sin(pi/4))", "engine", "conformance parameter-shift-vs-adjoint")
def _sabotage_shift(wrong: bool) -> bool:
    import qnnsym.numeric as numeric

    original = numeric.jacobian

    def shifted(model, data, theta, method="adjoint"):
        J = original(model, data, theta, method)
        return J * np.sin(np.pi / 4) if (wrong and method == "parameter_shift") else J

    numeric.jacobian = shifted
    try:
        return _conformance_passes(["parameter-shift-vs-adjoint"])
    finally:
        numeric.jacobian = original


@claim("a 'Haar' sampler returning real orthogonal matrices", "engine", "conformance haar-moment-4")
def _sabotage_sampler(wrong: bool) -> bool:
    import qnnsym.numeric.haar as haar

    original = haar.finish_haar  # haar_average draws with start_haar and collects with finish_haar

    def orthogonal(*args):
        u = original(*args)
        if not wrong:
            return u
        q, r = np.linalg.qr(np.real(u) + 0.0)  # Haar on O(d) after the sign fix: E|O_00|^4 = 3/(d(d+2))
        return q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]

    haar.finish_haar = orthogonal
    try:
        return _conformance_passes(["haar-moment-4"])
    finally:
        haar.finish_haar = original


@claim("asymptotic flow integrated with the sign of -c[M,[M,R]] flipped", "sign", "conformance flow-loss-monotone")
def _sabotage_flow(wrong: bool) -> bool:
    import qnnsym.numeric.flow as flow

    original = flow._rk4_step
    flow._rk4_step = (lambda m, rhos, targets, c, h: original(m, rhos, targets, c, -h)) if wrong else original
    try:
        return _conformance_passes(["flow-loss-monotone"])
    finally:
        flow._rk4_step = original


# -- the theorem machinery itself -------------------------------------------------------------------------
@claim("PROVED claim with a false step (sin^2 + cos^2 = 2)", "status", "verify_theorem (PROVED needs every step closed)")
def _false_step(wrong: bool) -> bool:
    from qnnsym.theorems import Step

    x = sp.Symbol("x", real=True)
    step = Step("Pythagoras", "trigsimp", sp.sin(x) ** 2 + sp.cos(x) ** 2, 2 if wrong else 1)
    return _verify(_theorem(claimed="PROVED", steps=[step])).passed


@claim("PROVED by citing a result not proved in this run", "status", "verify_theorem 'by ...' steps")
def _unproved_citation(wrong: bool) -> bool:
    from qnnsym.theorems import Step

    step = Step("substitute S7", "by S7", uses=("S7",))
    return _verify(_theorem(claimed="PROVED", steps=[step]), known={"S7": "CHECKED" if wrong else "PROVED"}).passed


@claim("golden value off by 10^-30 (exact values admit no tolerance)", "value", "verify_theorem golden value")
def _tiny_golden(wrong: bool) -> bool:
    from qnnsym.symbolic.weingarten import weingarten
    from qnnsym.theorems import Golden

    expected = sp.Rational(1, 8) + (sp.Rational(1, 10**30) if wrong else 0)  # Wg(e, d = 3) at t = 2 is 1/8
    return _verify(_theorem(claimed="PROVED", golden=[Golden("Wg(e, 3)", lambda: weingarten((0, 1), 3), expected)])).passed


@claim("numeric evidence that is NaN", "value", "NumericEvidence.passed (NaN never passes)")
def _nan_evidence(wrong: bool) -> bool:
    from qnnsym.theorems import NumericEvidence

    value = float("nan") if wrong else 0.0
    return _verify(_theorem(claimed="CHECKED", numeric=lambda profile: NumericEvidence(value, 1.0, "nan test"))).passed


# -- the tests ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", CATALOGUE, ids=[c.name for c in CATALOGUE])
def test_wrong_claim_is_rejected_and_its_correct_form_accepted(entry: Claim):
    assert entry.accepted(False), f"control: the correct form of {entry.name!r} was rejected by {entry.checker}"
    assert not entry.accepted(True), f"WRONG CLAIM ACCEPTED by {entry.checker}: {entry.name}"


def test_catalogue_covers_the_kinds_of_error_the_issue_names():
    kinds = {c.corrupts for c in CATALOGUE}
    assert {"constant", "sign", "value", "exponent", "engine", "status"} <= kinds
    names = " ".join(c.name for c in CATALOGUE)
    for required in ("Wg", "kernel", "bound"):
        assert required in names
    assert len(CATALOGUE) >= 20
