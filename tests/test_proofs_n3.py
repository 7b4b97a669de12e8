"""N3 (the dynamical transition at O_0 = O_min): the proof verifies as claimed and rejects wrong claims (a wrong
rate constant below O_min, a wrong critical constant, exponential convergence at O_min, a wrong critical target);
:mod:`qnnsym.neighbours.transition` against independent slow references (scipy's ``solve_ivp`` on the matrix flow
and on the population ODE) and its figure."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import sympy as sp

from qnnsym.neighbours import transition as tr
from qnnsym.proofs import n03_dynamical_transition as mod
from qnnsym.theorems import Golden
from claims import cheap as _cheap
from claims import reject
from verified import verified

KNOWN = {"S12": "PROVED"}


def _reject(thm, property_examples=10):
    return reject(thm, known=KNOWN, property_examples=property_examples)


# ----------------------------------------------------------------------------- the proof
def test_n3_verifies_with_its_claim():
    thm = mod.build()
    assert thm.id == "N3" and thm.claimed == "CHECKED"
    res = verified("N3")
    assert res.passed and res.shown == "CHECKED", res.describe()
    not_shown = [s for s in res.steps if not s.closed]  # the honest gap: exactly the declared-open step
    assert len(not_shown) == 1 and not_shown[0].declared_open and "general d" in not_shown[0].claim
    assert res.property_examples >= 20
    assert res.numeric is not None and res.numeric.passed


def test_n3_rejects_a_wrong_rate_constant_below_the_range():
    res = _reject(_cheap(mod.build(), steps=mod._steps(rate_constant=4)))
    assert res.undeclared_gaps
    res = _reject(_cheap(mod.build(), numeric=partial(mod._numeric, rate_scale=1.05, parts=("flow",))))
    assert not res.numeric.passed


@pytest.mark.slow  # reason: hypothesis shrinks the falsifying example (about 6 s on 2 cores)
def test_n3_property_rejects_a_wrong_flow_constant():
    res = _reject(_cheap(mod.build(), property=partial(mod._property, rate_scale=1.05)))
    assert "AssertionError" in res.property_failure


def test_n3_rejects_a_wrong_critical_constant():
    res = _reject(_cheap(mod.build(), steps=mod._steps(critical_constant=4)))
    assert res.undeclared_gaps


def test_n3_rejects_exponential_convergence_at_the_critical_target():
    res = _reject(_cheap(mod.build(), numeric=partial(mod._numeric, critical_kind="linear", parts=("critical",))))
    assert not res.numeric.passed and "claimed linear" in res.numeric.detail


def test_n3_rejects_a_wrong_critical_target():
    # claim that O_0 = O_min + 0.1 (inside the range) is critical: its tail is exponential
    res = _reject(_cheap(mod.build(), numeric=partial(mod._numeric, critical_offset=0.1, parts=("critical",))))
    assert not res.numeric.passed and "tail linear" in res.numeric.detail


def test_n3_rejects_a_wrong_golden_value():
    good = mod._golden()[0]
    res = _reject(_cheap(mod.build(), golden=[Golden("perturbed", good.compute, good.expected + sp.Rational(1, 10**9))]))
    assert res.golden_failures


# ----------------------------------------------------------------------------- independent references
def _matrix_flow_ivp(m0, psi, y, c, times):
    """``M' = -c r [M, [M, rho]]`` by ``solve_ivp`` (DOP853) on the real and imaginary parts: a slow road."""
    from scipy.integrate import solve_ivp

    d = m0.shape[0]
    rho = np.outer(psi, psi.conj())

    def rhs(_, z):
        M = (z[: d * d] + 1j * z[d * d:]).reshape(d, d)
        r = np.trace(rho @ M).real - y
        inner = M @ rho - rho @ M
        dm = -c * r * (M @ inner - inner @ M)
        return np.concatenate([dm.real.ravel(), dm.imag.ravel()])

    z0 = np.concatenate([m0.real.ravel(), m0.imag.ravel()])
    sol = solve_ivp(rhs, (0, times[-1]), z0, method="DOP853", t_eval=times, rtol=1e-11, atol=1e-12)
    Ms = (sol.y[: d * d] + 1j * sol.y[d * d:]).T.reshape(-1, d, d)
    return np.einsum("a,tab,b->t", psi.conj(), Ms, psi).real, Ms


def _population_ivp(spec, w, y, c, times):
    """``p_k' = -2 c r (lambda_k - yhat) p_k`` in log-populations by ``solve_ivp`` (not the Gibbs closed form)."""
    from scipy.integrate import solve_ivp

    def rhs(_, lp):
        p = np.exp(lp)
        yh = p @ spec
        return -2 * c * (yh - y) * (spec - yh)

    sol = solve_ivp(rhs, (0, times[-1]), np.log(w), method="DOP853", t_eval=times, rtol=1e-12, atol=1e-13)
    return np.exp(sol.y.T)


@pytest.mark.parametrize("y", [-1.7, -1.0, 0.2, 1.1])
def test_reduced_flow_matches_the_matrix_flow_by_solve_ivp(y):
    spec = np.array([-1.0, 0.1, 0.6])
    m0, psi, w, _ = tr._instance(spec, "flow", 0, 11)
    times = np.linspace(0, 3, 31)
    slow, _ = _matrix_flow_ivp(m0, psi, y, 0.7, times)
    fast = tr.reduced_flow(spec, w, y, 0.7, times)
    assert np.max(np.abs(slow - fast.yhat)) < 1e-8


def test_below_rate_matches_the_population_ode():
    spec, c, y = np.array([-1.0, -0.4, 0.3, 0.9]), 0.8, -1.6
    w = np.array([0.1, 0.2, 0.3, 0.4])
    times = np.linspace(0, 60, 601)
    p = _population_ivp(spec, w, y, c, times)
    excess = p @ (spec - spec[0])
    win = (excess < 1e-5) & (excess > 1e-10)
    rate = -np.polyfit(times[win], np.log(excess[win]), 1)[0]
    derived = tr.transition_rates(spec, y, c, weights=w)
    assert derived.regime == "below" and derived.residual_rate == pytest.approx(2 * c * 0.6 * 0.6)
    assert rate == pytest.approx(derived.residual_rate, rel=2e-3)
    red = tr.reduced_flow(spec, w, y, c, times)
    assert np.max(np.abs(red.excess - excess)) < 1e-9


def test_inside_rate_is_twice_c_times_the_terminal_variance():
    spec, c, y = np.array([-1.0, -0.4, 0.3, 0.9]), 0.8, -0.1
    w = np.array([0.4, 0.3, 0.2, 0.1])
    times = np.linspace(0, 30, 301)
    p = _population_ivp(spec, w, y, c, times)
    var_end = p[-1] @ spec**2 - (p[-1] @ spec) ** 2
    derived = tr.transition_rates(spec, y, c, weights=w)
    assert derived.regime == "inside" and derived.determined
    assert derived.var_inf == pytest.approx(var_end, rel=1e-7)
    assert derived.var_inf < derived.var_bound
    assert derived.loss_rate == pytest.approx(2 * derived.residual_rate)
    r = np.abs(p @ spec - y)
    win = (r < 1e-5) & (r > 1e-10)
    assert -np.polyfit(times[win], np.log(r[win]), 1)[0] == pytest.approx(derived.residual_rate, rel=2e-3)
    undetermined = tr.transition_rates(spec, y, c)
    assert not undetermined.determined and np.isnan(undetermined.residual_rate)


def test_two_levels_critical_and_mirror():
    two = tr.transition_rates([2.0, -1.0], 0.5, 1.0)  # Var_inf = (2 - 0.5)(0.5 + 1), for any input
    assert two.determined and two.var_inf == two.var_bound == pytest.approx(2.25)
    crit = tr.transition_rates([-1.0, 2.0, 2.0], -1.0, 0.5)
    assert crit.regime == "critical_min" and crit.exponent == 2.0 and crit.constant == pytest.approx(1 / (8 * 0.25 * 9))
    assert crit.residual_rate == 0.0
    top = tr.transition_rates([-1.0, 0.0, 2.0], 3.0, 1.0)
    assert top.regime == "above" and top.attractor == 2.0 and top.residual_rate == pytest.approx(2 * 2 * 1)
    assert top.floor == pytest.approx(0.5)
    assert tr.transition_rates([-1.0, 0.0, 2.0], 2.0, 1.0).regime == "critical_max"
    # the input misses lambda_1: O_min is the lowest populated level
    skip = tr.transition_rates([-1.0, 0.0, 2.0], -0.5, 1.0, weights=[0.0, 0.5, 0.5])
    assert skip.regime == "below" and skip.o_min == 0.0 and skip.gap == 2.0


def test_rates_vanish_linearly_at_the_critical_target():
    spec, c = np.array([-1.0, -0.2, 0.5, 1.3]), 1.0
    w = np.array([0.25, 0.25, 0.25, 0.25])
    for eps in (1e-2, 1e-3):
        below = tr.transition_rates(spec, -1 - eps, c, weights=w).residual_rate
        inside = tr.transition_rates(spec, -1 + eps, c, weights=w).residual_rate
        assert below == pytest.approx(2 * c * 0.8 * eps)
        assert inside == pytest.approx(2 * c * 0.8 * eps, rel=3 * eps / 0.8)  # Var_inf = g eps (1 + O(eps))


def test_measure_transition_flow_on_two_levels_matches_the_derived_rates():
    runs = tr.measure_transition([-1.0, 1.0], [-1.4, -1.0, 0.2], 1.0, engine="flow", seed=5, dt=0.02)
    below, crit, inside = runs
    assert below.kind == "linear" and below.measured_rate == pytest.approx(2 * 2 * 0.4, rel=1e-3)
    assert crit.kind == "sublinear" and abs(crit.exponent - 2) < 0.02 and abs(crit.constant_ratio - 1) < 0.02
    assert inside.measured_rate == pytest.approx(2 * (1 - 0.2) * 1.2, rel=1e-3)


def test_measure_transition_qnn_runs_the_dense_model():
    (run,) = tr.measure_transition([-1.0, 1.0], [-1.5], 1.0, engine="qnn", p=30, seed=2, t_final=30.0, dt=0.1)
    assert run.engine == "qnn" and run.kind == "linear" and 0.3 < run.measured_rate / run.derived.residual_rate < 1.7
    assert np.all(run.excess >= -1e-12)  # a QNN's prediction never leaves the spectrum


# ----------------------------------------------------------------------------- figure
def test_figure_data_plot_summary():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_ = tr.FIGURE
    assert fig_.name == "N3"
    res = fig_.data(spectrum=(-1.0, 1.0), offsets=(-0.4, 0.0, 0.4), qnn=True, p=20)
    rows = res.summary["rows"]
    assert {r["regime"] for r in rows} == {"below", "critical_min", "inside"}
    flow = [r for r in rows if r["engine"] == "flow" and r["regime"] != "critical_min"]
    assert all(abs(r["measured_rate"] / r["derived_rate"] - 1) < 1e-2 for r in flow)
    assert abs(res.summary["critical_exponents"]["flow"] - 2) < 0.05
    slopes = {r["regime"]: r["rate_slope"] for r in rows if r["engine"] == "flow"}
    assert abs(slopes["critical_min"] + 1) < 0.05 and abs(slopes["below"]) < 0.05 and abs(slopes["inside"]) < 0.05
    fig, caption = fig_.plot(res, plt)
    assert "N3" in caption and len(fig.axes) == 3
    plt.close(fig)
    lines = fig_.summary(res)
    assert len(lines) == len(rows) and any("exponent" in ln for ln in lines)
