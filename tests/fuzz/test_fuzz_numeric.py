"""Fuzz the public entry points of :mod:`qnnsym.numeric` (and its ``rates`` and ``bounds``
modules) with malformed values, unstable steps and valid-but-extreme inputs (issue 6).

Malformed input must raise :class:`~qnnsym.errors.InvalidInput` naming the argument; valid but
extreme input (huge or tiny angles, boundary labels, huge learning rates) must give finite
results or a named refusal — never NaN, inf, another exception or a hang.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hostile as H
from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.model import Dataset, circuit, dense_haar_model, random_orthonormal_dataset
from qnnsym.numeric import (
    Trajectory,
    asymptotic_flow,
    asymptotic_kernel,
    effective_measurement,
    frozen_kernel_prediction,
    gradient_descent,
    gradient_flow,
    jacobian,
    loss,
    loss_and_gradient,
    loss_gradient,
    predict,
    predict_and_jacobian,
    tangent_kernel,
    unitary,
)
from qnnsym.numeric import bounds, rates
from qnnsym.numeric.stability import (
    MIDPOINT_REAL_LIMIT,
    RK4_HALF_DISC,
    RK4_REAL_LIMIT,
    flow_jacobian_spectral_radius,
    gradient_flow_stiffness,
    hessian_spectral_radius,
)

N = 120  # examples per property (the whole fuzz suite stays well under 60 s on 2 cores)

MODEL = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RZ", 1), ("RX", 0)], "ZI")  # p = 3, d = 4
DENSE = dense_haar_model(4, 3, seed=0)
DATA = random_orthonormal_dataset(4, 2, seed=0)
MIXED = Dataset(np.array([np.eye(4) / 4, np.diag([1.0, 0, 0, 0])], dtype=complex), [1.0, -1.0])
THETA = np.array([0.3, -0.7, 1.1])

# the seven functions of (model, data, theta)
MDT = {
    "predict": predict,
    "jacobian": jacobian,
    "predict_and_jacobian": predict_and_jacobian,
    "tangent_kernel": tangent_kernel,
    "loss": loss,
    "loss_gradient": loss_gradient,
    "loss_and_gradient": loss_and_gradient,
}
MT = {"unitary": unitary, "effective_measurement": effective_measurement}
NOT_A_MODEL = st.one_of(st.none(), st.just("qnn"), st.integers(), st.just(DATA), st.just(np.eye(4)))
NOT_DATA = st.one_of(st.none(), st.just(np.eye(4)), st.just("data"), st.just(MODEL), st.just(random_orthonormal_dataset(8, 2, seed=1)))


@settings(max_examples=N)
@given(theta=H.bad_real_vector(3), model=NOT_A_MODEL, data=NOT_DATA, name=st.sampled_from(sorted(MDT)))
def test_model_data_theta_functions(theta, model, data, name):
    fn = MDT[name]
    H.expect_invalid(name, "theta", fn, MODEL, DATA, theta)
    H.expect_invalid(name, "model", fn, model, DATA, THETA)
    H.expect_invalid(name, "data", fn, MODEL, data, THETA)


@settings(max_examples=N)
@given(theta=H.bad_real_vector(3), model=NOT_A_MODEL, name=st.sampled_from(sorted(MT)))
def test_unitary_and_effective_measurement(theta, model, name):
    H.expect_invalid(name, "theta", MT[name], MODEL, theta)
    H.expect_invalid(name, "model", MT[name], model, THETA)


@settings(max_examples=N)
@given(method=st.one_of(H.bad_text(), st.just("adjoint "), st.just("finite_difference")))
def test_jacobian_method(method):
    H.expect_invalid("jacobian", "method", jacobian, MODEL, DATA, THETA, method=method)


@settings(max_examples=N)
@given(theta=H.extreme_theta(3), mixed=st.booleans(), dense=st.booleans())
def test_extreme_theta_gives_finite_bounded_results(theta, mixed, dense):
    model, data = (DENSE if dense else MODEL), (MIXED if mixed else DATA)
    y, J = H.expect_finite("predict_and_jacobian", predict_and_jacobian(model, data, theta))
    assert np.all(np.abs(y) <= 1 + 1e-9)  # |tr(M0 rho)| <= ||M0|| = 1
    assert np.all(np.abs(J) <= 2 + 1e-9)  # |dyhat/dtheta| <= 2 ||H_l|| ||M0|| (S4)
    H.expect_finite("predict", predict(model, data, theta))
    H.expect_finite("jacobian", jacobian(model, data, theta, method="parameter_shift"))
    H.expect_finite("tangent_kernel", tangent_kernel(model, data, theta))
    H.expect_finite("loss", loss(model, data, theta))
    H.expect_finite("loss_gradient", loss_gradient(model, data, theta))
    H.expect_finite("loss_and_gradient", loss_and_gradient(model, data, theta)[:2])
    u = H.expect_finite("unitary", unitary(model, theta))
    assert np.max(np.abs(u.conj().T @ u - np.eye(4))) <= 1e-10
    m = H.expect_finite("effective_measurement", effective_measurement(model, theta))
    assert np.max(np.abs(m - m.conj().T)) == 0


@settings(max_examples=N)
@given(gamma=st.floats(1e155, 1e300))
def test_overflowing_measurement_is_reported_not_returned(gamma):
    # gamma^2 overflows the loss; predictions themselves are finite
    model = dense_haar_model(4, 3, seed=0, gamma=gamma)
    with np.errstate(over="ignore"):
        H.expect_invalid("loss", "model", loss, model, DATA, THETA)
        H.expect_invalid("loss_and_gradient", "model", loss_and_gradient, model, DATA, THETA)
        H.expect_invalid("loss_gradient", "model", loss_gradient, model, DATA, THETA)
        H.expect_invalid("gradient_descent", "model", gradient_descent, model, DATA, THETA, lr=0.1, steps=2)


@settings(max_examples=N)
@given(m_eff=st.one_of(H.non_hermitian(4), H.non_finite_laced((4, 4), complex_=True), st.just(np.ones(4))),
       rho=H.bad_density(4), i=st.integers(0, 1),
       rhos=st.one_of(H.non_finite_laced((2, 4, 4), complex_=True), H.wrong_dtype_array((2, 4, 4)), st.just(np.zeros((2, 3, 3))), st.just(np.zeros((0, 4, 4)))))
def test_asymptotic_kernel(m_eff, rho, i, rhos):
    good = DATA.density_matrices()
    H.expect_invalid("asymptotic_kernel", "m_eff", asymptotic_kernel, m_eff, good)
    bad = good.copy()
    bad[i] = rho[0]
    H.expect_invalid("asymptotic_kernel", f"rhos[{i}]", asymptotic_kernel, np.diag([1.0, 1, -1, -1]), bad)
    H.expect_invalid("asymptotic_kernel", "rhos", asymptotic_kernel, np.diag([1.0, 1, -1, -1]), rhos)


@settings(max_examples=N)
@given(
    neg=st.floats(1e-6, 1e3), asym=st.floats(1e-6, 1e3),
    r0=st.one_of(H.non_finite_laced((2,)), H.wrong_dtype_array((2,)), st.just(np.zeros(0))),
    eta=H.bad_positive_real(),
    times=st.one_of(H.non_finite_laced((3,)), H.wrong_dtype_array((3,)), H.complex_with_imag((3,)), st.just(np.zeros((2, 2))),
                    st.just(np.array([0.0, -1.0]))),  # any length of finite non-negative times is valid
    kbar=st.one_of(H.non_finite_laced((2, 2)), H.complex_with_imag((2, 2)), st.just(np.eye(3))),
)
def test_frozen_kernel_prediction(neg, asym, r0, eta, times, kbar):
    ok = dict(eta=1.0, times=[0.0, 1.0])
    H.expect_invalid("frozen_kernel_prediction", "kbar", frozen_kernel_prediction, np.diag([1.0, -neg]), [1.0, 1.0], **ok)
    H.expect_invalid("frozen_kernel_prediction", "kbar", frozen_kernel_prediction, np.array([[1.0, asym], [0.0, 1.0]]), [1.0, 1.0], **ok)
    H.expect_invalid("frozen_kernel_prediction", "kbar", frozen_kernel_prediction, kbar, [1.0, 1.0], **ok)
    H.expect_invalid("frozen_kernel_prediction", "r0", frozen_kernel_prediction, np.eye(2), r0, **ok)
    H.expect_invalid("frozen_kernel_prediction", "eta", frozen_kernel_prediction, np.eye(2), [1.0, 1.0], eta=eta, times=[0.0])
    H.expect_invalid("frozen_kernel_prediction", "times", frozen_kernel_prediction, np.eye(2), [1.0, 1.0], eta=1.0, times=times)


@settings(max_examples=N)
@given(lam=st.floats(0, 1e300), eta=st.floats(1e-300, 1e300), t=st.floats(0, 1e300), r=st.floats(-1e300, 1e300))
def test_frozen_kernel_prediction_extreme_valid(lam, eta, t, r):
    try:
        tr = frozen_kernel_prediction(np.diag([lam, 0.0]), [r, r], eta=eta, times=[0.0, t])
    except InvalidInput as err:  # only an honest overflow refusal is allowed
        H.COUNTS["frozen_kernel_prediction"] += 1
        assert err.argument == "kbar"
        return
    H.expect_finite("frozen_kernel_prediction", tr.residuals)
    assert np.all(np.abs(tr.residuals) <= abs(r) * (1 + 1e-12))  # the frozen-kernel flow never grows a residual


@settings(max_examples=N)
@given(lr=H.bad_positive_real(), steps=H.bad_positive_int(maximum=10**7), every=H.bad_positive_int(),
       ksteps=st.one_of(st.just([5]), st.just([-1]), st.just([0.5]), st.just(["a"])), data=NOT_DATA)
def test_gradient_descent_arguments(lr, steps, every, ksteps, data):
    H.expect_invalid("gradient_descent", "lr", gradient_descent, MODEL, DATA, THETA, lr=lr, steps=2)
    H.expect_invalid("gradient_descent", "steps", gradient_descent, MODEL, DATA, THETA, lr=0.1, steps=steps)
    if lr is not None:  # eta=None means "eta = lr"
        H.expect_invalid("gradient_descent", "eta", gradient_descent, MODEL, DATA, THETA, lr=0.1, steps=2, eta=lr)
    H.expect_invalid("gradient_descent", "record_every", gradient_descent, MODEL, DATA, THETA, lr=0.1, steps=2, record_every=every)
    H.expect_invalid("gradient_descent", "kernel_steps", gradient_descent, MODEL, DATA, THETA, lr=0.1, steps=2, kernel_steps=ksteps)
    H.expect_invalid("gradient_descent", "data", gradient_descent, MODEL, data, THETA, lr=0.1, steps=2)
    H.expect_invalid("gradient_descent", "theta", gradient_descent, MODEL, DATA, [np.nan, 0, 0], lr=0.1, steps=2)


@settings(max_examples=N)
@given(lr=st.floats(1e-300, 1e308), theta=H.extreme_theta(3))
def test_gradient_descent_huge_learning_rate_is_finite_or_named(lr, theta):
    # a large lr is a legitimate (edge-of-stability) request: never refused up front, never NaN
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            tr = gradient_descent(MODEL, DATA, theta, lr=lr, steps=3)
    except InvalidInput as err:
        H.COUNTS["gradient_descent"] += 1
        assert err.argument == "lr" and "step small enough" in err.expected
        return
    H.expect_finite("gradient_descent", (tr.residuals, tr.final, tr.loss, tr.series["grad_norm"]))


@settings(max_examples=N)
@given(eta=H.bad_positive_real(), t_final=H.bad_positive_real(), dt=H.bad_positive_real(), every=H.bad_positive_int(),
       ktimes=st.one_of(st.just([2.0]), st.just([-0.1]), st.just([np.nan]), st.just(["a"])))
def test_gradient_flow_arguments(eta, t_final, dt, every, ktimes):
    ok = dict(eta=1.0, t_final=0.1, dt=0.05)
    f = gradient_flow
    H.expect_invalid("gradient_flow", "eta", f, MODEL, DATA, THETA, **{**ok, "eta": eta})
    H.expect_invalid("gradient_flow", "t_final", f, MODEL, DATA, THETA, **{**ok, "t_final": t_final})
    H.expect_invalid("gradient_flow", "dt", f, MODEL, DATA, THETA, **{**ok, "dt": dt})
    H.expect_invalid("gradient_flow", "record_every", f, MODEL, DATA, THETA, **ok, record_every=every)
    H.expect_invalid("gradient_flow", "kernel_times", f, MODEL, DATA, THETA, **ok, kernel_times=ktimes)
    H.expect_invalid("gradient_flow", "data", f, MODEL, random_orthonormal_dataset(8, 2, seed=0), THETA, **ok)


_HESS = {id(m): hessian_spectral_radius(m, DATA, THETA) for m in (MODEL, DENSE)}


@settings(max_examples=N)
@given(factor=st.floats(1.01, 1e6), eta=st.floats(0.01, 100.0), dense=st.booleans())
def test_gradient_flow_refuses_unstable_step(factor, eta, dense):
    model = DENSE if dense else MODEL
    h_max = RK4_REAL_LIMIT / (eta * _HESS[id(model)])
    dt = factor * h_max
    err = H.expect_invalid("gradient_flow", "dt", gradient_flow, model, DATA, THETA, eta=eta, t_final=dt, dt=dt)
    assert "Hess L(theta0)" in err.expected and "a-priori bound" in err.expected


@settings(max_examples=N)
@given(fraction=st.floats(0.01, 1.0), eta=st.floats(1e-3, 1e3), dense=st.booleans())
def test_gradient_flow_accepts_steps_within_the_a_priori_bound(fraction, eta, dense):
    model = DENSE if dense else MODEL
    dt = fraction * RK4_REAL_LIMIT / gradient_flow_stiffness(model, DATA, eta).bound
    tr = gradient_flow(model, DATA, THETA, eta=eta, t_final=3 * dt, dt=dt)
    H.expect_finite("gradient_flow", (tr.residuals, tr.final, tr.series["grad_norm"]))
    assert np.all(np.diff(tr.loss) <= 1e-12)  # a stable step on a gradient flow never raises the loss much


def test_gradient_flow_refuses_too_many_steps():
    H.COUNTS["gradient_flow"] += 1
    with pytest.raises(TooLarge) as info:
        gradient_flow(MODEL, DATA, THETA, eta=1.0, t_final=1.0, dt=1e-12)
    assert info.value.argument == "dt" and "MAX_STEPS" in info.value.expected


M0 = np.diag([1.0, 1.0, -1.0, -1.0]).astype(complex)
RHOS = DATA.density_matrices()
Y = np.array([1.0, -1.0])


@settings(max_examples=N)
@given(m0=st.one_of(H.non_hermitian(4), H.non_finite_laced((4, 4), complex_=True), H.wrong_dtype_array((4, 4))),
       rho=H.bad_density(4), targets=H.bad_real_vector(2), c=H.bad_positive_real(), dt=H.bad_positive_real(),
       method=st.one_of(H.bad_text(), st.just("euler")), ktimes=st.one_of(st.just([2.0]), st.just([-0.1]), st.just([np.inf])))
def test_asymptotic_flow_arguments(m0, rho, targets, c, dt, method, ktimes):
    ok = dict(c=1.0, t_final=0.1, dt=0.05)
    f = asymptotic_flow
    H.expect_invalid("asymptotic_flow", "m0", f, m0, RHOS, Y, **ok)
    bad = RHOS.copy()
    bad[1] = rho[0]
    H.expect_invalid("asymptotic_flow", "data[1]", f, M0, bad, Y, **ok)
    H.expect_invalid("asymptotic_flow", "data", f, M0, np.zeros((2, 3, 3)), Y, **ok)
    H.expect_invalid("asymptotic_flow", "data", f, M0, random_orthonormal_dataset(8, 2, seed=0), **ok)
    H.expect_invalid("asymptotic_flow", "targets", f, M0, RHOS, targets, **ok)
    H.expect_invalid("asymptotic_flow", "targets", f, M0, RHOS, None, **ok)
    H.expect_invalid("asymptotic_flow", "c", f, M0, RHOS, Y, **{**ok, "c": c})
    H.expect_invalid("asymptotic_flow", "dt", f, M0, RHOS, Y, **{**ok, "dt": dt})
    H.expect_invalid("asymptotic_flow", "method", f, M0, RHOS, Y, **ok, method=method)
    H.expect_invalid("asymptotic_flow", "kernel_times", f, M0, RHOS, Y, **ok, kernel_times=ktimes)


@settings(max_examples=N)
@given(factor=st.floats(1.01, 1e6), c=st.floats(0.01, 100.0), method=st.sampled_from(["rk4", "isospectral"]))
def test_asymptotic_flow_refuses_unstable_step(factor, c, method):
    limit = RK4_HALF_DISC if method == "rk4" else MIDPOINT_REAL_LIMIT
    dt = factor * limit / flow_jacobian_spectral_radius(M0, RHOS, Y, c)
    err = H.expect_invalid("asymptotic_flow", "dt", asymptotic_flow, M0, RHOS, Y, c=c, t_final=dt, dt=dt, method=method)
    assert "DF(M(0))" in err.expected


@settings(max_examples=N)
@given(m0=H.valid_hermitian(4, scale=10.0), c=st.floats(1e-3, 1e3), y=st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)),
       method=st.sampled_from(["rk4", "isospectral"]))
def test_asymptotic_flow_accepted_steps_stay_finite(m0, c, y, method):
    # a step at half the measured limit is accepted and the trajectory is finite
    limit = RK4_HALF_DISC if method == "rk4" else MIDPOINT_REAL_LIMIT
    radius = flow_jacobian_spectral_radius(m0, RHOS, np.array(y), c)
    dt = 0.5 * limit / max(radius, 1e-300)
    tr = asymptotic_flow(m0, RHOS, y, c=c, t_final=2 * dt, dt=dt, method=method)
    H.expect_finite("asymptotic_flow", (tr.residuals, tr.final, tr.series["spectrum_drift"]))


@settings(max_examples=N)
@given(times=st.one_of(H.non_finite_laced((2,)), H.wrong_dtype_array((2,)), st.just(np.zeros((2, 1)))), res=st.one_of(H.non_finite_laced((2, 1)), st.just(np.zeros((3, 1))), st.just(np.zeros(2))),
       series=st.one_of(st.just({"a": np.zeros(3)}), st.just({"a": [np.nan, 0.0]}), st.just({1: np.zeros(2)}), st.just([1, 2])),
       kern=st.one_of(st.just(np.zeros((1, 2, 2))), st.just(np.full((1, 1, 1), np.inf))),
       final=st.one_of(H.non_finite_laced((3,)), H.wrong_dtype_array((3,)).filter(lambda v: v is not None)),
       meta=st.one_of(st.just([1]), st.just("meta"), st.integers()))
def test_trajectory_construction(times, res, series, kern, final, meta):
    good = dict(times=np.array([0.0, 1.0]), residuals=np.zeros((2, 1)))
    H.expect_invalid("Trajectory", "times", Trajectory, times, np.zeros((2, 1)))
    H.expect_invalid("Trajectory", "residuals", Trajectory, good["times"], res)
    H.expect_invalid("Trajectory", re.compile(r"series(\[.*\])?"), Trajectory, **good, series=series)
    H.expect_invalid("Trajectory", "kernels", Trajectory, **good, kernel_times=np.array([0.0]), kernels=kern)
    H.expect_invalid("Trajectory", "kernel_times", Trajectory, **good, kernel_times=np.array([np.nan]), kernels=np.zeros((1, 1, 1)))
    H.expect_invalid("Trajectory", "final", Trajectory, **good, final=final)
    H.expect_invalid("Trajectory", "meta", Trajectory, **good, meta=meta)


@settings(max_examples=N)
@given(content=st.one_of(st.binary(max_size=64), st.just(b"PK\x03\x04garbage")), path=st.one_of(st.integers(), st.none(), st.just(b"x")),
       drop=st.sampled_from(["times", "meta", "series_names", "kernels"]))
def test_trajectory_save_load(tmp_path_factory, content, path, drop):
    d = tmp_path_factory.mktemp("traj")
    (d / "junk.npz").write_bytes(content)
    H.expect_invalid("Trajectory.load", "path", Trajectory.load, d / "junk.npz")
    H.expect_invalid("Trajectory.load", "path", Trajectory.load, d / "missing.npz")
    H.expect_invalid("Trajectory.load", "path", Trajectory.load, path)
    tr = Trajectory(np.array([0.0, 1.0]), np.zeros((2, 1)), meta={"k": 1})
    H.expect_invalid("Trajectory.save", "path", tr.save, path)
    saved = tr.save(d / "ok")
    back = Trajectory.load(saved)
    assert np.array_equal(back.residuals, tr.residuals) and back.meta == tr.meta
    with np.load(saved) as f:
        arrays = {k: f[k] for k in f.files if k != drop}
    np.savez(d / "partial.npz", **arrays)
    H.expect_invalid("Trajectory.load", "path", Trajectory.load, d / "partial.npz")
    np.save(d / "single.npy", np.zeros(3))
    H.expect_invalid("Trajectory.load", "path", Trajectory.load, d / "single.npy")
    arrays = {k: f for k, f in np.load(saved).items()}
    arrays["times"] = np.array([0.0, np.nan])
    np.savez(d / "nan.npz", **arrays)
    H.expect_invalid("Trajectory.load", "times", Trajectory.load, d / "nan.npz")


RATE_FNS = {
    "instantaneous_rate": rates.instantaneous_rate,
    "classify_tail": rates.classify_tail,
    "fit_exponential": rates.fit_exponential,
    "fit_power_law": rates.fit_power_law,
}
T6 = np.arange(1.0, 7.0)
L6 = np.exp(-T6)


def _valid_loss_like(times) -> np.ndarray:
    """A valid (positive, finite) loss series with as many records as ``times`` has, so the only flaw is in ``times``."""
    try:
        n = len(times) if np.ndim(times) == 1 else 6
    except (ValueError, TypeError):
        n = 6
    return np.exp(-np.arange(float(n)))


@settings(max_examples=N)
@given(times=st.one_of(H.bad_real_vector(6), st.just(T6[::-1].copy()), st.just(T6[:4]), st.just(np.r_[1.0, 1.0, T6[2:]])),
       loss=st.one_of(H.bad_real_vector(6), st.just(-L6), st.just(np.r_[0.0, L6[1:]])), name=st.sampled_from(sorted(RATE_FNS)))
def test_rates_series(times, loss, name):
    fn = RATE_FNS[name]
    H.expect_invalid(name, "times", fn, times, _valid_loss_like(times))
    H.expect_invalid(name, "loss", fn, T6, loss)


@settings(max_examples=N)
@given(frac=st.one_of(H.bad_positive_real(), st.floats(1.0001, 1e6)), z=H.bad_positive_real(),
       stall=st.one_of(H.bad_real(), st.floats(max_value=-1e-300)))
def test_classify_tail_parameters(frac, z, stall):
    H.expect_invalid("classify_tail", "tail_fraction", rates.classify_tail, T6, L6, tail_fraction=frac)
    H.expect_invalid("classify_tail", "z", rates.classify_tail, T6, L6, z=z)
    H.expect_invalid("classify_tail", "stall_rate", rates.classify_tail, T6, L6, stall_rate=stall)
    H.expect_invalid("fit_power_law", "times", rates.fit_power_law, T6 - 3.0, L6)


@settings(max_examples=N)
@given(t0=st.floats(-1e300, 1e300), span=st.floats(1e-300, 1e300), loss=st.lists(st.floats(1e-300, 1e300), min_size=6, max_size=6),
       name=st.sampled_from(sorted(RATE_FNS)))
def test_rates_extreme_valid(t0, span, loss, name):
    times = t0 + span * np.arange(6)
    if not np.all(np.diff(times) > 0) or (name == "fit_power_law" and times[0] <= 0):
        return  # t0 + k span rounded to equal floats (or a power law at t <= 0): not a valid series
    try:
        out = RATE_FNS[name](times, loss)
    except InvalidInput as err:
        H.COUNTS[name] += 1
        assert err.argument == "times"  # an overflow of the time axis is named, never returned
        return
    if name == "classify_tail":
        H.expect_finite(name, (out.rate, out.rate_stderr))
        assert out.kind in ("linear", "sublinear", "stalled", "undetermined")
    else:
        H.expect_finite(name, out)


@settings(max_examples=N)
@given(bad=H.bad_positive_real(), neg=st.one_of(H.bad_real(), st.floats(max_value=-1e-300)), m=H.bad_positive_int(),
       t=st.one_of(H.non_finite_laced((3,)), H.wrong_dtype_array((3,)), st.just(np.array([-1.0, 0.0])), st.just(-2.0)))
def test_bounds_scalar_functions(bad, neg, m, t):
    kw = dict(eta=1.0, S=1.0, delta=2.0)
    f = bounds.sublinear_lower_bound
    H.expect_invalid("sublinear_lower_bound", "L0", f, bad, 1.0, **kw, m=1)
    H.expect_invalid("sublinear_lower_bound", "t", f, 1.0, t, **kw, m=1)
    H.expect_invalid("sublinear_lower_bound", "eta", f, 1.0, 1.0, **{**kw, "eta": bad}, m=1)
    H.expect_invalid("sublinear_lower_bound", "S", f, 1.0, 1.0, **{**kw, "S": neg}, m=1)
    H.expect_invalid("sublinear_lower_bound", "delta", f, 1.0, 1.0, **{**kw, "delta": neg}, m=1)
    H.expect_invalid("sublinear_lower_bound", "m", f, 1.0, 1.0, **kw, m=m)
    g = bounds.one_sample_residual_bound
    H.expect_invalid("one_sample_residual_bound", "r0", g, neg if not isinstance(neg, float) or not np.isfinite(neg) else "x", 1.0, **kw)
    H.expect_invalid("one_sample_residual_bound", "t", g, 1.0, t, **kw)
    H.expect_invalid("one_sample_residual_bound", "eta", g, 1.0, 1.0, **{**kw, "eta": bad})
    h = bounds.discrete_lower_bound
    H.expect_invalid("discrete_lower_bound", "k", h, 1.0, t, step=0.1, rho=1.0, S=1.0, delta=2.0, m=1)
    H.expect_invalid("discrete_lower_bound", "rho", h, 1.0, 1.0, step=0.1, rho=bad, S=1.0, delta=2.0, m=1)
    H.expect_invalid("discrete_lower_bound", "k", h, 1.0, 1e300, step=0.1, rho=1e300, S=1.0, delta=2.0, m=1)


@settings(max_examples=N)
@given(L0=st.floats(1e-300, 1e300), t=st.floats(0, 1e300), eta=st.floats(1e-300, 1e300), S=st.floats(0, 1e300),
       delta=st.floats(0, 1e300), m=st.integers(1, 10**9))
def test_bounds_extreme_valid(L0, t, eta, S, delta, m):
    v = H.expect_finite("sublinear_lower_bound", bounds.sublinear_lower_bound(L0, t, eta=eta, S=S, delta=delta, m=m))
    assert 0 <= v <= L0 * (1 + 1e-12)
    w = H.expect_finite("one_sample_residual_bound", bounds.one_sample_residual_bound(L0, t, eta=eta, S=S, delta=delta))
    assert 0 <= w <= L0
    x = H.expect_finite("discrete_lower_bound", bounds.discrete_lower_bound(L0, t, step=eta, rho=1.0, S=S, delta=delta, m=m))
    assert 0 <= x <= L0 * (1 + 1e-12)


@settings(max_examples=N)
@given(model=NOT_A_MODEL, data=NOT_DATA, step=H.bad_positive_real(), yhat=H.bad_real_vector(2),
       J=st.one_of(H.non_finite_laced((2, 3)), st.just(np.zeros((3, 2)))), big_step=st.floats(0.2, 1e300))  # 2/H = 1/9 here
def test_bounds_model_functions(model, data, step, yhat, J, big_step):
    H.expect_invalid("measurement_range", "model", bounds.measurement_range, model)
    H.expect_invalid("gd_step_condition", "model", bounds.gd_step_condition, model, DATA, 0.1, 1.0)
    H.expect_invalid("gd_step_condition", "data", bounds.gd_step_condition, MODEL, data, 0.1, 1.0)
    H.expect_invalid("gd_step_condition", "step", bounds.gd_step_condition, MODEL, DATA, step, 1.0)
    H.expect_invalid("gd_step_condition", "L0", bounds.gd_step_condition, MODEL, DATA, 0.1, step)
    y, Jok = predict_and_jacobian(MODEL, DATA, THETA)
    H.expect_invalid("gradient_bounds", "model", bounds.gradient_bounds, model, DATA, THETA, Jok, y)
    H.expect_invalid("gradient_bounds", "data", bounds.gradient_bounds, MODEL, data, THETA, Jok, y)
    H.expect_invalid("gradient_bounds", "J", bounds.gradient_bounds, MODEL, DATA, THETA, J, y)
    H.expect_invalid("gradient_bounds", "yhat", bounds.gradient_bounds, MODEL, DATA, THETA, Jok, yhat)
    H.expect_invalid("gradient_bounds", "theta", bounds.gradient_bounds, MODEL, DATA, [np.nan, 0, 0], Jok, y)
    H.expect_invalid("kernel_trace_bound", "yhat", bounds.kernel_trace_bound, MODEL, J)  # 2-d or non-finite
    H.expect_invalid("kernel_trace_bound", "yhat", bounds.kernel_trace_bound, MODEL, [])
    H.expect_invalid("kernel_trace_bound", "model", bounds.kernel_trace_bound, model, y)
    cond = bounds.gd_step_condition(MODEL, DATA, big_step, 1.0)
    H.COUNTS["gd_step_condition"] += 1
    assert cond.holds is False and cond.reason  # a large step is reported as failing the condition, not NaN
