"""Named tolerances, derived in one place.

Linear-algebra tolerances scale with machine epsilon, the dimension and the circuit
depth; Monte Carlo tolerances are a stated number of standard errors; exact
(rational) results are compared with ``==`` and need none.

>>> from qnnsym.tolerances import EPS, linalg_tol
>>> linalg_tol(d=4, depth=10) > 40 * EPS
True
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "EPS",
    "HERMITIAN_ATOL",
    "UNITARY_ATOL",
    "NORMALISATION_ATOL",
    "PSD_ATOL",
    "AGREEMENT_ATOL",
    "PARAMETER_SHIFT_ATOL",
    "MONTE_CARLO_Z",
    "linalg_tol",
    "finite_difference_step",
    "finite_difference_tol",
]

#: float64 machine epsilon.
EPS: float = float(np.finfo(np.float64).eps)

#: Input checks: ``max |A - A^H| <= HERMITIAN_ATOL * max(1, max |A|)``.
HERMITIAN_ATOL: float = 1e-10
#: Input checks: ``max |U^H U - I| <= UNITARY_ATOL``.
UNITARY_ATOL: float = 1e-10
#: Input checks: ``| ||psi|| - 1 | <= NORMALISATION_ATOL`` and ``|tr rho - 1| <= NORMALISATION_ATOL``.
NORMALISATION_ATOL: float = 1e-10
#: Input checks: smallest eigenvalue of a density matrix ``>= -PSD_ATOL``.
PSD_ATOL: float = 1e-10

#: Issue 2 target: engine-vs-reference agreement, absolute, float64.
AGREEMENT_ATOL: float = 1e-10
#: Issue 2 target: parameter shift vs adjoint Jacobian, absolute.
PARAMETER_SHIFT_ATOL: float = 1e-12

#: Monte Carlo checks pass when ``|estimate - exact| <= MONTE_CARLO_Z * standard_error``.
#: z = 5 puts the false-alarm rate of one check near 6e-7 (two-sided normal tail).
MONTE_CARLO_Z: float = 5.0


def linalg_tol(d: int, depth: int = 1, scale: float = 1.0, safety: float = 10.0) -> float:
    """Round-off allowance for a quantity built from ``depth`` products of ``d x d``
    unitaries applied to a quantity of size ``scale``: ``safety * eps * d * depth * scale``.

    The factor ``d`` bounds the growth of a length-``d`` inner product's error, and each
    of the ``depth`` unitary applications adds at most one such error (unitaries do not
    amplify it).
    """
    return safety * EPS * max(d, 1) * max(depth, 1) * max(scale, 1.0)


def finite_difference_step(omega: float) -> float:
    """Step ``h`` for the five-point central stencil on a trigonometric polynomial whose
    frequencies lie in ``[-omega, omega]`` (omega = spread of the generator's spectrum)."""
    return 1e-3 / max(omega, 1e-3)


def finite_difference_tol(omega: float, value_scale: float, evaluation_error: float) -> float:
    """Error bound of the five-point stencil ``(f(-2h) - 8f(-h) + 8f(h) - f(2h)) / 12h``.

    Truncation: ``h^4 |f^(5)| / 30`` and, by Bernstein's inequality for a trigonometric
    polynomial of frequency at most ``omega`` bounded by ``value_scale``,
    ``|f^(5)| <= omega^5 * value_scale``.  Round-off: the stencil's weights sum to
    ``18 / 12h`` in absolute value, times the error of one evaluation.  A factor 2 of
    safety is added to the sum.
    """
    h = finite_difference_step(omega)
    truncation = h**4 * omega**5 * value_scale / 30.0
    rounding = 18.0 / (12.0 * h) * evaluation_error
    return 2.0 * (truncation + rounding)
