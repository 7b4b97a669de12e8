"""Bad inputs to the numeric engine raise InvalidInput naming the argument."""

import numpy as np
import pytest

from qnnsym.errors import InvalidInput, UnsupportedOperation
from qnnsym.model import DenseHermitian, circuit, dense_haar_model, random_orthonormal_dataset
from qnnsym.numeric import gradient_descent, gradient_flow, jacobian, predict, tangent_kernel


@pytest.fixture
def model():
    return dense_haar_model(4, 3, seed=0)


@pytest.fixture
def data():
    return random_orthonormal_dataset(4, 2, seed=0)


@pytest.mark.parametrize(
    "theta, match",
    [
        ([0.0, 0.0], r"theta: expected a finite real vector of length 3, got an array of shape \(2,\)"),
        ([0.0, np.nan, 0.0], r"theta: .*non-finite entry nan at index \(1,\)"),
        ([0.0, np.inf, 0.0], r"theta: .*non-finite entry inf"),
        ([[0.0, 0.0, 0.0]], r"theta: .*shape \(1, 3\)"),
        (["a", "b", "c"], "theta: expected a finite real vector"),
        ([1j, 0, 0], "theta: .*imaginary"),
    ],
)
def test_bad_theta(model, data, theta, match):
    with pytest.raises(InvalidInput, match=match):
        predict(model, data, theta)


def test_dimension_mismatch_between_model_and_data(model):
    other = random_orthonormal_dataset(8, 2, seed=0)
    with pytest.raises(InvalidInput, match=r"data: expected states of dimension 4 \(the model's\), got dimension 8"):
        jacobian(model, other, np.zeros(3))


def test_wrong_types(model, data):
    with pytest.raises(InvalidInput, match="model: expected a qnnsym.model.QNN"):
        predict("not a model", data, [0.0])
    with pytest.raises(InvalidInput, match="data: expected a qnnsym.model.Dataset"):
        tangent_kernel(model, np.zeros((2, 4)), np.zeros(3))


def test_unknown_jacobian_method(model, data):
    with pytest.raises(InvalidInput, match="method"):
        jacobian(model, data, np.zeros(3), method="magic")


def test_parameter_shift_refuses_three_eigenvalue_generator(data):
    qnn = circuit(2, [("GEN", DenseHermitian(np.diag([0.0, 1.0, 2.0, 2.0])))], "ZI")
    with pytest.raises(UnsupportedOperation, match="two distinct eigenvalues"):
        jacobian(qnn, data, [0.1], method="parameter_shift")


@pytest.mark.parametrize("kw, match", [({"lr": 0.0}, "lr"), ({"lr": -1.0}, "lr"), ({"lr": np.nan}, "lr"), ({"steps": 0}, "steps"), ({"steps": 2.5}, "steps")])
def test_bad_training_arguments(model, data, kw, match):
    args = {"lr": 0.1, "steps": 3, **kw}
    with pytest.raises(InvalidInput, match=match):
        gradient_descent(model, data, np.zeros(3), **args)


def test_bad_flow_arguments(model, data):
    with pytest.raises(InvalidInput, match="dt"):
        gradient_flow(model, data, np.zeros(3), eta=1.0, t_final=1.0, dt=-0.1)
    with pytest.raises(InvalidInput, match="kernel_times"):
        gradient_flow(model, data, np.zeros(3), eta=1.0, t_final=1.0, dt=0.1, kernel_times=[2.0])


def test_divergent_gradient_descent_is_reported(data):
    qnn = dense_haar_model(4, 3, seed=0, gamma=1e155)  # a huge measurement scale overflows the loss
    with np.errstate(over="ignore"), pytest.raises(InvalidInput, match="model: expected a model and data whose loss is finite"):
        gradient_descent(qnn, data, np.zeros(3), lr=1.0, steps=5)
