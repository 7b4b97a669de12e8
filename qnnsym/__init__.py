"""qnnsym — symbolic-analytic verification of convergence theorems for quantum neural networks.

Two independent engines compute the same quantities from one model spec: a SymPy
engine (:mod:`qnnsym.symbolic`) and a numba state-vector engine
(:mod:`qnnsym.numeric`); checks hold them against each other and against the
theorems of "Analyzing Convergence in Quantum Neural Networks: Deviations from
Neural Tangent Kernels" (You, Chakrabarti, Chen, Wu, arXiv 2303.14844).

``import qnnsym`` is light: it compiles nothing and imports neither numba nor SymPy;
the engines load when first used.

>>> import qnnsym
>>> qnnsym.PauliString("XZ").n_qubits
2
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from .errors import CheckFailure, InvalidInput, QnnsymError, TooLarge, UnsupportedOperation
from .model import (
    QNN,
    AngleEncoding,
    Dataset,
    DenseHermitian,
    DenseUnitary,
    DiagonalOperator,
    Gate,
    GateSequence,
    Layer,
    PauliOperator,
    PauliString,
    circuit,
    dense_haar_model,
    hardware_efficient_ansatz,
    random_orthonormal_dataset,
)

__all__ = [
    "__version__",
    "AngleEncoding",
    "CheckFailure",
    "Dataset",
    "DenseHermitian",
    "DenseUnitary",
    "DiagonalOperator",
    "Gate",
    "GateSequence",
    "InvalidInput",
    "Layer",
    "PauliOperator",
    "PauliString",
    "QNN",
    "QnnsymError",
    "TooLarge",
    "UnsupportedOperation",
    "circuit",
    "conventions",
    "dense_haar_model",
    "hardware_efficient_ansatz",
    "numeric",
    "random_orthonormal_dataset",
    "symbolic",
]

_LAZY = {"numeric", "symbolic", "conventions", "conformance", "sampling", "tolerances"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'qnnsym' has no attribute {name!r}")
