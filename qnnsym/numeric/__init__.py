"""The numeric engine: numba kernels behind validating wrappers.

Never imports SymPy or :mod:`qnnsym.symbolic`.  Importing it compiles nothing; the
kernels compile on first use (and are cached on disk), or all at once with
:func:`warmup`.
"""

from .jacobian import jacobian, loss_and_gradient, loss_gradient, predict_and_jacobian
from .simulate import effective_measurement, loss, predict, unitary
from .warmup import warmup

__all__ = [
    "effective_measurement",
    "jacobian",
    "loss",
    "loss_and_gradient",
    "loss_gradient",
    "predict",
    "predict_and_jacobian",
    "unitary",
    "warmup",
]
