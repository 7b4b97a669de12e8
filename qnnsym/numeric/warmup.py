"""Compile every kernel signature once (tests call this once per session)."""

from __future__ import annotations

import time

__all__ = ["warmup"]


def warmup() -> float:
    """Compile the engine's kernels for all op and measurement kinds; returns the seconds taken."""
    import numpy as np

    from ..model import DenseHermitian, circuit, dense_haar_model, random_orthonormal_dataset
    from ..sampling import random_density_matrices
    from ..model import Dataset
    from .jacobian import jacobian, predict_and_jacobian
    from .simulate import effective_measurement

    t0 = time.perf_counter()
    qc = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("H", 1), ("RZ", 1), ("U", (0, 1, ), np.eye(4))], "ZX")
    dm = dense_haar_model(4, 2, seed=0)
    dh = circuit(2, [("GEN", DenseHermitian(np.diag([1.0, 2.0, 3.0, 4.0]))), ("RX", 0)], DenseHermitian(np.eye(4)))
    pure = random_orthonormal_dataset(4, 2, seed=0)
    mixed = Dataset(random_density_matrices(4, 2, seed=0), [0.0, 1.0])
    for model in (qc, dm, dh):
        for data in (pure, mixed):
            predict_and_jacobian(model, data, np.zeros(model.n_params))
        effective_measurement(model, np.zeros(model.n_params))
    jacobian(qc, pure, np.zeros(qc.n_params), method="parameter_shift")
    return time.perf_counter() - t0
