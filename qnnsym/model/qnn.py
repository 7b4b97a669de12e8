"""The layered QNN of convention C1.

``U(theta) = W_{p+1} U_p(theta_p) W_p ... U_1(theta_1) W_1`` with
``U_l(theta) = exp(-i theta H_l)``; predictions ``yhat_i = tr(M_0 U rho_i U^dag)`` (C2).

A :class:`QNN` is a plain frozen spec: it holds the layers, the optional final
unitary and the measurement, and knows nothing of SymPy or numba.  Both engines
read it.

>>> from qnnsym.model import hardware_efficient_ansatz
>>> qnn = hardware_efficient_ansatz(2, 1)
>>> qnn.n_params, qnn.dim, qnn.layers[0].name
(4, 4, 'RY(q0)')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import validate
from ..errors import InvalidInput
from .gates import DenseUnitary, FixedUnitary, GateSequence
from .operators import DenseHermitian, DiagonalOperator, HermitianOperator, PauliOperator

__all__ = ["Layer", "QNN"]

_OPERATOR_TYPES = (PauliOperator, DiagonalOperator, DenseHermitian)
_FIXED_TYPES = (DenseUnitary, GateSequence)


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer ``U_l(theta_l) W_l``: the fixed unitary ``fixed`` (``W_l``, or ``None`` for
    the identity) followed by the rotation ``exp(-i theta_l generator)``."""

    generator: HermitianOperator
    fixed: FixedUnitary | None = None
    name: str = ""

    def __post_init__(self) -> None:
        validate.text("name", self.name)
        if not isinstance(self.generator, _OPERATOR_TYPES):
            raise InvalidInput("generator", "a PauliOperator, DiagonalOperator or DenseHermitian", validate.describe(self.generator))
        if self.fixed is not None and not isinstance(self.fixed, _FIXED_TYPES):
            raise InvalidInput("fixed", "a DenseUnitary, a GateSequence or None", validate.describe(self.fixed))
        if self.fixed is not None and self.fixed.dim != self.generator.dim:
            raise InvalidInput(
                "fixed", f"a unitary on dimension {self.generator.dim} (the generator's)", f"dimension {self.fixed.dim}"
            )


@dataclass(frozen=True, eq=False)
class QNN:
    """A layered quantum neural network (C1, C2).

    Parameters
    ----------
    layers : sequence of Layer
        ``(W_l, H_l)`` for ``l = 1..p``, in the order they act.
    measurement : HermitianOperator
        ``M_0``.
    final : FixedUnitary or None
        ``W_{p+1}``, applied after the last rotation.
    n_qubits : int or None
        Set when ``dim = 2**n_qubits`` is a qubit register (needed by Pauli and gate layers).
    name : str
        A label used in reports.
    """

    layers: tuple[Layer, ...]
    measurement: HermitianOperator
    final: FixedUnitary | None = None
    n_qubits: int | None = None
    name: str = "qnn"
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        validate.text("name", self.name)
        if not isinstance(self.meta, dict):
            raise InvalidInput("meta", "a dict", validate.describe(self.meta))
        if isinstance(self.layers, Layer):
            raise InvalidInput("layers", "a sequence of Layer objects", "a single Layer (wrap it in a tuple)")
        if not isinstance(self.layers, (tuple, list)):
            raise InvalidInput("layers", "a sequence of Layer objects", validate.describe(self.layers))
        layers = tuple(self.layers)
        if not layers:
            raise InvalidInput("layers", "at least one parametrised layer", "an empty sequence")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise InvalidInput(f"layers[{i}]", "a Layer", validate.describe(layer))
        if not isinstance(self.measurement, _OPERATOR_TYPES):
            raise InvalidInput("measurement", "a PauliOperator, DiagonalOperator or DenseHermitian", validate.describe(self.measurement))
        d = self.measurement.dim
        for i, layer in enumerate(layers):
            if layer.generator.dim != d:
                raise InvalidInput(f"layers[{i}].generator", f"an operator on dimension {d} (the measurement's)", f"dimension {layer.generator.dim}")
        if self.final is not None:
            if not isinstance(self.final, _FIXED_TYPES):
                raise InvalidInput("final", "a DenseUnitary, a GateSequence or None", validate.describe(self.final))
            if self.final.dim != d:
                raise InvalidInput("final", f"a unitary on dimension {d}", f"dimension {self.final.dim}")
        if self.n_qubits is not None:
            n = validate.positive_int("n_qubits", self.n_qubits)
            if 2**n != d:
                raise InvalidInput("n_qubits", f"log2 of the dimension {d}", str(n))
        object.__setattr__(self, "layers", layers)

    # -- sizes ---------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return self.measurement.dim

    @property
    def n_params(self) -> int:
        return len(self.layers)

    # -- dense views (for the reference implementation, peers and the symbolic engine)
    def fixed_unitaries(self) -> list[np.ndarray | None]:
        """``[W_1, ..., W_p]`` as dense matrices (``None`` where a layer has no fixed part)."""
        return [None if l.fixed is None else np.asarray(l.fixed.matrix) for l in self.layers]

    def generator_matrices(self) -> list[np.ndarray]:
        """``[H_1, ..., H_p]`` as dense matrices."""
        return [l.generator.matrix() for l in self.layers]

    def final_matrix(self) -> np.ndarray | None:
        return None if self.final is None else np.asarray(self.final.matrix)

    def measurement_matrix(self) -> np.ndarray:
        return self.measurement.matrix()

    def kappa(self) -> float:
        """``sum_l beta(H_l)`` (C5, C8): the over-parameterised scaling constant per unit ``eta``."""
        from ..conventions import haar_beta

        return float(sum(haar_beta(l.generator.trace(), l.generator.trace_sq(), self.dim) for l in self.layers))

    def generator_norm_sq_sum(self) -> float:
        """``S = sum_l ||H_l||^2`` (SPEC S5)."""
        return float(sum(l.generator.norm**2 for l in self.layers))

    def summary(self) -> str:
        kinds = sorted({type(l.generator).__name__ for l in self.layers})
        return f"{self.name}: d={self.dim}, p={self.n_params}, generators={'/'.join(kinds)}, M0={self.measurement!r}"

    def __repr__(self) -> str:
        return f"QNN({self.summary()})"
