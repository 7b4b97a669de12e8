"""Asymptotic dynamics (qnnsym.symbolic.flow): Theorem 4.2 and S12 derived step by step, and printing."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from qnnsym.errors import InvalidInput
from qnnsym.numeric import asymptotic_kernel as num_asymptotic_kernel
from qnnsym.numeric import reference
from qnnsym.symbolic import flow as F
from qnnsym.symbolic.circuit import effective_measurement
from qnnsym.symbolic.kernel import derive_tangent_kernel
from qnnsym.symbolic.printing import latex, latex_derivation, latex_pauli_sum, latex_steps

c, gamma, y, yhat, yhat0, t, e, e0 = F.c, F.gamma, F.y, F.yhat, F.yhat0, F.t, F.e, F.e0


# ------------------------------------------------------------------------ the derivations close
@pytest.mark.parametrize("derivation", [F.measurement_flow, F.residual_flow, F.one_sample_flow])
def test_every_step_closes(derivation):
    der = derivation()
    assert der.verified, [s.name for s in der.steps if not s.verified]
    assert all(s.method for s in der.steps)


def test_which_steps_are_abstract_and_which_explicit():
    methods = F.measurement_flow().methods()
    assert methods["chain rule: dM/dθ_l = i[Ĥ_l, M]"] == F.ABSTRACT
    assert methods["double bracket: M' = η[κ[M, R], M] = -c[M, [M, R]], c = ηκ (C8)"] == F.ABSTRACT
    assert [m for m in methods.values() if m == F.APPROXIMATION] == [F.APPROXIMATION]  # only the frame identity
    res = F.residual_flow().methods()
    assert res["tr(ρ_i[M, [M, ρ_j]]) = -tr([M, ρ_i][M, ρ_j]) = K^asym_ij"] == F.ABSTRACT + " and " + F.EXPLICIT_D2
    one = F.one_sample_flow().methods()
    assert one["K^asym_11 = -tr([M, ρ]²) = 2(γ² - ŷ²) = 2 Var_ρ(M)"] == F.ABSTRACT + " and " + F.EXPLICIT_D2


def test_final_statements():
    assert F.measurement_flow().statement.rhs == -c * (F.M * (F.M * F.R - F.R * F.M) - (F.M * F.R - F.R * F.M) * F.M)
    res = F.one_sample_flow().results
    assert sp.expand(res["ode_rhs"] + 2 * c * (gamma**2 - yhat**2) * (yhat - y)) == 0
    assert sp.expand(res["K11"] - 2 * (gamma**2 - yhat**2)) == 0
    assert res["terminal_rate"] == 2 * c * (gamma**2 - y**2)
    assert res["initial_rate"] == 2 * c * (gamma**2 - yhat0**2)


# ------------------------------------------------------------------------ S12 closed forms, re-checked here
def test_interior_solution_satisfies_ode_and_initial_condition_exactly():
    sol = F.one_sample_solution("interior")
    assert sol.verified
    t_of_y = sol.results["solution"]
    f = F.one_sample_flow().results["ode_rhs"]
    assert sp.cancel(sp.together(sp.diff(t_of_y, yhat) * f)) == 1  # dt/dŷ = 1/ŷ'
    assert t_of_y.subs(yhat, yhat0) == 0
    assert sp.cancel(sol.results["terminal_rate"] - 2 * c * (gamma**2 - y**2)) == 0


def test_boundary_solution_satisfies_ode_and_decays_like_one_over_t():
    sol = F.one_sample_solution("boundary")
    assert sol.verified
    t_of_e = sol.results["solution"]
    g = -2 * c * e**2 * (2 * gamma - e)  # e' for e = γ - ŷ when y = γ
    assert sp.cancel(sp.together(sp.diff(t_of_e, e) * g)) == 1
    assert sp.expand(t_of_e.subs(e, e0)) == 0
    assert sp.limit(e * t_of_e, e, 0, "+") == 1 / (4 * c * gamma)


def test_zero_target_explicit_solution_exactly():
    sol = F.one_sample_solution("zero_target")
    assert sol.verified
    yt = sol.results["solution"]
    f0 = F.one_sample_flow().results["ode_rhs"].subs(y, 0)
    assert sp.cancel(sp.powsimp(sp.together(sp.diff(yt, t) - f0.subs(yhat, yt)))) == 0
    assert sp.cancel(yt.subs(t, 0) - yhat0) == 0


@pytest.mark.parametrize("case, values, y0", [
    ("interior", {c: 0.7, gamma: 1.5, y: 0.4}, -1.0),
    ("interior", {c: 0.3, gamma: 1.0, y: -0.8}, 0.9),
    ("zero_target", {c: 0.5, gamma: 2.0, y: 0}, 1.7),
])
def test_closed_forms_agree_with_a_numerical_ode_solve(case, values, y0):
    f = sp.lambdify(yhat, F.one_sample_flow().results["ode_rhs"].subs(values))
    ts = np.linspace(0.0, 3.0, 7)
    num = solve_ivp(lambda _, v: [f(v[0])], (0, 3.0), [y0], t_eval=ts, rtol=1e-11, atol=1e-13).y[0]
    sol = F.one_sample_solution(case).results["solution"].subs(values).subs(yhat0, y0)
    if case == "interior":  # t(ŷ(t)) = t
        got = np.array([float(sol.subs(yhat, v)) for v in num[1:]])
        assert np.max(np.abs(got - ts[1:])) < 1e-7
    else:
        got = np.array([float(sol.subs(t, s)) for s in ts])
        assert np.max(np.abs(got - num)) < 1e-8


def test_boundary_closed_form_against_numerical_ode():
    vals = {c: 0.5, gamma: 1.0}
    g = sp.lambdify(e, (-2 * c * e**2 * (2 * gamma - e)).subs(vals))
    ts = np.array([0.5, 2.0, 10.0, 50.0])
    num = solve_ivp(lambda _, v: [g(v[0])], (0, 50.0), [1.2], t_eval=ts, rtol=1e-11, atol=1e-14).y[0]
    sol = F.one_sample_solution("boundary").results["solution"].subs(vals).subs(e0, 1.2)
    assert np.max(np.abs([float(sol.subs(e, v)) - s for v, s in zip(num, ts)])) < 1e-6
    assert abs(num[-1] * 4 * 0.5 * 1.0 * ts[-1] - 1) < 0.1  # e ~ 1/(4cγt)


# ------------------------------------------------------------------------ explicit-matrix helpers
def _hermitian(rng, d):
    a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    return a + a.conj().T


def _pure(rng, d):
    v = rng.standard_normal(d) + 1j * rng.standard_normal(d)
    v /= np.linalg.norm(v)
    return np.outer(v, v.conj())


@settings(deadline=None, max_examples=6)
@given(st.integers(0, 10**6), st.integers(2, 3), st.integers(1, 3))
def test_explicit_helpers_match_numeric_engine(seed, d, m):
    rng = np.random.default_rng(seed)
    mn = _hermitian(rng, d)
    rhos = [_pure(rng, d) for _ in range(m)]
    ys = rng.uniform(-1, 1, m)
    ms, rs = sp.Matrix(mn), [sp.Matrix(r) for r in rhos]
    k = np.array(F.asymptotic_kernel(ms, rs).evalf(), dtype=complex)
    assert np.max(np.abs(k - num_asymptotic_kernel(mn, np.array(rhos)))) < 1e-10
    rhs = np.array(F.double_bracket(ms, rs, list(ys), 0.7).evalf(), dtype=complex)
    assert np.max(np.abs(rhs - reference.asymptotic_flow_rhs(mn, np.array(rhos), ys, 0.7))) < 1e-10


def test_residual_flow_on_symbolic_two_by_two_matrices():
    """tr(ρ_i M') with M' = -c[M, [M, R]] equals -(c K^asym r)_i, entries exact, d = 2, m = 2."""
    sig = F._SIGMA
    ms = sp.symbols("m0:4", real=True)
    M = sum((ms[k] * sig[k] for k in range(4)), sp.zeros(2, 2))
    rhos = [(sig[0] + sum((sp.Symbol(f"a{i}{k}", real=True) * sig[k] for k in (1, 2, 3)), sp.zeros(2, 2))) / 2 for i in (0, 1)]
    ys = sp.symbols("y0 y1", real=True)
    dm = F.double_bracket(M, rhos, ys, c)
    r = [sp.expand((rh * M).trace() - yy) for rh, yy in zip(rhos, ys)]
    k = F.asymptotic_kernel(M, rhos)
    for i in range(2):
        assert sp.expand((rhos[i] * dm).trace() + c * sum(k[i, j] * r[j] for j in range(2))) == 0


def test_one_sample_variance_identity_numerically():
    rng = np.random.default_rng(11)
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4)))
    g = 1.7
    mn = q.conj().T @ (g * np.diag([1, 1, -1, -1])) @ q
    rho = _pure(rng, 4)
    yh = np.trace(rho @ mn).real
    k11 = num_asymptotic_kernel(mn, rho[None])[0, 0]
    assert abs(k11 - 2 * (g**2 - yh**2)) < 1e-12


def test_validation():
    with pytest.raises(InvalidInput, match="^case"):
        F.one_sample_solution("sideways")
    with pytest.raises(InvalidInput, match="^targets"):
        F.double_bracket(sp.eye(2), [sp.eye(2) / 2], [0, 1])
    with pytest.raises(InvalidInput, match=r"^rhos\[0\]"):
        F.asymptotic_kernel(sp.eye(2), [sp.eye(3)])


# ------------------------------------------------------------------------ printing
def test_latex_of_derivations_steps_and_pauli_sums():
    tex = latex_derivation(F.measurement_flow())
    assert "\\begin{aligned}" in tex and "\\operatorname{tr}(\\hat{H}_{l} [M, R])" in tex
    assert "Σ_" not in tex and "K^asym" not in tex
    assert latex(F.residual_flow()).count("\\text{(") == len(F.residual_flow().steps)
    assert "\\dot{\\hat{y}}" in latex(F.one_sample_flow())
    from qnnsym.model import Dataset, circuit

    qnn = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RX", 1)], measurement="ZY")
    # CNOT maps Z_0 Y_1 to Y_1 and Z_0 Z_1 to Z_1; RY on qubit 0 then commutes with both
    assert latex_pauli_sum(effective_measurement(qnn)) == (
        "\\cos{\\left(\\theta_{2} \\right)} Y_{1} - \\sin{\\left(\\theta_{2} \\right)} Z_{1}"
    )
    der = derive_tangent_kernel(qnn, Dataset.basis_state(4))
    assert latex(der) == latex_steps(der.steps)
    assert latex("θ_1 & co") == "\\text{$\\theta$\\_1 \\& co}"
    with pytest.raises(InvalidInput, match="^steps"):
        latex_steps([object()])
