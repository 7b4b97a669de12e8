"""Exact circuits (qnnsym.symbolic.circuit): U(θ), M(θ), ŷ(θ) against the numba engine and the matrix road."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.model import AngleEncoding, Dataset, DenseHermitian, circuit, dense_haar_model, random_orthonormal_dataset
from qnnsym.model.gates import NAMED_GATES
from qnnsym.numeric import effective_measurement as num_effective_measurement
from qnnsym.numeric import predict as num_predict
from qnnsym.numeric import unitary as num_unitary
from qnnsym.symbolic.circuit import (
    PauliSum,
    effective_measurement,
    exact_number,
    feature_symbols,
    gate_matrix,
    pauli_matrix,
    prediction_function,
    predictions,
    theta_symbols,
    unitary,
)
from qnnsym.symbolic.kernel import trig_normal_form

ATOL = 1e-12
_ROT = ("RX", "RY", "RZ")
_ONE = ("H", "S", "T")
_TWO = ("CNOT", "CZ")


@st.composite
def random_circuits(draw, max_gates: int = 6):
    """(qnn, theta, features): 1–2 qubits, ≤ max_gates gates from RX/RY/RZ/PAULIROT/H/CNOT/CZ/S/T,
    at least one rotation, measurement a random non-identity Pauli string (valid by construction)."""
    n = draw(st.integers(1, 2))
    letters = st.sampled_from("IXYZ")
    pauli = st.lists(letters, min_size=n, max_size=n).map("".join)
    kinds = ["rot", "pauli", "one"] + (["two"] if n == 2 else [])
    gates = []
    for _ in range(draw(st.integers(1, max_gates))):
        kind = draw(st.sampled_from(kinds))
        if kind == "rot":
            gates.append((draw(st.sampled_from(_ROT)), draw(st.integers(0, n - 1))))
        elif kind == "pauli":
            label = draw(pauli)
            gates.append(("PAULIROT", label) if set(label) != {"I"} else ("RY", 0))
        elif kind == "one":
            gates.append((draw(st.sampled_from(_ONE)), draw(st.integers(0, n - 1))))
        else:
            a = draw(st.integers(0, 1))
            gates.append((draw(st.sampled_from(_TWO)), a, 1 - a))
    if not any(g[0] in _ROT + ("PAULIROT",) for g in gates):
        gates.insert(draw(st.integers(0, len(gates))), ("RY", draw(st.integers(0, n - 1))))
    meas = draw(pauli)
    if set(meas) == {"I"}:
        meas = "Z" * n
    qnn = circuit(n, gates, meas)
    theta = np.array(draw(st.lists(st.floats(-np.pi, np.pi), min_size=qnn.n_params, max_size=qnn.n_params)))
    feats = np.array(draw(st.lists(st.floats(-np.pi, np.pi), min_size=3 * n, max_size=3 * n))).reshape(3, n)
    rotation = draw(st.sampled_from(("RY", "RX")))
    return qnn, theta, AngleEncoding(n, rotation=rotation).dataset(feats, [1.0, 0.0, -1.0])


def _evaluate(expr, symbols, values) -> np.ndarray:
    out = np.array(sp.lambdify(list(symbols), expr, "numpy")(*values), dtype=complex)
    return out.reshape(-1) if out.ndim else out.reshape(1)


def _assert_exact(expr) -> None:
    """No floats; every number atom rational; every radical a square root of 2."""
    assert not expr.has(sp.Float)
    for a in expr.atoms(sp.Number):
        assert a.is_Rational, a
    for p in expr.atoms(sp.Pow):
        if not p.exp.is_Integer:
            assert p.base == 2 and p.exp in (sp.Rational(1, 2), sp.Rational(-1, 2)), p


# ------------------------------------------------------------------------ against the numba engine
@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_predictions_match_numeric_engine(case):
    qnn, theta, data = case
    y = predictions(qnn, data)
    got = _evaluate(y, theta_symbols(qnn), theta)
    assert np.max(np.abs(got.imag)) <= ATOL
    assert np.max(np.abs(got.real - num_predict(qnn, data, theta))) <= ATOL


@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_symbolic_features_match_numeric_engine(case):
    qnn, theta, data = case
    y = predictions(qnn, data, features="symbolic")
    xs = [s for i in range(data.m) for s in feature_symbols(qnn.n_qubits, sample=i)]
    got = _evaluate(y, list(theta_symbols(qnn)) + xs, list(theta) + list(data.features.ravel()))
    assert np.max(np.abs(got - num_predict(qnn, data, theta))) <= ATOL


@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_effective_measurement_and_unitary_match_numeric_engine(case):
    qnn, theta, _ = case
    syms = theta_symbols(qnn)
    m = effective_measurement(qnn).to_matrix()
    assert np.max(np.abs(_evaluate(m, syms, theta).reshape(qnn.dim, qnn.dim) - num_effective_measurement(qnn, theta))) <= ATOL
    u = _evaluate(unitary(qnn), syms, theta).reshape(qnn.dim, qnn.dim)
    assert np.max(np.abs(u - num_unitary(qnn, theta))) <= ATOL


# ------------------------------------------------------------------------ two exact roads agree exactly
@settings(deadline=None, max_examples=12)
@given(random_circuits(max_gates=4))
def test_heisenberg_road_equals_matrix_road_exactly(case):
    """tr(ρ U†M_0U) from the matrix road, put in trigonometric normal form, equals the Pauli road."""
    qnn, _, _ = case
    data = Dataset.basis_state(qnn.dim, index=qnn.dim - 1)
    u = unitary(qnn)
    m0 = sp.Matrix(qnn.dim, qnn.dim, [exact_number(complex(z)) for z in qnn.measurement_matrix().ravel()])
    rho = sp.zeros(qnn.dim, qnn.dim)
    rho[qnn.dim - 1, qnn.dim - 1] = 1
    matrix_road = (rho * u.H * m0 * u).trace()
    assert trig_normal_form(matrix_road - predictions(qnn, data)[0], theta_symbols(qnn)) == 0


# ------------------------------------------------------------------------ exactness
@settings(deadline=None, max_examples=25)
@given(random_circuits())
def test_exact_gates_give_exact_coefficients(case):
    qnn, _, _ = case
    _assert_exact(predictions(qnn, Dataset.basis_state(qnn.dim)))
    for coeff in effective_measurement(qnn).terms.values():
        _assert_exact(coeff)


def test_t_gate_gives_sqrt2_coefficients():
    qnn = circuit(1, [("RY", 0), ("T", 0)], measurement="X")
    # T† X T = (X - Y)/√2 and RY maps X → cos θ X + sin θ Z, Y → Y
    assert effective_measurement(qnn).terms == {
        "X": sp.sqrt(2) * sp.cos(theta_symbols(1)[0]) / 2,
        "Y": -sp.sqrt(2) / 2,
        "Z": sp.sqrt(2) * sp.sin(theta_symbols(1)[0]) / 2,
    }


def test_named_gate_matrices_are_exact_and_equal_the_model_gates():
    for name, mat in NAMED_GATES.items():
        exact = gate_matrix(name)
        assert not exact.has(sp.Float)
        assert np.max(np.abs(np.array(exact.evalf(30), dtype=complex) - mat)) <= 1e-15
    assert gate_matrix("T")[1, 1] == sp.exp(sp.I * sp.pi / 4)
    assert gate_matrix("H") == sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)


def test_pauli_rotation_is_cos_minus_i_sin_without_exponential():
    u = unitary(circuit(1, [("RX", 0)], measurement="Z"))
    th = theta_symbols(1)[0]
    assert u == sp.Matrix([[sp.cos(th / 2), -sp.I * sp.sin(th / 2)], [-sp.I * sp.sin(th / 2), sp.cos(th / 2)]])
    assert not u.has(sp.exp)


def test_exact_number_policy():
    assert exact_number(0.5) == sp.Rational(1, 2) and exact_number(1 / 3) == sp.Rational(1, 3)
    assert exact_number(-0.25 + 1j) == -sp.Rational(1, 4) + sp.I
    assert exact_number(0.123456789123).is_Float
    assert exact_number(1 / np.sqrt(2)).is_Float
    assert exact_number(1 / np.sqrt(2), rationalize=1e-12) == sp.sqrt(2) / 2


def test_float_gate_stays_float_unless_rationalized():
    h = NAMED_GATES["H"]
    qnn = circuit(1, [("RY", 0), ("U", 0, h)], measurement="Z")
    assert effective_measurement(qnn).terms["X"].has(sp.Float)
    exact = effective_measurement(qnn, rationalize=1e-12).terms
    assert exact == effective_measurement(circuit(1, [("RY", 0), ("H", 0)], measurement="Z")).terms


# ------------------------------------------------------------------------ drop-out, encodings, other generators
def test_rotation_commuting_with_measurement_drops_out():
    qnn = circuit(2, [("RX", 0), ("CNOT", 0, 1), ("RZ", 1), ("PAULIROT", "ZZ")], measurement="ZI")
    th = theta_symbols(qnn)
    free = set().union(*[c.free_symbols for c in effective_measurement(qnn).terms.values()])
    assert th[1] not in free and th[2] not in free and th[0] in free


def test_prediction_function_with_feature_symbols():
    qnn = circuit(1, [("RY", 0)], measurement="Z")
    th, (x,) = theta_symbols(1)[0], feature_symbols(1)
    # RY(x)|0> has Bloch vector (sin x, 0, cos x); Heisenberg Z -> cos θ Z - sin θ X
    assert prediction_function(qnn, AngleEncoding(1)) == sp.cos(th) * sp.cos(x) - sp.sin(th) * sp.sin(x)
    y = prediction_function(qnn, AngleEncoding(1, rotation="RX", scale=0.5))
    assert y == sp.cos(th) * sp.cos(x / 2)


def test_dense_haar_model_matches_numeric_engine():
    qnn = dense_haar_model(4, 3, seed=5)
    data = random_orthonormal_dataset(4, 3, seed=6)
    theta = np.random.default_rng(7).uniform(-np.pi, np.pi, 3)
    got = _evaluate(predictions(qnn, data), theta_symbols(qnn), theta)
    assert np.max(np.abs(got - num_predict(qnn, data, theta))) <= ATOL


def test_exact_dense_hermitian_with_commuting_pauli_parts_and_mixed_inputs():
    gen = DenseHermitian(np.diag([1.5, 0.5, -0.5, 0.5]) + np.kron(np.eye(2), [[0, 0], [0, 0]]))
    qnn = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("GEN", gen)], measurement="XI")
    rho = np.diag([0.5, 0.25, 0.25, 0.0]).astype(complex)
    data = Dataset(np.array([rho, np.eye(4) / 4]), [0.0, 1.0])
    theta = np.array([0.3, -1.1])
    y = predictions(qnn, data)
    _assert_exact(y)
    assert np.max(np.abs(_evaluate(y, theta_symbols(qnn), theta) - num_predict(qnn, data, theta))) <= ATOL


def test_non_commuting_float_dense_generator_is_refused_with_numeric_alternative():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2))
    qnn = circuit(1, [("GEN", a + a.conj().T)], measurement="Z")
    with pytest.raises(InvalidInput, match="numeric"):
        effective_measurement(qnn)


# ------------------------------------------------------------------------ validation
def test_validation_names_the_argument():
    qnn = circuit(1, [("RY", 0)], measurement="Z")
    with pytest.raises(InvalidInput, match="^qnn"):
        predictions("not a model", Dataset.basis_state(2))
    with pytest.raises(InvalidInput, match="^data"):
        predictions(qnn, Dataset.basis_state(4))
    with pytest.raises(InvalidInput, match="^features"):
        predictions(qnn, Dataset.basis_state(2), features="symbolic")
    with pytest.raises(InvalidInput, match="^features"):
        predictions(qnn, Dataset.basis_state(2), features="exact")
    with pytest.raises(InvalidInput, match="^qnn"):
        effective_measurement(dense_haar_model(3, 2, seed=1))
    with pytest.raises(TooLarge, match="max_dim"):
        unitary(dense_haar_model(32, 1, seed=1))


def test_pauli_sum_to_matrix():
    ps = PauliSum({"XZ": sp.Integer(2), "II": sp.Rational(1, 2)}, 2)
    assert ps.to_matrix() == 2 * pauli_matrix("XZ") + sp.eye(4) / 2
