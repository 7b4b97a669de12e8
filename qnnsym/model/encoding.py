"""Angle encoding of classical features: ``x -> rho(x) = |phi(x)><phi(x)|`` with
``|phi(x)> = (x) _q R(scale * x_q) |0>`` (one rotation per qubit, qubit 0 first).

``R`` is ``RY`` (default) or ``RX`` with the convention C1:
``RY(a) = exp(-i a Y / 2)``, so ``RY(a)|0> = cos(a/2)|0> + sin(a/2)|1>``.

>>> import numpy as np
>>> from qnnsym.model.encoding import AngleEncoding
>>> enc = AngleEncoding(1)
>>> enc.state([np.pi]).round(12).real.tolist()        # RY(pi)|0> = |1>
[0.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import validate
from ..errors import InvalidInput
from .dataset import Dataset

__all__ = ["AngleEncoding"]

_ROTATIONS = ("RY", "RX")

#: ``state`` builds a dense ``2^n`` vector; 26 qubits is 1 GiB of complex128.
MAX_QUBITS = 26


@dataclass(frozen=True)
class AngleEncoding:
    """One feature per qubit, encoded by ``rotation`` with angle ``scale * x_q``."""

    n_qubits: int
    rotation: str = "RY"
    scale: float = 1.0

    def __post_init__(self) -> None:
        validate.positive_int("n_qubits", self.n_qubits, maximum=MAX_QUBITS)
        validate.member("rotation", self.rotation, _ROTATIONS)
        object.__setattr__(self, "scale", validate.finite_real("scale", self.scale))

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    def qubit_state(self, angle: float) -> np.ndarray:
        """``R(angle)|0>`` for one qubit."""
        c, s = np.cos(angle / 2), np.sin(angle / 2)
        if self.rotation == "RY":
            return np.array([c, s], dtype=np.complex128)
        return np.array([c, -1j * s], dtype=np.complex128)  # RX(a)|0> = cos|0> - i sin|1>

    def state(self, x: Any) -> np.ndarray:
        """``|phi(x)>`` for one feature vector of length ``n_qubits``."""
        x = validate.real_vector("x", x, length=self.n_qubits)
        with np.errstate(over="ignore"):
            angles = self.scale * x
        if not np.all(np.isfinite(angles)):
            q = int(np.flatnonzero(~np.isfinite(angles))[0])
            raise InvalidInput("x", f"features whose angles scale * x_q are finite (scale = {self.scale!r})",
                               f"x[{q}] = {x[q]!r}, so the angle overflows")
        out = np.ones(1, dtype=np.complex128)
        for a in angles:
            out = np.kron(out, self.qubit_state(a))
        return out

    def dataset(self, features: Any, targets: Any) -> Dataset:
        """Encode an ``(m, n_qubits)`` feature matrix into a :class:`Dataset` with the given targets."""
        feats = validate.real_array("features", features, (None, self.n_qubits))
        if feats.shape[0] == 0:
            raise InvalidInput("features", f"at least one row of {self.n_qubits} features", "an empty array")
        states = []
        for i, row in enumerate(feats):
            try:
                states.append(self.state(row))
            except InvalidInput as exc:
                raise InvalidInput(f"features[{i}]", exc.expected, exc.got) from None
        states = np.array(states)
        return Dataset(states, targets, encoding=self, features=feats)
