"""Exact Jacobian and tangent kernel (qnnsym.symbolic.kernel) against the numba engine and SymPy's own calculus."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.model import AngleEncoding, Dataset, circuit, dense_haar_model, hardware_efficient_ansatz, random_orthonormal_dataset
from qnnsym.numeric import jacobian as num_jacobian
from qnnsym.numeric import tangent_kernel as num_tangent_kernel
from qnnsym.symbolic.circuit import feature_symbols, predictions, theta_symbols
from qnnsym.symbolic.kernel import derive_tangent_kernel, estimate_kernel_terms, jacobian, tangent_kernel, trig_normal_form
from qnnsym.symbolic.printing import latex_steps

ATOL = 1e-12
_ROT = ("RX", "RY", "RZ")


@st.composite
def random_circuits(draw, max_gates: int = 6, commuting_last: bool = False):
    """(qnn, theta, data); with ``commuting_last`` the last gate is a rotation that commutes with the
    measurement (RZ on a qubit where the measurement is I or Z, or PAULIROT of the measurement itself)."""
    n = draw(st.integers(1, 2))
    pauli = st.lists(st.sampled_from("IXYZ"), min_size=n, max_size=n).map("".join)
    gates = []
    for _ in range(draw(st.integers(1, max_gates))):
        kind = draw(st.sampled_from(["rot", "pauli", "one"] + (["two"] if n == 2 else [])))
        if kind == "rot":
            gates.append((draw(st.sampled_from(_ROT)), draw(st.integers(0, n - 1))))
        elif kind == "pauli":
            label = draw(pauli)
            gates.append(("PAULIROT", label) if set(label) != {"I"} else ("RX", 0))
        elif kind == "one":
            gates.append((draw(st.sampled_from(("H", "S", "T"))), draw(st.integers(0, n - 1))))
        else:
            a = draw(st.integers(0, 1))
            gates.append((draw(st.sampled_from(("CNOT", "CZ"))), a, 1 - a))
    gates.insert(0, ("RY", 0))
    meas = draw(pauli)
    if set(meas) == {"I"}:
        meas = "Z" * n
    if commuting_last:
        zq = [q for q, ch in enumerate(meas) if ch in "IZ"]
        if zq and draw(st.booleans()):
            gates.append(("RZ", draw(st.sampled_from(zq))))
        else:
            gates.append(("PAULIROT", meas))
    qnn = circuit(n, gates, meas)
    theta = np.array(draw(st.lists(st.floats(-np.pi, np.pi), min_size=qnn.n_params, max_size=qnn.n_params)))
    m = draw(st.integers(1, 3))
    feats = np.array(draw(st.lists(st.floats(-np.pi, np.pi), min_size=m * n, max_size=m * n))).reshape(m, n)
    data = AngleEncoding(n, rotation=draw(st.sampled_from(("RY", "RX")))).dataset(feats, np.zeros(m))
    return qnn, theta, data


def _evaluate(expr, symbols, values) -> np.ndarray:
    return np.array(sp.lambdify(list(symbols), expr, "numpy")(*values), dtype=complex)


# ------------------------------------------------------------------------ against the numba engine
@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_jacobian_and_kernel_match_numeric_engine(case):
    qnn, theta, data = case
    der = derive_tangent_kernel(qnn, data)
    J = _evaluate(der.jacobian, der.theta, theta).reshape(data.m, qnn.n_params)
    K = _evaluate(der.kernel, der.theta, theta).reshape(data.m, data.m)
    assert np.max(np.abs(J - num_jacobian(qnn, data, theta))) <= ATOL
    assert np.max(np.abs(K - num_tangent_kernel(qnn, data, theta))) <= ATOL


@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_symbolic_features_kernel_matches_numeric_engine(case):
    qnn, theta, data = case
    der = derive_tangent_kernel(qnn, data, features="symbolic")
    args = list(theta) + list(data.features.ravel())
    J = _evaluate(der.jacobian, der.theta + der.features, args).reshape(data.m, qnn.n_params)
    K = _evaluate(der.kernel, der.theta + der.features, args).reshape(data.m, data.m)
    assert np.max(np.abs(J - num_jacobian(qnn, data, theta))) <= ATOL
    assert np.max(np.abs(K - num_tangent_kernel(qnn, data, theta))) <= ATOL


# ------------------------------------------------------------------------ drop-out
@settings(deadline=None, max_examples=25)
@given(random_circuits(commuting_last=True))
def test_rotation_commuting_with_measurement_has_exactly_zero_column(case):
    qnn, _, data = case
    J = jacobian(qnn, data, features="symbolic")
    last = qnn.n_params - 1
    assert all(J[i, last] == 0 for i in range(data.m))
    assert qnn.n_params in derive_tangent_kernel(qnn, data, kernel=False).dropped


def test_hardware_efficient_ansatz_drops_its_last_rz_layer():
    data = AngleEncoding(2).dataset(np.array([[0.1, 0.2], [0.3, -0.4], [1.0, 2.0]]), [1, -1, 1])
    der = derive_tangent_kernel(hardware_efficient_ansatz(2, 2), data, features="symbolic")
    assert der.dropped == (6, 7, 8)  # RY(q1) of layer 2 and both RZ of layer 2 cannot reach Z on qubit 0
    assert all(der.jacobian[i, l] == 0 for i in range(3) for l in (5, 6, 7))


# ------------------------------------------------------------------------ exactness, independent roads
@settings(deadline=None, max_examples=15)
@given(random_circuits(max_gates=4))
def test_jacobian_equals_sympy_diff_and_kernel_equals_expanded_product(case):
    """J from the term-wise derivative equals sympy.diff of ŷ; K equals J Jᵀ expanded by SymPy; both exactly."""
    qnn, _, data = case
    der = derive_tangent_kernel(qnn, data, features="symbolic")
    for i in range(data.m):
        for l, th in enumerate(der.theta):
            assert trig_normal_form(sp.diff(der.predictions[i], th) - der.jacobian[i, l]) == 0
    product = der.jacobian * der.jacobian.T
    assert all(trig_normal_form(product[k] - der.kernel[k]) == 0 for k in range(data.m**2))
    assert der.kernel == der.kernel.T


@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_kernel_of_exact_circuit_has_exact_coefficients(case):
    qnn, _, _ = case
    K = tangent_kernel(qnn, Dataset.basis_state(qnn.dim))
    assert not K.has(sp.Float)
    assert all(a.is_Rational for a in K.atoms(sp.Number))
    assert all(p.base == 2 for p in K.atoms(sp.Pow) if not p.exp.is_Integer)


def test_kernel_is_power_reduced_normal_form():
    qnn = circuit(1, [("RX", 0), ("RY", 0)], measurement="Z")
    K = tangent_kernel(qnn, Dataset.basis_state(2))[0, 0]
    th1, th2 = theta_symbols(2)
    assert K == sp.Rational(1, 2) - sp.cos(2 * th1) * sp.cos(2 * th2) / 2
    for p in K.atoms(sp.Pow):  # no powers of cos/sin survive power reduction
        assert not isinstance(p.base, (sp.cos, sp.sin))


def test_trig_normal_form_rewrites():
    t, s = sp.symbols("t s", real=True)
    assert trig_normal_form(sp.cos(t) ** 2 - sp.sin(t) ** 2 - sp.cos(2 * t)) == 0
    assert trig_normal_form(sp.cos(t + s) - sp.cos(t) * sp.cos(s) + sp.sin(t) * sp.sin(s)) == 0
    assert trig_normal_form(sp.exp(sp.I * t) - sp.cos(t) - sp.I * sp.sin(t)) == 0
    steps: list = []
    assert trig_normal_form(sp.sin(t) * sp.cos(t), steps=steps) == sp.sin(2 * t) / 2
    assert [name for name, _ in steps][-1].startswith("power reduction")
    with pytest.raises(InvalidInput, match="^expr"):
        trig_normal_form(t * sp.cos(t))


# ------------------------------------------------------------------------ steps, size refusal, timing
def test_steps_are_recorded_and_printable():
    qnn = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RX", 1)], measurement="ZZ")
    der = derive_tangent_kernel(qnn, Dataset.basis_state(4))
    names = [name for name, _ in der.steps]
    assert names[0].startswith("conjugate by exp(-i θ_2")
    for key in ("trace against the inputs", "differentiate term-wise", "expand products", "power reduction", "collect like monomials"):
        assert any(n.startswith(key) for n in names), key
    tex = latex_steps(der.steps)
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")


def test_too_large_is_refused_before_any_expansion():
    qnn = dense_haar_model(4, 12, seed=0)
    data = random_orthonormal_dataset(4, 4, seed=1)
    start = time.perf_counter()
    with pytest.raises(TooLarge) as err:
        tangent_kernel(qnn, data)
    assert time.perf_counter() - start < 2.0
    msg = str(err.value)
    est = estimate_kernel_terms(qnn, data)
    assert "max_terms = 200000" in msg and str(est["measurement_terms"]) in msg and "qnnsym.numeric" in msg
    with pytest.raises(TooLarge, match=r"max_work = 100 .*estimated \d+.*qnnsym\.numeric\.tangent_kernel"):
        tangent_kernel(hardware_efficient_ansatz(2, 2), Dataset.basis_state(4), max_work=100)
    with pytest.raises(InvalidInput, match="^max_work"):
        tangent_kernel(hardware_efficient_ansatz(2, 1), Dataset.basis_state(4), max_work=0)


def test_performance_target_two_qubits_eight_parameters_three_inputs():
    """The exact kernel of hardware_efficient_ansatz(2, 2) (p = 8) on 3 encoded inputs in < 10 s."""
    qnn = hardware_efficient_ansatz(2, 2)
    feats = np.array([[0.3, -1.2], [2.0, 0.5], [-0.7, 1.9]])
    data = AngleEncoding(2).dataset(feats, [1.0, -1.0, 1.0])
    theta = np.linspace(-2.5, 2.9, 8)
    for features in ("numeric", "symbolic"):
        start = time.perf_counter()
        der = derive_tangent_kernel(qnn, data, features=features)
        assert time.perf_counter() - start < 10.0
        args = list(theta) + (list(feats.ravel()) if features == "symbolic" else [])
        K = _evaluate(der.kernel, der.theta + der.features, args).reshape(3, 3)
        assert np.max(np.abs(K - num_tangent_kernel(qnn, data, theta))) <= ATOL
    assert der.features == tuple(s for i in range(3) for s in feature_symbols(2, sample=i))
    assert predictions(qnn, data, features="symbolic") == der.predictions
