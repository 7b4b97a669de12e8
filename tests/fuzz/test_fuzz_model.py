"""Fuzz the public entry points of :mod:`qnnsym.model` with malformed values (issue 6).

Every test feeds values that are wrong by construction (see ``hostile.py``) and asserts the
documented error, :class:`~qnnsym.errors.InvalidInput`, naming the argument — never another
exception, a hang or a silently accepted value.  Valid-but-extreme inputs must give finite results.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hostile as H
from qnnsym.errors import TooLarge
from qnnsym.model import (
    QNN,
    AngleEncoding,
    Dataset,
    DenseHermitian,
    DenseUnitary,
    DiagonalOperator,
    Gate,
    GateSequence,
    Layer,
    PauliOperator,
    PauliString,
    all_pauli_strings,
    as_operator,
    circuit,
    dense_haar_model,
    hardware_efficient_ansatz,
    random_orthonormal_dataset,
)

N = 150  # examples per property; the whole fuzz suite stays well under 60 s on 2 cores


@settings(max_examples=N)
@given(label=st.one_of(H.bad_text(), st.just(""), st.text(min_size=1, max_size=6).filter(lambda s: set(s.upper()) - set("IXYZ"))))
def test_pauli_string_label(label):
    H.expect_invalid("PauliString", "label", PauliString, label)


@settings(max_examples=N)
@given(other=st.one_of(st.sampled_from(["X", "Z", "XYZ", "IIII"]), H.bad_text()))
def test_pauli_string_methods_other(other):
    p = PauliString("XZ")
    if isinstance(other, str):
        other = PauliString(other)  # a string on another number of qubits
        H.expect_invalid("PauliString", "other", p.__mul__, other)
    H.expect_invalid("PauliString", "other", p.commutes_with, other)


@settings(max_examples=N)
@given(coeff=st.one_of(H.bad_real(), st.just(0.0), st.just(0)), pauli=st.one_of(st.just(None), st.just("X"), st.just(1)))
def test_pauli_operator(coeff, pauli):
    H.expect_invalid("PauliOperator", "coeff", PauliOperator, PauliString("X"), coeff)
    H.expect_invalid("PauliOperator", "pauli", PauliOperator, pauli, 1.0)
    H.expect_invalid("PauliOperator", "coeff", PauliOperator.from_label, "X", coeff)


@settings(max_examples=N)
@given(diag=st.one_of(H.non_finite_laced((4,)), H.wrong_dtype_array((4,)), H.complex_with_imag((4,)),
                      st.sampled_from([np.zeros(1), np.zeros(0), np.zeros((2, 2))])))
def test_diagonal_operator(diag):
    H.expect_invalid("DiagonalOperator", "diagonal", DiagonalOperator, diag)


@settings(max_examples=N)
@given(a=st.one_of(H.non_hermitian(2), H.non_hermitian(4), H.non_finite_laced((3, 3), complex_=True),
                   H.wrong_dtype_array((2, 2)), st.sampled_from([np.zeros((2, 3)), np.zeros((1, 1)), np.zeros(4), np.zeros((2, 2, 2))])))
def test_dense_hermitian(a):
    err = H.expect_invalid("DenseHermitian", "matrix", DenseHermitian, a)
    if "A^H" in err.expected:
        assert "1e-10" in err.expected  # the tolerance is stated


@settings(max_examples=N)
@given(u=st.one_of(H.non_unitary(2), H.non_unitary(4), H.non_finite_laced((2, 2), complex_=True),
                   H.wrong_dtype_array((2, 2)), st.sampled_from([np.eye(2)[:1], np.ones(2)])))
def test_dense_unitary(u):
    err = H.expect_invalid("DenseUnitary", "matrix", DenseUnitary, u)
    if "U^H U" in err.expected:
        assert "1e-10" in err.expected


@settings(max_examples=N)
@given(
    qubits=st.one_of(st.lists(st.integers(-5, -1), min_size=1, max_size=2).map(tuple), st.just(()), st.just((0, 0)),
                     st.just((0.5,)), st.just((True,)), st.just("01"), st.just(None), st.just({0})),
    u=H.non_unitary(2),
    name=H.bad_text(),
)
def test_gate(qubits, u, name):
    H.expect_invalid("Gate", "qubits", Gate, "U", qubits, np.eye(2))
    H.expect_invalid("Gate", "matrix of gate U", Gate, "U", (0,), u)
    H.expect_invalid("Gate", "matrix of gate U", Gate, "U", (0,), np.eye(4))  # a 2-qubit matrix on 1 qubit
    H.expect_invalid("Gate", "name", Gate, name, (0,), np.eye(2))
    H.expect_invalid("Gate", "name", Gate.named, name, 0)
    H.expect_invalid("Gate", "name", Gate.named, "NOPE", 0)
    H.expect_invalid("Gate", "qubits", Gate.named, "CNOT", 0)


@settings(max_examples=N)
@given(n=H.bad_positive_int(), q=st.integers(3, 10**6), gates=st.one_of(st.just(None), st.just(5), st.just("H"), st.just([1, 2])))
def test_gate_sequence(n, q, gates):
    H.expect_invalid("GateSequence", "n_qubits", GateSequence, n, ())
    H.expect_invalid("GateSequence", "gates", GateSequence, 3, (Gate.named("X", q),))
    H.expect_invalid("GateSequence", "gates", GateSequence, 3, gates)


@settings(max_examples=N)
@given(bad=st.one_of(st.just(None), st.just("X"), st.just(np.eye(2)), st.integers()), name=H.bad_text())
def test_layer(bad, name):
    gen = PauliOperator.from_label("XI")
    H.expect_invalid("Layer", "generator", Layer, bad)
    H.expect_invalid("Layer", "fixed", Layer, gen, bad if bad is not None else np.eye(4))
    H.expect_invalid("Layer", "fixed", Layer, gen, DenseUnitary(np.eye(2)))  # dimension mismatch
    H.expect_invalid("Layer", "name", Layer, gen, None, name)


@settings(max_examples=N)
@given(bad=st.one_of(st.just(None), st.just("ZI"), st.just(np.eye(4)), st.integers()),
       n=H.bad_positive_int().filter(lambda v: v is not None))  # None means "not a qubit register"
def test_qnn(bad, n):
    layer = Layer(PauliOperator.from_label("XI"))
    m0 = PauliOperator.from_label("ZI")
    H.expect_invalid("QNN", "layers", QNN, (), m0)
    H.expect_invalid("QNN", "layers", QNN, layer, m0)
    H.expect_invalid("QNN", "layers[0]", QNN, (bad,), m0)
    H.expect_invalid("QNN", "measurement", QNN, (layer,), bad)
    H.expect_invalid("QNN", "layers[0].generator", QNN, (layer,), PauliOperator.from_label("Z"))
    H.expect_invalid("QNN", "final", QNN, (layer,), m0, DenseUnitary(np.eye(2)))
    H.expect_invalid("QNN", "n_qubits", QNN, (layer,), m0, None, n)
    H.expect_invalid("QNN", "n_qubits", QNN, (layer,), m0, None, 3)


@settings(max_examples=N)
@given(n=H.bad_positive_int(maximum=26), rot=st.one_of(H.bad_text(), st.just("RZ"), st.just("ry")), scale=H.bad_real())
def test_angle_encoding_construction(n, rot, scale):
    H.expect_invalid("AngleEncoding", "n_qubits", AngleEncoding, n)
    H.expect_invalid("AngleEncoding", "rotation", AngleEncoding, 1, rot)
    H.expect_invalid("AngleEncoding", "scale", AngleEncoding, 1, "RY", scale)


@settings(max_examples=N)
@given(x=H.bad_real_vector(2), feats=st.one_of(H.non_finite_laced((3, 2)), H.wrong_dtype_array((3, 2)), H.complex_with_imag((3, 2)),
                                               st.sampled_from([np.zeros((3, 3)), np.zeros(2), np.zeros((0, 2))])))
def test_angle_encoding_inputs(x, feats):
    enc = AngleEncoding(2)
    H.expect_invalid("AngleEncoding", "x", enc.state, x)
    H.expect_invalid("AngleEncoding", "features", enc.dataset, feats, np.zeros(3))


@settings(max_examples=N)
@given(x=st.lists(st.floats(-1e308, 1e308, allow_nan=False, allow_infinity=False), min_size=2, max_size=2), scale=st.floats(1e-300, 1e300))
def test_angle_encoding_extreme_valid(x, scale):
    enc = AngleEncoding(2, scale=scale)
    x = np.array(x)
    with np.errstate(over="ignore"):
        overflow = not np.all(np.isfinite(scale * x))
    if overflow:
        H.expect_invalid("AngleEncoding", "x", enc.state, x)
        H.expect_invalid("AngleEncoding", "features[0]", enc.dataset, x[None, :], [0.0])
    else:
        psi = H.expect_finite("AngleEncoding", enc.state(x))
        assert abs(np.linalg.norm(psi) - 1) <= 1e-12


@settings(max_examples=N)
@given(psi=H.unnormalised_state(4), i=st.integers(0, 2))
def test_dataset_unnormalised_state(psi, i):
    states = np.eye(4, dtype=complex)[:3]
    states[i] = psi
    err = H.expect_invalid("Dataset", f"states[{i}]", Dataset, states, np.zeros(3))
    assert "1e-10" in err.expected


@settings(max_examples=N)
@given(bad=H.bad_density(3), i=st.integers(0, 1))
def test_dataset_bad_density_matrix(bad, i):
    rho, flaw = bad
    states = np.array([np.eye(3) / 3, np.eye(3) / 3], dtype=complex)
    states[i] = rho
    err = H.expect_invalid("Dataset", f"states[{i}]", Dataset, states, np.zeros(2))
    assert ("trace" if flaw == "trace" else "semidefinite") in err.expected and "1e-10" in err.expected


@settings(max_examples=N)
@given(states=st.one_of(H.non_finite_laced((2, 2), complex_=True), H.wrong_dtype_array((2, 2)),
                        st.sampled_from([np.zeros((0, 2)), np.ones((2, 1)), np.ones(2), np.ones((2, 2, 3)), np.ones((1, 2, 2, 2))])),
       targets=H.bad_real_vector(2), enc=st.one_of(st.just("RY"), st.just(1), st.builds(AngleEncoding, st.just(2))),
       feats=st.one_of(H.non_finite_laced((2, 2)), H.wrong_dtype_array((2, 2)).filter(lambda v: v is not None), st.just(np.zeros((3, 2))), st.just(np.zeros(2))))
def test_dataset_shapes_and_targets(states, targets, enc, feats):
    good = np.eye(2, dtype=complex)
    H.expect_invalid("Dataset", re.compile(r"states(\[\d+\])?"), Dataset, states, np.zeros(2))
    H.expect_invalid("Dataset", "targets", Dataset, good, targets)
    H.expect_invalid("Dataset", "encoding", Dataset, good, np.zeros(2), enc)  # wrong type or dimension 4 != 2
    H.expect_invalid("Dataset", "features", Dataset, good, np.zeros(2), None, feats)
    H.expect_invalid("Dataset", "d", Dataset.basis_state, 0)
    H.expect_invalid("Dataset", "index", Dataset.basis_state, 2, 2)


@settings(max_examples=N)
@given(d=H.bad_positive_int(), m=st.integers(5, 10), labels=st.one_of(st.just((1.0,)), st.just("ab"), st.just(None), st.just((np.nan, 1.0))),
       seed=st.one_of(st.none(), st.integers(max_value=-1), st.floats(), st.text(max_size=2)))
def test_random_orthonormal_dataset(d, m, labels, seed):
    H.expect_invalid("random_orthonormal_dataset", "d", random_orthonormal_dataset, d, 2, seed=0)
    H.expect_invalid("random_orthonormal_dataset", "m", random_orthonormal_dataset, 4, m, seed=0)  # m > d
    H.expect_invalid("random_orthonormal_dataset", re.compile(r"labels(\[\d\])?"), random_orthonormal_dataset, 4, 2, seed=0, labels=labels)
    H.expect_invalid("random_orthonormal_dataset", "seed", random_orthonormal_dataset, 4, 2, seed=seed)


@settings(max_examples=N)
@given(labels=st.tuples(st.floats(-1e300, 1e300), st.floats(-1e300, 1e300)))
def test_random_orthonormal_dataset_extreme_labels(labels):
    data = random_orthonormal_dataset(4, 3, seed=1, labels=labels)
    H.expect_finite("random_orthonormal_dataset", data.targets)
    assert data.targets.tolist() == [labels[0], labels[0], labels[1]]


@settings(max_examples=N)
@given(n=H.bad_positive_int(maximum=10), flag=st.one_of(st.integers(), st.none(), st.text(max_size=2)))
def test_all_pauli_strings(n, flag):
    H.expect_invalid("all_pauli_strings", "n_qubits", all_pauli_strings, n)
    H.expect_invalid("all_pauli_strings", "include_identity", all_pauli_strings, 1, include_identity=flag)


@settings(max_examples=N)
@given(value=st.one_of(H.non_hermitian(2), H.non_finite_laced((2, 2), complex_=True), st.just("QQ"), st.just(None), st.just(3.0)),
       name=H.bad_text(), dim=H.bad_positive_int().filter(lambda v: v is not None))  # None: any dimension
def test_as_operator(value, name, dim):
    H.expect_invalid("as_operator", "measurement", as_operator, "measurement", value)
    H.expect_invalid("as_operator", "measurement", as_operator, "measurement", "ZI", 2)
    H.expect_invalid("as_operator", "name", as_operator, name, "Z")
    H.expect_invalid("as_operator", "dim", as_operator, "measurement", "Z", dim)


@settings(max_examples=N)
@given(
    n=H.bad_positive_int(),
    q=st.one_of(st.integers(2, 10**9), st.integers(max_value=-1), st.floats(), st.booleans()),
    gamma=st.one_of(H.bad_real(), st.just(0.0)),
    huge=st.floats(1e299, 1.7e308),
    meas=st.one_of(H.non_hermitian(4), st.just("Z"), st.just("QQ")),
    u=H.non_unitary(2),
)
def test_circuit(n, q, gamma, huge, meas, u):
    H.expect_invalid("circuit", "n_qubits", circuit, n, [("RY", 0)], "Z")
    H.expect_invalid("circuit", "RY qubit", circuit, 2, [("RY", q)], "ZI")
    H.expect_invalid("circuit", "gates[1] (CNOT)", circuit, 2, [("RY", 0), ("CNOT", 0, q)], "ZI")
    H.expect_invalid("circuit", "gates[0]", circuit, 2, [("FOO", 0)], "ZI")
    H.expect_invalid("circuit", "gates[0]", circuit, 2, [()], "ZI")
    H.expect_invalid("circuit", "gates[0]", circuit, 2, [5], "ZI")
    H.expect_invalid("circuit", "gates", circuit, 2, 5, "ZI")
    H.expect_invalid("circuit", "gates", circuit, 2, [("H", 0)], "ZI")  # no parametrised gate
    H.expect_invalid("circuit", "gates[0] (U matrix of gate U)", circuit, 2, [("U", 0, u), ("RY", 0)], "ZI")
    H.expect_invalid("circuit", "gates[0] (U qubits)", circuit, 2, [("U", "a", np.eye(2)), ("RY", 0)], "ZI")
    H.expect_invalid("circuit", "measurement", circuit, 2, [("RY", 0)], meas)
    H.expect_invalid("circuit", "gamma", circuit, 2, [("RY", 0)], "ZI", gamma=gamma)
    # finite gamma, but gamma * ||M_0|| overflows float64
    H.expect_invalid("circuit", "gamma", circuit, 1, [("RY", 0)], PauliOperator.from_label("Z", 1e10), gamma=huge)


@settings(max_examples=N)
@given(d=st.one_of(H.bad_positive_int(), st.just(1)), p=H.bad_positive_int(), gamma=st.one_of(H.bad_real(), st.just(0.0)),
       gen=st.one_of(H.bad_text(), st.just("dense")), flag=st.one_of(st.integers(), st.none(), st.text(max_size=2)),
       meas=st.one_of(H.non_hermitian(4), st.just("ZZZ")))
def test_dense_haar_model(d, p, gamma, gen, flag, meas):
    H.expect_invalid("dense_haar_model", "d", dense_haar_model, d, 2, seed=0)
    H.expect_invalid("dense_haar_model", "p", dense_haar_model, 4, p, seed=0)
    H.expect_invalid("dense_haar_model", "gamma", dense_haar_model, 4, 2, seed=0, gamma=gamma)
    H.expect_invalid("dense_haar_model", "generator", dense_haar_model, 4, 2, seed=0, generator=gen)
    H.expect_invalid("dense_haar_model", "generator", dense_haar_model, 6, 2, seed=0, generator="pauli")
    H.expect_invalid("dense_haar_model", "final_unitary", dense_haar_model, 4, 2, seed=0, final_unitary=flag)
    H.expect_invalid("dense_haar_model", "measurement", dense_haar_model, 4, 2, seed=0, measurement=meas)
    H.expect_invalid("dense_haar_model", "seed", dense_haar_model, 4, 2)


def test_dense_haar_model_too_large_is_refused_before_allocating():
    H.COUNTS["dense_haar_model"] += 1
    with pytest.raises(TooLarge) as info:
        dense_haar_model(2**16, 10, seed=0)  # 11 * 2^32 * 16 bytes would be 750 GB
    assert info.value.argument == "d" and "DENSE_MODEL_MAX_BYTES" in info.value.expected


@settings(max_examples=N)
@given(n=H.bad_positive_int(), rots=st.one_of(st.just("RY"), st.just(()), st.just(("RY", 3)), st.just(("RW",)), st.none()),
       ent=st.one_of(H.bad_text(), st.just("SWAP")))
def test_hardware_efficient_ansatz(n, rots, ent):
    H.expect_invalid("hardware_efficient_ansatz", "n_qubits", hardware_efficient_ansatz, n, 1)
    H.expect_invalid("hardware_efficient_ansatz", "n_layers", hardware_efficient_ansatz, 2, n)
    H.expect_invalid("hardware_efficient_ansatz", "rotations", hardware_efficient_ansatz, 2, 1, rotations=rots)
    H.expect_invalid("hardware_efficient_ansatz", "entangler", hardware_efficient_ansatz, 2, 1, entangler=ent)
