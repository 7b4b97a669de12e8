"""Model specs: Pauli strings, operators, gates, the layered QNN, datasets and builders.

Plain frozen objects with no SymPy or numba logic; both engines read them.
"""

from .builders import circuit, dense_haar_model, hardware_efficient_ansatz
from .dataset import Dataset, random_orthonormal_dataset
from .encoding import AngleEncoding
from .gates import DenseUnitary, Gate, GateSequence
from .operators import DenseHermitian, DiagonalOperator, PauliOperator, as_operator
from .pauli import PauliString, all_pauli_strings
from .qnn import QNN, Layer

__all__ = [
    "AngleEncoding",
    "Dataset",
    "DenseHermitian",
    "DenseUnitary",
    "DiagonalOperator",
    "Gate",
    "GateSequence",
    "Layer",
    "PauliOperator",
    "PauliString",
    "QNN",
    "all_pauli_strings",
    "as_operator",
    "circuit",
    "dense_haar_model",
    "hardware_efficient_ansatz",
    "random_orthonormal_dataset",
]
