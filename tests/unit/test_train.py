"""Training (C3): gradient descent, gradient flow, trajectories."""

import numpy as np
import pytest

from qnnsym.model import dense_haar_model, hardware_efficient_ansatz, random_orthonormal_dataset, AngleEncoding
from qnnsym.numeric import Trajectory, gradient_descent, gradient_flow, loss, loss_gradient, reference, tangent_kernel


@pytest.fixture(scope="module")
def setup():
    model = dense_haar_model(8, 20, seed=5)
    data = random_orthonormal_dataset(8, 4, seed=6)
    theta0 = np.random.default_rng(7).uniform(-np.pi, np.pi, 20)
    return model, data, theta0


def test_loss_gradient_matches_reference(setup):
    model, data, th = setup
    assert np.max(np.abs(loss_gradient(model, data, th) - reference.loss_gradient(model, data, th))) <= 1e-12


def test_gradient_descent_step_is_theta_minus_lr_grad(setup):
    model, data, th = setup
    traj = gradient_descent(model, data, th, lr=0.05, steps=1)
    assert np.max(np.abs(traj.final - (th - 0.05 * reference.loss_gradient(model, data, th)))) <= 1e-13
    assert traj.loss[0] == pytest.approx(loss(model, data, th), abs=1e-15)


def test_gd_time_axis_follows_c3(setup):
    model, data, th = setup
    traj = gradient_descent(model, data, th, lr=0.01, steps=10, eta=0.5, record_every=5)
    assert np.allclose(traj.times, [0.0, 0.1, 0.2])  # t_k = k lr / eta


def test_flow_loss_decreases_at_rate_eta_times_grad_norm(setup):
    # L' = -eta ||J^T r||^2 (C4): the five-point time derivative of the recorded loss against the
    # recorded gradient norm.  Both errors are O(h^4) (stencil and RK4); halving h must cut the
    # mismatch by about 16, which a wrong rate (e.g. a missing eta) could not do.
    model, data, th = setup
    eta = 0.5
    mismatch = []
    for h in (0.005, 0.0025):
        traj = gradient_flow(model, data, th, eta=eta, t_final=0.2, dt=h)
        assert np.all(np.diff(traj.loss) <= 0)
        L = traj.loss
        dldt = (L[:-4] - 8 * L[1:-3] + 8 * L[3:-1] - L[4:]) / (12 * h)
        rate = -eta * traj.series["grad_norm"][2:-2] ** 2
        mismatch.append(np.max(np.abs(dldt - rate)) / np.max(np.abs(rate)))
    assert mismatch[1] <= 1e-5
    assert 8 <= mismatch[0] / mismatch[1] <= 32


def test_rk4_flow_converges_at_fourth_order(setup):
    model, data, th = setup
    ref = gradient_flow(model, data, th, eta=1.0, t_final=0.5, dt=0.0125).loss[-1]
    e1 = abs(gradient_flow(model, data, th, eta=1.0, t_final=0.5, dt=0.1).loss[-1] - ref)
    e2 = abs(gradient_flow(model, data, th, eta=1.0, t_final=0.5, dt=0.05).loss[-1] - ref)
    assert 3.0 <= np.log2(e1 / e2) <= 5.0


def test_gd_with_tiny_steps_tracks_flow(setup):
    model, data, th = setup
    flow = gradient_flow(model, data, th, eta=1.0, t_final=0.5, dt=0.01)
    gd_a = gradient_descent(model, data, th, lr=1e-3, steps=500, eta=1.0, record_every=10)
    gd_b = gradient_descent(model, data, th, lr=5e-4, steps=1000, eta=1.0, record_every=20)
    err_a, err_b = (np.max(np.abs(g.loss - flow.loss)) for g in (gd_a, gd_b))
    assert err_a <= 1e-2 * flow.loss[0]
    assert 1.6 <= err_a / err_b <= 2.4  # first order in the step


def test_kernel_checkpoints_and_drift(setup):
    model, data, th = setup
    traj = gradient_descent(model, data, th, lr=0.05, steps=20, kernel_steps=[0, 20])
    assert traj.kernels.shape == (2, 4, 4)
    assert np.allclose(traj.kernels[0], tangent_kernel(model, data, th), atol=1e-14)
    assert np.allclose(traj.kernels[1], tangent_kernel(model, data, traj.final), atol=1e-14)
    assert traj.series["theta_drift_max"][0] == 0 and traj.series["theta_drift_max"][-1] == pytest.approx(np.max(np.abs(traj.final - th)))


def test_trajectory_save_load_roundtrip(tmp_path, setup):
    model, data, th = setup
    traj = gradient_flow(model, data, th, eta=1.0, t_final=0.2, dt=0.05, kernel_times=[0.0, 0.2])
    path = traj.save(tmp_path / "run")
    assert path.suffix == ".npz" and not list(tmp_path.glob("*.tmp*"))
    back = Trajectory.load(path)
    assert np.array_equal(back.residuals, traj.residuals) and np.array_equal(back.kernels, traj.kernels)
    assert np.array_equal(back.final, traj.final) and back.meta == traj.meta
    assert set(back.series) == set(traj.series)


def test_training_a_qubit_circuit_on_encoded_data_reduces_the_loss():
    model = hardware_efficient_ansatz(2, 3)
    data = AngleEncoding(2).dataset([[0.1, 0.5], [2.0, -1.0], [1.0, 1.0]], [0.5, -0.5, 0.0])
    traj = gradient_descent(model, data, np.full(model.n_params, 0.3), lr=0.2, steps=100)
    assert traj.loss[-1] < 0.5 * traj.loss[0]
