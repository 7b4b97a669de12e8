"""The numba engine against independent roads, on random models (hypothesis):
adjoint Jacobian = reference S1 formula = five-point finite differences = parameter shift,
for pure and mixed inputs, qubit circuits and dense models."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qnnsym import tolerances as tol
from qnnsym.numeric import effective_measurement, jacobian, predict, reference, unitary
from qnnsym.strategies import datasets, dense_models, parameters, qubit_circuits

models = st.one_of(qubit_circuits(max_qubits=3, max_gates=8), dense_models(max_dim=8, max_layers=6))


def _instance(draw_model, draw):
    data = draw(datasets(draw_model.dim))
    theta = draw(parameters(draw_model.n_params))
    return data, theta


@given(models, st.data())
def test_predictions_match_reference(model, data_strategy):
    data, theta = _instance(model, data_strategy.draw)
    assert np.max(np.abs(predict(model, data, theta) - reference.predict(model, data, theta))) <= tol.AGREEMENT_ATOL


@given(models, st.data())
def test_unitary_and_effective_measurement_match_reference(model, data_strategy):
    theta = data_strategy.draw(parameters(model.n_params))
    assert np.max(np.abs(unitary(model, theta) - reference.unitary(model, theta))) <= tol.AGREEMENT_ATOL
    m = effective_measurement(model, theta)
    assert np.max(np.abs(m - reference.effective_measurement(model, theta))) <= tol.AGREEMENT_ATOL
    assert np.max(np.abs(m - m.conj().T)) == 0  # returned exactly Hermitian


@given(models, st.data())
def test_adjoint_matches_s1_formula(model, data_strategy):
    data, theta = _instance(model, data_strategy.draw)
    assert np.max(np.abs(jacobian(model, data, theta) - reference.jacobian(model, data, theta))) <= tol.AGREEMENT_ATOL


@given(models, st.data())
def test_adjoint_matches_finite_differences(model, data_strategy):
    data, theta = _instance(model, data_strategy.draw)
    omega = max(l.generator.spread for l in model.layers)
    scale = model.measurement.norm
    h = tol.finite_difference_step(omega)
    bound = tol.finite_difference_tol(omega, scale, tol.linalg_tol(model.dim, model.n_params + 8, scale))
    fd = reference.finite_difference_jacobian(lambda t: reference.predict(model, data, t), theta, h)
    assert np.max(np.abs(jacobian(model, data, theta) - fd)) <= bound


@given(models, st.data())
def test_parameter_shift_matches_adjoint(model, data_strategy):
    data, theta = _instance(model, data_strategy.draw)
    ps = jacobian(model, data, theta, method="parameter_shift")
    assert np.max(np.abs(ps - jacobian(model, data, theta))) <= tol.PARAMETER_SHIFT_ATOL


def test_rotation_commuting_with_measurement_has_zero_gradient():
    from qnnsym.model import circuit, random_orthonormal_dataset

    qnn = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RZ", 0)], "ZI")  # RZ right before a Z measurement
    data = random_orthonormal_dataset(4, 3, seed=1)
    J = jacobian(qnn, data, [0.4, 1.3])
    assert np.all(J[:, 1] == 0) and np.any(J[:, 0] != 0)


def test_gradient_sign_convention_single_qubit():
    # yhat(theta) = <0| RY(theta)^dag Z RY(theta) |0> = cos(theta): J = -sin(theta)
    from qnnsym.model import Dataset, circuit

    qnn = circuit(1, [("RY", 0)], "Z")
    data = Dataset.basis_state(2)
    for th in (-2.0, 0.3, 1.7):
        assert abs(predict(qnn, data, [th])[0] - np.cos(th)) <= 1e-15
        assert abs(jacobian(qnn, data, [th])[0, 0] + np.sin(th)) <= 1e-15


def test_specialised_gate_kernels_match_the_general_ones():
    """CNOT/CZ/SWAP and one-qubit Pauli rotations take specialised kernels; the same unitaries
    given as anonymous 'U' gates and as multi-qubit-label rotations take the general ones."""
    from qnnsym.model import DenseHermitian, circuit, random_orthonormal_dataset
    from qnnsym.model.gates import NAMED_GATES
    from qnnsym.numeric.program import compile_model

    special = [("RX", 0), ("CNOT", 0, 2), ("RY", 1), ("CZ", 1, 2), ("RZ", 2), ("SWAP", 0, 1), ("RY", 0), ("CNOT", 2, 0)]
    gen = lambda label: ("GEN", DenseHermitian(0.5 * _pauli(label)))  # noqa: E731  dense generator: eigenbasis + diagonal path
    general = [gen("XII"), ("U", (0, 2), NAMED_GATES["CNOT"]), gen("IYI"), ("U", (1, 2), NAMED_GATES["CZ"]), gen("IIZ"),
               ("U", (0, 1), NAMED_GATES["SWAP"]), gen("YII"), ("U", (2, 0), NAMED_GATES["CNOT"])]
    a, b = circuit(3, special, "ZXY"), circuit(3, general, "ZXY")
    kinds_a = set(compile_model(a).ops[:, 0].tolist())
    kinds_b = set(compile_model(b).ops[:, 0].tolist())
    assert {5, 6, 7, 8} <= kinds_a and not ({5, 6, 7, 8} & kinds_b)  # ROT1, CNOT, CZ, SWAP only in a
    data = random_orthonormal_dataset(8, 3, seed=2)
    theta = np.array([0.3, -1.2, 2.0, 0.7])
    assert np.max(np.abs(predict(a, data, theta) - predict(b, data, theta))) <= 1e-14
    assert np.max(np.abs(jacobian(a, data, theta) - jacobian(b, data, theta))) <= 1e-13


def _pauli(label):
    from qnnsym.model import PauliString

    return PauliString(label).matrix()
