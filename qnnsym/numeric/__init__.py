"""The numeric engine: numba kernels behind validating wrappers.

Never imports SymPy or :mod:`qnnsym.symbolic`.  Importing it compiles nothing; the
kernels compile on first use (and are cached on disk), or all at once with
:func:`warmup`.
"""

from .flow import asymptotic_flow
from .haar import MonteCarloResult, haar_average, haar_states, haar_unitaries
from .jacobian import jacobian, loss_and_gradient, loss_gradient, predict_and_jacobian
from .kernel import asymptotic_kernel, frozen_kernel_prediction, tangent_kernel
from .simulate import effective_measurement, loss, predict, unitary
from .train import gradient_descent, gradient_flow
from .trajectory import Trajectory
from .warmup import warmup

__all__ = [
    "MonteCarloResult",
    "Trajectory",
    "asymptotic_flow",
    "asymptotic_kernel",
    "frozen_kernel_prediction",
    "gradient_descent",
    "gradient_flow",
    "haar_average",
    "haar_states",
    "haar_unitaries",
    "tangent_kernel",
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
