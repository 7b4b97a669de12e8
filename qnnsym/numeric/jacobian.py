"""Jacobians ``J_il = d yhat_i / d theta_l`` (C4): adjoint sweep and parameter shift.

The adjoint sweep costs about three forward passes whatever ``p`` is; the
parameter-shift rule (SPEC S1) costs ``2p`` forward passes and applies to
generators with two distinct eigenvalues ``e_1 < e_2``:
``dyhat/dtheta = c (yhat(theta + pi/(4c)) - yhat(theta - pi/(4c)))`` with ``c = (e_2 - e_1)/2``.

>>> import numpy as np
>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.numeric import jacobian
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")
>>> float(jacobian(qnn, Dataset.basis_state(2), [np.pi / 2])[0, 0].round(12))   # d cos(t)/dt at pi/2
-1.0
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInput, UnsupportedOperation
from ..model import QNN, Dataset
from . import _fused
from . import _kernels as K
from . import parallel
from .program import compile_model, compile_schedule, prepare_inputs
from .simulate import check_finite_output, check_theta

__all__ = ["jacobian", "predict_and_jacobian", "loss_gradient", "loss_and_gradient"]


#: Keep forward states for the backward sweep when the program has dense layers and they fit in this.
STORE_STATES_MAX_BYTES = 256 * 2**20


def predict_and_jacobian(model: QNN, data: Dataset, theta) -> tuple[np.ndarray, np.ndarray]:
    """Predictions ``(m,)`` and the adjoint Jacobian ``(m, p)`` from one forward and one backward sweep.

    For programs with dense layers whose forward states fit in :data:`STORE_STATES_MAX_BYTES`,
    the forward states are kept and only the adjoint vectors move back (two dense products per
    layer instead of three); otherwise both are moved back through the inverse gates.
    """
    prog = compile_model(model)
    theta = check_theta(model, theta)
    inp = prepare_inputs(data, prog.dim)
    rows = inp.rows.shape[0]
    sched = compile_schedule(prog)
    if sched is not None:  # rotations and fixed gates only: the fused per-row sweep
        y, J = parallel.run_rows(_fused.adjoint_fused, (*sched.adjoint_args, *prog.circuit_args, *prog.measurement_args,
                                 theta), inp.rows, (prog.n_params,), work=8 * rows * prog.dim * prog.depth)
        return check_finite_output("predictions", inp.combine(y)), check_finite_output("Jacobian entries", inp.combine(J))
    kernel = K.adjoint_rows
    if prog.has_dense and prog.n_params * rows * prog.dim * 16 <= STORE_STATES_MAX_BYTES:
        kernel = K.adjoint_rows_stored
    # rows in parallel threads (qnnsym.numeric.parallel) unless BLAS is involved (dense layers or measurement)
    y, J = parallel.run_rows(kernel, (*prog.circuit_args, *prog.measurement_args, theta), inp.rows, (prog.n_params,),
                             work=8 * rows * prog.dim * prog.depth, allowed=not prog.has_dense and prog.meas_kind != K.MEAS_DENSE)
    return check_finite_output("predictions", inp.combine(y)), check_finite_output("Jacobian entries", inp.combine(J))


def jacobian(model: QNN, data: Dataset, theta, method: str = "adjoint") -> np.ndarray:
    """The Jacobian ``J`` of shape ``(m, p)``.

    Parameters
    ----------
    method : {"adjoint", "parameter_shift"}
    """
    if method == "adjoint":
        return predict_and_jacobian(model, data, theta)[1]
    if method == "parameter_shift":
        prog = compile_model(model)
        bad = np.flatnonzero(np.isnan(prog.half_gap))
        if bad.size:
            raise UnsupportedOperation(
                f"method: the parameter-shift rule needs generators with at most two distinct eigenvalues; "
                f"layer {int(bad[0])} ({model.layers[int(bad[0])].name or type(model.layers[int(bad[0])].generator).__name__}) has more"
            )
        theta = check_theta(model, theta)
        inp = prepare_inputs(data, prog.dim)
        J = K.parameter_shift_rows(*prog.circuit_args, *prog.measurement_args, theta, inp.rows, prog.half_gap)
        return check_finite_output("Jacobian entries", inp.combine(J))
    raise InvalidInput("method", "'adjoint' or 'parameter_shift'", repr(method))


def loss_and_gradient_unchecked(model: QNN, data: Dataset, theta) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`loss_and_gradient` without the finiteness check of ``L`` and ``grad L`` (the trainers
    report a non-finite loss themselves, naming the step that caused it)."""
    y, J = predict_and_jacobian(model, data, theta)
    r = y - data.targets
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * float(r @ r), J.T @ r, r, J


def loss_and_gradient(model: QNN, data: Dataset, theta) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """``(L, grad L, r, J)`` with ``grad L = J^T r`` and ``r = yhat - y`` (C3, C4).

    Raises :class:`~qnnsym.errors.InvalidInput` naming ``model`` when ``L`` or ``grad L``
    overflows float64 (a huge measurement scale), rather than returning inf or NaN.
    """
    L, g, r, J = loss_and_gradient_unchecked(model, data, theta)
    if not (np.isfinite(L) and np.all(np.isfinite(g))):
        raise InvalidInput("model", "a model and data whose loss and gradient are finite in float64",
                           f"loss = {L!r}" + ("" if np.all(np.isfinite(g)) else " and a non-finite gradient"))
    return L, g, r, J


def loss_gradient(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``grad L = J^T (yhat - y)``, shape ``(p,)``."""
    return loss_and_gradient(model, data, theta)[1]
