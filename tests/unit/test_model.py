"""Model specs: operators, gates, layers, QNN, builders, encodings, datasets."""

import numpy as np
import pytest

from qnnsym.errors import InvalidInput
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
    circuit,
    dense_haar_model,
    hardware_efficient_ansatz,
    random_orthonormal_dataset,
)
from qnnsym.model.gates import NAMED_GATES, embed_local
from qnnsym.sampling import random_density_matrices


def test_embed_local_matches_kron_on_adjacent_qubits():
    cnot = NAMED_GATES["CNOT"]
    assert np.array_equal(embed_local(cnot, (1, 2), 3), np.kron(np.eye(2), cnot))
    swap = NAMED_GATES["SWAP"]
    reversed_cnot = swap @ cnot @ swap  # control on the second qubit of the pair
    assert np.allclose(embed_local(cnot, (1, 0), 2), reversed_cnot)


def test_gate_sequence_matrix_order_first_gate_acts_first():
    seq = GateSequence(1, (Gate.named("H", 0), Gate.named("S", 0)))
    assert np.allclose(seq.matrix, NAMED_GATES["S"] @ NAMED_GATES["H"])


def test_operator_invariants():
    h = PauliOperator.from_label("XY", -0.5)
    assert (h.norm, h.spread, h.trace(), h.trace_sq()) == (0.5, 1.0, 0.0, 1.0)
    assert np.allclose(np.sort(np.linalg.eigvalsh(h.matrix())), h.eigenvalues())
    diag = DiagonalOperator([1.0, -2.0, 3.0])
    assert (diag.norm, diag.spread, diag.trace(), diag.trace_sq()) == (3.0, 5.0, 2.0, 14.0)
    dense = DenseHermitian(np.array([[1, 1j], [-1j, 1]]))
    assert np.allclose(dense.eigenvalues(), [0, 2])


def test_non_hermitian_generator_rejected_with_tolerance_in_message():
    with pytest.raises(InvalidInput, match=r"matrix: expected a Hermitian 2x2 matrix .*1e-10.*got max\|A - A\^H\| = 1"):
        DenseHermitian(np.array([[0, 1], [0, 0]]))


def test_non_unitary_fixed_gate_rejected():
    with pytest.raises(InvalidInput, match="unitary"):
        DenseUnitary(np.array([[1, 0], [0, 2]]))
    with pytest.raises(InvalidInput, match="gate U"):
        circuit(1, [("U", 0, np.eye(2) * 2), ("RX", 0)], "Z")


def test_dimension_mismatches_rejected():
    with pytest.raises(InvalidInput, match=r"layers\[0\].generator"):
        QNN((Layer(PauliOperator.from_label("X")),), PauliOperator.from_label("ZZ"))
    with pytest.raises(InvalidInput, match="fixed"):
        Layer(PauliOperator.from_label("X"), DenseUnitary(np.eye(4)))


def test_qubit_index_out_of_range():
    with pytest.raises(InvalidInput, match="qubit"):
        circuit(2, [("RX", 2)], "ZZ")
    with pytest.raises(InvalidInput, match=r"gates\[1\]"):
        circuit(2, [("RX", 0), ("CNOT", 0, 5)], "ZZ")


def test_unknown_gate_and_empty_circuit():
    with pytest.raises(InvalidInput, match="FOO"):
        circuit(1, [("FOO", 0)], "Z")
    with pytest.raises(InvalidInput, match="at least one parametrised gate"):
        circuit(1, [("H", 0)], "Z")


def test_hardware_efficient_ansatz_layout():
    qnn = hardware_efficient_ansatz(3, 2)
    assert qnn.n_params == 12
    assert [l.name for l in qnn.layers[:6]] == ["RY(q0)", "RY(q1)", "RY(q2)", "RZ(q0)", "RZ(q1)", "RZ(q2)"]
    assert qnn.layers[6].fixed is not None and [g.name for g in qnn.layers[6].fixed.gates] == ["CNOT", "CNOT"]
    assert qnn.final is not None  # the last entangling ladder
    assert qnn.measurement.pauli.label == "ZII"
    assert all(l.generator.coeff == 0.5 for l in qnn.layers)  # RY = exp(-i theta Y/2), C1


def test_dense_model_is_seeded_and_has_pm1_generators():
    a = dense_haar_model(6, 3, seed=4)
    b = dense_haar_model(6, 3, seed=4)
    assert all(np.array_equal(x.fixed.matrix, y.fixed.matrix) for x, y in zip(a.layers, b.layers))
    assert np.array_equal(a.layers[0].generator.eigenvalues(), [-1, -1, -1, 1, 1, 1])
    assert a.n_qubits is None and a.measurement.trace() == 0
    c = dense_haar_model(8, 3, seed=4, generator="pauli", gamma=2.0, final_unitary=True)
    assert c.final is not None and c.measurement.coeff == 2.0
    assert c.kappa() == pytest.approx(3 * 8 / 63)  # C8: p d / (d^2 - 1)


def test_dense_model_requires_explicit_randomness():
    with pytest.raises(InvalidInput, match="seed"):
        dense_haar_model(4, 2)


def test_pauli_generators_need_power_of_two():
    with pytest.raises(InvalidInput, match="generator"):
        dense_haar_model(6, 2, seed=0, generator="pauli")


def test_random_orthonormal_dataset():
    data = random_orthonormal_dataset(8, 5, seed=3)
    gram = data.states.conj() @ data.states.T
    assert np.allclose(gram, np.eye(5), atol=1e-12)
    assert data.targets.tolist() == [1, 1, 1, -1, -1]
    with pytest.raises(InvalidInput, match="m: expected at most d = 4"):
        random_orthonormal_dataset(4, 5, seed=0)


def test_dataset_validation():
    with pytest.raises(InvalidInput, match=r"states\[0\]: expected a normalised state vector"):
        Dataset(np.array([[1.0, 1.0]]), [0.0])
    with pytest.raises(InvalidInput, match=r"states\[0\]: expected a density matrix with trace 1"):
        Dataset(np.array([np.eye(2)]), [0.0])
    with pytest.raises(InvalidInput, match="positive semidefinite"):
        Dataset(np.array([[[1.5, 0], [0, -0.5]]]), [0.0])
    with pytest.raises(InvalidInput, match="targets: expected a finite real vector of length 1"):
        Dataset(np.array([[1.0, 0.0]]), [0.0, 1.0])
    with pytest.raises(InvalidInput, match="non-finite"):
        Dataset(np.array([[1.0, 0.0]]), [np.nan])
    with pytest.raises(InvalidInput, match="non-finite"):
        Dataset(np.array([[np.inf, 0.0]]), [0.0])


def test_dataset_density_matrices_and_kind():
    mixed = Dataset(random_density_matrices(4, 2, seed=1), [0.0, 1.0])
    assert mixed.kind == "mixed" and mixed.density_matrices().shape == (2, 4, 4)
    pure = Dataset.basis_state(4, index=2)
    assert pure.kind == "pure" and pure.density_matrices()[0, 2, 2] == 1


def test_angle_encoding_matches_rotation_matrices():
    enc = AngleEncoding(2)
    x = np.array([0.3, -1.1])
    ry = lambda a: np.array([[np.cos(a / 2), -np.sin(a / 2)], [np.sin(a / 2), np.cos(a / 2)]])  # noqa: E731
    expect = np.kron(ry(0.3), ry(-1.1)) @ np.array([1, 0, 0, 0])
    assert np.allclose(enc.state(x), expect)
    data = enc.dataset([[0.3, -1.1], [0.0, 0.0]], [1.0, -1.0])
    assert data.encoding is enc and data.features.shape == (2, 2)
    with pytest.raises(InvalidInput, match="features"):
        enc.dataset([[0.3]], [1.0])
    enc_x = AngleEncoding(1, rotation="RX")
    rx = np.array([[np.cos(0.35), -1j * np.sin(0.35)], [-1j * np.sin(0.35), np.cos(0.35)]])
    assert np.allclose(enc_x.state([0.7]), rx @ [1, 0])


def test_models_are_immutable():
    qnn = hardware_efficient_ansatz(2, 1)
    with pytest.raises(Exception):
        qnn.layers = ()
    d = dense_haar_model(4, 1, seed=0)
    with pytest.raises(ValueError):
        d.layers[0].fixed.matrix[0, 0] = 5
