"""Round-off drift over long circuits and long trajectories, against stated bounds.

Bounds (see docs/reliability.md, "Numerical robustness"):

- circuits: every gate is applied as an exactly-unitary operation rounded to float64, so
  each of ``depth`` operations adds an error of at most ``c eps d``; the guaranteed bound is
  :func:`qnnsym.tolerances.linalg_tol` ``= 10 eps d depth`` (linear).  The errors are
  uncorrelated, so the measured drift grows like a random walk, ``~ eps sqrt(depth)``; the
  tests also assert the sharper ``eps d sqrt(depth)`` (which the measurements meet with a
  margin of 5-15x) so that a change making the errors accumulate coherently is caught.
- isospectral flow: each step is a unitary conjugation, so the spectrum drift is at most
  ``linalg_tol(d, steps)``; trace and Hermiticity likewise (M is re-symmetrised every step).
- RK4 flow: the spectrum drift is truncation error, ``O(dt^4)`` (checked by the conformance
  row ``flow-rk4-accuracy``); it accrues while the flow moves and stops growing once it has
  converged, which the test checks by integrating 10x longer.  The trace is conserved to
  round-off by any Runge-Kutta method because the right-hand side is a commutator.
- gradient descent: predictions are recomputed from theta at every step, so no state
  error accumulates; after 10^4 steps the engine still agrees with the dense reference and
  the effective measurement keeps the spectrum of M_0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnnsym.model import Dataset, dense_haar_model, hardware_efficient_ansatz, random_orthonormal_dataset
from qnnsym.numeric import asymptotic_flow, effective_measurement, gradient_descent, predict, reference, unitary
from qnnsym.tolerances import AGREEMENT_ATOL, EPS, linalg_tol

#: Largest drifts measured in this module, printed at the end of a `-s` run for the docs.
MEASURED: dict[str, float] = {}


def _unitarity(u: np.ndarray) -> tuple[float, float]:
    """``max |U^H U - I|`` and ``max_b | ||U e_b|| - 1 |`` (each column is a state evolved from |b>)."""
    d = u.shape[0]
    return float(np.max(np.abs(u.conj().T @ u - np.eye(d)))), float(np.max(np.abs(np.linalg.norm(u, axis=0) - 1.0)))


def _depth(model) -> int:
    """Number of operations the engine applies: one rotation per parameter, plus fixed gates."""
    fixed = sum(len(getattr(l.fixed, "gates", ())) or (l.fixed is not None) for l in model.layers)
    return model.n_params + fixed


def _assert_circuit_drift(key: str, model, seed: int) -> None:
    theta = np.random.default_rng(seed).uniform(-np.pi, np.pi, model.n_params)
    u = unitary(model, theta)
    unit, norm = _unitarity(u)
    d, depth = model.dim, _depth(model)
    MEASURED[f"{key} unitarity"] = unit
    MEASURED[f"{key} state norm"] = norm
    assert unit <= linalg_tol(d, depth), (unit, linalg_tol(d, depth))  # the guaranteed (linear) bound
    assert norm <= unit + 2 * EPS  # | ||u_b||^2 - 1 | is a diagonal entry of U^H U - I
    random_walk = EPS * d * math.sqrt(depth)
    assert unit <= random_walk, f"{key}: {unit:.2e} > eps d sqrt(depth) = {random_walk:.2e}: errors add up coherently"
    assert unit <= AGREEMENT_ATOL  # so the drift cannot decide an engine-vs-reference comparison


def test_hardware_efficient_ansatz_1e5_layers():
    """3 qubits, 16667 RY/RZ/CNOT layers: 100002 parametrised rotations (about 1.3e5 operations)."""
    model = hardware_efficient_ansatz(3, 16667)
    assert model.n_params >= 10**5
    _assert_circuit_drift("hea(3q, 1e5 rotations)", model, seed=1)


def test_dense_haar_model_1e5_layers():
    """d = 8, p = 10^5 layers exp(-i theta H) W with Haar W (dense 8x8 products)."""
    model = dense_haar_model(8, 10**5, seed=3)
    _assert_circuit_drift("dense(d=8, p=1e5)", model, seed=1)


def test_circuit_drift_grows_sublinearly():
    """From 10^3 to 10^4 layers the drift grows by far less than the 10x a linear accumulation gives."""
    drifts = [_unitarity(unitary(m, np.random.default_rng(2).uniform(-np.pi, np.pi, m.n_params)))[0]
              for m in (dense_haar_model(8, 10**3, seed=4), dense_haar_model(8, 10**4, seed=4))]
    assert drifts[1] <= 6.0 * max(drifts[0], EPS), drifts


def _flow_case():
    model = dense_haar_model(8, 4, seed=41)
    data = random_orthonormal_dataset(8, 4, seed=42)
    return effective_measurement(model, np.random.default_rng(43).uniform(-np.pi, np.pi, 4)), data


def _flow_drifts(tr, m0) -> tuple[float, float, float]:
    m = tr.final
    return (float(tr.series["spectrum_drift"].max()), float(abs(np.trace(m) - np.trace(m0))),
            float(np.max(np.abs(m - m.conj().T))))


def test_isospectral_flow_long_time():
    """10^4 exponential-midpoint steps to T = 100 (the loss falls by 5 orders): spectrum, trace and
    Hermiticity stay within linalg_tol(d, steps)."""
    m0, data = _flow_case()
    tr = asymptotic_flow(m0, data, c=0.5, t_final=100.0, dt=0.01, method="isospectral", record_every=100)
    spec, trace, herm = _flow_drifts(tr, m0)
    steps = tr.meta["steps"]
    MEASURED["isospectral flow T=100 (1e4 steps) spectrum"] = spec
    MEASURED["isospectral flow T=100 trace"] = trace
    assert tr.loss[-1] < 1e-4 * tr.loss[0]  # the run really went somewhere
    bound = linalg_tol(8, steps)
    assert spec <= bound and trace <= bound and herm <= bound, (spec, trace, herm, bound)


def test_rk4_flow_drift_stops_growing():
    """RK4 (dt = 0.04): the spectrum drift is truncation error accrued while M moves; integrating
    10x longer (T = 100 -> 1000, 2.5e4 steps) adds no more than round-off, and the trace is kept."""
    m0, data = _flow_case()
    short = asymptotic_flow(m0, data, c=0.5, t_final=100.0, dt=0.04, record_every=250)
    long = asymptotic_flow(m0, data, c=0.5, t_final=1000.0, dt=0.04, record_every=2500)
    (s_short, _, _), (s_long, trace, herm) = _flow_drifts(short, m0), _flow_drifts(long, m0)
    steps = long.meta["steps"]
    MEASURED["rk4 flow T=1000 dt=0.04 spectrum"] = s_long
    MEASURED["rk4 flow T=1000 trace"] = trace
    assert s_long <= s_short + linalg_tol(8, steps), (s_short, s_long)
    assert trace <= linalg_tol(8, steps) and herm <= linalg_tol(8, steps)
    # the truncation part itself: O(dt^4) with the constant measured for this case (8.6e-3 at c = 0.5)
    assert s_long <= 1e-2 * 0.04**4 * 2, s_long


def test_gradient_descent_1e4_steps():
    """10^4 GD steps on a dense model: the loss never rises beyond round-off, and at the final theta
    the engine still agrees with the dense reference and M(theta) keeps the spectrum of M_0."""
    model = dense_haar_model(4, 6, seed=51)
    data = random_orthonormal_dataset(4, 2, seed=52)
    th0 = np.random.default_rng(53).uniform(-np.pi, np.pi, 6)
    tr = gradient_descent(model, data, th0, lr=0.01, steps=10**4, record_every=10)
    theta = tr.final
    rise = float(max(0.0, np.max(np.diff(tr.loss))))
    pred_err = float(np.max(np.abs(predict(model, data, theta) - reference.predict(model, data, theta))))
    m = effective_measurement(model, theta)
    spec = float(np.max(np.abs(np.linalg.eigvalsh(m) - np.linalg.eigvalsh(model.measurement.matrix()))))
    MEASURED["GD 1e4 steps: engine vs reference"] = pred_err
    MEASURED["GD 1e4 steps: spectrum of M(theta)"] = spec
    assert tr.loss[-1] < tr.loss[0]
    assert rise <= linalg_tol(4, 1, float(tr.loss[0])), rise
    assert pred_err <= AGREEMENT_ATOL
    assert spec <= linalg_tol(4, _depth(model)), spec


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    for k, v in MEASURED.items():
        print(f"\n  drift {k}: {v:.3e} ({v / EPS:.0f} eps)", end="")
