"""Predictions, the circuit unitary and the effective measurement, from the numba engine.

>>> import numpy as np
>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.numeric import predict
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")
>>> float(predict(qnn, Dataset.basis_state(2), np.array([np.pi / 3]))[0].round(12))   # cos(pi/3)
0.5
"""

from __future__ import annotations

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge
from ..model import QNN, Dataset
from . import _kernels as K
from . import parallel
from .program import compile_model, prepare_inputs

__all__ = ["predict", "unitary", "effective_measurement", "check_theta", "check_finite_output", "loss", "DENSE_MAX_BYTES"]

#: ``unitary`` and ``effective_measurement`` build ``2 d x d`` complex work arrays; beyond this
#: many bytes they refuse with :class:`~qnnsym.errors.TooLarge` instead of exhausting memory.
DENSE_MAX_BYTES = 2 * 2**30


def check_theta(model: QNN, theta) -> np.ndarray:
    """``theta`` as a finite float64 vector of length ``model.n_params``."""
    return validate.real_vector("theta", theta, length=model.n_params)


def check_finite_output(what: str, values: np.ndarray) -> np.ndarray:
    """Return ``values`` if finite; otherwise raise :class:`~qnnsym.errors.InvalidInput` naming the model.

    Valid inputs give finite results unless the measurement (or a dense generator) is so large
    that float64 overflows; that is reported, never returned as NaN or inf.
    """
    if not np.all(np.isfinite(values)):
        raise InvalidInput("model", f"a model whose {what} are finite in float64 (a measurement or generator this large overflows)",
                           f"a non-finite entry in the {what}")
    return values


def _check_dense_size(d: int) -> None:
    need = 2 * d * d * 16
    if need > DENSE_MAX_BYTES:
        raise TooLarge("model", f"a dimension whose dense d x d work arrays fit in DENSE_MAX_BYTES = {DENSE_MAX_BYTES} bytes",
                       f"d = {d} ({need:.3g} bytes); use predict or jacobian on the inputs you need")


def predict(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``yhat_i = tr(M_0 U(theta) rho_i U(theta)^dag)`` for every input (C2), shape ``(m,)``."""
    prog = compile_model(model)
    theta = check_theta(model, theta)
    inp = prepare_inputs(data, prog.dim)
    y = parallel.run_rows(K.predict_rows, (*prog.circuit_args, *prog.measurement_args, theta), inp.rows,
                          work=4 * inp.rows.shape[0] * prog.dim * prog.depth,
                          allowed=not prog.has_dense and prog.meas_kind != K.MEAS_DENSE)  # rows in threads unless BLAS
    return check_finite_output("predictions", inp.combine(y))


def loss(model: QNN, data: Dataset, theta) -> float:
    """``L = 1/2 sum_i (yhat_i - y_i)^2`` (C3)."""
    r = predict(model, data, theta) - data.targets
    with np.errstate(over="ignore"):
        value = 0.5 * float(r @ r)
    if not np.isfinite(value):
        raise InvalidInput("model", "a model and data whose loss is finite in float64", f"loss = {value!r}")
    return value


def unitary(model: QNN, theta) -> np.ndarray:
    """``U(theta)`` as a dense ``d x d`` matrix (the engine applied to every basis state)."""
    prog = compile_model(model)
    theta = check_theta(model, theta)
    _check_dense_size(prog.dim)
    S = np.zeros((2 * prog.dim, prog.dim), dtype=np.complex128)
    S[: prog.dim] = np.eye(prog.dim)
    K.forward(*prog.circuit_args, theta, S, 0, prog.dim)
    return check_finite_output("unitary entries", np.ascontiguousarray(S[: prog.dim].T))  # row b is U e_b, so U = rows^T


def effective_measurement(model: QNN, theta) -> np.ndarray:
    """``M(theta) = U^dag M_0 U`` (C2), Hermitian ``d x d``."""
    prog = compile_model(model)
    theta = check_theta(model, theta)
    d = prog.dim
    _check_dense_size(d)
    S = np.zeros((2 * d, d), dtype=np.complex128)
    S[:d] = np.eye(d)
    K.forward(*prog.circuit_args, theta, S, 0, d)
    K.apply_measurement(*prog.measurement_args, S, d)
    # M_ab = <U e_a | M_0 U e_b> = sum_c conj(S[a, c]) S[d + b, c]
    m = S[:d].conj() @ S[d:].T
    return check_finite_output("effective measurement entries", 0.5 * (m + m.conj().T))
